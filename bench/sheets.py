"""Benchmark: a 40-question sheet, and 30 student variants of a 10-question sheet.

Usage: python bench/sheets.py
Prints the seconds, the number of files and the number of PDF pages.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pypdf

from quizgen.decks import Section
from quizgen.families import FAMILIES
from quizgen.writers.sheets import make_sheet, variant_seeds, write_sheet

STAMP = 1_800_000_000


def pages(paths: list[Path]) -> int:
    return sum(len(pypdf.PdfReader(p).pages) for p in paths if p.suffix == ".pdf")


def main() -> None:
    families = list(FAMILIES)
    forty = [Section(f, 3 if k < 6 else 2, "basic" if k % 2 else "choice") for k, f in enumerate(families)]
    assert sum(s.count for s in forty) == 40
    ten = [Section(f, 1, "basic") for f in families[:10]]
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        paths = write_sheet(make_sheet("Bench", 1, forty, "x"), Path(tmp) / "one", "forty", key="separate",
                            formats=("pdf",), timestamp=STAMP)
        print(f"40-question sheet + key: {time.perf_counter() - start:.1f} s, {len(paths)} PDFs, {pages(paths)} pages")

        start = time.perf_counter()
        paths = []
        for k, seed in enumerate(variant_seeds(7, 30), 1):
            paths += write_sheet(make_sheet("Bench", seed, ten, "x"), Path(tmp) / "class", f"s{k:02d}",
                                 key="separate", formats=("pdf",), timestamp=STAMP)
        print(f"30 student variants (10 questions each) + keys: {time.perf_counter() - start:.1f} s, "
              f"{len(paths)} PDFs, {pages(paths)} pages")


if __name__ == "__main__":
    main()
