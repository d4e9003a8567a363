"""Printable quiz sheets: questions first, then an answer key with every worked step.

A sheet is a list of problems drawn from sections (the same ``Section`` as a deck's) with
one seed; the seed is printed on the sheet, and running the printed command again gives
the same questions. Sections without a difficulty share the levels across the whole
sheet (easy first, then medium, then hard). PDFs are compiled by Typst with system fonts
ignored (only the fonts the compiler ships), so the same seed and timestamp give the same
bytes on every machine.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import io
import json
import re
import shlex
import tempfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import numpy as np
import typst

from quizgen.batch import check_request, in_order
from quizgen.decks import DeckDefinition, Section
from quizgen.errors import QuizgenError
from quizgen.families import FAMILIES
from quizgen.model.choices import lettered_options
from quizgen.model.content import Mat
from quizgen.model.family import LEVELS, make_problem
from quizgen.model.problem import Problem
from quizgen.model.seeding import derive_seeds
from quizgen.render import typst as typ
from quizgen.render.html import HtmlWriter
from quizgen.render.mathml import mathml_display, mathml_inline
from quizgen.render.text import inline as plain_inline
from quizgen.resources import jinja_env, shipped
from quizgen.writers.output import existing, write_together

KEY_MODES = ("appended", "separate", "none")
MAX_QUESTIONS = 200
MAX_PER_SECTION = 50
MAX_STUDENTS = 500
LINE_CM = 0.7
PAGE_CM = (21.0, 29.7)  # A4
MARGINS_CM = {"margin_x_cm": 1.8, "margin_top_cm": 1.5, "margin_bottom_cm": 2.1}
QUESTION_GAP_PT = 12.0
PT_PER_CM = 72 / 2.54
MIX_STREAM = 0x5EE7  # separates the sheet's level shuffle from every problem seed
R = TypeVar("R")


@dataclass(frozen=True)
class Sheet:
    """One variant: its title, seed, problems (with the kind each is asked as), the command
    that regenerates it, the file stem that says what it holds, and the student it is for."""

    title: str
    seed: int
    items: tuple[tuple[Problem, str], ...]
    regenerate: str
    stem: str = "sheet"
    student: str | None = None

    @property
    def letters(self) -> list[tuple[int, str]]:
        """(question number, right letter) of every multiple-choice question."""
        return [(n, next(o.letter for o in lettered_options(p) if o.right))
                for n, (p, kind) in enumerate(self.items, 1) if kind == "choice"]


@dataclass(frozen=True)
class SheetPlan:
    """What a sheet asks, before a seed is chosen: its sections, default title and seed, the
    command that regenerates it (with a ``{seed}`` slot) and a file-name label."""

    title: str
    sections: tuple[Section, ...]
    command: str
    default_seed: int
    label: str

    def sheet(self, seed: int, title: str | None = None, student: str | None = None,
              number: int | None = None) -> Sheet:
        """The sheet for one seed; ``number`` and ``student`` name a variant of a class."""
        command = self.command.replace("{seed}", str(seed)) + (f" --title {shlex.quote(title)}" if title else "")
        stem = self.stem(title, f"student{number:02d}" if number is not None else "",
                         _slug(student) if student else "", f"seed{seed}")
        return make_sheet(title or self.title, seed, list(self.sections), command, stem=stem, student=student)

    def stem(self, title: str | None, *parts: str) -> str:
        """A file stem that says what the sheet holds: its title (when given), the deck or
        families and their options, then ``parts``."""
        return "-".join(p for p in (_title_slug(title) if title else "", self.label, *parts) if p)

    def class_command(self, seed: int, students: int, names_file: Path | None, title: str | None) -> str:
        """The command that writes the whole class again, for the roster's footer."""
        return (self.command.replace("{seed}", str(seed)) + f" --students {students}"
                + (f" --names {shlex.quote(portable_path(names_file))}" if names_file is not None else "")
                + (f" --title {shlex.quote(title)}" if title else ""))


