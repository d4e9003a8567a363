"""What a flashcard may ask: one short review, not a worksheet.

A card is reviewed in about a minute. Each number worked out by hand to some decimals (an
attention weight, a percent, a score after a perturbation) takes a good part of that, so a
card asks for at most ``CARD_MAX_WORKED`` of them. A problem that asks for more (a softmax
over 5-8 keys, the weights of a rotation over 5-8 positions) is work for a sheet, the
practice page or an export; a deck skips it and draws the next seed instead.

Exact answers (vertex sets, shapes, counts, one-hot rows, small integer matrices) are read
off or reasoned out rather than computed digit by digit, and are not counted.
"""

from __future__ import annotations

from typing import Any

from quizgen.model.problem import Problem

CARD_MAX_WORKED = 4


def worked_numbers(problem: Problem) -> int:
    """How many numbers the problem's answer asks a student to work out to some decimals:
    the numbers in its value when the answer is printed with decimals, else 0."""
    if problem.solution.decimals is None:
        return 0
    return _count_numbers(problem.solution.value)


def fits_card(problem: Problem) -> bool:
    """Whether the problem's question fits a one-minute flashcard review."""
    return worked_numbers(problem) <= CARD_MAX_WORKED


def _count_numbers(value: Any) -> int:
    if isinstance(value, bool):  # a yes/no part of an answer is a judgement, not a computation
        return 0
    if isinstance(value, (int, float)):
        return 1
    if isinstance(value, (list, tuple)):
        return sum(_count_numbers(v) for v in value)
    if isinstance(value, dict):
        return sum(_count_numbers(v) for v in value.values())
    return 0
