"""attention.shapes and attention.sharp: what each level asks and what the worked steps print.

attention.shapes sets each level its own work (shapes; also parameters; also score entries and
their O(n²) growth), and contrasts n × d_k with n × d_model only where the two differ.
attention.sharp prints formulas that are true at their printed precision and agree with the key.
"""

from __future__ import annotations

import math
import re

import pytest

from quizgen.families import FAMILIES
from quizgen.families import mechanics as fam
from quizgen.model.family import make_case, make_problem
from quizgen.model.problem import Problem
from quizgen.render import text

LEVELS = ("easy", "medium", "hard")
SEEDS = range(200)


def shapes(seed: int, level: str) -> Problem:
    return make_problem(FAMILIES["attention.shapes"], seed, level)


def sharp(seed: int, level: str) -> Problem:
    return make_problem(FAMILIES["attention.sharp"], seed, level)


def decimals_of(number: str) -> int:
    """How many decimals a printed number has (0 for a whole number)."""
    return len(number.split(".")[1]) if "." in number else 0


# ---------------------------------------------------------------- attention.shapes
def test_shapes_levels_ask_for_different_work():
    """Easy asks for the shapes, medium also for the parameters, hard also for the score entries
    and their growth: the task, the answer and the steps differ between levels for every seed."""
    for seed in SEEDS:
        problems = {level: shapes(seed, level) for level in LEVELS}
        for part in ("task", "answer"):
            shown = {level: text.blocks(getattr(p.solution, part)) for level, p in problems.items()}
            assert len(set(shown.values())) == 3, (seed, part)
        steps = {level: tuple(s.title for s in p.solution.steps) for level, p in problems.items()}
        assert len(set(steps.values())) == 3, seed
        for level, p in problems.items():
            task, answer = text.blocks(p.solution.task), text.blocks(p.solution.answer)
            counts_parameters, counts_entries = level != "easy", level == "hard"
            assert ("parameters" in task) == counts_parameters, (seed, level)
            assert ("attention-score entries" in task) == ("doubling n" in task) == counts_entries, (seed, level)
            # the key leads with the answer to what was asked, labelled, and nothing else
            assert answer.startswith("Shapes of one head (rows × columns):"), (seed, level)
            if counts_parameters:
                assert f"over all {p.inputs['heads']} heads: " in answer, seed
                assert f"{p.truth['parameters']:,}." in answer, seed
            else:
                assert "Parameters" not in answer, seed
            if counts_entries:
                entries = p.truth["score_entries"]
                assert "Score entries over all" in answer and f"{entries:,}." in answer, seed
                assert "O(n²)" in answer and f"{4 * entries:,}" in answer, seed
            else:
                assert "Score entries" not in answer and "O(n²)" not in answer, (seed, level)


def test_shapes_level_task_matches_its_question():
    """The multiple-choice question asks for part of the level's task."""
    for seed in range(20):
        assert "Z" in text.blocks(shapes(seed, "easy").solution.task)
        assert "parameters" in text.blocks(shapes(seed, "medium").solution.task)
        assert "attention-score entries" in text.blocks(shapes(seed, "hard").solution.task)


def test_shapes_contrast_z_with_d_model_only_with_several_heads():
    """Seed 10 (easy) has h = 1: d_k = d_model, so "n × d_k, not n × d_model" would contrast
    two identical shapes. The contrast appears, with the two shapes written out, only when h > 1."""
    one_head = shapes(10, "easy")
    assert one_head.inputs["heads"] == 1
    seen_one = seen_more = False
    for level in LEVELS:
        for seed in SEEDS:
            p = shapes(seed, level)
            n, d_model, d_k, h = (p.inputs[k] for k in ("n", "d_model", "d_k", "heads"))
            steps = " ".join(text.blocks(s.blocks) for s in p.solution.steps)
            contrasts = re.findall(r"not n × d_model = (\d+) × (\d+)", steps)
            if h == 1:
                seen_one = True
                assert contrasts == [] and "not n × d_model" not in steps, seed
                assert f"n × d_k = {n} × {d_k}, as wide as X" in steps, seed
            else:
                seen_more = True
                assert contrasts == [(str(n), str(d_model))] and d_model != d_k, (seed, level)
                assert f"n × d_k = {n} × {d_k}, not" in steps, (seed, level)
    assert seen_one and seen_more


# ---------------------------------------------------------------- attention.sharp
LOGIT = re.compile(r"c/√d_k = (\d+)/√(\d+) (=|≈) (\d+(?:\.\d+)?)\.")
TARGET = re.compile(r"target = e\^(\S+)/\(e\^(\S+) \+ (\d+)\) ≈ (\d\.\d+)")
LEAK = re.compile(r"Each other token gets 1/\(e\^(\S+) \+ (\d+)\) ≈ (\d\.\d+)\.")
KEY = re.compile(r"Every token puts (\d+\.\d) % on its target and (\d+\.\d\d) % on each of the (\d+) other tokens")


def sharp_problems() -> list[Problem]:
    """Many problems per level, and the study note's case (c/√d_k = 8/√4 = 4 exactly)."""
    return [sharp(seed, level) for level in LEVELS for seed in range(300)] + [
        make_case(FAMILIES["attention.sharp"], "seed001")]


