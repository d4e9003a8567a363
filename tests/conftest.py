"""Shared test helpers: problems over many seeds."""

from __future__ import annotations

from typing import Iterator

from quizgen.families import FAMILIES
from quizgen.model.family import make_problem
from quizgen.model.problem import Problem

SEEDS_PER_FAMILY = 1000


def many(family_id: str, count: int = SEEDS_PER_FAMILY) -> Iterator[Problem]:
    """``count`` problems of a family, the difficulty levels taking turns."""
    family = FAMILIES[family_id]
    levels = list(family.levels)
    for seed in range(count):
        yield make_problem(family, seed, levels[seed % len(levels)])
