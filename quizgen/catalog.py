"""What the command line knows about the families before it loads them.

``quizgen list``, ``describe`` and shell completion should answer faster than numpy
imports. They read ``catalog.json``: a snapshot of the family registry (ids, titles,
summaries, what each level changes, fixed cases), written by ``python -m quizgen.catalog``.
The snapshot records a hash of the source files it was taken from; when those files have
changed since (a family edited in a checkout), the catalog comes from the live registry
instead, so it is never stale, only slower. A test fails until the snapshot is rewritten.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
SNAPSHOT = _PACKAGE / "catalog.json"


@dataclass(frozen=True)
class FamilyInfo:
    """A family as the command line describes it, without its generator."""

    id: str
    version: int
    title: str
    summary: str
    tags: tuple[str, ...]
    levels: dict[str, str]  # difficulty -> what it changes in the work
    cases: dict[str, str]  # fixed case name -> its difficulty


def source_files() -> list[Path]:
    """The modules the catalog is taken from: every family and the family base class."""
    return sorted((_PACKAGE / "families").glob("*.py")) + [_PACKAGE / "model" / "family.py"]


def fingerprint() -> str:
    """A checksum of the catalog's source files, to tell whether the snapshot is current
    (CRC-32 rather than SHA-256: loading OpenSSL would cost more than the rest of ``list``)."""
    checksum = 0
    for path in source_files():
        checksum = zlib.crc32(path.relative_to(_PACKAGE).as_posix().encode() + b"\0", checksum)
        checksum = zlib.crc32(path.read_bytes(), checksum)
    return f"{checksum:08x}"


def live() -> dict[str, FamilyInfo]:
    """The catalog taken from the family registry itself (imports every family)."""
    from quizgen.families import FAMILIES

    return {
        f.id: FamilyInfo(f.id, f.version, f.title, f.summary, tuple(f.tags), dict(f.levels),
                         {name: difficulty for name, (difficulty, _) in f.cases.items()})
        for f in FAMILIES.values()
    }


@cache
def families() -> dict[str, FamilyInfo]:
    """Every family's description, in syllabus order: the snapshot when it is current."""
    try:
        snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return live()
    if snapshot["fingerprint"] != fingerprint():
        return live()
    return {f["id"]: FamilyInfo(**{**f, "tags": tuple(f["tags"])}) for f in snapshot["families"]}


def family_ids() -> list[str]:
    """The family ids, in syllabus order."""
    return list(families())


def difficulties() -> list[str]:
    """Every difficulty some family has, in the order the families list them."""
    return list(dict.fromkeys(level for f in families().values() for level in f.levels))


def snapshot_text() -> str:
    """The contents ``catalog.json`` should have, from the live registry."""
    data = {"fingerprint": fingerprint(), "families": [asdict(f) for f in live().values()]}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


if __name__ == "__main__":
    SNAPSHOT.write_text(snapshot_text(), encoding="utf-8")
    print(f"wrote {SNAPSHOT}")
