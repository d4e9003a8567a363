"""Making many problems at once: validating a request, cutting it into chunks, and
spreading chunks over processes with the results kept in order.

The process that hands out chunks imports neither numpy nor the families: it validates
against the catalog, and each chunk names its seeds by their place in the batch, which the
worker that makes the chunk derives (see ``Chunk``). So a parallel export's main process
stays small.
"""

from __future__ import annotations

import multiprocessing.context
import os
import signal
import threading
from collections import deque
from contextlib import contextmanager
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Protocol, TypeVar

from quizgen import catalog
from quizgen.errors import QuizgenError
from quizgen.signals import ENDING_SIGNALS, blocked

if TYPE_CHECKING:
    from quizgen.model.problem import Problem

MAX_COUNT = 100_000
CHUNK_SIZE = 100  # problems a worker makes per task: large enough to hide the hand-over cost
PROBLEMS_PER_JOB = 1_000  # fewer per worker, and starting it (~0.3 s) costs more than it saves

T = TypeVar("T")
R = TypeVar("R")


class FamilyLevels(Protocol):
    """What a batch needs of a family: its id and its levels (a catalog entry or the family)."""

    @property
    def id(self) -> str: ...

    @property
    def levels(self) -> dict[str, str]: ...


def check_request(family_ids: Iterable[str], count: int, difficulty: str | None) -> list[catalog.FamilyInfo]:
    """Validate a batch request against the catalog; raise ``QuizgenError`` with the valid choices.
    A family named twice is made once."""
    known = catalog.families()
    families = []
    for fid in dict.fromkeys(family_ids):
        if fid not in known:
            raise QuizgenError(f"unknown family {fid!r}; choose from {', '.join(known)}")
        families.append(known[fid])
    if not 1 <= count <= MAX_COUNT:
        raise QuizgenError(f"count must be between 1 and {MAX_COUNT:,}, not {count}")
    for family in families:
        if difficulty is not None and difficulty not in family.levels:
            raise QuizgenError(
                f"unknown difficulty {difficulty!r} for {family.id}; choose from {', '.join(family.levels)}"
            )
    return families


def fresh_seed() -> int:
    """A new seed from the operating system's entropy (never from global random state),
    for a user who asks for a fresh draw; print it so the draw can be repeated."""
    import numpy as np

    from quizgen.model.seeding import SEED_BITS

    return int(np.random.SeedSequence().generate_state(1)[0]) % (1 << SEED_BITS)


@dataclass(frozen=True)
class Chunk:
    """A run of problems of one family: one task for one worker.

    The problems are those at places ``start`` to ``stop`` of a batch of ``count`` problems
    of ``family`` drawn from ``base_seed`` (``derive_seeds``); without a ``difficulty`` the
    levels take turns by place.
    """

    family: str
    base_seed: int
    count: int
    stream: int
    start: int
    stop: int
    difficulty: str | None

    def problems(self) -> Iterator[Problem]:
        """The chunk's problems, in order."""
        from quizgen.families import get_family
        from quizgen.model.family import make_problem

        family = get_family(self.family)
        levels = list(family.levels)
        seeds = _batch_seeds(self.base_seed, self.family, self.count, self.stream)
        for k in range(self.start, self.stop):
            yield make_problem(family, seeds[k], self.difficulty or levels[k % len(levels)])


@lru_cache(maxsize=2)
def _batch_seeds(base_seed: int, family: str, count: int, stream: int) -> list[int]:
    """A batch's seeds, derived once per family in each process (a worker makes many
    chunks of a family in a row; deriving 100,000 seeds takes ~35 ms)."""
    from quizgen.model.seeding import derive_seeds

    return derive_seeds(base_seed, family, count, stream=stream)


def chunks(families: Iterable[FamilyLevels], count: int, base_seed: int, difficulty: str | None,
           *, stream: int = 0, size: int = CHUNK_SIZE) -> Iterator[Chunk]:
    """``count`` problems per family, as chunks of at most ``size``; without a difficulty,
    the levels take turns."""
    for family in families:
        for start in range(0, count, size):
            yield Chunk(family.id, base_seed, count, stream, start, min(start + size, count), difficulty)


