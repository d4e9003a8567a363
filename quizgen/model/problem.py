"""The problem model: what a family computes, kept apart from how it is shown.

``inputs`` (the drawn parameters) and ``truth`` (the computed answers) are plain JSON
values. The prompt, answer and worked steps are structured content (see
``quizgen.model.content``) built from the same variables as the truth. Distractors are wrong
answers, each produced by a named mistake.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from quizgen.model.content import Block, Inline, Step


@dataclass(frozen=True, slots=True)
class Mistake:
    """A mistake students make, with the explanation shown next to its distractor."""

    name: str
    explanation: str


@dataclass(frozen=True, slots=True)
class Distractor:
    """A wrong option for multiple choice, and the mistake that leads to it.

    ``value`` is what the mistake computes (a JSON value: number, list, matrix, set as a
    sorted list, text), in the same units and form as ``Solution.value``; the fairness gate
    compares values at the printed precision, and the practice page matches typed answers
    against them.
    """

    choice: tuple[Inline, ...]
    mistake: Mistake
    value: Any = None


@dataclass(frozen=True, slots=True)
class Solution:
    """What a family's ``solve`` returns for one set of inputs.

    ``prompt`` sets the problem up (graph, matrices, conventions); ``task`` asks for the
    whole worked exercise (a sheet prints both), while ``question`` asks the one thing a
    flashcard or a multiple-choice item asks. Figures are ``Figure`` blocks inside the
    prompt or the steps, where they belong.

    ``value`` is the right option's value (JSON, same form as each distractor's ``value``)
    and ``decimals`` the number of decimals its numbers are printed with (None: exact
    values such as integers, vertex sets or shapes). ``answer`` is the full answer to
    ``task``, labelled; the multiple-choice answer is ``choice``.

    ``entry`` says how a student types ``value`` where its shape alone does not (see
    ``quizgen.writers.practice.answer_form``): a kind ("number", "vector", "matrix", "set",
    "yesno", "text", "choice"), a list of ``[label, entry]`` pairs, one per item of a list
    value, or ``{"each": entry}`` for every value of a mapping. None: from the shape.
    ``percent`` says that the numbers of ``value`` are percentages (printed with a % sign,
    typed without it), so that a typing instruction can say so.
    """

    truth: dict[str, Any]
    prompt: tuple[Block, ...]
    task: tuple[Block, ...]
    answer: tuple[Block, ...]
    steps: tuple[Step, ...]
    question: tuple[Inline, ...]
    choice: tuple[Inline, ...]
    distractors: tuple[Distractor, ...]
    value: Any = None
    decimals: int | None = None
    entry: Any = None
    percent: bool = False


@dataclass(frozen=True, slots=True)
class Problem:
    """One generated exercise: identity, inputs, truth and content together.

    ``question`` is the single thing asked for multiple choice; ``choice`` is the right
    option for it, in the same form as each distractor's ``choice``.
    """

    family: str
    version: int
    seed: int | str
    difficulty: str
    tags: tuple[str, ...]
    inputs: dict[str, Any]
    solution: Solution = field(repr=False)

    @property
    def id(self) -> str:
        return f"{self.family}/{self.version}/{self.seed}"

    @property
    def truth(self) -> dict[str, Any]:
        return self.solution.truth
