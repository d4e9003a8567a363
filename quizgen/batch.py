"""Making many problems at once: validating a request, drawing its seeds, cutting it into
chunks, and spreading chunks over processes with the results kept in order."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Callable, Generic, Iterable, Iterator, TypeVar

import numpy as np

from quizgen.errors import QuizgenError
from quizgen.families import get_family
from quizgen.model.family import Family, make_problem
from quizgen.model.problem import Problem
from quizgen.model.seeding import SEED_BITS, derive_seeds

MAX_COUNT = 100_000
CHUNK_SIZE = 100  # problems a worker makes per task: large enough to hide the hand-over cost
PROBLEMS_PER_JOB = 1_000  # fewer per worker, and starting it (~0.3 s) costs more than it saves

T = TypeVar("T")
R = TypeVar("R")


def check_request(family_ids: Iterable[str], count: int, difficulty: str | None) -> list[Family]:
    """Validate a batch request; raise ``QuizgenError`` with the valid choices."""
    families = []
    for fid in family_ids:
        try:
            families.append(get_family(fid))
        except KeyError as exc:
            raise QuizgenError(exc.args[0]) from None
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
    return int(np.random.SeedSequence().generate_state(1)[0]) % (1 << SEED_BITS)


@dataclass(frozen=True)
class Chunk:
    """A run of problems of one family: one task for one worker."""

    family: str
    seeds: tuple[int, ...]
    difficulties: tuple[str, ...]

    def problems(self) -> Iterator[Problem]:
        """The chunk's problems, in order."""
        family = get_family(self.family)
        for seed, difficulty in zip(self.seeds, self.difficulties):
            yield make_problem(family, seed, difficulty)


def chunks(families: list[Family], count: int, base_seed: int, difficulty: str | None,
           *, stream: int = 0, size: int = CHUNK_SIZE) -> Iterator[Chunk]:
    """``count`` problems per family, as chunks of at most ``size``; without a difficulty,
    the levels take turns."""
    for family in families:
        levels = list(family.levels)
        seeds = derive_seeds(base_seed, family.id, count, stream=stream)
        for start in range(0, count, size):
            part = seeds[start:start + size]
            turns = range(start, start + len(part))
            yield Chunk(family.id, tuple(part), tuple(difficulty or levels[k % len(levels)] for k in turns))


def generate(families: list[Family], count: int, base_seed: int, difficulty: str | None,
             *, stream: int = 0) -> Iterator[Problem]:
    """``count`` problems per family; without a difficulty, the levels take turns."""
    for chunk in chunks(families, count, base_seed, difficulty, stream=stream):
        yield from chunk.problems()


def available_cores() -> int:
    """The cores this process may run on (the default number of jobs)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def jobs_for(wanted: int | None, families: list[Family], count: int) -> int:
    """How many processes to make ``count`` problems of each family with: ``wanted`` if
    given, else every core but no more than the work repays; never more than there are chunks."""
    chunk_count = len(families) * -(-count // CHUNK_SIZE)
    if wanted is None:
        wanted = min(available_cores(), len(families) * count // PROBLEMS_PER_JOB)
    return max(1, min(wanted, chunk_count))


def parallel_map(func: Callable[[T], R], items: Iterable[T], jobs: int, *, window: int | None = None) -> Iterator[R]:
    """``func`` over ``items`` on ``jobs`` processes, the results in the order of the items.

    This process is one of the jobs: it takes every ``jobs``-th item itself (while it works,
    the workers' queues keep them busy) and hands the others to ``jobs - 1`` workers,
    which saves starting one more interpreter and holding its memory. Workers are started
    with *spawn*, not fork: a forked child of a process that has run Typst can deadlock.
    At most ``window`` items (default four per job) are in flight, so memory stays flat
    however many items there are. ``func`` must be a module-level function (it is pickled).
    """
    if jobs <= 1:
        yield from map(func, items)
        return
    pool = ProcessPoolExecutor(jobs - 1, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_ignore_interrupt)
    pending: deque[Future[R] | _Here[T]] = deque()
    try:
        for k, item in enumerate(items):
            pending.append(_Here(item) if k % jobs == 0 else pool.submit(func, item))
            if len(pending) >= (window or 4 * jobs):
                yield _result(pending.popleft(), func)
        while pending:
            yield _result(pending.popleft(), func)
    finally:  # also when the consumer stops early or Ctrl-C arrives: drop queued work, stop the workers
        pool.shutdown(wait=True, cancel_futures=True)


@dataclass(frozen=True)
class _Here(Generic[T]):
    """An item this process works on itself, when its turn comes."""

    item: T


def _result(task: Future[R] | _Here[T], func: Callable[[T], R]) -> R:
    return func(task.item) if isinstance(task, _Here) else task.result()


def _ignore_interrupt() -> None:
    """Workers leave Ctrl-C to the main process, which stops them cleanly."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
