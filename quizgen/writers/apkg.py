"""Anki decks (.apkg) that survive rebuilds and imports next to other decks.

Note types are genanki models whose ids and field lists are fixed forever (a new field
means a new model with a new version in its name). A note's GUID comes from the deck's
fixed id and the note's identity (kind, family, version, seed, or the fact id), never from
its text: a rebuilt note replaces the old one in Anki and keeps its review history, and
two decks never share a note, even with the same seed and families (the everything deck
has notes of its own, apart from the topic decks').

Anki updates a note on import only when the incoming modification time is newer than its
own. So a note keeps the time of the build that last changed its content (read from the
manifest, see ``manifest.py``): an unchanged note is skipped on import and the student's
tags and edits on it survive; a new or changed note gets this build's time, which is moved
past the previous build's when it is not later.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import shlex
import sqlite3
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass, field, replace
from html import escape
from pathlib import Path
from typing import Callable, Iterator

import genanki
import markupsafe

from quizgen.batch import jobs_for_tasks, parallel_map
from quizgen.decks import DeckDefinition, Section
from quizgen.errors import QuizgenError
from quizgen.facts import FACTS, Cloze, Fact
from quizgen.model.choices import lettered_options
from quizgen.model.content import Step
from quizgen.model.problem import Problem
from quizgen.render.html import HtmlWriter
from quizgen.words import counted
from quizgen.resources import shipped
from quizgen.typed import typed_answer
from quizgen.writers.manifest import Manifest, NoteRecord, manifest_path, read_manifest
from quizgen.writers.output import MAX_TIMESTAMP, write_together

# Note type ids are chosen once per version. Anki keeps a note type it already has (its
# templates and CSS) whatever an import brings, so a changed template or CSS is a new
# version with a new id. v2 (0.2.0): the phone layout, collapsed steps, full answers.
BASIC_MODEL_ID = 1_607_392_421
CHOICE_MODEL_ID = 1_607_392_422
CLOZE_MODEL_ID = 1_607_392_423
TYPED_MODEL_ID = 1_607_392_414
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # every zip entry's date, so the same build gives the same bytes


def _css() -> str:
    return (shipped("templates") / "anki" / "card.css").read_text(encoding="utf-8")


def _source_template(front: str) -> str:
    return front + '\n<div class="source">{{ProblemId}} · {{Source}}</div>'


def basic_model() -> genanki.Model:
    """Front: the problem and one question. Back: the full answer, the answer to the
    question, then the worked steps (collapsed)."""
    return genanki.Model(
        BASIC_MODEL_ID, "quizgen Basic v2",
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "ProblemId"}, {"name": "Source"}],
        templates=[{
            "name": "Card 1", "qfmt": "{{Front}}",
            "afmt": _source_template('{{FrontSide}}\n<hr id="answer">\n{{Back}}'),
        }],
        css=_css(),
    )


def choice_model() -> genanki.Model:
    """Front: the problem, the question and lettered options. Back: the full answer, the
    right letter and, for each wrong option, the mistake behind it."""
    return genanki.Model(
        CHOICE_MODEL_ID, "quizgen Multiple choice v2",
        fields=[{"name": "Front"}, {"name": "Options"}, {"name": "Answer"}, {"name": "ProblemId"}, {"name": "Source"}],
        templates=[{
            "name": "Card 1", "qfmt": "{{Front}}\n{{Options}}",
            "afmt": _source_template('{{FrontSide}}\n<hr id="answer">\n{{Answer}}'),
        }],
        css=_css(),
    )


def cloze_model() -> genanki.Model:
    """One card per gap of a fact."""
    return genanki.Model(
        CLOZE_MODEL_ID, "quizgen Cloze v2",
        fields=[{"name": "Text"}, {"name": "Extra"}, {"name": "Source"}],
        templates=[{
            "name": "Cloze", "qfmt": "{{cloze:Text}}",
            "afmt": '{{cloze:Text}}\n<div class="extra">{{Extra}}</div>\n<div class="source">{{Source}}</div>',
        }],
        css=_css(),
        model_type=genanki.Model.CLOZE,
    )


def typed_model() -> genanki.Model:
    """Front: the problem, one question with a short answer, how to type it, and Anki's
    type-in box. Back: Anki's comparison of the typed and expected text, the full answer,
    then the worked steps (collapsed)."""
    return genanki.Model(
        TYPED_MODEL_ID, "quizgen Type answer v1",
        fields=[{"name": "Front"}, {"name": "Expected"}, {"name": "Back"}, {"name": "ProblemId"}, {"name": "Source"}],
        templates=[{
            "name": "Card 1", "qfmt": "{{Front}}\n{{type:Expected}}",
            "afmt": _source_template('{{Front}}\n{{type:Expected}}\n<hr id="answer">\n{{Back}}'),
        }],
        css=_css(),
    )


@dataclass(frozen=True)
class NoteData:
    """What one note will hold: its identity, model, fields and tags, and where it goes."""

    guid: str
    kind: str
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    deck_name: str
    search: str  # an Anki search that finds this note (GUIDs cannot be searched for)
    # What an import would change, hashed where the note is made (by a worker, when a deck
    # is built on several processes); the deck is left out, since an import never moves cards.
    content_hash: str = field(init=False)

    def __post_init__(self) -> None:
        payload = json.dumps([self.kind, self.fields, self.tags], ensure_ascii=False)
        object.__setattr__(self, "content_hash", hashlib.sha256(payload.encode("utf-8")).hexdigest())


def note_guid(deck_id: int, kind: str, family: str, version: int, seed: int | str) -> str:
    return genanki.guid_for("quizgen", deck_id, kind, family, version, seed)


def fact_guid(deck_id: int, fact_id: str) -> str:
    return genanki.guid_for("quizgen/fact", deck_id, fact_id)


def deck_tag(deck_id: int) -> str:
    """The tag every note of a deck carries, so a search can tell two decks' notes apart."""
    return f"quizgen::deck::{deck_id}"


