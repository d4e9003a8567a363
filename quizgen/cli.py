"""The ``quizgen`` command: a thin layer over the library.

Every user error ends as a one-line ``Error: ...`` on stderr with exit code 2, no
traceback and no partial output file. Each command imports the library parts it uses
inside its body, so ``quizgen --help``, ``list``, ``describe`` and shell completion start
nearly as fast as click itself (they read the family catalog, not the families).
"""

from __future__ import annotations

import os
import shlex
import sys
import textwrap
from contextlib import contextmanager
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

import click
from click.core import ParameterSource
from click.shell_completion import CompletionItem

from quizgen import __version__, catalog
from quizgen.errors import QuizgenError
from quizgen.words import counted

if TYPE_CHECKING:  # the CLI imports the library only inside the commands that use it
    from quizgen.decks import DeckDefinition

USER_ERROR = 2
SHEET_KEY, SHEET_FORMATS = "separate", ("pdf",)  # the sheet ``build`` writes beside each deck (``_sheet_stem``)
WIDTH = 80  # ``list`` and ``describe`` fit an 80-column terminal


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
            click.echo(f"Error: {_error_line(exc)}", err=True)
            sys.exit(USER_ERROR)
        except OSError as exc:  # files are checked where they are written: this is the terminal or a pipe
            click.echo(f"Error: cannot write the output: {exc.strerror or exc}", err=True)
            sys.exit(USER_ERROR)
        sys.exit(result if isinstance(result, int) else 0)


def _say(message: str) -> None:
    """A line on standard output that the run does not depend on (what a build or a sheet
    wrote). When the reader has gone (``quizgen build | head -1``), the rest is dropped and
    the run goes on, so its files are still written."""
    try:
        click.echo(message)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python's advice for SIGPIPE


def _error_line(exc: click.ClickException | QuizgenError) -> str:
    """The error message on one line; a usage error keeps click's hint on where to find help."""
    if not isinstance(exc, click.ClickException):
        return str(exc)
    message = exc.format_message()
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click.UsageError) and ctx is not None and ctx.command.get_help_option(ctx) is not None:
        option = max(ctx.command.get_help_option_names(ctx), key=len)  # click's own choice
        stop = "" if message.endswith((".", "?", "!")) else "."
        message = f"{message}{stop} Try '{ctx.command_path} {option}' for help."
    return message


class LazyChoice(click.Choice):
    """A choice whose values are loaded on first use (from the catalog or a library module),
    so that defining the commands imports nothing heavy. A wrong value is reported with
    the valid ones: ``unknown family 'x'; choose from ...``."""

    def __init__(self, load: Callable[[], Iterable[str]], noun: str) -> None:
        self._load = load
        self.noun = noun
        self.case_sensitive = True

    @cached_property
    def choices(self) -> tuple[str, ...]:  # type: ignore[override]
        return tuple(self._load())

    def get_invalid_choice_message(self, value: Any, ctx: click.Context | None) -> str:
        return f"unknown {self.noun} {value!r}; choose from {', '.join(self.choices)}"


def _kinds() -> tuple[str, ...]:
    from quizgen.decks import KINDS

    return KINDS


def _key_modes() -> tuple[str, ...]:
    from quizgen.writers.sheets import KEY_MODES

    return KEY_MODES


def _export_formats() -> tuple[str, ...]:
    from quizgen.writers.export import FORMATS

    return FORMATS


FAMILY = LazyChoice(catalog.family_ids, "family")
DIFFICULTY = LazyChoice(catalog.difficulties, "difficulty")


class Seed(click.ParamType):
    """A non-negative integer, or ``random`` for a fresh seed drawn from the system's entropy."""

    name = "seed"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        if value == "random":
            from quizgen.batch import fresh_seed

            return DrawnSeed(fresh_seed())
        try:
            seed = int(value)
        except ValueError:
            self.fail(f"{value!r} is neither a non-negative integer nor 'random'", param, ctx)
        if seed < 0:
            self.fail(f"seed must be non-negative, not {seed}", param, ctx)
        return seed

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        return [CompletionItem("random")] if "random".startswith(incomplete) else []


