"""A deck's manifest: what Anki holds of the deck after each build, kept beside the .apkg.

For every live note: its content hash, the modification time it was last given (the time
of the build that last changed it), the Anki deck it goes to and an Anki search that finds
it. For every retired note (in an earlier build, no longer in the deck): the search, kept
until the user runs ``quizgen retired DECK --forget``. The file is read and checked in full
before a build writes anything; a damaged or crafted manifest is a one-line error.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quizgen.errors import QuizgenError
from quizgen.writers.output import MAX_TIMESTAMP, MIN_TIMESTAMP

FORMAT = 2
HASH = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class NoteRecord:
    """One live note as the last build wrote it."""

    hash: str
    mtime: int
    deck: str
    search: str


@dataclass
class Manifest:
    """What the builds into one folder have put into Anki for one deck."""

    deck: str
    deck_id: int
    timestamp: int  # the latest modification time any build gave a note
    notes: dict[str, NoteRecord] = field(default_factory=dict)
    retired: dict[str, str] = field(default_factory=dict)  # GUID -> Anki search

    def to_bytes(self) -> bytes:
        data = {
            "format": FORMAT, "deck": self.deck, "deck_id": self.deck_id, "timestamp": self.timestamp,
            "notes": {g: {"hash": r.hash, "mtime": r.mtime, "deck": r.deck, "search": r.search}
                      for g, r in sorted(self.notes.items())},
            "retired": dict(sorted(self.retired.items())),
        }
        return (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def manifest_path(out_dir: Path, stem: str) -> Path:
    return Path(out_dir) / f"{stem}.manifest.json"


def read_manifest(path: Path, deck_id: int) -> Manifest | None:
    """The manifest at ``path`` (None if there is none), checked in full."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise _damaged(path, str(exc)) from None
    try:
        manifest = _legacy(raw) if isinstance(raw, dict) and "format" not in raw else _parse(raw)
    except KeyError as exc:
        raise _damaged(path, f"missing key {exc}") from None
    except (TypeError, ValueError) as exc:
        raise _damaged(path, str(exc)) from None
    if manifest.deck_id != deck_id:
        raise QuizgenError(f"{path}: this manifest belongs to the deck with id {manifest.deck_id}, but the deck file "
                           f"says {deck_id}; a deck's id must never change (or build into another folder)")
    return manifest


def _damaged(path: Path, why: str) -> QuizgenError:
    return QuizgenError(f"{path}: damaged manifest ({why}); restore it from a backup, or delete it to start "
                        "afresh (its retired notes will then no longer be listed)")


def _parse(raw: Any) -> Manifest:
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise ValueError(f"format must be {FORMAT}")
    notes = {}
    for guid, record in _table(raw["notes"], "notes").items():
        if not isinstance(record, dict):
            raise TypeError(f"notes.{guid} must be a table")
        notes[guid] = NoteRecord(_hash(record["hash"]), _time(record["mtime"]),
                                 _text(record["deck"], "deck"), _text(record["search"], "search"))
    retired = {g: _text(s, "search") for g, s in _table(raw["retired"], "retired").items()}
    return Manifest(_text(raw["deck"], "deck"), _int(raw["deck_id"], "deck_id"), _time(raw["timestamp"]),
                    notes, retired)


def _legacy(raw: dict[str, Any]) -> Manifest:
    """A manifest from before notes were scoped to their deck: every note it lists is retired
    (the deck's notes now have other identities), found by a search that excludes new notes."""
    hashes = _table(raw["notes"], "notes")
    searches = _table(raw["searches"], "searches")
    retired = {g: f"{_text(searches[g], 'search')} -tag:quizgen::deck::*" for g in hashes}
    stamp = raw["timestamp"]
    if not isinstance(stamp, (int, float)) or isinstance(stamp, bool) or stamp != stamp:
        raise TypeError("timestamp must be a number")
    return Manifest(_text(raw["deck"], "deck"), _int(raw["deck_id"], "deck_id"),
                    max(MIN_TIMESTAMP, min(MAX_TIMESTAMP, int(stamp))), {}, retired)


def _table(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"{name} must be a table")
    return value


def _text(value: Any, name: str) -> str:
    """A non-empty string with no control character (searches and names are printed)."""
    if not isinstance(value, str) or not value:
        raise TypeError(f"{name} must be a non-empty string")
    if any(unicodedata.category(c) == "Cc" for c in value):
        raise ValueError(f"{name} holds a control character")
    return value


def _int(value: Any, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an integer")
    return value


def _time(value: Any) -> int:
    if not MIN_TIMESTAMP <= _int(value, "a time") <= MAX_TIMESTAMP:
        raise ValueError(f"time {value} out of range")
    return value


def _hash(value: Any) -> str:
    if not isinstance(value, str) or not HASH.match(value):
        raise ValueError("a note hash must be 64 hex digits")
    return value
