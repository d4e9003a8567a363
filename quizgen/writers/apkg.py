"""Anki decks (.apkg) that survive rebuilds.

Note types are genanki models whose ids and field lists are fixed forever (a new field
means a new model with a new version in its name). A note's GUID comes from
(namespace, family, version, seed), never from its text, so a rebuilt note replaces the
old one in Anki and keeps its review history. Every build stamps one modification time on
all notes, because Anki only updates a note whose incoming mtime is newer.

Next to each ``.apkg`` a manifest lists GUID -> content hash; the next build compares
against it and reports new, changed, unchanged and retired notes.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import genanki

from quizgen.decks import DeckDefinition, Section
from quizgen.errors import QuizgenError
from quizgen.writers.output import atomic_write, atomic_write_with
from quizgen.facts import FACTS, Cloze, Fact
from quizgen.model.choices import lettered_options
from quizgen.model.problem import Problem
from quizgen.render.html import HtmlWriter
from quizgen.resources import jinja_env, shipped

BASIC_MODEL_ID = 1_607_392_411
CHOICE_MODEL_ID = 1_607_392_412
CLOZE_MODEL_ID = 1_607_392_413


def _css() -> str:
    return (shipped("templates") / "anki" / "card.css").read_text(encoding="utf-8")


def _source_template(front: str) -> str:
    return front + '\n<div class="source">{{ProblemId}} · {{Source}}</div>'


def basic_model() -> genanki.Model:
    """Front: the problem and one question. Back: the answer, then the worked steps."""
    return genanki.Model(
        BASIC_MODEL_ID, "quizgen Basic v1",
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "ProblemId"}, {"name": "Source"}],
        templates=[{
            "name": "Card 1", "qfmt": "{{Front}}",
            "afmt": _source_template('{{FrontSide}}\n<hr id="answer">\n{{Back}}'),
        }],
        css=_css(),
    )


def choice_model() -> genanki.Model:
    """Front: the problem, the question and lettered options. Back: the right letter and,
    for each wrong option, the mistake behind it."""
    return genanki.Model(
        CHOICE_MODEL_ID, "quizgen Multiple choice v1",
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
        CLOZE_MODEL_ID, "quizgen Cloze v1",
        fields=[{"name": "Text"}, {"name": "Extra"}, {"name": "Source"}],
        templates=[{
            "name": "Cloze", "qfmt": "{{cloze:Text}}",
            "afmt": '{{cloze:Text}}\n<div class="extra">{{Extra}}</div>\n<div class="source">{{Source}}</div>',
        }],
        css=_css(),
        model_type=genanki.Model.CLOZE,
    )


@dataclass(frozen=True)
class NoteData:
    """What one note will hold: its identity, model, fields and tags."""

    guid: str
    kind: str
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    deck_name: str
    search: str  # an Anki search that finds this note (GUIDs cannot be searched for)

    @property
    def content_hash(self) -> str:
        payload = json.dumps([self.kind, self.fields, self.tags, self.deck_name], ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def note_guid(kind: str, family: str, version: int, seed: int | str) -> str:
    return genanki.guid_for(f"quizgen/{kind}", family, version, seed)


def anki_tags(problem: Problem, kind: str) -> tuple[str, ...]:
    """Hierarchical tags: quizgen::family::..., quizgen::difficulty::..., topics, seed notes."""
    return (f"quizgen::family::{problem.family}", f"quizgen::note::{kind}",
            *(f"quizgen::{t}" for t in problem.tags))


def _source(problem: Problem) -> str:
    return jinja_env().get_template("anki/source.html").render(
        family=problem.family, seed=problem.seed, difficulty=problem.difficulty,
        case=isinstance(problem.seed, str),
    ).strip()


def problem_note(problem: Problem, kind: str, deck_name: str, writer: HtmlWriter) -> NoteData:
    """A basic or multiple-choice note for one problem."""
    env = jinja_env()
    s = problem.solution
    front = env.get_template("anki/basic_front.html").render(
        prompt=writer.blocks(s.prompt), question=writer.pieces(s.question))
    steps = [writer.step(st) for st in s.steps]
    if kind == "basic":
        back = env.get_template("anki/basic_back.html").render(
            choice=writer.pieces(s.choice), answer=writer.blocks(s.answer), steps=steps)
        fields = (front, back, problem.id, _source(problem))
    else:
        options = [{"letter": o.letter, "html": writer.pieces(o.pieces), "right": o.right,
                    "mistake": o.mistake.name if o.mistake else "",
                    "explanation": writer.pieces((o.mistake.explanation,)) if o.mistake else ""}
                   for o in lettered_options(problem)]
        right = next(o for o in options if o["right"])
        options_html = env.get_template("anki/choice_options.html").render(options=options)
        answer = env.get_template("anki/choice_answer.html").render(right=right, options=options, steps=steps)
        fields = (front, options_html, answer, problem.id, _source(problem))
    return NoteData(note_guid(kind, problem.family, problem.version, problem.seed), kind, fields,
                    anki_tags(problem, kind), deck_name, f'"ProblemId:{problem.id}"')


def fact_note(fact: Fact, deck_name: str, writer: HtmlWriter) -> NoteData:
    """A cloze note; math inside a gap keeps its braces apart so the gap ends where it should."""
    parts = []
    for piece in fact.pieces:
        if isinstance(piece, Cloze):
            parts.append(f"{{{{c{piece.index}::{writer.pieces(piece.pieces)}}}}}")
        else:
            parts.append(str(writer.pieces((piece,))))
    text = "".join(parts)
    return NoteData(genanki.guid_for("quizgen/fact", fact.id), "cloze", (text, str(writer.pieces((fact.extra,))), f"fact {fact.id}"),
                    ("quizgen::fact", f"quizgen::topic::{fact.topic}"), deck_name, f'"Source:fact {fact.id}"')


def deck_notes(definition: DeckDefinition, writer: HtmlWriter,
               tick: Callable[[int], None] = lambda n: None) -> list[NoteData]:
    """Every note of a deck, in a fixed order."""
    notes: list[NoteData] = []
    for section in definition.sections:
        name = subdeck_name(definition, section)
        for problem in section.problems(definition.seed):
            notes.append(problem_note(problem, section.kind, name, writer))
            tick(1)
    facts_deck = f"{definition.name}::Facts"
    notes += [fact_note(f, facts_deck, writer) for f in FACTS if f.topic in definition.facts]
    return notes


def subdeck_name(definition: DeckDefinition, section: Section) -> str:
    return f"{definition.name}::{section.subdeck}" if section.subdeck else definition.name


def subdeck_id(deck_id: int, name: str) -> int:
    """A subdeck's id, derived once and for all from the deck id and its full name."""
    digest = hashlib.sha256(f"{deck_id}/{name}".encode("utf-8")).digest()
    return int.from_bytes(digest[:7], "little") | (1 << 56)


