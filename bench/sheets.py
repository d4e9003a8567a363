"""Benchmark: printable sheets at three sizes and a class of 30, against Typst compiling alone.

Usage: python bench/sheets.py [--questions 10 40 100] [--students 30] [--baseline REF]

Each size: one sheet with that many questions (every family in turn, basic and multiple
choice) and its separate key, made and written as PDFs by quizgen on one thread (drawing
the problems, measuring them for the page packing, rendering and compiling); the floor is
`typst.compile` of the very same final Typst sources and figures (prepared beforehand,
untimed). Then a class: --students variants of a 10-question sheet (one basic question of
each of the first ten families, the class of the 1b0467d benchmark) with their keys and
the roster, as `quizgen sheet --students` writes them, on one thread and on every core;
its floor compiles the same sheets on as many threads. With --baseline, the same class is
also made by that commit's quizgen (variant by variant, as it could only do) and the
speed-up is printed. Every measurement runs in a fresh process (Typst keeps a cache of
what it compiled), which first imports the sheet writer and compiles one line, untimed
(what any process pays once). Prints wall and CPU seconds, the ratios to the floor, pages
and peak memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pypdf
import typst
from measure import REPO, checkout, env, machine

STAMP = 1_800_000_000
CLASS_SEED = 7


# quizgen is imported inside the functions: a --baseline run first puts the older quizgen
# ahead of this working tree's on the path.


def mixed_sections(questions: int) -> list:
    """``questions`` questions spread over the families, basic and choice in turn."""
    from quizgen.decks import Section
    from quizgen.families import FAMILIES

    families = list(FAMILIES)
    counts = [questions // len(families) + (k < questions % len(families)) for k in range(len(families))]
    return [Section(f, n, "basic" if k % 2 else "choice") for k, (f, n) in enumerate(zip(families, counts)) if n]


def class_sections() -> list:
    """One basic question of each of the first ten families."""
    from quizgen.decks import Section
    from quizgen.families import FAMILIES

    return [Section(f, 1, "basic") for f in list(FAMILIES)[:10]]


def pages(paths: list[Path]) -> int:
    return sum(len(pypdf.PdfReader(p).pages) for p in paths if p.suffix == ".pdf")


def plan():
    """The class's plan, as `quizgen sheet --students` makes it."""
    from quizgen.writers.sheets import SheetPlan

    return SheetPlan("Bench", tuple(class_sections()), "x --seed {seed}", CLASS_SEED, "bench")


def one_sheet(questions: int, folder: Path) -> list[Path]:
    """Make and write one sheet and its key."""
    from quizgen.writers.sheets import make_sheet, write_sheet

    sheet = make_sheet("Bench", 1, mixed_sections(questions), "x")
    return write_sheet(sheet, folder, "sheet", key="separate", formats=("pdf",), timestamp=STAMP)


def a_class(students: int, jobs: int, folder: Path) -> list[Path]:
    """Make and write a class (the variants, their keys and the roster)."""
    from quizgen.writers.sheets import write_class

    return [path for path, _ in write_class(plan(), CLASS_SEED, students, None, names_file=None, title=None,
                                            out_dir=folder, key="separate", formats=("pdf",), timestamp=STAMP,
                                            jobs=jobs)]


def old_class(students: int, folder: Path) -> list[Path]:
    """The class as an older quizgen (``--baseline``) made it: variant by variant."""
    try:
        from quizgen.writers.sheets import make_sheet, variant_seeds, write_sheet
    except ImportError:  # before the writers/ package
        from quizgen.sheets import make_sheet, variant_seeds, write_sheet  # type: ignore[no-redef]
    paths = []
    for k, seed in enumerate(variant_seeds(CLASS_SEED, students), 1):
        paths += write_sheet(make_sheet("Bench", seed, class_sections(), "x"), folder, f"s{k:02d}", key="separate",
                             formats=("pdf",), timestamp=STAMP)
    return paths


def floor_sheets(what: str, questions: int, students: int) -> list:
    """The sheets whose final sources the floor compiles."""
    from quizgen.writers.sheets import make_sheet, variant_seeds

    if what == "floor-sheet":
        return [make_sheet("Bench", 1, mixed_sections(questions), "x")]
    return [plan().sheet(seed, None, None, k) for k, seed in enumerate(variant_seeds(CLASS_SEED, students), 1)]


def typst_floor(sheets: list, folder: Path, jobs: int) -> tuple[float, float]:
    """Seconds (wall and CPU) Typst alone takes to compile the final sources of ``sheets``
    (questions and key) on ``jobs`` threads."""
    from quizgen.writers.sheets import typst_source

    date = dt.datetime.fromtimestamp(STAMP, dt.timezone.utc).date()
    roots = []
    for k, sheet in enumerate(sheets):
        for part in ("questions", "key"):
            source, files = typst_source(sheet, part, date)
            root = folder / f"floor{k}-{part}"
            root.mkdir()
            for name, svg in files.items():
                (root / name).write_text(svg, encoding="utf-8")
            (root / "sheet.typ").write_text(source, encoding="utf-8")
            roots.append(root)

    def compile_one(root: Path) -> bytes:
        return typst.compile(str(root / "sheet.typ"), root=str(root), ignore_system_fonts=True, format="pdf",
                             timestamp=STAMP)

    start, cpu = time.perf_counter(), _cpu()
    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(compile_one, roots))
    return time.perf_counter() - start, _cpu() - cpu


