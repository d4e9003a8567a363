"""Writing output files so that a failure never leaves a half-written file behind."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Callable

from quizgen.errors import QuizgenError


def atomic_write_with(path: Path, write: Callable[[Path], None]) -> None:
    """Let ``write`` fill a temporary file beside ``path``, then rename it into place.

    On any failure the temporary file is removed and ``path`` keeps its old content.
    """
    path = Path(path)
    if path.is_dir():
        raise QuizgenError(f"cannot write {path}: it is a directory")
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise QuizgenError(f"cannot write {path}: {exc.strerror or exc}") from None
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual mode
        os.replace(tmp, path)
    except OSError as exc:
        raise QuizgenError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        Path(tmp).unlink(missing_ok=True)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    atomic_write_with(path, lambda tmp: tmp.write_bytes(data))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def build_timestamp(option: float | None) -> float:
    """The notes' modification time: the option, else SOURCE_DATE_EPOCH, else now."""
    if option is not None:
        return float(option)
    env = os.environ.get("SOURCE_DATE_EPOCH")
    if env is not None:
        try:
            return float(int(env))
        except ValueError:
            raise QuizgenError(f"SOURCE_DATE_EPOCH must be an integer, not {env!r}") from None
    return time.time()
