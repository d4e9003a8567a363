"""What a problem family is, and how a problem is made from one.

A family draws its inputs from a generator (``draw``) and solves them (``solve``). Both
may raise ``Redraw`` to reject a degenerate draw; ``make_problem`` then draws again from
the same generator, a bounded number of times, so the result is still a pure function of
the seed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

import numpy as np

from quizgen.model.problem import Problem, Solution
from quizgen.render.text import inline
from quizgen.model.seeding import problem_rng

LEVELS = ("easy", "medium", "hard")
MAX_TRIES = 500
MIN_DISTRACTORS = 2


class Redraw(Exception):
    """A draw that cannot make a good problem (e.g. two options would coincide)."""


class GenerationError(RuntimeError):
    """A family found no usable draw within ``MAX_TRIES``: a bug in the family."""


class Family:
    """Base class of every problem family; subclasses fill in the class attributes.

    ``levels`` maps each difficulty to what it changes in the work; ``input_keys`` and
    ``truth_keys`` are the export contract's keys; ``cases`` are fixed inputs reproduced
    exactly (e.g. the worked example of a study note), by name.
    """

    id: ClassVar[str]
    version: ClassVar[int]
    title: ClassVar[str]
    tags: ClassVar[tuple[str, ...]]
    levels: ClassVar[dict[str, str]]
    input_keys: ClassVar[tuple[str, ...]]
    truth_keys: ClassVar[tuple[str, ...]]
    cases: ClassVar[dict[str, tuple[str, dict[str, Any]]]] = {}

    def draw(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        """Random inputs for one problem at ``difficulty`` (JSON values only)."""
        raise NotImplementedError

    def solve(self, inputs: dict[str, Any]) -> Solution:
        """Truth, prompt, answer, worked steps and distractors for ``inputs``."""
        raise NotImplementedError

    @property
    def summary(self) -> str:
        """First line of the family's docstring."""
        return (self.__doc__ or "").strip().splitlines()[0]


def distinct_options(solution: Solution) -> Solution:
    """Drop distractors that read the same as the answer or as an earlier distractor;
    reject the draw when fewer than ``MIN_DISTRACTORS`` remain."""
    seen = {inline(solution.choice)}
    kept = []
    for d in solution.distractors:
        text = inline(d.choice)
        if text not in seen:
            seen.add(text)
            kept.append(d)
    if len(kept) < MIN_DISTRACTORS:
        raise Redraw("too few distinct distractors")
    return replace(solution, distractors=tuple(kept))


def make_problem(family: Family, seed: int, difficulty: str) -> Problem:
    """The problem of ``family`` with this seed and difficulty."""
    if difficulty not in family.levels:
        raise ValueError(f"unknown difficulty {difficulty!r} for {family.id}; choose from {', '.join(family.levels)}")
    rng = problem_rng(family.id, seed)
    for _ in range(MAX_TRIES):
        try:
            inputs = family.draw(rng, difficulty)
            solution = distinct_options(family.solve(inputs))
        except Redraw:
            continue
        return Problem(family.id, family.version, seed, difficulty, _tags(family, difficulty), inputs, solution)
    raise GenerationError(f"{family.id} found no usable draw for seed {seed} in {MAX_TRIES} tries")


def make_case(family: Family, name: str) -> Problem:
    """A fixed case of ``family`` by name; its id carries the case name as the seed."""
    difficulty, inputs = family.cases[name]
    solution = distinct_options(family.solve(inputs))
    return Problem(family.id, family.version, name, difficulty, _tags(family, difficulty), inputs, solution)


def _tags(family: Family, difficulty: str) -> tuple[str, ...]:
    return (*family.tags, f"difficulty::{difficulty}")
