"""Writing output files whole: never half a file, never half of a set of files.

Every file is first written to a temporary file beside its target, named
``.NAME.quizgen-PID-XXXX.tmp``; only when every file of a set is complete are they renamed
into place, with interrupt signals held back for the few renames. A set is one
``write_together`` call, or everything written inside ``written_together()``. Temporary files are
removed on success, error, Ctrl-C and SIGTERM; those of a run that was killed outright
(SIGKILL) are removed by the next run that writes into the same folder (their process id
is no longer alive).
Only regular files are ever replaced: a device, a FIFO or a folder at a target is an error.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import signal
import stat
import tempfile
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

from quizgen.errors import QuizgenError, exit_on_signal
from quizgen.signals import ENDING_SIGNALS, blocked

Writer = Callable[[Path], None]
# The files of the enclosing written_together() set: target -> (complete temporary file, path as given)
_STAGED: ContextVar[dict[Path, tuple[Path, Path]] | None] = ContextVar("quizgen_staged_outputs", default=None)
TEMP_PATTERN = re.compile(r"^\..+\.quizgen-(\d+)-[^.]+\.tmp$")

# Timestamps: whole Unix seconds from 1980 (the earliest date a zip entry can hold) to 2099.
MIN_TIMESTAMP = 315_532_800
MAX_TIMESTAMP = 4_102_444_799


def write_together(files: Mapping[Path, Writer | bytes], before_commit: Callable[[], None] = lambda: None) -> None:
    """Write a set of files that belong together: all of them are replaced, or none.

    Each value is the file's bytes or a function that fills the temporary path it is
    given. ``before_commit`` runs when every file is complete, before the renames. Two
    targets that are the same file, and a target that is not a regular file, are errors
    before anything is written. Inside ``written_together()`` the files join that larger
    set and are renamed into place when it ends.
    """
    staged = _STAGED.get()
    resolved = [_target(Path(p)) for p in files]
    _check_distinct([*(staged or {}), *resolved])
    targets = dict(zip(resolved, files.values()))
    given = dict(zip(resolved, map(Path, files)))
    for folder in sorted({t.parent for t in targets}):
        remove_stale_temps(folder)
    temps: dict[Path, Path] = {}
    current = next(iter(targets))
    with terminating_cleanly():
        try:
            for current, content in targets.items():
                fd, name = tempfile.mkstemp(dir=current.parent, prefix=f".{current.name}.quizgen-{os.getpid()}-",
                                            suffix=".tmp")
                os.close(fd)
                temps[current] = Path(name)
                if isinstance(content, bytes):
                    temps[current].write_bytes(content)
                else:
                    content(temps[current])
                os.chmod(temps[current], 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual mode
            before_commit()
            complete = {target: (temp, given[target]) for target, temp in temps.items()}
            if staged is None:
                _rename_into_place(complete)
            else:
                staged.update(complete)  # the enclosing set renames them, or removes them
                temps = {}
        except OSError as exc:
            raise QuizgenError(f"cannot write {given[current]}: {exc.strerror or exc}") from None
        finally:
            for temp in temps.values():
                temp.unlink(missing_ok=True)


@contextmanager
def written_together() -> Iterator[None]:
    """Make every ``write_together`` inside one set: nothing is replaced until the block
    ends without an error, and then everything is (e.g. all the files of one build)."""
    if _STAGED.get() is not None:  # already inside a set: the outer one renames
        yield
        return
    staged: dict[Path, tuple[Path, Path]] = {}
    token = _STAGED.set(staged)
    try:
        with terminating_cleanly():
            try:
                yield
            except QuizgenError as exc:
                if staged:  # files reported as written are not: say so
                    raise QuizgenError(f"{exc} (no file of this run was replaced)") from None
                raise
            _rename_into_place(staged)
    finally:
        _STAGED.reset(token)
        for temp, _ in staged.values():
            temp.unlink(missing_ok=True)


def _rename_into_place(complete: dict[Path, tuple[Path, Path]]) -> None:
    """Rename complete temporary files onto their targets, with interrupts held back."""
    with _signals_held():
        for target, (temp, given) in complete.items():
            try:
                os.replace(temp, target)
            except OSError as exc:
                raise QuizgenError(f"cannot write {given}: {exc.strerror or exc}") from None


def atomic_write_with(path: Path, write: Writer) -> None:
    """Let ``write`` fill a temporary file beside ``path``, then rename it into place."""
    write_together({Path(path): write})


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole."""
    write_together({Path(path): data})