def test_sharp_step_formulas_hold_at_their_printed_precision():
    """Step 1's logit, step 2's formulas evaluated with the numbers they print, and the key agree:
    e.g. medium seed 2 once printed 1/(e^3.48 + 4) ≈ 0.0275, but 1/(e^3.48 + 4) = 0.02743."""
    for p in sharp_problems():
        n, c, d_k = p.inputs["n"], p.inputs["strength"], p.inputs["d_k"]
        first, second = (text.blocks(s.blocks) for s in p.solution.steps[:2])
        # step 1: c/√d_k written with "=" only when exact, else "≈" and the rounded value
        strength, width, relation, z = LOGIT.fullmatch(first).groups()
        assert (int(strength), int(width)) == (c, d_k), p.id
        exact = c / math.sqrt(d_k)
        assert round(exact, decimals_of(z)) == pytest.approx(float(z), abs=1e-12), p.id
        assert (relation == "=") == (abs(exact - float(z)) < 1e-12), p.id
        assert decimals_of(z) >= 3 or relation == "=", p.id
        # step 2: the exponent step 1 gives, and each result what its printed formula rounds to
        top, bottom, others, target = TARGET.search(second).groups()
        leak_z, leak_others, leak = LEAK.search(second).groups()
        assert top == bottom == leak_z == z and int(others) == int(leak_others) == n - 1, p.id
        shown = float(z)
        assert decimals_of(target) == 3 and decimals_of(leak) == 4, p.id  # one format, zeros kept
        assert f"{math.exp(shown) / (math.exp(shown) + n - 1):.3f}" == target, p.id
        assert f"{1 / (math.exp(shown) + n - 1):.4f}" == leak, p.id
        # and the key says the same, in percent
        key_target, key_leak, key_others = KEY.match(text.blocks(p.solution.answer)).groups()
        assert int(key_others) == n - 1, p.id
        assert f"{100 * float(target):.1f}" == key_target and f"{100 * float(leak):.2f}" == key_leak, p.id


def test_logit_precision_by_hand():
    # 11/√10 = 3.4785 with n = 5: 3 decimals give 0.890 and 0.0275, as the exact logit does
    assert fam.logit_decimals(11 / math.sqrt(10), 5) == 3
    assert fam.share_texts(3.479, 5) == fam.share_texts(11 / math.sqrt(10), 5) == ("0.890", "0.0275")
    assert fam.share_texts(3.48, 5)[1] == "0.0274"  # the old 2-decimal exponent: 1/(e^3.48 + 4) = 0.02743
    # 16/√24 = 3.265986 with n = 7 (medium seed 112): the leak is 0.0310502 (0.0311), but with the
    # logit to 3 or 4 decimals (3.266, 3.2660) 1/(e^3.266 + 6) = 0.0310498 (0.0310); 3.26599 is close enough
    assert fam.share_texts(16 / math.sqrt(24), 7) == ("0.814", "0.0311")
    assert fam.share_texts(3.266, 7)[1] == "0.0310" and fam.share_texts(3.26599, 7)[1] == "0.0311"
    assert fam.logit_decimals(16 / math.sqrt(24), 7) == 5
    assert fam.logit_text(4.0, 3) == ("=", "4") and fam.logit_text(3.5, 3) == ("=", "3.5")
    assert fam.logit_text(8 / 3, 3) == ("≈", "2.667") and fam.logit_text(3.4801, 3) == ("≈", "3.480")  # zeros kept


STRENGTH = re.compile(r"exp\(c/√d_k\)/\(exp\(c/√d_k\) \+ (\d+)\) ≥ (\d\.\d+) ⇔ "
                      r"c ≥ √(\d+)·ln\((\d\.\d+)·(\d+)/(\d\.\d+)\) ≈ (\d+\.\d+), so c = (\d+)\.")


def test_sharp_strength_step_prints_the_wanted_share_one_way():
    """Hard step 4 once wrote ln(0.9·5/0.10): p and 1 − p in two formats. Now both with two
    decimals, and the printed bound is what the printed formula gives, rounded up to the key's c."""
    wanted_seen = set()
    for seed in range(300):
        p = sharp(seed, "hard")
        n, d_k, wanted = p.inputs["n"], p.inputs["d_k"], p.inputs["wanted"]
        others, share, width, p_text, ln_others, rest, bound, c = STRENGTH.fullmatch(
            text.blocks(p.solution.steps[3].blocks)).groups()
        assert share == p_text and decimals_of(p_text) == decimals_of(rest) == 2, p.id
        assert float(p_text) == wanted and float(rest) == pytest.approx(1 - wanted), p.id
        assert int(others) == int(ln_others) == n - 1 and int(width) == d_k, p.id
        assert f"{math.sqrt(d_k) * math.log(float(p_text) * (n - 1) / float(rest)):.3f}" == bound, p.id
        assert int(c) == math.ceil(float(bound)) == p.truth["min_strength"], p.id
        wanted_seen.add(wanted)
    assert 0.9 in wanted_seen and 0.8 in wanted_seen  # the shares whose 2-decimal form has a trailing zero


def test_sharp_easy_asks_for_the_share_only():
    """Easy computes the target's share; medium and hard also the leak (a second formula), so
    the levels differ in the work as well as in d_k."""
    for seed in range(30):
        tasks = {level: text.blocks(sharp(seed, level).solution.task) for level in LEVELS}
        assert "leaks" not in tasks["easy"], seed
        assert "what leaks to each other token" in tasks["medium"] and "what leaks" in tasks["hard"], seed
