"""Deck definitions: the TOML files in ``decks/`` that say what a deck holds.

A deck file names the deck, fixes its Anki id and base seed, and lists sections::

    name = "quizgen::Graphs"
    id = 1764000000101
    seed = 2026
    facts = ["qk", "merging"]        # topics of cloze facts to add (optional)

    [[section]]
    family = "qk.scores"
    count = 8
    kind = "choice"                  # basic, choice or typed (default basic)
    difficulty = "medium"            # optional; without it the levels take turns
    subdeck = "Scores"               # optional; becomes "quizgen::Graphs::Scores"

Every mistake in a file is reported with the file, the key and the valid choices.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from quizgen.batch import MAX_COUNT, generate
from quizgen.errors import QuizgenError
from quizgen.facts import FACTS
from quizgen.families import FAMILIES
from quizgen.model.problem import Problem
from quizgen.typed import TYPED_FAMILIES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

KINDS = ("basic", "choice")
DECK_KINDS = (*KINDS, "typed")  # typed-answer cards exist only in Anki decks
DECK_KEYS = {"name": str, "id": int, "seed": int, "description": str, "facts": list, "section": list}
REQUIRED_DECK_KEYS = ("name", "id", "seed")
SECTION_KEYS = {"family": str, "count": int, "kind": str, "difficulty": str, "subdeck": str}
FACT_TOPICS = tuple(dict.fromkeys(f.topic for f in FACTS))


@dataclass(frozen=True)
class Section:
    """One block of a deck: ``count`` problems of one family, as one kind of note."""

    family: str
    count: int
    kind: str = "basic"
    difficulty: str | None = None
    subdeck: str | None = None

    @property
    def stream(self) -> int:
        """Separates the seeds of sections of the same family, from what the section is
        (not where it stands), so reordering a deck file keeps every note's identity."""
        key = f"{self.kind}/{self.difficulty or 'mixed'}".encode()
        return int.from_bytes(hashlib.sha256(key).digest()[:4], "little")

    def problems(self, base_seed: int) -> Iterator[Problem]:
        return generate([FAMILIES[self.family]], self.count, base_seed, self.difficulty, stream=self.stream)


@dataclass(frozen=True)
class DeckDefinition:
    """A parsed deck file."""

    path: Path
    name: str
    id: int
    seed: int
    description: str
    facts: tuple[str, ...]
    sections: tuple[Section, ...]

    @property
    def stem(self) -> str:
        return self.path.stem

    @property
    def size(self) -> int:
        """How many problems the deck holds (facts not counted)."""
        return sum(s.count for s in self.sections)


def _check_keys(where: str, table: dict[str, Any], allowed: dict[str, type]) -> None:
    for key, value in table.items():
        if key not in allowed:
            raise QuizgenError(f"{where}: unknown key {key!r}; valid keys: {', '.join(allowed)}")
        expected = allowed[key]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise QuizgenError(f"{where}: {key} must be {expected.__name__}, not {type(value).__name__}")


def _section(where: str, raw: Any) -> Section:
    if not isinstance(raw, dict):
        raise QuizgenError(f"{where}: a section must be a table ([[section]])")
    _check_keys(where, raw, SECTION_KEYS)
    if "family" not in raw or "count" not in raw:
        raise QuizgenError(f"{where}: a section needs family and count")
    family = raw["family"]
    if family not in FAMILIES:
        raise QuizgenError(f"{where}.family: unknown family {family!r}; choose from {', '.join(FAMILIES)}")
    if not 1 <= raw["count"] <= MAX_COUNT:
        raise QuizgenError(f"{where}.count: must be between 1 and {MAX_COUNT:,}, not {raw['count']}")
    kind = raw.get("kind", "basic")
    if kind not in DECK_KINDS:
        raise QuizgenError(f"{where}.kind: unknown kind {kind!r}; choose from {', '.join(DECK_KINDS)}")
    if kind == "typed" and family not in TYPED_FAMILIES:
        raise QuizgenError(f"{where}.kind: {family} has answers too long to type; kind 'typed' works for "
                           f"{', '.join(TYPED_FAMILIES)}")
    difficulty = raw.get("difficulty")
    levels = FAMILIES[family].levels
    if difficulty is not None and difficulty not in levels:
        raise QuizgenError(f"{where}.difficulty: unknown difficulty {difficulty!r}; choose from {', '.join(levels)}")
    subdeck = raw.get("subdeck")
    if subdeck is not None and (not subdeck.strip() or "::" in subdeck):
        raise QuizgenError(f"{where}.subdeck: must be a non-empty name without '::'")
    return Section(family, raw["count"], kind, difficulty, subdeck)


def load_deck(path: Path) -> DeckDefinition:
    """Parse and validate a deck file; every error names the file and the key."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise QuizgenError(f"{path}: no such deck file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise QuizgenError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise QuizgenError(f"{path}: not valid TOML: {exc}") from None
    _check_keys(str(path), raw, DECK_KEYS)
    for key in REQUIRED_DECK_KEYS:
        if key not in raw:
            raise QuizgenError(f"{path}: missing key {key!r}")
    if not raw["name"].strip():
        raise QuizgenError(f"{path}: name must not be empty")
    if not 1 <= raw["id"] < 2**63:
        raise QuizgenError(f"{path}: id must be a positive 64-bit integer")
    if raw["seed"] < 0:
        raise QuizgenError(f"{path}: seed must be non-negative")
    facts = raw.get("facts", [])
    for topic in facts:
        if topic not in FACT_TOPICS:
            raise QuizgenError(f"{path}: facts: unknown topic {topic!r}; choose from {', '.join(FACT_TOPICS)}")
    sections = tuple(_section(f"{path}: section[{k + 1}]", s) for k, s in enumerate(raw.get("section", [])))
    identities = [(s.family, s.stream) for s in sections]
    for k, ident in enumerate(identities):
        if ident in identities[:k]:
            raise QuizgenError(
                f"{path}: section[{k + 1}] repeats the family, kind and difficulty of an earlier section; "
                "merge them (raise count) so no problem appears twice"
            )
    if not sections and not facts:
        raise QuizgenError(f"{path}: the deck has no section and no facts")
    return DeckDefinition(path, raw["name"], raw["id"], raw["seed"], raw.get("description", ""), tuple(facts), sections)


def deck_files(folder: Path) -> list[Path]:
    """The deck files of a folder, in name order."""
    if not Path(folder).is_dir():
        raise QuizgenError(f"{folder}: no such folder of deck files")
    files = sorted(Path(folder).glob("*.toml"))
    if not files:
        raise QuizgenError(f"{folder}: no deck files (*.toml)")
    return files