@dataclass(frozen=True)
class BuildReport:
    """What a build wrote and how it compares with the previous build's manifest."""

    path: Path
    notes: int
    new: int
    changed: int
    unchanged: int
    retired: tuple[str, ...]  # Anki searches for the notes no longer in the deck

    def summary(self) -> str:
        text = (f"{self.path}: {self.notes} notes ({self.new} new, {self.changed} changed, "
                f"{self.unchanged} unchanged, {len(self.retired)} retired)")
        if self.retired:
            text += (f"; importing cannot delete retired notes, so to remove them search Anki's browser for "
                     f"{' OR '.join(self.retired)} and delete what it finds")
        return text


def write_deck(definition: DeckDefinition, out_dir: Path, timestamp: float,
               tick: Callable[[int], None] = lambda n: None) -> BuildReport:
    """Build one deck into ``out_dir``: the .apkg, its media and its manifest."""
    writer = HtmlWriter()
    notes = deck_notes(definition, writer, tick)
    models = {"basic": basic_model(), "choice": choice_model(), "cloze": cloze_model()}
    decks: dict[str, genanki.Deck] = {}
    for note in notes:
        if note.deck_name not in decks:
            deck_id = definition.id if note.deck_name == definition.name else subdeck_id(definition.id, note.deck_name)
            decks[note.deck_name] = genanki.Deck(deck_id, note.deck_name, description=definition.description)
        decks[note.deck_name].add_note(genanki.Note(
            model=models[note.kind], fields=list(note.fields), guid=note.guid, tags=list(note.tags)))
    if definition.name not in decks:
        decks[definition.name] = genanki.Deck(definition.id, definition.name, description=definition.description)

    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise QuizgenError(f"cannot create {out_dir}: {exc.strerror or exc}") from None
    apkg = out_dir / f"{definition.stem}.apkg"
    manifest_path = out_dir / f"{definition.stem}.manifest.json"
    previous, previous_searches = _read_manifest(manifest_path)
    current = {n.guid: n.content_hash for n in notes}

    with tempfile.TemporaryDirectory(prefix="quizgen-media-") as media_dir:
        media_files = []
        for name, svg in sorted(writer.media.items()):
            path = Path(media_dir) / name
            path.write_text(svg, encoding="utf-8")
            media_files.append(str(path))
        package = genanki.Package(list(decks.values()), media_files=media_files)
        atomic_write_with(apkg, lambda tmp: package.write_to_file(str(tmp), timestamp=timestamp))
    manifest = {"deck": definition.name, "deck_id": definition.id, "timestamp": timestamp, "notes": current,
                "searches": {n.guid: n.search for n in notes}}
    atomic_write(manifest_path, (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode("utf-8"))

    new = sum(1 for g in current if g not in previous)
    changed = sum(1 for g, h in current.items() if g in previous and previous[g] != h)
    retired = tuple(previous_searches[g] for g in previous if g not in current)
    return BuildReport(apkg, len(notes), new, changed, len(current) - new - changed, retired)


def _read_manifest(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The previous build's GUID -> content hash and GUID -> Anki search."""
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        return dict(manifest["notes"]), dict(manifest["searches"])
    except FileNotFoundError:
        return {}, {}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise QuizgenError(f"{path}: unreadable manifest ({exc}); delete it to start afresh") from None