def search_term(key: str, value: str) -> str:
    """A quoted Anki search term matching ``value`` literally (``*`` and ``_`` are wildcards)."""
    for char in ("\\", '"', "*", "_"):
        value = value.replace(char, "\\" + char)
    return f'"{key}:{value}"'


def anki_tags(problem: Problem, kind: str, deck_id: int) -> tuple[str, ...]:
    """Hierarchical tags: quizgen::family::..., quizgen::difficulty::..., topics, seed notes, the deck."""
    return (f"quizgen::family::{problem.family}", f"quizgen::note::{kind}",
            *(f"quizgen::{t}" for t in problem.tags), deck_tag(deck_id))


def _source(problem: Problem) -> str:
    """Where the note comes from and the command that shows it again."""
    family, seed = markupsafe.escape(problem.family), markupsafe.escape(problem.seed)
    command = (f"--case {seed}" if isinstance(problem.seed, str)
               else f"--seed {seed} --difficulty {markupsafe.escape(problem.difficulty)}")
    return (f"{family} · seed {seed} · {markupsafe.escape(problem.difficulty)} · "
            f"regenerate: <code>quizgen show {family} {command}</code>")


# The card fields below are HTML put together from pieces the HtmlWriter has rendered
# (markupsafe.Markup, already safe); every other value goes through markupsafe.escape,
# as an autoescaping Jinja template would do.

def _front(prompt: str, question: str) -> str:
    """The front of a problem note: the problem, then the one question it asks."""
    return f'<div class="prompt">{prompt}</div>\n<div class="question">{question}</div>\n'


def _steps(writer: HtmlWriter, steps: tuple[Step, ...]) -> str:
    """The worked steps, collapsed under a summary line."""
    items = "".join(f'<li><div class="step-title">{writer.pieces((s.title,))}</div>{writer.blocks(s.blocks)}</li>\n'
                    for s in steps)
    return f'<details class="steps"><summary>Worked steps</summary>\n<ol class="steps">\n{items}</ol>\n</details>\n'


def _answer(answer: str, verdict: str) -> str:
    """The top of a note's back: the full answer, then the verdict on the question."""
    return f'<div class="answer">{answer}</div>\n<div class="verdict">{verdict}</div>\n'


