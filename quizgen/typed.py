"""Typed answers: the short answer a student types on an Anki card, and how to type it.

A typed card shows the problem, its question and an instruction saying exactly how to
write the answer ("the weights with 3 decimals, comma-separated"); Anki compares what
the student types with the expected text character by character, so the expected text
is written in exactly the form the instruction states. It is derived from the problem's
answer to its question (``Solution.choice``) as printed, so a card and its back agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from quizgen.errors import QuizgenError
from quizgen.model.problem import Problem
from quizgen.render.text import inline

# Families whose every answer has a typed form (tests/test_cards_typed.py checks 300 seeds each).
TYPED_FAMILIES = (
    "qk.softmax", "merge.reachable", "search.tokens", "attention.shapes", "attention.forward",
    "attention.sharp", "circuits.rotation", "circuits.composition",
)

DECIMALS = 3


@dataclass(frozen=True)
class TypedAnswer:
    """What to type (``expected``) and the instruction the card's front gives."""

    expected: str
    instruction: str


_NUMBER = r"[−-]?\d[\d,]*(?:\.\d+)?(?:e[−-]?\d+)?"


def _number(text: str) -> float:
    return float(text.replace("−", "-").replace(",", ""))


def _decimals(value: float) -> str:
    text = f"{value:.{DECIMALS}f}"
    return "0.000" if text == "-0.000" else text


def _vector(m: re.Match) -> str:
    return ", ".join(_decimals(_number(x)) for x in re.findall(_NUMBER, m.group(1)))


def _vertex_set(m: re.Match) -> str:
    return ", ".join(str(v) for v in sorted(int(x) for x in re.findall(r"\d+", m.group(1))))


# (pattern over the printed answer, the expected text from its match, the instruction with
# an {example}, two examples: the card shows the first that is not the answer itself)
_FORMS: tuple[tuple[str, Callable[[re.Match], str], str, tuple[str, str]], ...] = (
    (r"\[([−-]?\d+(?:, [−-]?\d+)+)\]", lambda m: m.group(1).replace("−", "-"),
     "the whole numbers in order, separated by a comma and a space (like {example})", ("1, 0, 2", "0, 3, 1")),
    (rf"\[((?:{_NUMBER})(?:, {_NUMBER})+)\]", _vector,
     f"the numbers in order, each with {DECIMALS} decimals, separated by a comma and a space (like {{example}})",
     ("0.250, 0.750", "0.125, 0.875")),
    (r"(\d+) rounds?", lambda m: m.group(1), "the number of rounds, digits only (like {example})", ("4", "5")),
    (r"position (\d+)", lambda m: m.group(1), "the position, digits only (like {example})", ("4", "5")),
    (r"\{(\d+(?:, \d+)*)\}", _vertex_set,
     "the vertex ids, smallest first, separated by a comma and a space (like {example})", ("3, 12", "5, 9")),
    (r"(\d+) × (\d+)", lambda m: f"{m.group(1)} x {m.group(2)}",
     "the shape as rows x columns, with a lowercase x and spaces (like {example})", ("5 x 2", "3 x 7")),
    (r"(\d+(?:\.\d)?) %", lambda m: f"{float(m.group(1)):.1f}",
     "the percentage with one decimal, without the % sign (like {example})", ("12.5", "37.5")),
    (r"(\d{1,3}(?:,\d{3})+|\d+)", lambda m: m.group(1).replace(",", ""),
     "a whole number, digits only, no thousands separator (like {example})", ("1536", "2048")),
    (rf"({_NUMBER})", lambda m: _decimals(_number(m.group(1))),
     f"a number with {DECIMALS} decimals (like {{example}})", ("0.250", "0.125")),
)


def typed_answer(problem: Problem) -> TypedAnswer:
    """The expected text and typing instruction for a problem's question; a QuizgenError
    when its answer has no short typed form (a matrix, a mapping, several parts)."""
    printed = " ".join(inline(problem.solution.choice).split())
    for pattern, expected_text, instruction, examples in _FORMS:
        match = re.fullmatch(pattern, printed)
        if match:
            expected = expected_text(match)
            example = examples[0] if examples[0] != expected else examples[1]
            return TypedAnswer(expected, instruction.format(example=example))
    raise QuizgenError(f"{problem.id}: the answer {printed!r} cannot be typed on a card; "
                       f"use kind 'basic' or 'choice' for {problem.family}")
