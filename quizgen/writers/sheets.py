"""Printable quiz sheets: questions first, then an answer key with every worked step.

A sheet is a list of problems drawn from sections (the same ``Section`` as a deck's) with
one seed; the seed is printed on the sheet, and running the printed command again gives
the same questions. PDFs are compiled by Typst with system fonts ignored (only the fonts
the compiler ships), so the same seed and timestamp give the same bytes on every machine.
"""

from __future__ import annotations

import datetime as dt
import shlex
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import latex2mathml.converter
import typst

from quizgen.model.choices import lettered_options
from quizgen.model.content import Math
from quizgen.batch import check_request
from quizgen.decks import DeckDefinition, Section
from quizgen.errors import QuizgenError
from quizgen.families import FAMILIES
from quizgen.writers.output import write_together
from quizgen.model.problem import Problem
from quizgen.render import typst as typ
from quizgen.render.html import HtmlWriter
from quizgen.render.latex import latex
from quizgen.resources import jinja_env
from quizgen.model.seeding import derive_seeds

KEY_MODES = ("appended", "separate", "none")
MAX_QUESTIONS = 200
MAX_PER_SECTION = 50
MAX_STUDENTS = 500


@dataclass(frozen=True)
class Sheet:
    """One variant: its title, seed, problems (with the kind each is asked as) and the
    command that regenerates it."""

    title: str
    seed: int
    items: tuple[tuple[Problem, str], ...]
    regenerate: str


@dataclass(frozen=True)
class SheetPlan:
    """What a sheet asks, before a seed is chosen: its sections, default title and seed,
    and the command that regenerates it (with a ``{seed}`` slot)."""

    title: str
    sections: tuple[Section, ...]
    command: str
    default_seed: int

    def sheet(self, seed: int, title: str | None = None) -> "Sheet":
        return make_sheet(title or self.title, seed, list(self.sections), self.command)


def _check_per_section(count: int) -> None:
    if not 1 <= count <= MAX_PER_SECTION:
        raise QuizgenError(f"count must be between 1 and {MAX_PER_SECTION}, not {count}")


def plan_from_deck(definition: DeckDefinition, count: int) -> SheetPlan:
    """``count`` questions from each section of a deck, drawn from the deck's seed."""
    _check_per_section(count)
    command = f"quizgen sheet --deck {shlex.quote(str(definition.path))} --count {count} --seed {{seed}}"
    return SheetPlan(definition.name.split("::")[-1], tuple(replace(s, count=count) for s in definition.sections),
                     command, definition.seed)


def plan_from_families(family_ids: tuple[str, ...], count: int, difficulty: str | None, kind: str) -> SheetPlan:
    """``count`` questions of each family (all families when none is named)."""
    families = check_request(family_ids or FAMILIES, count, difficulty)
    _check_per_section(count)
    command = ("quizgen sheet " + "".join(f"--family {f} " for f in family_ids) + f"--count {count} "
               + (f"--difficulty {difficulty} " if difficulty else "") + f"--kind {kind} --seed {{seed}}")
    return SheetPlan("Practice quiz", tuple(Section(f.id, count, kind, difficulty) for f in families), command, 0)


def variant_seeds(base_seed: int, students: int) -> list[int]:
    """One seed per student; a single sheet keeps the base seed itself."""
    return [base_seed] if students == 1 else derive_seeds(base_seed, "sheet-variant", students)


def make_sheet(title: str, seed: int, sections: list[Section], regenerate: str) -> Sheet:
    """The problems of every section, drawn from this sheet's seed."""
    items = tuple((p, s.kind) for s in sections for p in s.problems(seed))
    if not items:
        raise QuizgenError("a sheet needs at least one question")
    if len(items) > MAX_QUESTIONS:
        raise QuizgenError(f"a sheet holds at most {MAX_QUESTIONS} questions, not {len(items)}")
    return Sheet(title, seed, items, regenerate.replace("{seed}", str(seed)))


def answer_space_cm(problem: Problem, kind: str) -> float:
    """Room to write: a line for a multiple-choice letter, more for longer worked answers."""
    if kind == "choice":
        return 1.0
    return min(2.0 + 0.7 * len(problem.solution.steps), 6.0)


def _meta(problem: Problem) -> str:
    return f"{problem.family} · {problem.difficulty} · seed {problem.seed}"


