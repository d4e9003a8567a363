"""Options a student cannot strike out for free, for qk.scores, qk.softmax, attention.shapes,
attention.forward, attention.sharp and graph.embeddings.

- Possible by definition: over ``POSSIBLE_SEEDS`` seeds per level, every option (the answer and
  each distractor) is a value the asked quantity can take whatever the numbers: weights in
  [0, 1] summing to 1 where a distribution is asked, shares strictly between 0 % and 100 %,
  positive counts and shapes, embedding rows with a one-hot identity block, ...
- No constant tell: over ``TELL_SEEDS`` seeds per level, no distractor mistake gives the same
  printed value in more than ``MAX_TELL_SHARE`` of the problems, and no printed value is a
  distractor in more than that share (a student would learn to strike it out).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from functools import cache
from typing import Any, Callable

import pytest

from quizgen.families import FAMILIES
from quizgen.model.family import LEVELS, make_problem, printed
from quizgen.model.problem import Problem

POSSIBLE_SEEDS = 2000
TELL_SEEDS = 1000
MAX_TELL_SHARE = 0.75
TOLERANCE = 1e-9


@cache
def problems(family_id: str, level: str) -> tuple[Problem, ...]:
    return tuple(make_problem(FAMILIES[family_id], seed, level) for seed in range(POSSIBLE_SEEDS))


def options(p: Problem) -> list[tuple[str, Any]]:
    """(name, value) of the answer and every distractor."""
    s = p.solution
    return [("answer", s.value)] + [(d.mistake.name, d.value) for d in s.distractors]


# Each check returns why a value is impossible by definition, or None when it is possible.
def a_weight(w: Any) -> str | None:
    return None if isinstance(w, float) and -TOLERANCE <= w <= 1 + TOLERANCE else f"weight {w!r} outside [0, 1]"


def a_weight_row(row: Any, n: int) -> str | None:
    if not isinstance(row, list) or len(row) != n:
        return f"not a row of {n} weights"
    outside = [a_weight(float(w)) for w in row if a_weight(float(w))]
    if outside:
        return outside[0]
    return None if abs(sum(row) - 1) < 1e-6 else f"weights sum to {sum(row)}, not 1"


def softmax_option(p: Problem, value: Any) -> str | None:
    if p.inputs.get("source") is None:
        return a_weight_row(value, len(p.inputs["scores"]))
    return a_weight(value)


def forward_option(p: Problem, value: Any) -> str | None:
    return a_weight_row(value, len(p.inputs["X"]))


def sharp_option(p: Problem, value: Any) -> str | None:
    ask, n = p.inputs["ask"], p.inputs["n"]
    if ask == "strength":
        return None if isinstance(value, int) and value > 0 else f"strength {value!r} is not a positive whole number"
    shown = round(value, p.solution.decimals)
    if not 0 < shown < 100:
        return f"share {shown} % is all or none of the weight"
    if ask == "leak" and (n - 1) * shown >= 100:
        return f"{n - 1} leaks of {shown} % leave nothing for the target"
    return None


def shapes_option(p: Problem, value: Any) -> str | None:
    if p.inputs["ask"] == "Z":
        ok = isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) and v > 0 for v in value)
        return None if ok else f"{value!r} is not a shape"
    return None if isinstance(value, int) and value > 0 else f"count {value!r} is not positive"


def scores_option(p: Problem, value: Any) -> str | None:
    slots = p.inputs["slots"]
    if sorted(value) != sorted(str(v) for v in slots):
        return "not one entry per target"
    for sources in value.values():
        if len(set(sources)) != len(sources) or not set(sources) <= set(slots):
            return f"sources {sources} are not distinct vertices of the graph"
    return None


def embeddings_option(p: Problem, value: Any) -> str | None:
    n = len(p.inputs["slots"])
    positions = p.inputs.get("positions")
    width = 2 * n + (max(positions.values()) + 1 if positions else 0)
    if len(value) != width or set(value) - {0, 1}:
        return f"not a 0/1 row of width {width}"
    if sum(value[:n]) != 1:
        return "identity block not one-hot"
    if positions and sum(value[2 * n:]) != 1:
        return "position block not one-hot"
    return None


POSSIBLE: dict[str, Callable[[Problem, Any], str | None]] = {
    "qk.scores": scores_option,
    "qk.softmax": softmax_option,
    "attention.shapes": shapes_option,
    "attention.forward": forward_option,
    "attention.sharp": sharp_option,
    "graph.embeddings": embeddings_option,
}
CASES = [(fid, level) for fid in POSSIBLE for level in LEVELS]


@pytest.mark.parametrize("family_id,level", CASES)
def test_no_option_is_impossible_by_definition(family_id, level):
    check = POSSIBLE[family_id]
    for p in problems(family_id, level):
        for name, value in options(p):
            why = check(p, value)
            assert why is None, f"{p.id} {level}: option {name} = {value!r}: {why}"


@pytest.mark.parametrize("family_id,level", CASES)
def test_no_distractor_is_a_constant_tell(family_id, level):
    batch = problems(family_id, level)[:TELL_SEEDS]
    by_mistake: Counter = Counter()
    by_value: Counter = Counter()
    for p in batch:
        shown = {(d.mistake.name, json.dumps(printed(d.value, p.solution.decimals))) for d in p.solution.distractors}
        by_mistake.update(shown)
        by_value.update({value for _, value in shown})
    limit = MAX_TELL_SHARE * len(batch)
    (mistake, value), n = by_mistake.most_common(1)[0]
    assert n <= limit, f"{family_id} {level}: {mistake} gives {value} in {n}/{len(batch)} problems"
    value, n = by_value.most_common(1)[0]
    assert n <= limit, f"{family_id} {level}: a distractor reads {value} in {n}/{len(batch)} problems"


def test_the_checks_catch_what_they_are_for():
    """Each check rejects the kind of option it is there to catch (a test that cannot fail is a defect)."""
    softmax = make_problem(FAMILIES["qk.softmax"], 0, "easy")
    n = len(softmax.inputs["scores"])
    assert softmax_option(softmax, [0.0] * n) and softmax_option(softmax, [1.0] + [0.5] * (n - 1))
    sharp = make_problem(FAMILIES["attention.sharp"], 0, "medium")
    assert sharp_option(sharp, 0.001) and sharp_option(sharp, 100 / (sharp.inputs["n"] - 1) + 0.01)
    assert sharp_option(make_problem(FAMILIES["attention.sharp"], 0, "hard"), 0)
    assert shapes_option(make_problem(FAMILIES["attention.shapes"], 0, "easy"), [0, 4])
    graph = make_problem(FAMILIES["graph.embeddings"], 0, "medium")
    k = len(graph.inputs["slots"])
    assert embeddings_option(graph, [1, 1] + [0] * (2 * k - 2))
    scores = make_problem(FAMILIES["qk.scores"], 0, "easy")
    assert scores_option(scores, {str(v): [v, v] for v in scores.inputs["slots"]})
    assert not math.isnan(sum(make_problem(FAMILIES["attention.forward"], 0, "easy").solution.value))
