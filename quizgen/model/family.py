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

from quizgen.model.content import round_half_up
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
    exactly (e.g. the worked example of a study note), by name; ``work_lines`` optionally
    sets, per level, how many lines of writing room a printed sheet leaves.
    """

    id: ClassVar[str]
    version: ClassVar[int]
    title: ClassVar[str]
    tags: ClassVar[tuple[str, ...]]
    levels: ClassVar[dict[str, str]]
    input_keys: ClassVar[tuple[str, ...]]
    truth_keys: ClassVar[tuple[str, ...]]
    cases: ClassVar[dict[str, tuple[str, dict[str, Any]]]] = {}
    work_lines: ClassVar[dict[str, int]] = {}

    def writing_lines(self, solution: Solution, difficulty: str) -> int:
        """Lines of room a printed sheet leaves for the worked answer: ``work_lines`` of the
        level when the family sets it, else two lines plus one per worked step (at most 7)."""
        return self.work_lines.get(difficulty) or min(2 + len(solution.steps), 7)

    def draw(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        """Random inputs for one problem at ``difficulty`` (JSON values only)."""
        raise NotImplementedError

    def solve(self, inputs: dict[str, Any]) -> Solution:
        """Truth, prompt, answer, worked steps and distractors for ``inputs``."""
        raise NotImplementedError

    def case(self, inputs: dict[str, Any], truth: dict[str, Any]) -> str:
        """The kind of case a problem is: "typical", or the name of a pitfall it shows (ties,
        an all-zero row, nothing above threshold, ...). The case-mix tests keep each
        pitfall to at most a quarter of a level's problems."""
        return "typical"

    @property
    def summary(self) -> str:
        """First line of the family's docstring."""
        return (self.__doc__ or "").strip().splitlines()[0]


_NUMBER_TYPES = frozenset({float, int})


def printed(value: Any, decimals: int | None) -> Any:
    """``value`` as a student reads it: every number rounded to ``decimals`` (when given),
    lists as tuples, so two values compare equal exactly when they print alike."""
    # The usual cases come first, found by exact type, and a row of plain numbers is done
    # in one comprehension: the fairness gate runs this over every number of every option.
    kind = type(value)
    if kind is float or kind is int:
        return _printed_number(value, decimals)
    if kind is list or kind is tuple:
        if set(map(type, value)) <= _NUMBER_TYPES:  # every item a float or an int (also an empty list)
            if decimals is None:
                return tuple([float(v) + 0.0 for v in value])
            return tuple([round_half_up(float(v), decimals) for v in value])
        return tuple([printed(v, decimals) for v in value])
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float, np.integer, np.floating)):
        return _printed_number(value, decimals)
    if isinstance(value, dict):
        return tuple(sorted((k, printed(v, decimals)) for k, v in value.items()))
    return tuple(printed(v, decimals) for v in value)


def _printed_number(value: float, decimals: int | None) -> float:
    number = float(value)
    if decimals is not None:
        return round_half_up(number, decimals)
    return number + 0.0  # -0.0 prints as 0


def fair_options(solution: Solution) -> Solution:
    """The fairness gate every draw passes: drop distractors that read the same as the
    answer or an earlier option, or whose value equals one at the printed precision; reject
    the draw when fewer than ``MIN_DISTRACTORS`` remain."""
    seen_text = {inline(solution.choice)}
    seen_values = [printed(solution.value, solution.decimals)] if solution.value is not None else []
    kept = []
    for d in solution.distractors:
        value = printed(d.value, solution.decimals) if d.value is not None else None
        if value is not None and value in seen_values:
            continue  # checked first: then the option need not be rendered
        text = inline(d.choice)
        if text in seen_text:
            continue
        seen_text.add(text)
        if value is not None:
            seen_values.append(value)
        kept.append(d)
    if len(kept) < MIN_DISTRACTORS:
        raise Redraw("too few distinct distractors")
    if len(kept) == len(solution.distractors):
        return solution
    return replace(solution, distractors=tuple(kept))


def make_problem(family: Family, seed: int, difficulty: str) -> Problem:
    """The problem of ``family`` with this seed and difficulty."""
    if difficulty not in family.levels:
        raise ValueError(f"unknown difficulty {difficulty!r} for {family.id}; choose from {', '.join(family.levels)}")
    rng = problem_rng(family.id, seed)
    for _ in range(MAX_TRIES):
        try:
            inputs = family.draw(rng, difficulty)
            solution = fair_options(family.solve(inputs))
        except Redraw:
            continue
        return Problem(family.id, family.version, seed, difficulty, _tags(family, difficulty), inputs, solution)
    raise GenerationError(f"{family.id} found no usable draw for seed {seed} in {MAX_TRIES} tries")


def make_case(family: Family, name: str) -> Problem:
    """A fixed case of ``family`` by name; its id carries the case name as the seed."""
    difficulty, inputs = family.cases[name]
    solution = fair_options(family.solve(inputs))
    return Problem(family.id, family.version, name, difficulty, _tags(family, difficulty), inputs, solution)


def _tags(family: Family, difficulty: str) -> tuple[str, ...]:
    return (*family.tags, f"difficulty::{difficulty}")