def _choice_fields(problem: Problem, writer: HtmlWriter, answer: str, steps: str) -> tuple[str, str]:
    """The lettered options, and the back: the answer, the right letter, and the mistake
    behind each wrong option. Each option is rendered once, for both fields."""
    options = [(o, markupsafe.escape(o.letter), writer.pieces(o.pieces)) for o in lettered_options(problem)]
    listed = "".join(f'<li><span class="letter">{letter}.</span><span class="option">{html}</span></li>\n'
                     for _, letter, html in options)
    letter, html = next((letter, html) for o, letter, html in options if o.right)
    mistakes = "".join(
        f'<li class="mistake"><b>{letter}</b> {html} is wrong: it {writer.pieces((o.mistake.explanation,))} '
        f'<span class="name">({markupsafe.escape(o.mistake.name)})</span></li>\n'
        for o, letter, html in options if o.mistake is not None)
    back = _answer(answer, f"{letter} is right: {html}") + f'<ul class="mistakes">\n{mistakes}</ul>\n' + steps
    return f'<ol class="options">\n{listed}</ol>\n', back


def problem_note(problem: Problem, kind: str, deck_name: str, deck_id: int, writer: HtmlWriter) -> NoteData:
    """A basic, multiple-choice or typed-answer note for one problem."""
    s = problem.solution
    front = _front(writer.blocks(s.prompt), writer.pieces(s.question))
    answer, steps = writer.blocks(s.answer), _steps(writer, s.steps)
    source = _source(problem)
    if kind == "choice":
        options, back = _choice_fields(problem, writer, answer, steps)
        fields = (front, options, back, problem.id, source)
    else:
        back = _answer(answer, writer.pieces(s.choice)) + steps
        fields = (front, back, problem.id, source)
        if kind == "typed":
            typed = typed_answer(problem)
            front += f'<div class="format">Type {markupsafe.escape(typed.instruction)}.</div>\n'
            fields = (front, escape(typed.expected), back, problem.id, source)
    return NoteData(note_guid(deck_id, kind, problem.family, problem.version, problem.seed), kind, fields,
                    anki_tags(problem, kind, deck_id), deck_name,
                    f"{search_term('ProblemId', problem.id)} tag:{deck_tag(deck_id)}")


def fact_note(fact: Fact, deck_name: str, deck_id: int, writer: HtmlWriter) -> NoteData:
    """A cloze note; math inside a gap keeps its braces apart so the gap ends where it should."""
    parts = []
    for piece in fact.pieces:
        if isinstance(piece, Cloze):
            parts.append(f"{{{{c{piece.index}::{writer.pieces(piece.pieces)}}}}}")
        else:
            parts.append(str(writer.pieces((piece,))))
    text = "".join(parts)
    return NoteData(fact_guid(deck_id, fact.id), "cloze", (text, str(writer.pieces((fact.extra,))), f"fact {fact.id}"),
                    ("quizgen::fact", f"quizgen::topic::{fact.topic}", deck_tag(deck_id)), deck_name,
                    f"{search_term('Source', f'fact {fact.id}')} tag:{deck_tag(deck_id)}")


def deck_notes(definition: DeckDefinition, writer: HtmlWriter,
               tick: Callable[[int], None] = lambda n: None, jobs: int = 1) -> list[NoteData]:
    """Every note of a deck, section by section in file order, then the facts.

    With ``jobs`` > 1 the families are drawn and rendered on that many processes
    (``DeckDefinition.by_family``), each with a copy of ``writer`` whose figures join
    ``writer.media``; the notes are the same for any number of jobs.
    """
    by_section: dict[Section, list[NoteData]] = {s: [] for s in definition.sections}
    if jobs == 1:
        for section, note in _problem_notes(definition, writer):
            by_section[section].append(note)
            tick(1)
    else:
        # every family handed out at once, the largest first, so that a process that is done
        # takes the next family whichever is still being drawn
        largest_first = sorted(definition.by_family(), key=lambda part: -part.size)
        parts = [(part, replace(writer, media={})) for part in largest_first]
        for notes, media in parallel_map(_family_notes, parts, jobs, window=len(parts)):
            for section, note in notes:
                by_section[section].append(note)
            writer.media.update(media)
            tick(len(notes))
    notes = [note for section_notes in by_section.values() for note in section_notes]
    notes += [fact_note(f, definition.facts_deck, definition.id, writer) for f in FACTS if f.topic in definition.facts]
    return notes


