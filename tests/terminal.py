"""Running the ``quizgen`` command in a subprocess, as a user would: its output on a pipe,
or its standard error on a terminal (where progress bars show)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
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
