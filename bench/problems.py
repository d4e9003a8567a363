"""Benchmark: the CPU cost of a problem, family by family, in one process.

Usage: python bench/problems.py [--per-family 300]
Prints one line per family (the levels taking turns): microseconds of CPU to make a
problem (draws, including rejected ones, solving and the fairness gate) and to turn it into
its export record (the plain-text rendering), and the problems per second both together
allow. `bench/export.py` measures the whole export at several sizes.
"""

from __future__ import annotations

import argparse
import time

import measure  # noqa: F401  (puts this working tree first on sys.path)

from quizgen.families import FAMILIES
from quizgen.model.family import make_problem
from quizgen.writers.export import export_record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-family", type=int, default=300)
    args = parser.parse_args()
    for family in FAMILIES.values():  # warm up: the first problems pay for lazy imports and caches
        export_record(make_problem(family, 0, next(iter(family.levels))))
    print(f"{'family':<24} {'make µs':>8} {'record µs':>9} {'problems/s':>10}")
    totals = [0.0, 0.0]
    for family in FAMILIES.values():
        levels = list(family.levels)
        making = recording = 0.0
        for seed in range(args.per_family):
            start = time.process_time()
            problem = make_problem(family, seed, levels[seed % len(levels)])
            made = time.process_time()
            export_record(problem)
            making += made - start
            recording += time.process_time() - made
        make_us, record_us = (1e6 * t / args.per_family for t in (making, recording))
        totals[0] += make_us
        totals[1] += record_us
        print(f"{family.id:<24} {make_us:>8.0f} {record_us:>9.0f} {1e6 / (make_us + record_us):>10.0f}")
    make_us, record_us = (t / len(FAMILIES) for t in totals)
    print(f"{'mean':<24} {make_us:>8.0f} {record_us:>9.0f} {1e6 / (make_us + record_us):>10.0f}")


if __name__ == "__main__":
    main()
