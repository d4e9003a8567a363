"""Multiple-choice options: the right answer and distractors in an order fixed by the problem."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from quizgen.model.content import Inline
from quizgen.model.problem import Mistake, Problem

MAX_OPTIONS = 4
LETTERS = "ABCD"


@dataclass(frozen=True)
class Option:
    """A lettered option with its value; ``mistake`` is None for the right one."""

    letter: str
    pieces: tuple[Inline, ...]
    mistake: Mistake | None
    value: Any = None

    @property
    def right(self) -> bool:
        return self.mistake is None


def lettered_options(problem: Problem) -> list[Option]:
    """The right option and up to three distractors, shuffled by a generator seeded from
    the problem id, so a card and a printed sheet letter them the same way."""
    s = problem.solution
    entries = [(s.choice, None, s.value)] + [(d.choice, d.mistake, d.value) for d in s.distractors[:MAX_OPTIONS - 1]]
    digest = hashlib.sha256(problem.id.encode("utf-8")).digest()
    order = np.random.default_rng(int.from_bytes(digest[:8], "little")).permutation(len(entries))
    return [Option(letter, *entries[k]) for letter, k in zip(LETTERS, order)]
