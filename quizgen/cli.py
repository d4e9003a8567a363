"""The ``quizgen`` command: a thin layer over the library.

Every user error ends as a one-line ``Error: ...`` on stderr with exit code 2, no
traceback and no partial output file.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

import click

from quizgen import __version__
from quizgen.writers.apkg import write_deck
from quizgen.batch import MAX_COUNT, check_request, generate
from quizgen.writers.export import export_json
from quizgen.decks import KINDS, deck_files, load_deck
from quizgen.errors import QuizgenError
from quizgen.families import FAMILIES
from quizgen.model.family import make_case, make_problem
from quizgen.writers.practice import DEFAULT_POOL, MAX_POOL, PracticePlan, pool, practice_page
from quizgen.writers.output import atomic_write, build_timestamp
from quizgen.render import text
from quizgen.resources import shipped
from quizgen.writers.sheets import (
    KEY_MODES, MAX_STUDENTS, plan_from_deck, plan_from_families, read_names, resolve_deck, write_class, write_sheet,
)

USER_ERROR = 2


class QuizgenGroup(click.Group):
    """A group whose errors, usage errors included, are a single line and exit code 2."""

    def main(self, args: Any = None, prog_name: str | None = None, **extra: Any) -> Any:
        extra["standalone_mode"] = False
        try:
            result = super().main(args, prog_name, **extra)
        except click.exceptions.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(1)
        except (click.ClickException, QuizgenError) as exc:
            message = exc.format_message() if isinstance(exc, click.ClickException) else str(exc)
            click.echo(f"Error: {message}", err=True)
            sys.exit(USER_ERROR)
        sys.exit(result if isinstance(result, int) else 0)


@click.group(cls=QuizgenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="quizgen")
def cli() -> None:
    """Exam practice on how transformer attention works: random problems with worked answers.

    \b
    Examples:
      quizgen list
      quizgen show qk.scores --seed 7
      quizgen export --count 1000 --format json -o problems.json
      quizgen build
    """


@cli.command("list")
def list_families() -> None:
    """List the problem families, one line each, with tags and difficulties.

    \b
    Example:
      quizgen list
    """
    width = max(len(fid) for fid in FAMILIES)
    for family in FAMILIES.values():
        tags = ", ".join(family.tags)
        click.echo(f"{family.id:<{width}}  {family.summary}  [{'/'.join(family.levels)}] ({tags})")


def _family_choice(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if value not in FAMILIES:
        raise QuizgenError(f"unknown family {value!r}; choose from {', '.join(FAMILIES)}")
    return value


@cli.command()
@click.argument("family", callback=_family_choice)
@click.option("--seed", type=int, default=0, show_default=True, help="Problem seed (non-negative).")
@click.option("--difficulty", default="easy", show_default=True, help="easy, medium or hard.")
@click.option("--case", "case", default=None, help="A fixed case instead of a seed, e.g. seed000.")
def show(family: str, seed: int, difficulty: str, case: str | None) -> None:
    """Show one problem: prompt, answer, worked steps and the multiple-choice options.

    \b
    Examples:
      quizgen show qk.scores --seed 7
      quizgen show merge.reachable --seed 3 --difficulty hard
      quizgen show perturb.source_target --case seed000
    """
    fam = FAMILIES[family]
    if case is not None:
        if case not in fam.cases:
            choices = ", ".join(fam.cases) or "none"
            raise QuizgenError(f"unknown case {case!r} for {family}; choose from {choices}")
        problem = make_case(fam, case)
    else:
        if seed < 0:
            raise QuizgenError(f"seed must be non-negative, not {seed}")
        if difficulty not in fam.levels:
            raise QuizgenError(f"unknown difficulty {difficulty!r} for {family}; choose from {', '.join(fam.levels)}")
        problem = make_problem(fam, seed, difficulty)
    s = problem.solution
    out = [
        click.style(f"{problem.id}  ({problem.difficulty})", bold=True),
        "",
        text.blocks(s.prompt + s.task),
        "",
        click.style("Answer", bold=True),
        text.blocks(s.answer),
        "",
        click.style("Worked steps", bold=True),
    ]
    out += [f"{k}. {text.step(st)}\n" for k, st in enumerate(s.steps, 1)]
    out.append(click.style("Multiple choice: " + text.inline(s.question), bold=True))
    out.append(f"  right: {text.inline(s.choice)}")
    out += [f"  wrong: {text.inline(d.choice)}  ({d.mistake.name}: {d.mistake.explanation})" for d in s.distractors]
    click.echo("\n".join(out))


@cli.command()
@click.option("--family", "families", multiple=True, help="A family id; repeat for several (default: all).")
@click.option("--count", type=int, default=1, show_default=True, help=f"Problems per family (1 to {MAX_COUNT:,}).")
@click.option("--seed", type=int, default=0, show_default=True, help="Base seed the per-problem seeds come from.")
@click.option("--difficulty", default=None, help="easy, medium or hard (default: the levels take turns).")
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Output file (default: standard output).")
def export(families: tuple[str, ...], count: int, seed: int, difficulty: str | None, fmt: str,
           output: Path | None) -> None:
    """Export problems with their inputs, truth and worked steps as JSON.

    \b
    Examples:
      quizgen export --count 1000 --format json -o problems.json
      quizgen export --family qk.scores --family qk.softmax --seed 42 --difficulty hard
    """
    if seed < 0:
        raise QuizgenError(f"seed must be non-negative, not {seed}")
    chosen = check_request(families or FAMILIES, count, difficulty)
    data = export_json(generate(chosen, count, seed, difficulty))
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        atomic_write(output, data)
        click.echo(f"wrote {count * len(chosen)} problems to {output}", err=True)


def _deck_paths(paths: tuple[Path, ...]) -> tuple[list[Path], str]:
    """The deck files to build: those given, else ./decks, else the decks quizgen ships."""
    if paths:
        return list(paths), "the given files"
    folder = Path("decks") if Path("decks").is_dir() else shipped("decks")
    return deck_files(folder), str(folder)


@cli.command()
@click.argument("deck_files", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("out"),
              show_default=True, help="Folder for the .apkg files, their manifests and sheets.")
@click.option("--timestamp", type=float, default=None,
              help="Build time for new and changed notes (whole Unix seconds); default SOURCE_DATE_EPOCH, "
                   "else now. Leave it out for decks you import again: Anki applies only newer notes.")
def build(deck_files: tuple[Path, ...], out_dir: Path, timestamp: float | None) -> None:
    """Build Anki decks (.apkg) and a printable sheet per deck; with no file, every deck in decks/.

    A rebuild reports how many notes are new, changed, unchanged or retired since the
    last build into the same folder. Import the .apkg again in Anki: changed notes update
    in place and keep their review history; unchanged notes are left as they are. The
    files of a build replace the old ones together, once every one of them is complete.

    \b
    Examples:
      quizgen build
      quizgen build decks/graphs.toml -o ~/anki-decks
      quizgen retired decks/graphs.toml -o ~/anki-decks
    """
    from quizgen.decks import check_distinct
    from quizgen.writers.apkg import BuildReport, previous_build
    from quizgen.writers.output import written_together

    paths, source = _deck_paths(deck_files)
    definitions = [load_deck(p) for p in paths]  # all files checked before anything is written
    check_distinct(definitions)
    stamp = build_timestamp(timestamp)
    for definition in definitions:
        previous_build(definition, out_dir)  # every manifest checked before anything is written

    def announce(report: BuildReport) -> None:  # called before the deck's manifest is replaced
        click.echo(report.summary())

    click.echo(f"building {len(definitions)} deck(s) from {source} into {out_dir}/", err=True)
    with written_together():  # every file of the build is replaced at the end, or none
        for definition in definitions:
            if sys.stderr.isatty():
                with click.progressbar(length=definition.size, label=definition.stem, file=sys.stderr) as bar:
                    write_deck(definition, out_dir, stamp, bar.update, announce)
            else:
                write_deck(definition, out_dir, stamp, announce=announce)
            if definition.sections:  # one printable sheet per deck: a question from each section, and its key
                deck_sheet = plan_from_deck(definition, 1).sheet(definition.seed)
                try:
                    written = write_sheet(deck_sheet, out_dir, f"{definition.stem}-sheet", key="separate",
                                          formats=("pdf",), timestamp=stamp)
                except OSError as exc:  # e.g. a full $TMPDIR while Typst compiles
                    raise QuizgenError(f"cannot write the sheet of {definition.path}: {exc.strerror or exc}") from None
                for path in written:
                    click.echo(f"{path}: a sheet of {len(deck_sheet.items)} questions")


@cli.command()
@click.argument("deck_file", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("out"),
              show_default=True, help="The folder the deck was built into.")
@click.option("--forget", is_flag=True, help="Drop the list once you have deleted those notes in Anki.")
def retired(deck_file: Path, out_dir: Path, forget: bool) -> None:
    """List the Anki searches that find a deck's retired notes (no longer in the deck).

    An import cannot delete notes, so every build lists the retired notes of earlier
    builds until you delete them in Anki's browser and run this with --forget.

    \b
    Examples:
      quizgen retired decks/graphs.toml
      quizgen retired decks/graphs.toml -o ~/anki-decks --forget
    """
    from quizgen.writers.apkg import forget_retired, retired_searches

    definition = load_deck(deck_file)
    if forget:
        click.echo(f"{definition.stem}: forgot {forget_retired(definition, out_dir)} retired notes")
        return
    searches = retired_searches(definition, out_dir)
    for search in searches:
        click.echo(search)
    if searches:
        click.echo(f"all {len(searches)} at once: {' OR '.join(f'({s})' for s in searches)}", err=True)
    else:
        click.echo(f"{definition.stem}: no retired notes", err=True)


@cli.command()
@click.option("--deck", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Take the questions from a deck file's sections (or a shipped deck by name, e.g. circuits).")
@click.option("--family", "families", multiple=True, help="A family id; repeat for several (default: all).")
@click.option("--count", type=int, default=1, show_default=True, help="Questions per family (or per deck section).")
@click.option("--difficulty", default=None,
              help="easy, medium or hard (default: all three across the sheet, easy first).")
@click.option("--kind", type=click.Choice(KINDS), default=None,
              help="basic (worked questions, the default) or choice (multiple choice); with --family.")
@click.option("--seed", type=int, default=None, help="Sheet seed (default: the deck's seed, else 0).")
@click.option("--students", type=int, default=None,
              help="How many variants, one per student, each with its own seed, plus a class roster "
                   "(default: 1, or one per name).")
@click.option("--names", "names_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A text file of student names, one per line, printed on their sheets and the roster.")
@click.option("--key", type=click.Choice(KEY_MODES), default="separate", show_default=True,
              help="Answer key in its own file, after a page break, or left out.")
@click.option("--format", "fmt", type=click.Choice(["pdf", "html", "both"]), default="pdf", show_default=True)
@click.option("--title", default=None, help="Title printed on the sheet.")
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("out"),
              show_default=True, help="Folder for the sheets.")
@click.option("--timestamp", type=float, default=None,
              help="Date printed on the sheet and in the PDF (Unix seconds); default SOURCE_DATE_EPOCH, else now.")
def sheet(deck: Path | None, families: tuple[str, ...], count: int, difficulty: str | None, kind: str | None,
          seed: int | None, students: int | None, names_file: Path | None, key: str, fmt: str, title: str | None,
          out_dir: Path, timestamp: float | None) -> None:
    """Print a practice quiz (PDF via Typst, or HTML) with an answer key of worked solutions.

    Every sheet prints its seed and the command that regenerates it, so a tutor can
    rebuild any student's key. With several students, a roster (CSV and PDF) lists each
    student's seed, files and multiple-choice letters.

    \b
    Examples:
      quizgen sheet --family qk.scores --family merge.reachable --count 2
      quizgen sheet --deck circuits --students 30 --names names.txt -o class/
      quizgen sheet --kind choice --key appended --format both --seed 7
    """
    if deck is not None and (families or kind):
        raise QuizgenError("--family and --kind do not go with --deck: the deck's sections set them")
    plan = plan_from_deck(load_deck(resolve_deck(deck)), count, difficulty) if deck is not None else \
        plan_from_families(families, count, difficulty, kind or "basic")
    base = seed if seed is not None else plan.default_seed
    if base < 0:
        raise QuizgenError(f"seed must be non-negative, not {base}")
    names = read_names(names_file) if names_file is not None else None
    if names is not None and students is not None and students != len(names):
        raise QuizgenError(f"{names_file} has {len(names)} names but --students is {students}")
    students = len(names) if names is not None else (1 if students is None else students)
    if not 1 <= students <= MAX_STUDENTS:
        raise QuizgenError(f"students must be between 1 and {MAX_STUDENTS}, not {students}")
    stamp = build_timestamp(timestamp)
    formats = ("pdf", "html") if fmt == "both" else (fmt,)
    for path, replaced in write_class(plan, base, students, names, names_file=names_file, title=title,
                                      out_dir=out_dir, key=key, formats=formats, timestamp=stamp):
        click.echo(f"{path} (replaced an existing file)" if replaced else str(path))


@cli.command()
@click.option("--family", "families", multiple=True, help="A family id; repeat for several (default: all).")
@click.option("--deck", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Practise the families of a deck file's sections.")
@click.option("--count", type=int, default=DEFAULT_POOL, show_default=True,
              help=f"Problems per family and level in the page's pool (1 to {MAX_POOL}).")
@click.option("--difficulty", default=None, help="easy, medium or hard (default: all three levels).")
@click.option("--seed", type=int, default=None, help="Base seed of the pool (default: the deck's seed, else 0).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("practice.html"),
              show_default=True, help="The HTML file to write.")
def practice(families: tuple[str, ...], deck: Path | None, count: int, difficulty: str | None, seed: int | None,
             output: Path) -> None:
    """Write a self-contained practice page that checks typed answers and names the mistake.

    Open the file in any browser, also offline and on a phone: answer a problem and the
    page says whether it is right, and, when a wrong answer is what a known mistake gives,
    which mistake; then it shows the worked steps. Progress is kept in the browser.

    \b
    Examples:
      quizgen practice -o practice.html
      quizgen practice --deck decks/everything.toml -o practice.html
      quizgen practice --family qk.softmax --family qk.scores --count 30
    """
    if deck is not None and families:
        raise QuizgenError("--family does not go with --deck: the deck's sections name the families")
    if not 1 <= count <= MAX_POOL:
        raise QuizgenError(f"count must be between 1 and {MAX_POOL}, not {count}")
    definition = load_deck(deck) if deck is not None else None
    chosen = tuple(dict.fromkeys(s.family for s in definition.sections)) if definition else families
    base = seed if seed is not None else (definition.seed if definition else 0)
    if base < 0:
        raise QuizgenError(f"seed must be non-negative, not {base}")
    levels = check_request(chosen or FAMILIES, count, difficulty)[0].levels
    plan = PracticePlan(tuple(chosen or FAMILIES), (difficulty,) if difficulty else tuple(levels), count, base)
    command = practice_command(families, deck, count, difficulty, base, output)
    problems = pool(plan)
    atomic_write(output, practice_page(plan, problems, command).encode("utf-8"))
    click.echo(f"{output}: {len(problems)} problems of {len(set(p.family for p in problems))} families")


def practice_command(families: tuple[str, ...], deck: Path | None, count: int, difficulty: str | None, seed: int,
                     output: Path) -> str:
    """The command that writes this page again, as printed on it."""
    words = ["quizgen", "practice"]
    words += ["--deck", str(deck)] if deck is not None else [w for f in families for w in ("--family", f)]
    words += ["--count", str(count), "--seed", str(seed)] + (["--difficulty", difficulty] if difficulty else [])
    return shlex.join(words + ["-o", output.name])


def main() -> None:
    """Console-script entry point."""
    cli()
