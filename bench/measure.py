"""Shared helpers of the benchmark scripts: run a command, time it, and track the peak
memory of its whole process tree (the main process and any workers it starts)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # the scripts measure this working tree's quizgen
HERE = Path(__file__).resolve().parent  # runs start here: no quizgen folder to shadow PYTHONPATH


def machine() -> str:
    """The cores and the current load, printed with every benchmark: on a shared machine
    other work slows the measured runs (the ratios, taken in the same run, suffer less)."""
    one, five, fifteen = os.getloadavg()
    return f"{os.cpu_count()} cores, load average {one:.1f} / {five:.1f} / {fifteen:.1f} (1 / 5 / 15 min)"


def env(source: Path = REPO) -> dict[str, str]:
    """The environment for measured runs: the quizgen in ``source`` (this working tree by
    default), with bytecode cached as an installed package has it (so a run does not
    measure compiling the sources)."""
    result = {**os.environ, "PYTHONPATH": str(source)}
    result.pop("PYTHONDONTWRITEBYTECODE", None)
    return result


def quizgen(*args: str) -> list[str]:
    """The command line that runs ``quizgen ARGS`` as the console script does."""
    return [sys.executable, "-c", "from quizgen.cli import main; main()", *args]


def _tree_memory(root: int) -> tuple[int, int]:
    """Memory of ``root`` and all its descendants, from /proc, in bytes: the sum of their
    resident sets (shared library pages counted once per process) and of their
    proportional sets (shared pages split between the processes that share them)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    parents[int(entry)] = int(f.read().rsplit(b")", 1)[1].split()[1])
            except OSError:
                continue
    rss = pss = 0
    stack = [root]
    while stack:
        pid = stack.pop()
        stack += [child for child, parent in parents.items() if parent == pid]
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith(("Rss:", "Pss:")):
                        kb = int(line.split()[1]) * 1024
                        rss, pss = (rss + kb, pss) if line.startswith("Rss:") else (rss, pss + kb)
        except OSError:
            continue
    return rss, pss


@dataclass
class Run:
    seconds: float
    peak_mb: float  # sum of resident sets, at the moment it was largest
    peak_pss_mb: float = 0.0  # sum of proportional sets, at the moment it was largest
    cpu_seconds: float = 0.0  # user + system time of the process and every worker it waited for


def run_single(cmd: Sequence[str], *, source: Path = REPO) -> Run:
    """Run a one-process command (with the quizgen in ``source``) to completion: its wall
    time and its peak memory (the kernel's own count, so nothing runs beside it to sample
    memory)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env(source), cwd=HERE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed")
    return Run(seconds, usage.ru_maxrss / 1e3, cpu_seconds=usage.ru_utime + usage.ru_stime)


def run(cmd: Sequence[str], *, source: Path = REPO, sample: float = 0.05) -> Run:
    """Run ``cmd`` (with the quizgen in ``source``) to completion; its wall time and the
    peak memory of its process tree (sampled every ``sample`` seconds). A failing command
    stops the benchmark."""
    err = tempfile.TemporaryFile()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env(source), cwd=HERE)
    peak = peak_pss = 0
    done = threading.Event()

    def watch() -> None:
        nonlocal peak, peak_pss
        while not done.is_set():
            rss, pss = _tree_memory(proc.pid)
            peak, peak_pss = max(peak, rss), max(peak_pss, pss)
            done.wait(sample)

    watcher = threading.Thread(target=watch)
    watcher.start()
    _, status, usage = os.wait4(proc.pid, 0)  # the usage includes the workers it waited for
    seconds = time.perf_counter() - start
    done.set()
    watcher.join()
    if os.waitstatus_to_exitcode(status) != 0:
        err.seek(0)
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err.read().decode()}")
    return Run(seconds, peak / 1e6, peak_pss / 1e6, usage.ru_utime + usage.ru_stime)


def checkout(ref: str, folder: Path, paths: Sequence[str] = ("quizgen",)) -> Path:
    """The quizgen package of git commit ``ref`` (and any other ``paths`` of it, such as
    ``templates``), unpacked into ``folder`` (to compare with)."""
    folder.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", ref, *paths], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


def best_of(runs: list[Run]) -> tuple[float, float, float]:
    """(minimum seconds, median seconds, largest peak MB) over repeated runs."""
    times = [r.seconds for r in runs]
    return min(times), statistics.median(times), max(r.peak_mb for r in runs)