def remove_stale_temps(folder: Path) -> None:
    """Remove temporary files left in ``folder`` by a quizgen run that no longer exists."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        match = TEMP_PATTERN.match(entry.name)
        if match and entry.is_file(follow_symlinks=False) and not _alive(int(match.group(1))):
            Path(entry.path).unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. PermissionError: the process exists
        return True
    return True


def existing(paths: Iterable[Path]) -> list[Path]:
    """Those of ``paths`` that name an existing file; a name the system refuses (too long,
    say) names none, and writing it reports why."""
    found = []
    for path in paths:
        try:
            if Path(path).exists():
                found.append(Path(path))
        except OSError:
            pass
    return found


def _target(path: Path) -> Path:
    """The file to replace: a symlink's target; only a regular file or nothing may be there."""
    real = Path(os.path.realpath(path))
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        if not real.parent.is_dir():
            raise QuizgenError(f"cannot write {path}: no such folder {real.parent}") from None
        return real
    except OSError as exc:
        raise QuizgenError(f"cannot write {path}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(mode):
        raise QuizgenError(f"cannot write {path}: it is a directory")
    if not stat.S_ISREG(mode):
        raise QuizgenError(f"cannot write {path}: it is not a regular file (a device, FIFO or socket); "
                           "quizgen only writes regular files")
    return real


def check_targets(paths: Iterable[Path]) -> None:
    """Refuse, before any work, outputs that ``write_together`` would refuse: a folder, a
    device, FIFO or socket in the way, or two outputs that are one file."""
    _check_distinct([_target(Path(p)) for p in paths])


def _check_distinct(targets: list[Path]) -> None:
    seen: dict[str, Path] = {}
    for target in targets:
        key = str(target).casefold()  # one file on case-insensitive file systems
        if key in seen:
            raise QuizgenError(f"two outputs would be written to one file, {target}; give them different names")
        seen[key] = target


@contextmanager
def one_writer_at_a_time(folder: Path, waiting: Callable[[], None] = lambda: None) -> Iterator[None]:
    """Hold ``folder`` (made if need be) for this process alone: a second build into it
    waits here (``waiting`` is told first) until the first is done, so each reads the
    manifests the other wrote. Where the system has no ``flock`` (Windows), nothing is held."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
        fd = os.open(folder, os.O_RDONLY)
    except OSError as exc:
        raise QuizgenError(f"cannot write into {folder}: {exc.strerror or exc}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # and with it the lock


@contextmanager
def terminating_cleanly() -> Iterator[None]:
    """Let SIGTERM and SIGHUP end the program through ``finally`` blocks, as Ctrl-C does,
    so temporary files are removed (where nobody else has set a handler)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    names = [n for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)]
    previous = {n: signal.getsignal(getattr(signal, n)) for n in names}
    for name, handler in previous.items():
        if handler == signal.SIG_DFL:
            signal.signal(getattr(signal, name), exit_on_signal)
    try:
        yield
    finally:
        for name, handler in previous.items():
            if handler == signal.SIG_DFL:
                signal.signal(getattr(signal, name), handler)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and termination signals back while the files are renamed into place."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    with blocked(ENDING_SIGNALS):
        yield


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_timestamp(value: float, source: str) -> int:
    """A timestamp as whole Unix seconds in a sane range, or a one-line error naming ``source``."""
    if not math.isfinite(value) or value != int(value):
        raise QuizgenError(f"{source} must be whole Unix seconds, not {value}")
    seconds = int(value)
    if not MIN_TIMESTAMP <= seconds <= MAX_TIMESTAMP:
        hint = " (milliseconds? give seconds)" if seconds > MAX_TIMESTAMP * 100 else ""
        raise QuizgenError(f"{source} must be Unix seconds between {MIN_TIMESTAMP} ({_day(MIN_TIMESTAMP)}) and "
                           f"{MAX_TIMESTAMP} ({_day(MAX_TIMESTAMP)}), not {seconds}{hint}")
    return seconds


def _day(seconds: int) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).date().isoformat()


def build_timestamp(option: float | None) -> int:
    """The build time in whole seconds: the option, else SOURCE_DATE_EPOCH, else now."""
    if option is not None:
        return check_timestamp(option, "--timestamp")
    env = os.environ.get("SOURCE_DATE_EPOCH")
    if env is not None:
        try:
            value = int(env)
        except ValueError:
            raise QuizgenError(f"SOURCE_DATE_EPOCH must be whole Unix seconds, not {env!r}") from None
        return check_timestamp(value, "SOURCE_DATE_EPOCH")
    return int(time.time())
