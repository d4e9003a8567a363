"""Benchmark: `quizgen export` at three sizes, against the json module writing the same records.

Usage: python bench/export.py [--counts 100 1000 10000] [--jobs N] [--baseline REF]
For each count (problems per family, all families): the export to a file, its time per
problem, its CPU time (all processes) and the peak memory of its process tree (main process and workers, as the sum of
their resident sets and of their proportional sets, which count shared pages once); the floor,
the standard json module encoding and writing the same records (parsed from the export
beforehand, not timed); and with --baseline, the same export by the quizgen of git commit
REF (e.g. the one before a change), to compare throughput in the same run.
Goals (issue 13): 10,000 per family at least 2× the old throughput and at most 3× the
floor, peak memory under 150 MB and flat from 1,000 to 10,000.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from measure import checkout, machine, quizgen, run

FAMILIES = 17


def json_floor(export: Path, target: Path, batch: int = 2000) -> tuple[float, float]:
    """Seconds (wall and CPU) the json module takes to encode and write the records in
    ``export`` (a JSON list, one record per line), in the export's own framing. Parsing is
    not timed."""
    elapsed = cpu = 0.0
    with open(export, encoding="utf-8") as source, open(target, "wb") as out:
        lines = iter(source)
        next(lines)  # "["
        first = True
        while True:
            records = []
            for line in lines:
                if line.startswith("]"):
                    break
                records.append(json.loads(line.rstrip(",\n")))
                if len(records) == batch:
                    break
            if not records:
                break
            start, started_cpu = time.perf_counter(), time.process_time()
            for record in records:
                data = json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
                out.write((b"[\n" if first else b",\n") + data.encode("utf-8"))
                first = False
            elapsed += time.perf_counter() - start
            cpu += time.process_time() - started_cpu
        out.write(b"\n]\n")
    return elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--jobs", type=int, default=None, help="quizgen export --jobs (default: its own default)")
    parser.add_argument("--baseline", default=None, help="a git commit whose export to compare with")
    args = parser.parse_args()
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    print(machine())
    header = (f"{'count':>6} {'problems':>8} {'export s':>8} {'CPU s':>6} {'µs/problem':>10} {'problems/s':>10} "
              f"{'RSS MB':>6} {'PSS MB':>6} {'json floor s':>12} {'× floor':>7} {'floor CPU s':>11} {'× (CPU)':>7}")
    if args.baseline:
        header += f" {'baseline s':>10} {'CPU s':>6} {'RSS MB':>6} {'speed-up':>8}"
    print(header)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        old = checkout(args.baseline, folder) if args.baseline else None
        for count in args.counts:
            problems = count * FAMILIES
            out = folder / "export.json"
            ours = run(quizgen("export", "--count", str(count), "-q", *jobs, "-o", str(out)))
            floor, floor_cpu = json_floor(out, folder / "floor.json")
            line = (f"{count:>6} {problems:>8} {ours.seconds:>8.2f} {ours.cpu_seconds:>6.1f} "
                    f"{ours.seconds / problems * 1e6:>10.0f} {problems / ours.seconds:>10.0f} {ours.peak_mb:>6.0f} "
                    f"{ours.peak_pss_mb:>6.0f} {floor:>12.2f} {ours.seconds / floor:>7.1f} {floor_cpu:>11.2f} "
                    f"{ours.cpu_seconds / floor_cpu:>7.1f}")
            if old:
                before = run(quizgen("export", "--count", str(count), "-o", str(folder / "old.json")), source=old)
                assert (folder / "old.json").stat().st_size > 0
                line += (f" {before.seconds:>10.2f} {before.cpu_seconds:>6.1f} {before.peak_mb:>6.0f} "
                         f"{before.seconds / ours.seconds:>8.2f}")
            print(line, flush=True)
    print(machine())


if __name__ == "__main__":
    main()
