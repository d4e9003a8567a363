"""Benchmark: how fast the describing commands start, against `python -c "import click"`.

Usage: python bench/startup.py [--runs 30] [--baseline REF]
Runs `import click` (the floor: any click program pays it), `quizgen --help`, `quizgen list`
and `quizgen describe qk.softmax`, and with --baseline the --help and list of the quizgen of
git commit REF, interleaved so that a busy machine slows all alike. Prints the minimum and
median wall time of each, the median CPU time (steadier when the machine is busy), their
ratios to the floor, and the peak memory.
Goals (issue 13): --help at most 1.5× and list at most 2× the floor.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from measure import REPO, Run, best_of, checkout, machine, quizgen, run_single


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--baseline", default=None, help="a git commit whose start-up to compare with")
    args = parser.parse_args()
    commands = {
        "import click": ([sys.executable, "-c", "import click"], REPO),
        "quizgen --help": (quizgen("--help"), REPO),
        "quizgen list": (quizgen("list"), REPO),
        "quizgen describe": (quizgen("describe", "qk.softmax"), REPO),
    }
    with tempfile.TemporaryDirectory() as tmp:
        if args.baseline:
            old = checkout(args.baseline, Path(tmp))
            commands[f"{args.baseline[:7]} --help"] = (quizgen("--help"), old)
            commands[f"{args.baseline[:7]} list"] = (quizgen("list"), old)
        for cmd, source in commands.values():  # warm-up: the bytecode cache and the disk cache
            run_single(cmd, source=source)
        runs: dict[str, list] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, (cmd, source) in commands.items():
                runs[name].append(run_single(cmd, source=source))
    floor_min, floor_median, _ = best_of(runs["import click"])
    floor_cpu = cpu_median(runs["import click"])
    print(machine())
    print(f"{'command':<18} {'min ms':>7} {'median ms':>9} {'× floor (min)':>13} {'× floor (median)':>16} "
          f"{'CPU ms (median)':>15} {'× floor (CPU)':>13} {'peak MB':>7}")
    for name, measured in runs.items():
        low, median, peak = best_of(measured)
        cpu = cpu_median(measured)
        print(f"{name:<18} {low * 1e3:>7.1f} {median * 1e3:>9.1f} {low / floor_min:>13.2f} "
              f"{median / floor_median:>16.2f} {cpu * 1e3:>15.1f} {cpu / floor_cpu:>13.2f} {peak:>7.1f}")


def cpu_median(runs: list[Run]) -> float:
    """Median CPU time (user + system): on a busy machine it moves far less than wall time."""
    return statistics.median(r.cpu_seconds for r in runs)


if __name__ == "__main__":
    main()
