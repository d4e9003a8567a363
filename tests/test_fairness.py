"""The fairness rules of every family at every level (FAMILIES.md, "What makes a problem fair").

Over ``FAIR_SEEDS`` seeds per family and level: every option carries its value; options differ
at the printed precision; every distractor is what its named mistake computes (recomputed
independently in ``tests/mistake_checks``); each pitfall case is at most a quarter of the
problems; no right answer covers more than half; drilling a level 50 times rarely
repeats a problem; and no distractor's mistake gives the same value in most problems (a
constant tell; asserted for the circuit families so far).
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cache

import pytest

from mistake_checks import all_checks
from quizgen.families import FAMILIES
from quizgen.model.family import LEVELS, make_problem, printed
from quizgen.model.problem import Problem
from quizgen.render import text

FAIR_SEEDS = 1000
DRILL = 50
MAX_PITFALL_SHARE = 0.25
MAX_ANSWER_SHARE = 0.5
MAX_REPEATING_DRILLS = 0.2
MAX_CONSTANT_TELL_SHARE = 0.75

CASES = [(fid, level) for fid in FAMILIES for level in LEVELS]
# the families whose helpers have made no distractor a constant tell (others to follow)
CONSTANT_TELL_CASES = [(fid, level) for fid, level in CASES if fid.startswith("circuits.")]


@cache
def problems(family_id: str, level: str) -> tuple[Problem, ...]:
    family = FAMILIES[family_id]
    return tuple(make_problem(family, seed, level) for seed in range(FAIR_SEEDS))


@cache
def checks():
    return all_checks()


def options(problem: Problem) -> list[tuple[str, object]]:
    s = problem.solution
    return [(text.inline(s.choice), s.value)] + [(text.inline(d.choice), d.value) for d in s.distractors]


@pytest.mark.parametrize("family_id,level", CASES)
def test_options_carry_values_and_differ_at_printed_precision(family_id, level):
    for p in problems(family_id, level):
        s = p.solution
        assert s.value is not None, f"{p.id}: the right option has no value"
        seen_text, seen_values = set(), []
        for shown, value in options(p):
            assert value is not None, f"{p.id}: option {shown!r} has no value"
            key = printed(value, s.decimals)
            assert shown not in seen_text and key not in seen_values, f"{p.id}: options alike: {shown!r}"
            seen_text.add(shown)
            seen_values.append(key)


@pytest.mark.parametrize("family_id,level", CASES)
def test_every_distractor_is_what_its_mistake_computes(family_id, level):
    table = checks()
    for p in problems(family_id, level):
        for d in p.solution.distractors:
            key = (family_id, d.mistake.name)
            assert key in table, f"no independent check for mistake {key}"
            expected = table[key](p.inputs)
            assert printed(expected, p.solution.decimals) == printed(d.value, p.solution.decimals), (
                f"{p.id} {level}: {d.mistake.name} computes {expected!r}, the option says {d.value!r}")


@pytest.mark.parametrize("family_id,level", CASES)
def test_case_mix_and_answer_spread(family_id, level):
    family = FAMILIES[family_id]
    batch = problems(family_id, level)
    cases = Counter(family.case(p.inputs, p.truth) for p in batch)
    for case, n in cases.items():
        if case != "typical":
            assert n <= MAX_PITFALL_SHARE * len(batch), f"{family_id} {level}: pitfall {case!r} in {n}/{len(batch)}"
    answers = Counter(json.dumps(printed(p.solution.value, p.solution.decimals)) for p in batch)
    answer, n = answers.most_common(1)[0]
    assert n <= MAX_ANSWER_SHARE * len(batch), f"{family_id} {level}: answer {answer} in {n}/{len(batch)}"


@pytest.mark.parametrize("family_id,level", CASES)
def test_drilling_a_level_rarely_repeats_a_problem(family_id, level):
    batch = problems(family_id, level)
    drills = [batch[k:k + DRILL] for k in range(0, len(batch), DRILL)]
    repeating = sum(len({json.dumps(p.inputs, sort_keys=True) for p in drill}) < len(drill) for drill in drills)
    assert repeating <= MAX_REPEATING_DRILLS * len(drills), (
        f"{family_id} {level}: {repeating} of {len(drills)} drills of {DRILL} repeat a problem")


def most_common_distractor_values(batch: tuple[Problem, ...]) -> dict[str, tuple[object, int]]:
    """For each mistake offered in a level, the value (as printed) it gives most often and in
    how many of the level's problems."""
    values: dict[str, Counter] = {}
    for p in batch:
        for d in p.solution.distractors:
            values.setdefault(d.mistake.name, Counter())[json.dumps(printed(d.value, p.solution.decimals))] += 1
    return {name: counts.most_common(1)[0] for name, counts in values.items()}


@pytest.mark.parametrize("family_id,level", CONSTANT_TELL_CASES)
def test_no_distractor_is_a_constant_tell(family_id, level):
    """A wrong option that reads the same in most problems of a level is struck out from memory."""
    batch = problems(family_id, level)
    for name, (value, n) in most_common_distractor_values(batch).items():
        assert n <= MAX_CONSTANT_TELL_SHARE * len(batch), (
            f"{family_id} {level}: mistake {name} gives {value} in {n}/{len(batch)} problems")