def _slug(text: str) -> str:
    """A file-name-safe form of a title or a name."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40]


def _title_slug(title: str) -> str:
    """A title's slug, with a short hash of the exact title when the slug drops anything
    (capitals, punctuation), so two different titles never give the same file name."""
    slug = _slug(title)
    if slug == title:
        return slug
    return "-".join(p for p in (slug, hashlib.sha256(title.encode("utf-8")).hexdigest()[:4]) if p)


def _check_per_section(count: int) -> None:
    if not 1 <= count <= MAX_PER_SECTION:
        raise QuizgenError(f"count must be between 1 and {MAX_PER_SECTION}, not {count}")


def resolve_deck(arg: Path) -> Path:
    """A deck file as given, or the name of a deck quizgen ships (``--deck circuits``)."""
    if Path(arg).is_file() or Path(arg).suffix:
        return Path(arg)
    candidate = shipped("decks") / f"{arg}.toml"
    return candidate if candidate.is_file() else Path(arg)


def deck_reference(path: Path) -> str:
    """How the regenerate command names a deck: a shipped deck by its name, else as a file."""
    if Path(path).resolve().parent == shipped("decks").resolve():
        return Path(path).stem
    return portable_path(path)


def portable_path(path: Path) -> str:
    """A path as a printed command shows it: as given when relative, relative to the
    current folder when under it, else only its name; never an absolute path of this machine."""
    path = Path(path)
    resolved = path.resolve()
    if not path.is_absolute():
        return str(path)
    try:
        return str(resolved.relative_to(Path.cwd().resolve()))
    except ValueError:
        return path.name


def plan_from_deck(definition: DeckDefinition, count: int, difficulty: str | None = None) -> SheetPlan:
    """``count`` questions from each section of a deck, drawn from the deck's seed; a
    ``difficulty`` replaces every section's own."""
    _check_per_section(count)
    for section in definition.sections:
        check_request([section.family], count, difficulty)
    command = (f"quizgen sheet --deck {shlex.quote(deck_reference(definition.path))}"
               + (f" --count {count}" if count != 1 else "")
               + (f" --difficulty {difficulty}" if difficulty else "") + " --seed {seed}")
    sections = tuple(replace(s, count=count, difficulty=difficulty or s.difficulty) for s in definition.sections)
    label = definition.stem + (f"-{difficulty}" if difficulty else "") + (f"-x{count}" if count != 1 else "")
    return SheetPlan(definition.name.split("::")[-1], sections, command, definition.seed, label)


def plan_from_families(family_ids: tuple[str, ...], count: int, difficulty: str | None, kind: str) -> SheetPlan:
    """``count`` questions of each family (all families when none is named)."""
    _check_per_section(count)  # a sheet's own limit, before the export's wider one
    ids = [f.id for f in check_request(family_ids or FAMILIES, count, difficulty)]
    command = ("quizgen sheet " + "".join(f"--family {f} " for f in (ids if family_ids else ()))
               + (f"--count {count} " if count != 1 else "") + (f"--difficulty {difficulty} " if difficulty else "")
               + (f"--kind {kind} " if kind != "basic" else "") + "--seed {seed}")
    if not family_ids:
        what = "all-families"
    elif len(ids) <= 3:
        what = "+".join(ids)
    else:
        what = f"{len(ids)}-families-" + hashlib.sha256(" ".join(ids).encode()).hexdigest()[:6]
    label = "-".join([what, *([kind] if kind != "basic" else []), *([difficulty] if difficulty else []),
                      *([f"x{count}"] if count != 1 else [])])
    return SheetPlan("Practice quiz", tuple(Section(f, count, kind, difficulty) for f in ids), command, 0, label)


def variant_seeds(base_seed: int, students: int) -> list[int]:
    """One seed per student; a single sheet keeps the base seed itself."""
    return [base_seed] if students == 1 else derive_seeds(base_seed, "sheet-variant", students)