def _problem_notes(definition: DeckDefinition, writer: HtmlWriter) -> Iterator[tuple[Section, NoteData]]:
    """The deck's problem notes in drawing order, each with its section."""
    for section, problem in definition.draw():
        yield section, problem_note(problem, section.kind, definition.subdeck_name(section), definition.id, writer)


def _family_notes(work: tuple[DeckDefinition, HtmlWriter]) -> tuple[list[tuple[Section, NoteData]], dict[str, str]]:
    """One family's part of a deck (a task for a worker process): its notes, and the
    figures the writer collected for them."""
    part, writer = work
    return list(_problem_notes(part, writer)), writer.media


def deck_jobs(definition: DeckDefinition, wanted: int | None) -> int:
    """How many processes build a deck: one family per task (``jobs_for_tasks``)."""
    return jobs_for_tasks(wanted, len({s.family for s in definition.sections}), definition.size)


def subdeck_id(deck_id: int, name: str) -> int:
    """A subdeck's id, derived once and for all from the deck id and its full name."""
    digest = hashlib.sha256(f"{deck_id}/{name}".encode("utf-8")).digest()
    return int.from_bytes(digest[:7], "little") | (1 << 56)


def description_html(text: str) -> str:
    """A deck description is plain text: escaped, its line breaks kept."""
    return escape(text).replace("\n", "<br>")


@dataclass(frozen=True)
class Move:
    """Notes whose Anki deck the deck file changed; an import leaves their cards where they are."""

    old: str
    new: str
    notes: int

    def search(self, deck_id: int) -> str:
        """An Anki search for the deck's cards in the old deck itself (not in its subdecks)."""
        children = search_term("deck", self.old)[:-1] + '::*"'  # a wildcard, unlike the name
        return f"{search_term('deck', self.old)} -{children} tag:{deck_tag(deck_id)}"


@dataclass(frozen=True)
class BuildReport:
    """What a build wrote and how it compares with the previous builds' manifest."""

    path: Path
    deck_file: Path
    deck_id: int
    notes: int
    new: int
    changed: int
    unchanged: int
    retired: tuple[str, ...]  # Anki searches for every retired note not yet forgotten
    moves: tuple[Move, ...] = ()
    requested: int = 0  # the build time asked for
    stamp: int = 0  # the time new and changed notes got

    def summary(self) -> str:
        lines = [f"{self.path}: {counted(self.notes, 'note')} ({self.new} new, {self.changed} changed, "
                 f"{self.unchanged} unchanged, {len(self.retired)} retired)"]
        if self.stamp != self.requested:
            lines.append(f"  the build time {self.requested} is not later than the previous build's, so new and "
                         f"changed notes get {self.stamp}: Anki applies only notes newer than its own")
        for move in self.moves:
            lines.append(
                f"  {counted(move.notes, 'note')} move from Anki deck {move.old!r} to {move.new!r}; an import does not move "
                f"cards Anki already has: before importing, rename {move.old!r} to {move.new!r} in Anki (or "
                f"select the cards in the browser with {move.search(self.deck_id)} "
                "and use Change Deck)")
        if self.retired:
            forget = f"quizgen retired {shlex.quote(str(self.deck_file))} -o {shlex.quote(str(self.path.parent))} --forget"
            lines.append(
                "  importing cannot delete retired notes: to remove them, search Anki's browser for "
                f"{' OR '.join(f'({s})' for s in self.retired)} and delete what it finds, then run `{forget}`")
        return "\n".join(lines)