def sheet_entries(sheet: Sheet, writer: "typ.TypstWriter | HtmlWriter") -> tuple[list[dict], list[dict]]:
    """What the templates show per question and per answer, rendered by ``writer``."""
    questions, answers = [], []
    for number, (problem, kind) in enumerate(sheet.items, 1):
        s = problem.solution
        options = lettered_options(problem) if kind == "choice" else []
        right = next((o for o in options if o.right), None)
        questions.append({
            "number": number, "meta": _meta(problem), "prompt": writer.blocks(s.prompt),
            "question": writer.pieces(s.question) if options else None,
            "task": None if options else writer.blocks(s.task),
            "options": [(o.letter, writer.pieces(o.pieces)) for o in options],
            "space": answer_space_cm(problem, kind),
        })
        answers.append({
            "number": number, "meta": _meta(problem), "letter": right.letter if right else None,
            "choice": writer.pieces(right.pieces if right else s.choice),
            "answer": writer.blocks(s.answer), "steps": [writer.step(st) for st in s.steps],
        })
    return questions, answers


def _render(template: str, sheet: Sheet, writer: "typ.TypstWriter | HtmlWriter", part: str, date: dt.date) -> str:
    questions, answers = sheet_entries(sheet, writer)
    return jinja_env().get_template(template).render(
        title=sheet.title, seed=sheet.seed, regenerate=sheet.regenerate, date=date, part=part,
        questions=questions if part != "key" else [], answers=answers if part != "questions" else [],
    )


# --------------------------------------------------------------------------- Typst / PDF


def typst_source(sheet: Sheet, part: str, date: dt.date) -> tuple[str, dict[str, str]]:
    """Typst source for ``part`` ("questions", "key" or "both") and the figure files it uses."""
    writer = typ.TypstWriter()
    return _render("sheet/sheet.typ", sheet, writer, part, date), writer.files


def compile_pdf(source: str, files: dict[str, str], timestamp: float) -> bytes:
    """Compile with the fonts Typst ships and nothing from the network or the system."""
    with tempfile.TemporaryDirectory(prefix="quizgen-typst-") as root:
        for name, svg in files.items():
            (Path(root) / name).write_text(svg, encoding="utf-8")
        main = Path(root) / "sheet.typ"
        main.write_text(source, encoding="utf-8")
        try:
            return typst.compile(str(main), root=root, ignore_system_fonts=True, format="pdf",
                                 timestamp=int(timestamp))
        except typst.TypstError as exc:  # a bug in our templates, not in user input
            raise RuntimeError(f"Typst could not compile the sheet: {exc.message}\n{exc.diagnostic}") from exc


# --------------------------------------------------------------------------- HTML


def mathml_inline(node: Math) -> str:
    return latex2mathml.converter.convert(latex(node))


def mathml_display(node: Math) -> str:
    return latex2mathml.converter.convert(latex(node), display="block")


def html_page(sheet: Sheet, part: str, date: dt.date) -> str:
    """One self-contained HTML page: MathML for math, inline SVG figures, print CSS."""
    writer = HtmlWriter(inline_math=mathml_inline, display_math=mathml_display, inline_svg=True)
    return _render("sheet/sheet.html", sheet, writer, part, date)


# --------------------------------------------------------------------------- files


def write_sheet(sheet: Sheet, out_dir: Path, stem: str, *, key: str, formats: tuple[str, ...],
                timestamp: float) -> list[Path]:
    """Write one variant's files; the key goes after a page break, in its own file, or nowhere."""
    date = dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).date()
    parts = {"appended": [("both", stem)], "separate": [("questions", stem), ("key", f"{stem}-key")],
             "none": [("questions", stem)]}[key]
    try:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise QuizgenError(f"cannot create {out_dir}: {exc.strerror or exc}") from None
    written: dict[Path, bytes] = {}  # a sheet and its key are replaced together or not at all
    for part, name in parts:
        if "pdf" in formats:
            source, files = typst_source(sheet, part, date)
            written[Path(out_dir) / f"{name}.pdf"] = compile_pdf(source, files, timestamp)
        if "html" in formats:
            written[Path(out_dir) / f"{name}.html"] = html_page(sheet, part, date).encode("utf-8")
    write_together(written)
    return list(written)