def sheet_levels(sections: list[Section], seed: int) -> list[list[str | None]]:
    """The level of every question of every section: a section's own difficulty, else a
    share of easy, medium and hard spread over all such questions of the sheet, in an order
    shuffled by the sheet's seed (so students' variants differ in which family is hard)."""
    open_slots = [(i, k) for i, s in enumerate(sections) if s.difficulty is None for k in range(s.count)]
    order = np.random.default_rng(np.random.SeedSequence([seed, MIX_STREAM])).permutation(len(open_slots))
    levels: list[list[str | None]] = [[s.difficulty] * s.count for s in sections]
    for rank, slot in enumerate(order):
        i, k = open_slots[slot]
        levels[i][k] = LEVELS[rank * len(LEVELS) // len(open_slots)]
    return levels


def _level_for(family_levels: tuple[str, ...] | list[str], wanted: str) -> str:
    """``wanted``, or the family's nearest level when it has fewer than three."""
    if wanted in family_levels:
        return wanted
    return list(family_levels)[min(LEVELS.index(wanted), len(family_levels) - 1)]


def make_sheet(title: str, seed: int, sections: list[Section], regenerate: str, *, stem: str = "sheet",
               student: str | None = None) -> Sheet:
    """The problems of every section, drawn from this sheet's seed (each section's seeds
    are the deck's), ordered easy, then medium, then hard."""
    total = sum(s.count for s in sections)
    if not total:
        raise QuizgenError("a sheet needs at least one question")
    if total > MAX_QUESTIONS:
        raise QuizgenError(f"a sheet holds at most {MAX_QUESTIONS} questions, not {total}")
    items = []
    for section, levels in zip(sections, sheet_levels(sections, seed)):
        family = FAMILIES[section.family]
        seeds = derive_seeds(seed, family.id, section.count, stream=section.stream)
        for problem_seed, level in zip(seeds, levels):
            items.append((make_problem(family, problem_seed, _level_for(family.levels, level)), section.kind))
    items.sort(key=lambda item: LEVELS.index(item[0].difficulty))  # stable: sections keep their order
    sheet = Sheet(title, seed, tuple(items), regenerate.replace("{seed}", str(seed)), stem, student)
    return replace(sheet, items=tuple(sheet.items[k] for k in packed_order(sheet)))


def packed_order(sheet: Sheet) -> list[int]:
    """The order to print the questions in so that they fill the pages: Typst measures
    every question, then each page takes, in order, every question of the lowest level
    left that still fits (a question never splits across pages). Levels stay in order:
    a harder question only moves up once every easier one is placed."""
    header, heights = _measure(sheet)
    room_per_page = (PAGE_CM[1] - MARGINS_CM["margin_top_cm"] - MARGINS_CM["margin_bottom_cm"]) * PT_PER_CM - 2
    levels = [LEVELS.index(p.difficulty) for p, _ in sheet.items]
    remaining, order, room = list(range(len(heights))), [], room_per_page - header
    while remaining:
        page, skipped_level = [], None
        for k in remaining:
            if skipped_level is not None and levels[k] > skipped_level:
                break
            need = heights[k] + QUESTION_GAP_PT
            if need <= room or not page:
                page.append(k)
                room -= need
            elif skipped_level is None:
                skipped_level = levels[k]
        order += page
        remaining = [k for k in remaining if k not in page]
        room = room_per_page
    return order


def _measure(sheet: Sheet) -> tuple[float, list[float]]:
    """Heights in points of the sheet's header and of each question, as Typst lays them out
    (one Typst run: the header's height comes first, then the questions' in order)."""
    source, files = typst_source(sheet, "measure", dt.date(2000, 1, 1))
    with typst_workspace(source, files) as main:
        found = typst.query(str(main), "<height>", field="value", root=str(main.parent), ignore_system_fonts=True)
    header, *heights = (float(h) for h in json.loads(found))
    return header, heights


def answer_space_cm(problem: Problem, kind: str) -> float:
    """Room to write under a worked question, from the lines its family expects; none
    under multiple choice, which has its answer line beside the question."""
    if kind == "choice":
        return 0.0
    return LINE_CM * FAMILIES[problem.family].writing_lines(problem.solution, problem.difficulty)


def option_columns(options: list[tuple]) -> int:
    """How many options share a row: four short ones, two matrices or mid-length ones, else
    one per row."""
    texts = [plain_inline(pieces) for pieces in options]
    widest_matrix = max((len(m.rows[0]) for pieces in options for m in pieces if isinstance(m, Mat)), default=0)
    longest = max(len(t) for t in texts)
    if widest_matrix > 5 or longest > 70:
        return 1
    if widest_matrix or longest > 18:
        return 2
    return 4


def _meta(problem: Problem) -> str:
    return f"{problem.family} · {problem.difficulty} · seed {problem.seed}"


SHOWS_QUESTIONS = {"questions": True, "key": False, "both": True, "measure": True}
SHOWS_ANSWERS = {"questions": False, "key": True, "both": True, "measure": False}


def sheet_entries(sheet: Sheet, writer: "typ.TypstWriter | HtmlWriter", part: str) -> tuple[list[dict], list[dict]]:
    """What the templates show per question and per answer in ``part``, rendered by
    ``writer`` (a part without questions or answers gets an empty list, unrendered).

    A key entry leads with the full answer to the task; a multiple-choice question's key
    adds the question with every option, the right one marked and each wrong one with the
    mistake behind it."""
    questions, answers = [], []
    for number, (problem, kind) in enumerate(sheet.items, 1):
        s = problem.solution
        options = lettered_options(problem) if kind == "choice" else []
        if SHOWS_QUESTIONS[part]:
            questions.append({
                "number": number, "meta": _meta(problem), "prompt": writer.blocks(s.prompt),
                "question": writer.pieces(s.question) if options else None,
                "task": None if options else writer.blocks(s.task),
                "options": [(o.letter, writer.fitted_pieces(o.pieces)) for o in options],
                "columns": option_columns([o.pieces for o in options]) if options else 1,
                "space": answer_space_cm(problem, kind),
            })
        if SHOWS_ANSWERS[part]:
            answers.append({
                "number": number, "meta": _meta(problem), "answer": writer.blocks(s.answer),
                "question": writer.pieces(s.question) if options else None,
                "options": [{"letter": o.letter, "text": writer.pieces(o.pieces), "right": o.right,
                             "why": o.mistake.explanation if o.mistake else None} for o in options],
                "steps": [writer.step(st) for st in s.steps],
            })
    return questions, answers


def _render(template: str, sheet: Sheet, writer: "typ.TypstWriter | HtmlWriter", part: str, date: dt.date,
            **extra: object) -> str:
    questions, answers = sheet_entries(sheet, writer, part)
    return jinja_env().get_template(template).render(
        title=sheet.title, seed=sheet.seed, regenerate=sheet.regenerate, date=date, part=part,
        student=sheet.student, letters=sheet.letters if SHOWS_ANSWERS[part] else [],
        questions=questions, answers=answers, **extra,
    )


# --------------------------------------------------------------------------- Typst / PDF


def typst_source(sheet: Sheet, part: str, date: dt.date) -> tuple[str, dict[str, str]]:
    """Typst source for ``part`` ("questions", "key", "both", or "measure": the heights of the
    header and of every question) and the figure files it uses."""
    text_width_cm = PAGE_CM[0] - 2 * MARGINS_CM["margin_x_cm"]
    writer = typ.TypstWriter(line_pt=text_width_cm * PT_PER_CM)
    layout = {**MARGINS_CM, "question_gap_pt": QUESTION_GAP_PT, "text_width_cm": text_width_cm}
    return _render("sheet/sheet.typ", sheet, writer, part, date, **layout), writer.files


def compile_pdf(source: str, files: dict[str, str], timestamp: float) -> bytes:
    """Compile with the fonts Typst ships and nothing from the network or the system."""
    with typst_workspace(source, files) as main:
        try:
            return typst.compile(str(main), root=str(main.parent), ignore_system_fonts=True, format="pdf",
                                 timestamp=int(timestamp))
        except typst.TypstError as exc:  # a bug in our templates, not in user input
            raise RuntimeError(f"Typst could not compile the sheet: {exc.message}\n{exc.diagnostic}") from exc


@contextmanager
def typst_workspace(source: str, files: dict[str, str]) -> Iterator[Path]:
    """A temporary folder holding the Typst source (its ``sheet.typ``, yielded) and the
    figure files it includes; a full or unwritable $TMPDIR is a one-line error."""
    try:
        with tempfile.TemporaryDirectory(prefix="quizgen-typst-") as root:
            for name, svg in files.items():
                (Path(root) / name).write_text(svg, encoding="utf-8")
            main = Path(root) / "sheet.typ"
            main.write_text(source, encoding="utf-8")
            yield main
    except OSError as exc:
        raise QuizgenError(f"cannot lay out the sheet in the temporary folder: {exc.strerror or exc}") from None


# --------------------------------------------------------------------------- HTML

MATH_FONT = "sheet/fonts/STIXMath-Regular.otf"


@cache
def math_font_url() -> str:
    """The shipped math font (STIX Math, SIL Open Font License) as a data URL, so the page
    stays one file and its brackets stretch in any browser."""
    data = (shipped("templates") / MATH_FONT).read_bytes()
    return "data:font/otf;base64," + base64.b64encode(data).decode("ascii")


def html_page(sheet: Sheet, part: str, date: dt.date) -> str:
    """One self-contained HTML page: MathML for math, inline SVG figures, print CSS."""
    writer = HtmlWriter(inline_math=mathml_inline, display_math=mathml_display, inline_svg=True)
    return _render("sheet/sheet.html", sheet, writer, part, date, math_font=math_font_url())


# --------------------------------------------------------------------------- files


def sheet_files(out_dir: Path, stem: str, *, key: str, formats: tuple[str, ...]) -> list[tuple[str, Path]]:
    """(part, path) of every file one variant writes: the key after a page break (a file
    named ``...-with-key``), in its own file (``...-key``), or nowhere."""
    parts = {"appended": [("both", f"{stem}-with-key")], "separate": [("questions", stem), ("key", f"{stem}-key")],
             "none": [("questions", stem)]}[key]
    return [(part, Path(out_dir) / f"{name}.{fmt}") for part, name in parts for fmt in ("pdf", "html")
            if fmt in formats]


def _make_dir(out_dir: Path) -> None:
    try:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise QuizgenError(f"cannot create {out_dir}: {exc.strerror or exc}") from None


def sheet_contents(sheet: Sheet, out_dir: Path, stem: str | None = None, *, key: str, formats: tuple[str, ...],
                   timestamp: float, jobs: int = 1) -> dict[Path, bytes]:
    """The path and bytes of every file of one variant (named ``stem``, by default the
    sheet's own stem), made on ``jobs`` threads but not written."""
    date = dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).date()

    def make(part: str, path: Path) -> bytes:
        if path.suffix == ".pdf":
            source, files = typst_source(sheet, part, date)
            return compile_pdf(source, files, timestamp)
        return html_page(sheet, part, date).encode("utf-8")

    parts = sheet_files(out_dir, stem or sheet.stem, key=key, formats=formats)
    return dict(zip((path for _, path in parts), in_threads(make, parts, jobs)))


