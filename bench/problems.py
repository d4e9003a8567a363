"""Benchmark: problems per second per family, in one process.

Usage: python bench/problems.py [--per-family 300]
Prints one line per family (the levels taking turns). `bench/export.py` measures the
whole export at several sizes.
"""

from __future__ import annotations

import argparse
import time

import measure  # noqa: F401  (puts this working tree first on sys.path)

from quizgen.families import FAMILIES
from quizgen.model.family import make_problem


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-family", type=int, default=300)
    args = parser.parse_args()
    print(f"{'family':<24} {'problems/s':>10}")
    for family in FAMILIES.values():
        levels = list(family.levels)
        start = time.perf_counter()
        for seed in range(args.per_family):
            make_problem(family, seed, levels[seed % len(levels)])
        rate = args.per_family / (time.perf_counter() - start)
        print(f"{family.id:<24} {rate:>10.0f}")


if __name__ == "__main__":
    main()
