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

Every mistake in a file is reported with the file, the key and the valid choices. Names
are checked the way Anki stores them (it would silently trim, drop or rename otherwise),
the description is plain text, and a deck holds at most ``MAX_DECK_PROBLEMS`` problems.
A deck holds only problems that fit a one-minute flashcard review (``quizgen.model.cards``).
"""

from __future__ import annotations

import hashlib
import json
import sys
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterator

from quizgen.batch import MAX_COUNT
from quizgen.errors import QuizgenError
from quizgen.facts import FACTS
from quizgen.families import FAMILIES
from quizgen.model.cards import CARD_MAX_WORKED, fits_card
from quizgen.model.family import make_problem
from quizgen.model.problem import Problem
from quizgen.model.seeding import derive_seeds
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
MAX_DECK_PROBLEMS = 20_000  # sections x count; a deck is built in memory
MAX_DESCRIPTION = 2_000  # characters
FACTS_SUBDECK = "Facts"


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

    def subdeck_name(self, section: Section) -> str:
        """The full Anki name of the (sub)deck a section's notes go to."""
        return f"{self.name}::{section.subdeck}" if section.subdeck else self.name

    @property
    def facts_deck(self) -> str:
        return f"{self.name}::{FACTS_SUBDECK}"

    @property
    def deck_names(self) -> tuple[str, ...]:
        """Every Anki deck this file fills: the deck, its subdecks, its facts subdeck."""
        names = [self.name, *(self.subdeck_name(s) for s in self.sections)]
        if self.facts:
            names.append(self.facts_deck)
        return tuple(dict.fromkeys(names))

    def draw(self) -> Iterator[tuple[Section, Problem]]:
        """Every problem of the deck, drawn section by section in a fixed order (by family,
        kind and difficulty, not file order, so moving sections around changes nothing).

        The deck never holds two problems with the same inputs, nor one that asks more than
        fits a flashcard (``quizgen.model.cards``): such a draw is skipped and the next seed
        drawn.
        """
        seen: set[str] = set()
        for section in sorted(self.sections, key=lambda s: (s.family, s.stream)):
            for problem in _distinct_problems(self, section, seen):
                yield section, problem

    def problems(self) -> list[tuple[Section, list[Problem]]]:
        """Each section, in file order, with its problems."""
        drawn: dict[Section, list[Problem]] = {s: [] for s in self.sections}
        for section, problem in self.draw():
            drawn[section].append(problem)
        return list(drawn.items())

    def by_family(self) -> list[DeckDefinition]:
        """The deck cut into one deck per family, in drawing order, to draw them apart (in
        parallel): a draw is skipped only for inputs of its own family, so each part draws
        exactly the problems the whole deck draws for its family."""
        families = sorted({s.family for s in self.sections})
        return [replace(self, sections=tuple(s for s in self.sections if s.family == f)) for f in families]


def _distinct_problems(definition: DeckDefinition, section: Section, seen: set[str]) -> Iterator[Problem]:
    """``section.count`` problems that fit a flashcard and whose inputs are not in ``seen``
    (which they join).

    Each seed keeps its difficulty whatever is skipped (the levels take turns by seed
    index), so growing a section keeps the notes it had.
    """
    family = FAMILIES[section.family]
    levels = list(family.levels)
    budget = 8 * section.count + 50  # room for repeats and, at the easy level of qk.softmax, 3 in 4 draws too long
    found = too_long = 0
    for k, seed in enumerate(derive_seeds(definition.seed, family.id, budget, stream=section.stream)):
        problem = make_problem(family, seed, section.difficulty or levels[k % len(levels)])
        if not fits_card(problem):
            too_long += 1
            continue
        key = json.dumps([family.id, problem.inputs], sort_keys=True)
        if key not in seen:
            seen.add(key)
            yield problem
            found += 1
            if found == section.count:
                return
    level = f" ({section.difficulty})" if section.difficulty else ""
    message = (f"{definition.path}: the {section.kind} section of {section.family}{level} found only {found} "
               f"problems not already in the deck in {budget} draws")
    if too_long:
        message += (f"; {too_long} of the draws ask for more than {CARD_MAX_WORKED} worked numbers, too long "
                    "for a card (such problems belong on a sheet: quizgen sheet); lower its count or choose "
                    "another difficulty")
    else:
        message += "; lower its count"
    raise QuizgenError(message)


def _check_keys(where: str, table: dict[str, Any], allowed: dict[str, type]) -> None:
    for key, value in table.items():
        if key not in allowed:
            raise QuizgenError(f"{where}: unknown key {key!r}; valid keys: {', '.join(allowed)}")
        expected = allowed[key]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise QuizgenError(f"{where}: {key} must be {expected.__name__}, not {type(value).__name__}")