def write_sheet(sheet: Sheet, out_dir: Path, stem: str | None = None, *, key: str, formats: tuple[str, ...],
                timestamp: float, jobs: int = 1) -> list[Path]:
    """Write one variant's files (named ``stem``, by default the sheet's own stem), made
    on ``jobs`` threads (a sheet and its key at once)."""
    _make_dir(out_dir)
    contents = sheet_contents(sheet, out_dir, stem, key=key, formats=formats, timestamp=timestamp, jobs=jobs)
    write_together(contents)  # a sheet and its key are replaced together or not at all
    return list(contents)


# --------------------------------------------------------------------------- class roster


@dataclass(frozen=True)
class RosterRow:
    """One student's line: number, name, seed, files and multiple-choice letters."""

    number: int
    name: str
    seed: int
    sheet: str
    key: str
    letters: list[tuple[int, str]]

    @property
    def letters_text(self) -> str:
        return " ".join(f"{n}:{letter}" for n, letter in self.letters)


def roster_row(number: int, sheet: Sheet, files: list[Path]) -> RosterRow:
    """The roster line of a written variant."""
    key_file = next((p.name for p in files if p.stem.endswith("-key")), "")
    return RosterRow(number, sheet.student or "", sheet.seed, files[0].name, key_file, sheet.letters)


