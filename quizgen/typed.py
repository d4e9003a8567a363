"""Typed answers: the short answer a student types on an Anki card, and how to type it.

A typed card shows the problem, its question and an instruction saying exactly how to
write the answer ("a number with 3 decimals (like 0.250)"); Anki compares what the
student types with the expected text character by character, so the expected text is
written in exactly the form the instruction states. Both come from the right option's
value (``quizgen.model.answers``), so a card and its back agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from quizgen.errors import QuizgenError
from quizgen.model.answers import solution_form, typed_instruction, typed_text
from quizgen.model.problem import Problem

# Families whose every answer has a typed form (tests/test_cards_typed.py checks 300 seeds each).
TYPED_FAMILIES = (
    "qk.softmax", "merge.reachable", "search.tokens", "attention.shapes", "attention.forward",
    "attention.sharp", "circuits.rotation", "circuits.composition",
)


@dataclass(frozen=True)
class TypedAnswer:
    """What to type (``expected``) and the instruction the card's front gives."""

    expected: str
    instruction: str


def typed_answer(problem: Problem) -> TypedAnswer:
    """The expected text and typing instruction for a problem's question; a QuizgenError
    when its answer has no short typed form (a matrix, a mapping, a choice)."""
    s = problem.solution
    form = solution_form(s)
    expected = typed_text(form, s.value, s.decimals)
    if expected is None:
        raise QuizgenError(f"{problem.id}: the answer to {problem.family}'s question cannot be typed on a card; "
                           f"use kind 'basic' or 'choice' for {problem.family}")
    return TypedAnswer(expected, typed_instruction(form, s.decimals, expected, s.percent))
