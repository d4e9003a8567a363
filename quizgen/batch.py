"""Making many problems at once: validating a request, drawing its seeds, cutting it into
chunks, and spreading chunks over processes with the results kept in order."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, TypeVar

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


_END = object()  # marks the end of the items
HELD = 4  # results held at most, in windows: room for this process to work ahead of a slow item


def parallel_map(func: Callable[[T], R], items: Iterable[T], jobs: int, *, window: int | None = None) -> Iterator[R]:
    """``func`` over ``items`` on ``jobs`` processes, the results in the order of the items.

    ``jobs - 1`` workers take items from a queue that is kept at ``window`` items (default
    four per job); this process is the last job: whenever the oldest result is not ready
    yet, it works on an item itself instead of waiting (see ``_work_here``). At most
    ``HELD * window`` results are held, so memory stays flat however many items there are.
    Workers are started with *spawn*, not fork: a forked child of a process that has run
    Typst can deadlock. ``func`` must be a module-level function (it is pickled).
    """
    if jobs <= 1:
        yield from map(func, items)
        return
    window = window or 4 * jobs
    source = iter(items)
    pool = ProcessPoolExecutor(jobs - 1, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_ignore_interrupt)
    # each item with its result to come, in the order of the items, and whether the workers have it
    pending: deque[tuple[T, Future[R], bool]] = deque()
    queued = 0  # items handed to the workers whose results are still pending
    try:
        while True:
            # the workers' queue is topped up whatever this process holds, so they never idle
            while queued < window and len(pending) < HELD * window and (item := next(source, _END)) is not _END:
                pending.append((item, pool.submit(func, item), True))
                queued += 1
            if not pending:
                return
            if not pending[0][1].done():
                taken_back = _work_here(func, source, pending, HELD * window)
                if taken_back is not None:
                    queued -= taken_back
                    continue
            _, future, by_workers = pending.popleft()
            queued -= by_workers
            yield future.result()
    finally:  # also when the consumer stops early or Ctrl-C arrives: drop queued work, stop the workers
        pool.shutdown(wait=True, cancel_futures=True)


def _work_here(func: Callable[[T], R], source: Iterator[T], pending: deque[tuple[T, Future[R], bool]],
               limit: int) -> int | None:
    """Work on one item in this process rather than wait for the oldest result: the next
    new item while fewer than ``limit`` are pending, else the newest pending item that no
    worker has started yet (taken back from the pool), so that near the end this process
    shares the workers' queue instead of idling until they empty it. Returns how many
    items it took back from the workers (0 or 1), or None when there was nothing to take."""
    if len(pending) < limit and (item := next(source, _END)) is not _END:
        pending.append((item, _done(func(item)), False))
        return 0
    for k in range(len(pending) - 1, 0, -1):
        item, future, by_workers = pending[k]
        if by_workers and future.cancel():  # succeeds only while no worker has started it
            pending[k] = (item, _done(func(item)), False)
            return 1
    return None


def _done(result: R) -> Future[R]:
    """A future that already holds ``result`` (an item this process worked on itself)."""
    future: Future[R] = Future()
    future.set_result(result)
    return future


def _ignore_interrupt() -> None:
    """Workers leave Ctrl-C to the main process, which stops them cleanly."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