def available_cores() -> int:
    """The cores this process may run on (the default number of jobs)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def jobs_for(wanted: int | None, families: list[FamilyLevels], count: int) -> int:
    """How many processes to make ``count`` problems of each family with (in chunks)."""
    return jobs_for_tasks(wanted, len(families) * -(-count // CHUNK_SIZE), len(families) * count)


def jobs_for_tasks(wanted: int | None, tasks: int, problems: int, per_job: int = PROBLEMS_PER_JOB) -> int:
    """How many processes to share ``tasks`` holding ``problems`` problems: ``wanted`` if
    given, else every core, but one per ``per_job`` problems at most (starting a worker
    costs more than fewer take); never more than there are tasks."""
    if wanted is None:
        wanted = min(available_cores(), problems // per_job)
    return max(1, min(wanted, tasks))


def parallel_map(func: Callable[[T], R], items: Iterable[T], jobs: int, *, window: int | None = None) -> Iterator[R]:
    """``func`` over ``items`` on ``jobs`` worker processes, the results in the order of the items.

    At most ``window`` items (default four per job) are handed out and not yet collected,
    so memory stays flat however many items there are. This process only hands out items
    and collects results: the pool's threads that carry them between the processes need
    this process's GIL, and when it also worked on items they waited for it at every
    hand-over, which left the workers idle a quarter of the time. Workers are started with
    *spawn*, not fork: a forked child of a process that has run Typst can deadlock. They
    leave Ctrl-C and hang-ups to this process, which ends them at once when it is interrupted
    or the consumer stops early.
    ``func`` must be a module-level function (it is pickled).
    """
    if jobs <= 1:
        yield from map(func, items)
        return
    workers = _Workers()
    with blocked(_LEFT_TO_MAIN):  # the resource tracker, which the pool's queues start, inherits the mask too
        pool = ProcessPoolExecutor(jobs, mp_context=workers)
    finished = False
    try:
        yield from in_order(pool, func, ((item,) for item in items), window or 4 * jobs)
        finished = True
    except BrokenProcessPool:
        raise QuizgenError("a worker process ended abruptly (killed, or out of memory?); "
                           "try again, or with fewer --jobs") from None
    finally:
        # A signal that interrupted shutdown's wait for the pool's thread would make Python
        # (3.11: threading's bpo-45274 handling) take that thread for ended: the program
        # would exit closing the queue through which the thread is telling the workers to
        # stop, and wait for the workers for ever. The wait is short (the workers are idle,
        # or ended), so the signals are ignored during it.
        with _ignoring(ENDING_SIGNALS):
            if not finished:  # Ctrl-C, a terminating signal, an error, or the consumer stopping early
                workers.stop(pool)
            pool.shutdown(wait=True, cancel_futures=True)


def in_order(pool: Executor, func: Callable[..., R], arguments: Iterable[tuple], window: int) -> Iterator[R]:
    """``func(*args)`` for each of ``arguments`` on ``pool``, the results in order. At most
    ``window`` calls are handed out and not yet collected, so memory stays flat. What is
    still queued when the caller stops (or fails) is for the pool's
    ``shutdown(cancel_futures=True)`` to drop: cancelled here, a call a process pool then
    found its workers gone for would end the pool's thread with an InvalidStateError."""
    pending: deque[Future[R]] = deque()
    for args in arguments:
        pending.append(pool.submit(func, *args))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


# Ctrl-C and a closed terminal signal the whole process group; the main process alone acts on them
_LEFT_TO_MAIN = tuple(getattr(signal, name) for name in ("SIGINT", "SIGHUP") if hasattr(signal, name))


class _Worker(multiprocessing.context.SpawnProcess):
    """A worker process, started with ``_LEFT_TO_MAIN`` blocked: the mask survives spawn's
    exec, so even a worker still starting up never dies of Ctrl-C with a traceback, nor of a
    hang-up before the main process has stopped it. The signals are blocked in this process
    too while it starts one: an interrupt there would leave a child without its instructions,
    which prints a traceback."""

    def start(self) -> None:
        with blocked(_LEFT_TO_MAIN):
            super().start()


class _Workers(multiprocessing.context.SpawnContext):
    """How a pool starts its workers, remembering them so that ``stop`` can end them."""

    def __init__(self) -> None:
        self.started: list[_Worker] = []

    def Process(self, *args, **kwargs) -> _Worker:  # noqa: N802 (multiprocessing's name)
        worker = _Worker(*args, **kwargs)
        self.started.append(worker)
        return worker

    def stop(self, pool: ProcessPoolExecutor) -> None:
        """End the workers now, not after the tasks they hold (``shutdown`` only cancels
        those not yet handed out, and waits for the rest, seconds of work no longer wanted).

        A worker ended while it was sending a result would leave the pool's thread waiting
        for the rest of it, for ever, as this process holds the pipe's writing end too:
        closed, the thread sees the pipe end, marks the pool broken and lets ``shutdown``
        return. (Python 3.14's ``ProcessPoolExecutor.terminate_workers`` does the first half.)
        """
        for worker in self.started:
            if worker.is_alive():
                worker.terminate()
        pool._result_queue._writer.close()  # only workers write results


@contextmanager
def _ignoring(signals: tuple[int, ...]) -> Iterator[None]:
    """Ignore ``signals`` inside the block (only the main thread can; elsewhere, nothing)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = [(signum, signal.signal(signum, signal.SIG_IGN)) for signum in signals]
    try:
        yield
    finally:
        for signum, handler in previous:
            signal.signal(signum, handler)