class OutputFile(click.Path):
    """A file to write. A trailing slash is refused: the user meant a folder, and a path
    would silently drop it."""

    def __init__(self) -> None:
        super().__init__(dir_okay=False, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and value.endswith(("/", os.sep)):
            self.fail(f"{value!r} ends in a slash, as a folder does; give a file name", param, ctx)
        return super().convert(value, param, ctx)


class DrawnSeed(int):
    """A seed drawn by ``--seed random``; the command prints it so the run can be repeated."""


MAX_JOBS_PER_CORE = 4


def _jobs_option(help: str) -> Callable:
    """The ``-j/--jobs`` option of the commands that use several cores."""
    return click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, callback=_check_jobs,
                        help=f"{help} At most {MAX_JOBS_PER_CORE} per core.")


def _check_jobs(ctx: click.Context, param: click.Parameter, jobs: int | None) -> int | None:
    """``--jobs`` as given, refused above a few per core: more processes than that only wait
    their turn, each holding its own copy of the library in memory."""
    from quizgen.batch import available_cores

    cores = available_cores()
    if jobs is not None and jobs > MAX_JOBS_PER_CORE * cores:
        raise click.BadParameter(f"{jobs} is more than {MAX_JOBS_PER_CORE} per core ({cores} here); "
                                 "more would only wait and take memory")
    return jobs


def _say_seed(seed: int | None) -> int | None:
    """Print a seed drawn at random on stderr (output files and pipes stay clean)."""
    if isinstance(seed, DrawnSeed):
        click.echo(f"seed {seed} (drawn at random; --seed {seed} repeats this run)", err=True)
        return int(seed)
    return seed


def _given(name: str) -> bool:
    """Whether the user gave option ``name`` on the command line (not its default)."""
    source = click.get_current_context().get_parameter_source(name)
    return source not in (None, ParameterSource.DEFAULT)


@click.group(cls=QuizgenGroup, name="quizgen", invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="quizgen")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Exam practice on how transformer attention works: random problems with worked answers.

    \b
    Examples:
      quizgen list
      quizgen describe qk.softmax
      quizgen show qk.scores --seed 7
      quizgen export --count 1000 --format jsonl -o problems.jsonl
      quizgen init && quizgen build
      quizgen sheet --seed random

    Shell completion (bash): eval "$(_QUIZGEN_COMPLETE=bash_source quizgen)"
    """
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


@cli.command("list")
def list_families() -> None:
    """List the problem families, one id and summary each.

    \b
    Examples:
      quizgen list
      quizgen describe qk.softmax     (levels, fixed cases, example commands)
    """
    families = catalog.families()
    width = max(len(fid) for fid in families) + 2
    for info in families.values():
        click.echo(textwrap.fill(info.summary, WIDTH, initial_indent=f"{info.id:<{width}}",
                                 subsequent_indent=" " * width, break_on_hyphens=False))


@cli.command()
@click.argument("family", type=FAMILY, metavar="FAMILY")
def describe(family: str) -> None:
    """What a family asks, what each difficulty level changes, its fixed cases and example commands.

    \b
    Example:
      quizgen describe qk.softmax
    """
    info = catalog.families()[family]

    def fill(text: str, indent: str) -> str:
        return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=" " * len(indent),
                             break_on_hyphens=False)

    level_width = max(len(level) for level in info.levels) + 2
    out = [click.style(f"{info.id}: {info.title}", bold=True), fill(info.summary, ""), "", "Levels:"]
    out += [fill(change, f"  {level:<{level_width}}") for level, change in info.levels.items()]
    out += ["", "Fixed cases:"]
    out += [f"  {name} ({difficulty})" for name, difficulty in info.cases.items()] or ["  none"]
    out += ["", fill(", ".join(info.tags), "Tags: "), "", "Examples:",
            f"  quizgen show {info.id} --seed 1 --difficulty {list(info.levels)[-1]}"]
    out += [f"  quizgen show {info.id} --case {name}" for name in list(info.cases)[:1]]
    out += [f"  quizgen export --family {info.id} --count 100 -o {info.id}.json",
            f"  quizgen sheet --family {info.id} --count 3 --seed random"]
    click.echo("\n".join(out))


def _complete_case(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The fixed cases of the family on the command line. (While it completes an option's
    value, click has not yet assigned the positional arguments: they are in ``ctx.args``.)"""
    family_id = ctx.params.get("family") or next(iter(ctx.args), "")
    family = catalog.families().get(family_id)
    return [CompletionItem(name) for name in (family.cases if family else ()) if name.startswith(incomplete)]


