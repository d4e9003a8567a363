"""Benchmark: problems per second per family, and `quizgen export` as the count grows.

Usage: python bench/problems.py [--per-family 300] [--export-counts 100 1000 10000]
Prints one line per family, then one line per export size (all families, JSON to a file).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from click.testing import CliRunner

from quizgen.cli import cli
from quizgen.families import FAMILIES
from quizgen.model.family import make_problem


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-family", type=int, default=300)
    parser.add_argument("--export-counts", type=int, nargs="+", default=[100, 1000, 10000])
    args = parser.parse_args()

    print(f"{'family':<24} {'problems/s':>10}")
    for family in FAMILIES.values():
        levels = list(family.levels)
        start = time.perf_counter()
        for seed in range(args.per_family):
            make_problem(family, seed, levels[seed % len(levels)])
        rate = args.per_family / (time.perf_counter() - start)
        print(f"{family.id:<24} {rate:>10.0f}")

    print(f"\n{'export --count':>14} {'problems':>9} {'seconds':>8} {'problems/s':>10} {'MB':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for count in args.export_counts:
            out = Path(tmp) / f"export-{count}.json"
            start = time.perf_counter()
            result = CliRunner().invoke(cli, ["export", "--count", str(count), "-o", str(out)])
            elapsed = time.perf_counter() - start
            assert result.exit_code == 0, result.output
            total = count * len(FAMILIES)
            print(f"{count:>14} {total:>9} {elapsed:>8.1f} {total / elapsed:>10.0f} {out.stat().st_size / 1e6:>6.1f}")


if __name__ == "__main__":
    main()