def check_deck_name(where: str, name: str) -> None:
    """Refuse a deck name Anki would store differently (it trims, drops or renames silently)."""
    parts = name.split("::")
    if any(not part.strip() for part in parts):
        raise QuizgenError(f"{where}: {name!r} has an empty part; Anki would name it 'blank' (parts are split at '::')")
    for part in parts:
        if any(unicodedata.category(c) == "Cc" for c in part):
            raise QuizgenError(f"{where}: {name!r} holds a control character, which Anki would drop")
        if part != part.strip():
            raise QuizgenError(f"{where}: {name!r} has spaces around a part, which Anki would trim: "
                               f"write {'::'.join(p.strip() for p in parts)!r}")
    if unicodedata.normalize("NFC", name) != name:
        raise QuizgenError(f"{where}: {name!r} is not in Unicode NFC form, which Anki would store instead: "
                           f"write {unicodedata.normalize('NFC', name)!r}")


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
    if subdeck is not None:
        if "::" in subdeck:
            raise QuizgenError(f"{where}.subdeck: must be one name, without '::'")
        check_deck_name(f"{where}.subdeck", subdeck)
    return Section(family, raw["count"], kind, difficulty, subdeck)


def _read_toml(path: Path) -> dict[str, Any]:
    if path.is_dir():
        raise QuizgenError(f"{path}: is a folder, not a deck file; name the deck files in it ({path}/*.toml)")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))  # -sig: a byte-order mark is fine
    except FileNotFoundError:
        raise QuizgenError(f"{path}: no such deck file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise QuizgenError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise QuizgenError(f"{path}: not valid TOML: {exc}") from None


def load_deck(path: Path) -> DeckDefinition:
    """Parse and validate a deck file; every error names the file and the key."""
    path = Path(path)
    raw = _read_toml(path)
    _check_keys(str(path), raw, DECK_KEYS)
    for key in REQUIRED_DECK_KEYS:
        if key not in raw:
            raise QuizgenError(f"{path}: missing key {key!r}")
    check_deck_name(f"{path}: name", raw["name"])
    if not 1 <= raw["id"] < 2**63:
        raise QuizgenError(f"{path}: id must be a positive 64-bit integer")
    if raw["seed"] < 0:
        raise QuizgenError(f"{path}: seed must be non-negative")
    description = raw.get("description", "")
    if len(description) > MAX_DESCRIPTION:
        raise QuizgenError(f"{path}: description is {len(description):,} characters; at most {MAX_DESCRIPTION:,}")
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
    size = sum(s.count for s in sections)
    if size > MAX_DECK_PROBLEMS:
        raise QuizgenError(f"{path}: the deck holds {size:,} problems (the sections' counts added up); "
                           f"a deck holds at most {MAX_DECK_PROBLEMS:,}")
    definition = DeckDefinition(path, raw["name"], raw["id"], raw["seed"], description, tuple(facts), sections)
    _check_distinct_names([definition])
    return definition


def _check_distinct_names(definitions: list[DeckDefinition]) -> None:
    """Anki matches deck names ignoring case: two spellings of one name are one deck."""
    spelled: dict[str, tuple[str, Path]] = {}
    for definition in definitions:
        for name in definition.deck_names:
            other = spelled.setdefault(name.casefold(), (name, definition.path))
            if other[1] != definition.path:
                raise QuizgenError(f"{definition.path} and {other[1]} both fill the Anki deck {name!r}; "
                                   "give each deck file its own name")
            if other[0] != name:
                raise QuizgenError(f"{definition.path}: {other[0]!r} and {name!r} are one deck in Anki, "
                                   "which ignores case; spell them the same")


def check_distinct(definitions: list[DeckDefinition]) -> None:
    """Deck files built together must not share an id, an Anki deck or an output name."""
    ids: dict[int, Path] = {}
    stems: dict[str, Path] = {}
    for d in definitions:
        if d.id in ids:
            raise QuizgenError(f"{d.path} and {ids[d.id]} have the same id {d.id}; every deck needs its own")
        if d.stem.casefold() in stems:
            raise QuizgenError(f"{d.path} and {stems[d.stem.casefold()]} would both be written to {d.stem}.apkg; "
                               "rename one of the files")
        ids[d.id] = d.path
        stems[d.stem.casefold()] = d.path
    _check_distinct_names(definitions)


def deck_files(folder: Path) -> list[Path]:
    """The deck files of a folder, in name order."""
    if not Path(folder).is_dir():
        raise QuizgenError(f"{folder}: no such folder of deck files")
    files = sorted(Path(folder).glob("*.toml"))
    if not files:
        raise QuizgenError(f"{folder}: no deck files (*.toml)")
    return files
