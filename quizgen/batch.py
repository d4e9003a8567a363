"""Making many problems at once: validating a request and drawing its seeds."""

from __future__ import annotations

from typing import Iterable, Iterator

from quizgen.errors import QuizgenError
from quizgen.families import get_family
from quizgen.model.family import Family, make_problem
from quizgen.model.problem import Problem
from quizgen.model.seeding import derive_seeds

MAX_COUNT = 100_000


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


def generate(families: list[Family], count: int, base_seed: int, difficulty: str | None,
             *, stream: int = 0) -> Iterator[Problem]:
    """``count`` problems per family; without a difficulty, the levels take turns."""
    for family in families:
        levels = list(family.levels)
        for k, seed in enumerate(derive_seeds(base_seed, family.id, count, stream=stream)):
            yield make_problem(family, seed, difficulty or levels[k % len(levels)])