@cli.command()
@click.argument("family", type=FAMILY, metavar="FAMILY")
@click.option("--seed", type=Seed(), default=0, show_default=True, help="Problem seed (non-negative), or random.")
@click.option("--difficulty", type=DIFFICULTY, default="easy", show_default=True)
@click.option("--case", "case", default=None, shell_complete=_complete_case,
              help="A fixed case instead of a seed, e.g. seed000 (quizgen describe lists them).")
def show(family: str, seed: int, difficulty: str, case: str | None) -> None:
    """Show one problem: prompt, answer, worked steps and the multiple-choice options.

    \b
    Examples:
      quizgen show qk.scores --seed 7
      quizgen show merge.reachable --seed 3 --difficulty hard
      quizgen show perturb.source_target --case seed000
    """
    from quizgen.families import FAMILIES
    from quizgen.model.family import make_case, make_problem
    from quizgen.render import text

    fam = FAMILIES[family]
    if case is not None:
        if _given("seed") or _given("difficulty"):
            raise QuizgenError("--case shows a fixed problem: leave out --seed and --difficulty")
        if case not in fam.cases:
            choices = ", ".join(fam.cases) or "none"
            raise QuizgenError(f"unknown case {case!r} for {family}; choose from {choices}")
        problem = make_case(fam, case)
    else:
        if difficulty not in fam.levels:
            raise QuizgenError(f"unknown difficulty {difficulty!r} for {family}; choose from {', '.join(fam.levels)}")
        problem = make_problem(fam, _say_seed(seed), difficulty)
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
@click.option("--family", "families", type=FAMILY, metavar="FAMILY", multiple=True,
              help="A family id (quizgen list shows them); repeat for several (default: all).")
@click.option("--count", type=int, default=1, show_default=True, help="Problems per family (at most 100,000).")
@click.option("--seed", type=Seed(), default=0, show_default=True,
              help="Base seed the per-problem seeds come from, or random.")
@click.option("--difficulty", type=DIFFICULTY, default=None, help="Default: the levels take turns.")
@click.option("--format", "fmt", type=LazyChoice(_export_formats, "format"), default="json", show_default=True,
              help="json: a list, one record per line; jsonl: one record per line.")
@click.option("-o", "--output", type=OutputFile(), default=None,
              help="Output file, written whole or not at all (default: standard output).")
@_jobs_option("Processes to use (default: every core); the output is the same for any number.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary line.")
def export(families: tuple[str, ...], count: int, seed: int, difficulty: str | None, fmt: str,
           output: Path | None, jobs: int | None, quiet: bool) -> None:
    """Export problems with their inputs, truth and worked steps as JSON.

    Records are written as they are made, so memory stays flat for any count; a
    progress bar shows on a terminal.

    \b
    Examples:
      quizgen export --count 1000 --format json -o problems.json
      quizgen export --family qk.scores --family qk.softmax --seed 42 --difficulty hard
      quizgen export --count 10000 --format jsonl --jobs 2 -o problems.jsonl
    """
    from quizgen import catalog
    from quizgen.batch import check_request, chunks, jobs_for
    from quizgen.writers.export import export_to_file, write_records

    chosen = check_request(families or catalog.family_ids(), count, difficulty)
    if output is None and sys.stdout is None:
        raise QuizgenError("standard output is closed; give a file with -o")
    seed = _say_seed(seed)
    total = count * len(chosen)
    jobs = jobs_for(jobs, chosen, count)
    work = chunks(chosen, count, seed, difficulty)
    to_terminal = output is None and sys.stdout.isatty()  # a bar would tangle with the records
    with _progress(total, "exporting", show=not quiet and not to_terminal) as step:
        if output is None:
            write_records(sys.stdout.buffer, work, fmt, jobs=jobs, progress=step)
        else:
            export_to_file(output, work, fmt, jobs=jobs, progress=step)
    if output is not None and not quiet:
        click.echo(f"wrote {counted(total, 'problem')} to {output}", err=True)


