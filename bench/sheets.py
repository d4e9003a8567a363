"""Benchmark: printable sheets at three sizes and a class of 30, against Typst compiling alone.

Usage: python bench/sheets.py [--questions 10 40 100] [--students 30]
For each size: one sheet with that many questions (every family in turn, basic and multiple
choice) and its separate key, written as PDFs by quizgen; the floor is `typst.compile` of
the very same Typst sources and figures (prepared beforehand, untimed). Then the same for
--students variants of a 10-question sheet, each with its key. Prints seconds, seconds per
question, pages, the ratio to the floor and the peak memory of this process so far.
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
from pathlib import Path

import pypdf
import typst
from measure import env, machine

from quizgen.decks import Section
from quizgen.families import FAMILIES
from quizgen.writers.sheets import Sheet, make_sheet, typst_source, variant_seeds, write_sheet

STAMP = 1_800_000_000


def sections(questions: int) -> list[Section]:
    """``questions`` questions spread over the families, basic and choice in turn."""
    families = list(FAMILIES)
    counts = [questions // len(families) + (k < questions % len(families)) for k in range(len(families))]
    return [Section(f, n, "basic" if k % 2 else "choice") for k, (f, n) in enumerate(zip(families, counts)) if n]


def typst_floor(sheets: list[Sheet], folder: Path) -> tuple[float, float]:
    """Seconds (wall and CPU) Typst alone takes to compile the sources of ``sheets``
    (questions and key)."""
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
    start, cpu = time.perf_counter(), _cpu()
    for root in roots:
        typst.compile(str(root / "sheet.typ"), root=str(root), ignore_system_fonts=True, format="pdf", timestamp=STAMP)
    return time.perf_counter() - start, _cpu() - cpu


def quizgen_sheets(sheets: list[Sheet], folder: Path) -> tuple[float, int]:
    """Seconds quizgen takes to write ``sheets`` and their keys as PDFs, and the pages."""
    start = time.perf_counter()
    paths = []
    for k, sheet in enumerate(sheets):
        paths += write_sheet(sheet, folder, f"s{k:02d}", key="separate", formats=("pdf",), timestamp=STAMP)
    seconds = time.perf_counter() - start
    return seconds, sum(len(pypdf.PdfReader(p).pages) for p in paths)


def the_sheets(questions: int, students: int) -> list[Sheet]:
    if students == 1:
        return [make_sheet("Bench", 1, sections(questions), "x")]
    return [make_sheet("Bench", seed, sections(questions), "x") for seed in variant_seeds(7, students)]


def one(what: str, questions: int, students: int) -> None:
    """One measurement in this fresh process (Typst keeps a cache of what it compiled, so
    quizgen and the floor must not share a process), printed as JSON."""
    sheets = the_sheets(questions, students)
    with tempfile.TemporaryDirectory() as tmp:
        before = _cpu()  # the floor prepares its sources first: it reports only the compile's CPU
        if what == "quizgen":
            seconds, pages = quizgen_sheets(sheets, Path(tmp))
            cpu = _cpu() - before
        else:
            (seconds, cpu), pages = typst_floor(sheets, Path(tmp)), 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    print(json.dumps({"seconds": seconds, "cpu": cpu, "pages": pages, "peak": peak}))


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measured(what: str, questions: int, students: int) -> dict:
    result = subprocess.run([sys.executable, __file__, "--one", what, str(questions), str(students)],
                            check=True, capture_output=True, text=True, env=env())
    return json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, nargs="+", default=[10, 40, 100])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--one", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        return one(args.one[0], int(args.one[1]), int(args.one[2]))
    print(machine())
    print(f"{'run':<26} {'questions':>9} {'pages':>5} {'quizgen s':>9} {'ms/question':>11} {'typst s':>7} "
          f"{'× floor':>7} {'CPU s':>6} {'typst CPU s':>11} {'× floor (CPU)':>13} {'peak MB':>7}")
    runs = [(f"1 sheet of {q} + key", q, 1) for q in args.questions]
    runs.append((f"{args.students} sheets of 10 + keys", 10, args.students))
    for label, questions, students in runs:
        ours = measured("quizgen", questions, students)
        floor = measured("typst", questions, students)
        total = questions * students
        print(f"{label:<26} {total:>9} {ours['pages']:>5} {ours['seconds']:>9.2f} "
              f"{ours['seconds'] / total * 1e3:>11.1f} {floor['seconds']:>7.2f} "
              f"{ours['seconds'] / floor['seconds']:>7.2f} {ours['cpu']:>6.2f} {floor['cpu']:>11.2f} "
              f"{ours['cpu'] / floor['cpu']:>13.2f} {ours['peak']:>7.0f}", flush=True)
    print(machine())


if __name__ == "__main__":
    main()