def plan_build(definition: DeckDefinition, notes: list[NoteData], previous: Manifest | None,
               requested: int, path: Path) -> tuple[Manifest, dict[str, int], BuildReport]:
    """Compare with the previous manifest: the new manifest, each note's modification time, the report."""
    before = previous.notes if previous else {}
    hashes = {n.guid: n.content_hash for n in notes}
    fresh = {g for g, h in hashes.items() if g not in before or before[g].hash != h}
    stamp = requested
    if fresh and previous and requested <= previous.timestamp:
        stamp = previous.timestamp + 1
        if stamp > MAX_TIMESTAMP:
            raise QuizgenError(f"the previous build of {definition.path} is dated {previous.timestamp}, the latest "
                               "time quizgen writes; no later build can update its notes in Anki")
    mtimes = {g: stamp if g in fresh else before[g].mtime for g in hashes}
    latest = previous.timestamp if previous and not fresh else stamp
    retired = dict(previous.retired) if previous else {}
    retired.update({g: r.search for g, r in before.items() if g not in hashes})
    for guid in hashes:
        retired.pop(guid, None)  # a note that came back is live again
    manifest = Manifest(definition.name, definition.id, latest,
                        {n.guid: NoteRecord(hashes[n.guid], mtimes[n.guid], n.deck_name, n.search) for n in notes},
                        retired)
    new = sum(1 for g in hashes if g not in before)
    report = BuildReport(
        path, definition.path, definition.id, len(notes), new, len(fresh) - new, len(notes) - len(fresh),
        tuple(retired.values()), _moves(definition, notes, previous), requested, stamp)
    return manifest, mtimes, report


def _moves(definition: DeckDefinition, notes: list[NoteData], previous: Manifest | None) -> tuple[Move, ...]:
    """Notes whose Anki deck changed: first the deck's own rename (its subdecks follow it in
    Anki), then the moves between subdecks that remain."""
    if previous is None:
        return ()
    old_name = previous.deck

    def after_rename(deck: str) -> str:
        if deck == old_name or deck.startswith(old_name + "::"):
            return definition.name + deck[len(old_name):]
        return deck

    renamed = 0
    moved: Counter[tuple[str, str]] = Counter()
    for note in notes:
        record = previous.notes.get(note.guid)
        if record is None or record.deck == note.deck_name:
            continue
        renamed += after_rename(record.deck) != record.deck
        if after_rename(record.deck) != note.deck_name:
            moved[(after_rename(record.deck), note.deck_name)] += 1
    rename = [Move(old_name, definition.name, renamed)] if renamed else []
    return tuple(rename + [Move(old, new, k) for (old, new), k in sorted(moved.items())])


