"""Benchmark: `quizgen practice` at three pool sizes, against writing the same page from its data.

Usage: python bench/practice.py [--counts 5 20 50] [--jobs N] [--baseline REF]
For each count (problems per family and level, all 17 families and 3 levels): the page
written by quizgen (drawing the pool, rendering every problem with its maths as MathML,
encoding it), its time per problem, CPU time (all processes), page size and the peak
memory of its process tree; the floor, the standard library encoding the page's own data
(read back from the page, not timed) as the page stores it (JSON, gzip, base64) and
writing the page; and with --baseline, the same page by the quizgen of git commit REF
(its dependencies must be installed; 224c479 converted LaTeX with latex2mathml).
"""

from __future__ import annotations

import argparse
import base64
import gzip
import json
import re
import tempfile
import time
from pathlib import Path

from measure import checkout, machine, quizgen, run

PER_COUNT = 17 * 3  # problems per unit of --count: every family at every level
POOL = re.compile(r'(<script id="pool"[^>]*>)([^<]+)(</script>)')


def encoding_floor(page: Path, target: Path) -> tuple[float, float]:
    """Seconds (wall and CPU) the standard library takes to encode the data of ``page`` as
    the page stores it and to write the page. Reading it back is not timed."""
    html = page.read_text(encoding="utf-8")
    head, blob, tail = POOL.search(html).groups()
    data = json.loads(gzip.decompress(base64.b64decode(blob)))
    before, after = html[:html.index(head)] + head, tail + html[html.index(tail, html.index(head)) + len(tail):]
    start, cpu = time.perf_counter(), time.process_time()
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    encoded = base64.b64encode(gzip.compress(raw, compresslevel=9, mtime=0)).decode("ascii")
    target.write_text(before + encoded + after, encoding="utf-8")
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[5, 20, 50])
    parser.add_argument("--jobs", type=int, default=None, help="quizgen practice --jobs (default: its own default)")
    parser.add_argument("--baseline", default=None, help="a git commit whose page to compare with")
    args = parser.parse_args()
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    print(machine())
    header = (f"{'count':>5} {'problems':>8} {'page s':>6} {'CPU s':>5} {'ms/problem':>10} {'page MB':>7} "
              f"{'RSS MB':>6} {'floor s':>7} {'× floor':>7} {'floor CPU s':>11} {'× (CPU)':>7}")
    if args.baseline:
        header += f" {'baseline s':>10} {'CPU s':>5} {'page MB':>7} {'speed-up':>8}"
    print(header)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        old = checkout(args.baseline, folder / "old", ("quizgen", "templates")) if args.baseline else None
        for count in args.counts:
            problems = count * PER_COUNT
            page = folder / "practice.html"
            ours = run(quizgen("practice", "--count", str(count), "-q", *jobs, "-o", str(page)))
            floor, floor_cpu = encoding_floor(page, folder / "floor.html")
            line = (f"{count:>5} {problems:>8} {ours.seconds:>6.2f} {ours.cpu_seconds:>5.2f} "
                    f"{ours.seconds / problems * 1e3:>10.2f} {page.stat().st_size / 1e6:>7.2f} {ours.peak_mb:>6.0f} "
                    f"{floor:>7.3f} {ours.seconds / floor:>7.1f} {floor_cpu:>11.3f} {ours.cpu_seconds / floor_cpu:>7.1f}")
            if old:
                old_page = folder / "old.html"
                before = run(quizgen("practice", "--count", str(count), "-o", str(old_page)), source=old)
                line += (f" {before.seconds:>10.2f} {before.cpu_seconds:>5.2f} {old_page.stat().st_size / 1e6:>7.2f} "
                         f"{before.seconds / ours.seconds:>8.2f}")
            print(line, flush=True)
    print(machine())


if __name__ == "__main__":
    main()