@contextmanager
def _progress(total: int, label: str, show: bool) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr when ``show`` and stderr is a terminal; yields its ``update``
    (or None, for no bar)."""
    if not show or not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True) as bar:
        yield bar.update


def _sheet_stem(definition: DeckDefinition) -> str:
    """The file stem of the sheet ``build`` writes beside a deck."""
    return f"{definition.stem}-sheet"


def _deck_paths(paths: tuple[Path, ...]) -> tuple[list[Path], str]:
    """The deck files to build: those given, else ./decks, else the decks quizgen ships."""
    from quizgen.decks import deck_files
    from quizgen.resources import shipped

    if paths:
        return list(paths), "the given files"
    folder = Path("decks") if Path("decks").is_dir() else shipped("decks")
    return deck_files(folder), str(folder)


@cli.command()
@click.argument("folder", default=".", type=click.Path(file_okay=False, path_type=Path))
def init(folder: Path) -> None:
    """Copy the shipped deck files and a commented example deck into FOLDER/decks, to edit.

    Existing files are never overwritten. Then, in FOLDER, `quizgen build` builds the
    decks there.

    \b
    Examples:
      quizgen init
      quizgen init my-course && cd my-course && quizgen build
    """
    from quizgen.starter import init_decks

    for path, created in init_decks(folder / "decks"):
        _say(f"{path}: {'created' if created else 'exists, left as it is'}")
    where = "" if folder == Path(".") else f"cd {folder} && "
    click.echo(f"Edit the deck files, then build them: {where}quizgen build", err=True)


@cli.command()
@click.argument("deck_files", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("out"),
              show_default=True, help="Folder for the .apkg files, their manifests and sheets.")
@click.option("--timestamp", type=float, default=None,
              help="Build time for new and changed notes (whole Unix seconds); default SOURCE_DATE_EPOCH, "
                   "else now. Leave it out for decks you import again: Anki applies only newer notes.")
@_jobs_option("Cores to use: processes for a deck (default: every core, one per 1,000 problems) and "
              "threads for its sheet (default: every core); the files are the same for any number.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def build(deck_files: tuple[Path, ...], out_dir: Path, timestamp: float | None, jobs: int | None,
          quiet: bool) -> None:
    """Build Anki decks (.apkg) and a printable sheet per deck; with no file, every deck in decks/.

    A rebuild reports how many notes are new, changed, unchanged or retired since the
    last build into the same folder. Import the .apkg again in Anki: changed notes update
    in place and keep their review history; unchanged notes are left as they are. The
    files of a build replace the old ones together, once every one of them is complete.
    A large deck is built on every core; a progress bar shows on a terminal.

    \b
    Examples:
      quizgen build
      quizgen build decks/graphs.toml -o ~/anki-decks
      quizgen retired decks/graphs.toml -o ~/anki-decks
    """
    from quizgen.batch import available_cores
    from quizgen.decks import check_distinct, load_deck
    from quizgen.writers.apkg import BuildReport, deck_jobs, package_path, previous_build, write_deck
    from quizgen.writers.manifest import manifest_path
    from quizgen.writers.output import build_timestamp, check_targets, one_writer_at_a_time, written_together
    from quizgen.writers.sheets import plan_from_deck, sheet_files, write_sheet

    paths, source = _deck_paths(deck_files)
    definitions = [load_deck(p) for p in paths]  # all files checked before anything is written
    check_distinct(definitions)
    stamp = build_timestamp(timestamp)
    for definition in definitions:
        previous_build(definition, out_dir)  # every manifest checked before anything is written
    if out_dir.is_dir():  # and every file the build writes: nothing in the way of any of them
        check_targets(path for d in definitions for path in (
            package_path(out_dir, d.stem), manifest_path(out_dir, d.stem),
            *(p for _, p in sheet_files(out_dir, _sheet_stem(d), key=SHEET_KEY, formats=SHEET_FORMATS)
              if d.sections)))

    def announce(report: BuildReport, below_bar: bool) -> None:  # called before the deck's manifest is replaced
        if below_bar:  # the deck's progress bar is still on its line
            click.echo(err=True)
        _say(report.summary())

    click.echo(f"building {counted(len(definitions), 'deck')} from {source} into {out_dir}/", err=True)
    waiting = partial(click.echo, f"waiting for another build into {out_dir}/ to finish", err=True)
    with one_writer_at_a_time(out_dir, waiting), written_together():  # all files replaced at the end, or none
        for definition in definitions:
            with _progress(definition.size, definition.stem, show=not quiet) as step:
                write_deck(definition, out_dir, stamp, step or (lambda n: None),
                           partial(announce, below_bar=step is not None), deck_jobs(definition, jobs))
            if definition.sections:  # one printable sheet per deck: a question from each section, and its key
                deck_sheet = plan_from_deck(definition, 1).sheet(definition.seed)
                try:
                    written = write_sheet(deck_sheet, out_dir, _sheet_stem(definition), key=SHEET_KEY,
                                          formats=SHEET_FORMATS, timestamp=stamp, jobs=jobs or available_cores())
                except OSError as exc:  # e.g. a full $TMPDIR while Typst compiles
                    raise QuizgenError(f"cannot write the sheet of {definition.path}: {exc.strerror or exc}") from None
                for path in written:
                    _say(f"{path}: a sheet of {counted(len(deck_sheet.items), 'question')}")


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
    from quizgen.decks import load_deck
    from quizgen.writers.apkg import forget_retired, retired_searches

    definition = load_deck(deck_file)
    if forget:
        _say(f"{definition.stem}: forgot {counted(forget_retired(definition, out_dir), 'retired note')}")
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
@click.option("--family", "families", type=FAMILY, metavar="FAMILY", multiple=True,
              help="A family id (quizgen list shows them); repeat for several (default: all).")
@click.option("--count", type=int, default=1, show_default=True, help="Questions per family (or per deck section).")
@click.option("--difficulty", type=DIFFICULTY, default=None,
              help="Default: all three levels across the sheet, easy first.")
@click.option("--kind", type=LazyChoice(_kinds, "kind"), default=None,
              help="basic (worked questions, the default) or choice (multiple choice); with --family.")
@click.option("--seed", type=Seed(), default=None,
              help="Sheet seed, or random (default: the deck's seed, else 0).")
@click.option("--students", type=int, default=None,
              help="How many variants, one per student, each with its own seed, plus a class roster "
                   "(default: 1, or one per name).")
@click.option("--names", "names_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A text file of student names, one per line, printed on their sheets and the roster.")
@click.option("--key", type=LazyChoice(_key_modes, "key mode"), default="separate", show_default=True,
              help="Answer key in its own file, after a page break, or left out.")
@click.option("--format", "fmt", type=click.Choice(["pdf", "html", "both"]), default="pdf", show_default=True)
@click.option("--title", default=None, help="Title printed on the sheet.")
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("out"),
              show_default=True, help="Folder for the sheets.")
@click.option("--timestamp", type=float, default=None,
              help="Date printed on the sheet and in the PDF (Unix seconds); default SOURCE_DATE_EPOCH, else now.")
@_jobs_option("Sheets made at once (default: every core); the files are the same for any number.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def sheet(deck: Path | None, families: tuple[str, ...], count: int, difficulty: str | None, kind: str | None,
          seed: int | None, students: int | None, names_file: Path | None, key: str, fmt: str, title: str | None,
          out_dir: Path, timestamp: float | None, jobs: int | None, quiet: bool) -> None:
    """Print a practice quiz (PDF via Typst, or HTML) with an answer key of worked solutions.

    Every sheet prints its seed and the command that regenerates it, so a tutor can
    rebuild any student's key. With several students, a roster (CSV and PDF) lists each
    student's seed, files and multiple-choice letters; their sheets are made on every
    core, with a progress bar on a terminal.

    \b
    Examples:
      quizgen sheet --family qk.scores --family merge.reachable --count 2
      quizgen sheet --deck circuits --students 30 --names names.txt -o class/
      quizgen sheet --kind choice --key appended --format both --seed 7
      quizgen sheet --seed random
    """
    from quizgen.batch import available_cores
    from quizgen.decks import load_deck
    from quizgen.writers.output import build_timestamp, written_together
    from quizgen.writers.sheets import (
        MAX_STUDENTS, plan_from_deck, plan_from_families, read_names, resolve_deck, write_class,
    )

    if deck is not None and (families or kind):
        raise QuizgenError("--family and --kind do not go with --deck: the deck's sections set them")
    plan = plan_from_deck(load_deck(resolve_deck(deck)), count, difficulty) if deck is not None else \
        plan_from_families(families, count, difficulty, kind or "basic")
    base = _say_seed(seed) if seed is not None else plan.default_seed
    names = read_names(names_file) if names_file is not None else None
    if names is not None and students is not None and students != len(names):
        raise QuizgenError(f"{names_file} has {counted(len(names), 'name')} but --students is {students}")
    students = len(names) if names is not None else (1 if students is None else students)
    if not 1 <= students <= MAX_STUDENTS:
        raise QuizgenError(f"students must be between 1 and {MAX_STUDENTS}, not {students}")
    stamp = build_timestamp(timestamp)
    formats = ("pdf", "html") if fmt == "both" else (fmt,)
    with written_together(), _progress(students, "sheets", show=not quiet and students > 1) as step:
        # a class is replaced whole, or not at all when a run is cut short
        written = list(write_class(plan, base, students, names, names_file=names_file, title=title,
                                   out_dir=out_dir, key=key, formats=formats, timestamp=stamp,
                                   jobs=jobs or available_cores(), progress=step))
    for path, replaced in written:
        _say(f"{path} (replaced an existing file)" if replaced else str(path))


@cli.command()
@click.option("--family", "families", type=FAMILY, metavar="FAMILY", multiple=True,
              help="A family id (quizgen list shows them); repeat for several (default: all).")
@click.option("--deck", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Practise the families of a deck file's sections.")
@click.option("--count", type=int, default=20, show_default=True,
              help="Problems per family and level in the page's pool (at most 50).")
@click.option("--difficulty", type=DIFFICULTY, default=None, help="Default: all three levels.")
@click.option("--seed", type=Seed(), default=None,
              help="Base seed of the pool, or random (default: the deck's seed, else 0).")
@click.option("-o", "--output", type=OutputFile(), default=Path("practice.html"),
              show_default=True, help="The HTML file to write.")
@_jobs_option("Processes to use (default: every core); the page is the same for any number.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary line.")
def practice(families: tuple[str, ...], deck: Path | None, count: int, difficulty: str | None, seed: int | None,
             output: Path, jobs: int | None, quiet: bool) -> None:
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
    from quizgen.decks import load_deck
    from quizgen.writers.output import atomic_write
    from quizgen.writers.practice import plan_practice, pool_payloads, practice_jobs, practice_page

    if deck is not None and families:
        raise QuizgenError("--family does not go with --deck: the deck's sections name the families")
    if deck is not None and os.path.realpath(deck) == os.path.realpath(output):
        raise QuizgenError(f"-o {output} is the deck file itself; give another file for the page")
    plan = plan_practice(families, load_deck(deck) if deck is not None else None, count, difficulty, _say_seed(seed))
    total = len(plan.family_ids) * len(plan.levels) * plan.count
    with _progress(total, "drawing the pool", show=not quiet) as step:
        payloads = pool_payloads(plan, practice_jobs(jobs, plan), step)
    command = practice_command(plan.family_ids if families else (), deck, count, difficulty, plan.seed, output)
    atomic_write(output, practice_page(plan, payloads, command).encode("utf-8"))
    if not quiet:
        families = counted(len(plan.family_ids), "family", "families")
        _say(f"{output}: {counted(len(payloads), 'problem')} of {families}")


def practice_command(families: tuple[str, ...], deck: Path | None, count: int, difficulty: str | None, seed: int,
                     output: Path) -> str:
    """The command that writes this page again, as printed on it."""
    words = ["quizgen", "practice"]
    words += ["--deck", str(deck)] if deck is not None else [w for f in families for w in ("--family", f)]
    words += ["--count", str(count), "--seed", str(seed)] + (["--difficulty", difficulty] if difficulty else [])
    return shlex.join(words + ["-o", output.name])


def main() -> None:
    """Console-script entry point. A terminate signal, or a hang-up (the terminal closed),
    ends the run through its ``finally`` blocks (exit status 143 or 129), so an interrupted
    run still removes its temporary files and stops its worker processes."""
    import signal  # here, not at the top: its import costs as much as the rest of ``--help``

    from quizgen.errors import exit_on_signal

    signal.signal(signal.SIGTERM, exit_on_signal)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, exit_on_signal)
    cli(prog_name="quizgen")


if __name__ == "__main__":  # python -m quizgen.cli
    main()
