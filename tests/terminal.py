"""Running the ``quizgen`` command in a subprocess, as a user would: its output on a pipe,
or its standard error on a terminal (where progress bars show), or signalled as a
terminal signals it."""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def quizgen_popen(*args: str, **kwargs) -> subprocess.Popen:
    """``quizgen ARGS`` started from this working tree; ``kwargs`` go to ``Popen``."""
    return subprocess.Popen([sys.executable, "-c", "from quizgen.cli import main; main()", *args],
                            env={**os.environ, "PYTHONPATH": str(REPO)}, **kwargs)


def on_a_terminal(*args: str) -> tuple[str, str]:
    """What ``quizgen ARGS`` prints on standard error when that is a terminal, and on
    standard output (a pipe); the command must succeed."""
    leader, follower = pty.openpty()
    proc = quizgen_popen(*args, stdout=subprocess.PIPE, stderr=follower)
    os.close(follower)
    shown = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:  # the terminal closed
            break
        if not data:
            break
        shown.append(data)
    out = proc.stdout.read().decode()
    proc.wait(timeout=120)
    os.close(leader)
    assert proc.returncode == 0
    return b"".join(shown).decode(), out


def signal_its_group(args: tuple[str, ...], signum: int, ready) -> tuple[int, str, float, list[int]]:
    """Start ``quizgen ARGS`` in a process group of its own, wait until ``ready()``, then
    signal it as ``timeout`` does (the command, then its whole group, worker processes
    included: so the command gets the signal twice), as Ctrl-C or a closed terminal signal
    the group. Return its exit status, its standard error, the seconds it took to end
    after the signal, and the processes of its group still running a moment later."""
    proc = quizgen_popen(*args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    while not ready():
        assert time.monotonic() < deadline and proc.poll() is None, "the command never got going"
        time.sleep(0.05)
    os.kill(proc.pid, signum)
    os.killpg(proc.pid, signum)
    signalled = time.monotonic()
    try:
        _, err = proc.communicate(timeout=15)  # until every process holding its stderr has ended
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    took = time.monotonic() - signalled
    time.sleep(0.3)
    return proc.returncode, err.decode(), took, _running_in_group(proc.pid)


def _running_in_group(pgid: int) -> list[int]:
    """The processes of group ``pgid`` that are still running (not zombies)."""
    running = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            running.append(int(entry))
    return running
