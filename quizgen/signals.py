"""The signals that end a run (Ctrl-C, a terminate signal, a closed terminal) and holding
them back, shared by the file writer (renames) and the process pool (starting workers)."""

from __future__ import annotations

import signal
from contextlib import contextmanager
from typing import Iterator

ENDING_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


@contextmanager
def blocked(signals: tuple[int, ...]) -> Iterator[None]:
    """Hold ``signals`` back in this thread (and in the processes it starts) inside the
    block; they arrive when it ends. Where the system cannot (Windows), nothing is held."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