class _TimedNote(genanki.Note):
    """A genanki note written with its own modification time rather than the package's."""

    def __init__(self, mtime: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.mtime = mtime

    def write_to_db(self, cursor, timestamp, deck_id, id_gen):  # type: ignore[no-untyped-def]
        super().write_to_db(cursor, self.mtime, deck_id, id_gen)


def anki_decks(definition: DeckDefinition, notes: list[NoteData], mtimes: dict[str, int]) -> list[genanki.Deck]:
    """The deck and its subdecks, filled with the notes."""
    models = {"basic": basic_model(), "choice": choice_model(), "cloze": cloze_model(), "typed": typed_model()}
    description = description_html(definition.description)
    decks = {definition.name: genanki.Deck(definition.id, definition.name, description=description)}
    for note in notes:
        if note.deck_name not in decks:
            decks[note.deck_name] = genanki.Deck(subdeck_id(definition.id, note.deck_name), note.deck_name,
                                                 description=description)
        decks[note.deck_name].add_note(_TimedNote(mtimes[note.guid], model=models[note.kind], fields=list(note.fields),
                                                  guid=note.guid, tags=list(note.tags)))
    return list(decks.values())


def collection_bytes(decks: list[genanki.Deck], timestamp: int, scratch: Path) -> bytes:
    """The package's SQLite collection, built in memory (in ``scratch``, a folder of ours,
    where Python's sqlite3 cannot serialise a database)."""
    conn = sqlite3.connect(":memory:")
    try:
        genanki.Package(decks).write_to_db(conn.cursor(), timestamp, itertools.count(timestamp * 1000))
        conn.commit()
        if hasattr(conn, "serialize"):
            return conn.serialize()
        with tempfile.TemporaryDirectory(dir=scratch, prefix=".collection.") as folder:  # pragma: no cover - 3.10
            disk = sqlite3.connect(Path(folder) / "collection.anki2")
            conn.backup(disk)
            disk.close()
            return (Path(folder) / "collection.anki2").read_bytes()
    except sqlite3.Error as exc:
        raise QuizgenError(f"cannot build the Anki collection: {exc}") from None
    finally:
        conn.close()


def write_package(path: Path, collection: bytes, media: dict[str, str]) -> None:
    """The .apkg: a zip of the collection, the media index and the media, dated ZIP_DATE."""
    names = sorted(media)
    entries = [("collection.anki2", collection),
               ("media", json.dumps({str(k): name for k, name in enumerate(names)}).encode("utf-8")),
               *((str(k), media[name].encode("utf-8")) for k, name in enumerate(names))]
    with zipfile.ZipFile(path, "w") as package:
        for name, data in entries:
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            package.writestr(info, data)


def write_deck(definition: DeckDefinition, out_dir: Path, timestamp: int,
               tick: Callable[[int], None] = lambda n: None,
               announce: Callable[[BuildReport], None] = lambda report: None,
               jobs: int = 1) -> BuildReport:
    """Build one deck into ``out_dir``: the .apkg and its manifest, replaced together.

    ``tick`` is told how many notes are done as they are; ``announce`` gets the report
    when both files are complete, before they replace the old ones, so the list of retired
    notes is shown before the manifest changes. ``jobs``: processes to use (``deck_jobs``
    chooses for the command line); the files are the same for any number.
    """
    out_dir = Path(out_dir)
    manifest_file = manifest_path(out_dir, definition.stem)
    previous = previous_build(definition, out_dir)  # checked before anything is written
    writer = HtmlWriter(card_tables=True)
    notes = deck_notes(definition, writer, tick, jobs)
    apkg = package_path(out_dir, definition.stem)
    manifest, mtimes, report = plan_build(definition, notes, previous, timestamp, apkg)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise QuizgenError(f"cannot create {out_dir}: {exc.strerror or exc}") from None
    collection = collection_bytes(anki_decks(definition, notes, mtimes), manifest.timestamp, out_dir)
    write_together({apkg: lambda tmp: write_package(tmp, collection, writer.media),
                    manifest_file: manifest.to_bytes()},
                   before_commit=lambda: announce(report))
    return report


def package_path(out_dir: Path, stem: str) -> Path:
    """Where a deck's .apkg goes."""
    return Path(out_dir) / f"{stem}.apkg"


def previous_build(definition: DeckDefinition, out_dir: Path) -> Manifest | None:
    """The manifest of the last build of this deck into ``out_dir``, checked; None if none."""
    if Path(out_dir).exists() and not Path(out_dir).is_dir():
        raise QuizgenError(f"cannot write into {out_dir}: it is not a folder")
    return read_manifest(manifest_path(out_dir, definition.stem), definition.id)


def forget_retired(definition: DeckDefinition, out_dir: Path) -> int:
    """Drop the retired notes from a deck's manifest (the user has deleted them); how many."""
    manifest = _built(definition, out_dir)
    count = len(manifest.retired)
    if count:
        manifest.retired = {}
        write_together({manifest_path(out_dir, definition.stem): manifest.to_bytes()})
    return count


def retired_searches(definition: DeckDefinition, out_dir: Path) -> list[str]:
    """The Anki searches of a deck's retired notes, as its manifest lists them."""
    return list(_built(definition, out_dir).retired.values())


def _built(definition: DeckDefinition, out_dir: Path) -> Manifest:
    manifest = previous_build(definition, out_dir)
    if manifest is None:
        raise QuizgenError(f"{manifest_path(out_dir, definition.stem)}: no manifest; "
                           f"{definition.path} has not been built into {out_dir}")
    return manifest