def one(what: str, questions: int, students: int, jobs: int) -> None:
    """One measurement in this fresh process, printed as JSON: quizgen making and writing
    ("sheet", "class", or "old-class" for --baseline), or Typst alone ("floor-sheet",
    "floor-class") compiling the final sources of the same sheets, made first, untimed."""
    _warm_up()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if what.startswith("floor"):
            (seconds, cpu), count = typst_floor(floor_sheets(what, questions, students), folder, jobs), 0
        else:
            start, before = time.perf_counter(), _cpu()
            make = {"sheet": lambda: one_sheet(questions, folder), "class": lambda: a_class(students, jobs, folder),
                    "old-class": lambda: old_class(students, folder)}[what]
            paths = make()
            seconds, cpu = time.perf_counter() - start, _cpu() - before
            count = pages(paths)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    print(json.dumps({"seconds": seconds, "cpu": cpu, "pages": count, "peak": peak}))


def _warm_up() -> None:
    """What any run pays once per process, before it is timed: importing the sheet writer
    (and with it Typst) and Typst's first compile, which loads its fonts."""
    try:
        import quizgen.writers.sheets  # noqa: F401
    except ImportError:  # before the writers/ package
        import quizgen.sheets  # noqa: F401
    typst.compile(b"$x$ *warm*", format="pdf", ignore_system_fonts=True)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measured(what: str, questions: int, students: int, jobs: int, source: Path = REPO) -> dict:
    """One measurement in a fresh process, with the quizgen in ``source``."""
    result = subprocess.run([sys.executable, __file__, "--one", what, str(questions), str(students), str(jobs),
                             str(source)], check=True, capture_output=True, text=True, env=env(source))
    return json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, nargs="+", default=[10, 40, 100])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--baseline", metavar="REF", help="also make the class with this git commit's quizgen")
    parser.add_argument("--one", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        sys.path.insert(0, args.one[4])  # the quizgen to measure, ahead of this working tree's
        return one(args.one[0], *map(int, args.one[1:4]))
    from quizgen.batch import available_cores

    cores = available_cores()
    print(machine())
    print(f"{'run':<34} {'pages':>5} {'quizgen s':>9} {'ms/question':>11} {'typst s':>7} {'× floor':>7} "
          f"{'CPU s':>6} {'typst CPU s':>11} {'× floor (CPU)':>13} {'peak MB':>7}")
    runs = [(f"1 sheet of {q} + key, 1 thread", "sheet", q, 1, 1) for q in args.questions]
    runs += [(f"{args.students} sheets of 10 + keys, {j} thread{'s' * (j > 1)}", "class", 10, args.students, j)
             for j in dict.fromkeys((1, cores))]
    results = {}
    for label, what, questions, students, jobs in runs:
        ours = results[what, jobs] = measured(what, questions, students, jobs)
        floor = measured(f"floor-{what}", questions, students, jobs)
        total = questions * students
        print(f"{label:<34} {ours['pages']:>5} {ours['seconds']:>9.2f} {ours['seconds'] / total * 1e3:>11.1f} "
              f"{floor['seconds']:>7.2f} {ours['seconds'] / floor['seconds']:>7.2f} {ours['cpu']:>6.2f} "
              f"{floor['cpu']:>11.2f} {ours['cpu'] / floor['cpu']:>13.2f} {ours['peak']:>7.0f}", flush=True)
    if args.baseline:
        with tempfile.TemporaryDirectory() as tmp:
            old = measured("old-class", 10, args.students, 1, source=checkout(args.baseline, Path(tmp), ("quizgen", "templates")))
        label = f"{args.students} sheets of 10 + keys at {args.baseline}"
        print(f"{label:<34} {old['pages']:>5} {old['seconds']:>9.2f} {old['seconds'] / (10 * args.students) * 1e3:>11.1f}"
              f" {'':>7} {'':>7} {old['cpu']:>6.2f} {'':>11} {'':>13} {old['peak']:>7.0f}")
        for jobs in dict.fromkeys((1, cores)):
            now = results["class", jobs]
            print(f"the class on {jobs} thread{'s' * (jobs > 1)} is {old['seconds'] / now['seconds']:.2f}× as fast "
                  f"as at {args.baseline} ({old['seconds']:.2f} s → {now['seconds']:.2f} s; "
                  f"CPU {old['cpu']:.2f} s → {now['cpu']:.2f} s)")
    print(machine())


if __name__ == "__main__":
    main()