def roster_csv(rows: list[RosterRow]) -> str:
    """The roster as CSV: one line per student, the letters as "question:letter" pairs."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", "name", "seed", "sheet", "key", "multiple_choice"])
    for r in rows:
        writer.writerow([r.number, _as_text(r.name), r.seed, r.sheet, r.key, r.letters_text])
    return out.getvalue()


def _as_text(cell: str) -> str:
    """A cell a spreadsheet shows as text: one starting with ``=``, ``+``, ``-`` or ``@`` (a
    formula to Excel or LibreOffice, which a names file must not smuggle in) gets a leading
    apostrophe."""
    return "'" + cell if cell.startswith(("=", "+", "-", "@")) else cell


def roster_files(out_dir: Path, stem: str) -> tuple[Path, Path]:
    """The roster's CSV and PDF paths."""
    return Path(out_dir) / f"{stem}.csv", Path(out_dir) / f"{stem}.pdf"


def write_roster(rows: list[RosterRow], out_dir: Path, stem: str, title: str, regenerate: str,
                 timestamp: float) -> list[Path]:
    """A CSV and a printable PDF page listing every student's seed, files and letters."""
    _make_dir(out_dir)
    csv_path, pdf_path = roster_files(out_dir, stem)
    date = dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).date()
    source = jinja_env().get_template("sheet/roster.typ").render(title=title, rows=rows, date=date,
                                                                 regenerate=regenerate, key_note=_key_note(rows))
    write_together({csv_path: roster_csv(rows).encode("utf-8"), pdf_path: compile_pdf(source, {}, timestamp)})
    return [csv_path, pdf_path]


def _key_note(rows: list[RosterRow]) -> str:
    """Where each student's key is, said once for the whole roster."""
    if all(not r.key for r in rows):
        return "No answer keys were written (--key none)."
    if all(r.key == r.sheet for r in rows):
        return "Each sheet file holds its answer key after the questions."
    return "Each student's answer key is the file of the same name ending in -key."


def write_class(plan: SheetPlan, base_seed: int, students: int, names: list[str] | None, *, names_file: Path | None,
                title: str | None, out_dir: Path, key: str, formats: tuple[str, ...], timestamp: float,
                jobs: int = 1, progress: Callable[[int], None] | None = None) -> Iterator[tuple[Path, bool]]:
    """Write every student's variant and, for a class (several students or a names file),
    the roster; yield each file as it is written, with whether it replaced an existing one.
    Inside ``written_together()`` (as ``quizgen sheet`` calls it) they are all replaced at
    the end, so a class cut short leaves the folder as it was.

    Variants are made on ``jobs`` threads (Typst compiles without holding Python's global
    lock; a single variant makes its sheet and key at once) and written here in student
    order, so the files are the same for any ``jobs``; ``progress`` is told of each
    variant written."""
    class_list = students > 1 or names is not None
    variant_jobs, part_jobs = (min(jobs, students), 1) if students > 1 else (1, jobs)

    def make(number: int, seed: int) -> tuple[Sheet, dict[Path, bytes]]:
        student = names[number - 1] if names is not None else None
        sheet = plan.sheet(seed, title, student, number if class_list else None)
        return sheet, sheet_contents(sheet, out_dir, key=key, formats=formats, timestamp=timestamp, jobs=part_jobs)

    _make_dir(out_dir)
    rows = []
    variants = in_threads(make, list(enumerate(variant_seeds(base_seed, students), 1)), variant_jobs)
    for number, (sheet, contents) in enumerate(variants, 1):
        existed = set(existing(contents))
        write_together(contents)
        yield from ((path, path in existed) for path in contents)
        rows.append(roster_row(number, sheet, list(contents)))
        if progress is not None:
            progress(1)
    if class_list:
        stem = plan.stem(title, "roster", f"seed{base_seed}")
        existed = set(existing(roster_files(out_dir, stem)))
        command = plan.class_command(base_seed, students, names_file, title)
        written = write_roster(rows, out_dir, stem, title or plan.title, command, timestamp)
        yield from ((path, path in existed) for path in written)


def in_threads(func: Callable[..., R], items: list[tuple], jobs: int) -> Iterator[R]:
    """``func(*item)`` for every item, on ``jobs`` threads, yielded in the order of the
    items; at most two per thread are made ahead of the one the caller waits for, so
    memory stays flat. Threads, not processes: a process forked after Typst has run can
    deadlock, and Typst releases the global lock while it compiles."""
    if jobs <= 1:
        yield from (func(*item) for item in items)
        return
    pool = ThreadPoolExecutor(jobs, thread_name_prefix="quizgen-sheet")
    try:
        yield from in_order(pool, func, items, 2 * jobs + 1)
    finally:  # also when the caller stops early or Ctrl-C arrives: drop the sheets not yet started
        pool.shutdown(wait=True, cancel_futures=True)


def read_names(path: Path) -> list[str]:
    """Student names, one per line; blank lines are skipped."""
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()  # as an editor on Windows saves it
    except FileNotFoundError:
        raise QuizgenError(f"{path}: no such names file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise QuizgenError(f"{path}: cannot read: {exc}") from None
    names = [line.strip() for line in lines if line.strip()]
    if not names:
        raise QuizgenError(f"{path}: no names in the file (one name per line)")
    return names
