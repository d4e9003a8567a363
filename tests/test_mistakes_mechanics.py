"""attention.shapes, attention.forward and attention.sharp: each mistake on a hand-worked
example, its explanation checked against what it computes, and the setups of the issue's seeds."""

from __future__ import annotations

import math

import numpy as np
import pytest

from quizgen.families import FAMILIES
from quizgen.families import mechanics as fam
from quizgen.model.family import make_case, make_problem, printed
from quizgen.render import text


# ---------------------------------------------------------------- attention.shapes
def test_shape_mistakes_by_hand():
    # n = 10, d_model = 64, h = 4, d_k = 16
    assert fam.output_model_width(10, 64) == [10, 64]
    assert fam.z_as_pattern(10) == [10, 10]
    assert fam.transposed_shape([10, 16]) == [16, 10]
    assert fam.one_head_parameters(64, 16) == 3 * 64 * 16 == 3072
    assert fam.full_width_parameters(64, 4) == 3 * 64 * 64 * 4 == 49152
    assert fam.one_matrix_parameters(64, 16, 4) == 64 * 16 * 4 == 4096
    assert fam.one_head_score_entries(10) == 100
    assert fam.query_entries(10, 16, 4) == 640
    assert fam.linear_score_entries(10, 4) == 40


def test_d_k_is_d_head_at_every_level():
    for level in ("easy", "medium", "hard"):
        for seed in [2396386588, *range(200)]:
            i = make_problem(FAMILIES["attention.shapes"], seed, level).inputs
            assert i["d_k"] * i["heads"] == i["d_model"], (seed, level)


def test_shapes_solve_refuses_a_d_k_beside_a_different_d_head():
    with pytest.raises(ValueError):
        FAMILIES["attention.shapes"].solve({"n": 5, "d_model": 16, "d_k": 4, "heads": 1, "ask": "Z"})


# ---------------------------------------------------------------- attention.forward


def test_values_as_keys_scores_queries_against_values():
    # Q row t0 = [1, 0]; V = [[2, 0], [0, 1]] -> Q·Vᵀ row t0 = [2, 0], halved by the scale -> softmax([1, 0])
    q, v = np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[2.0, 0.0], [0.0, 1.0]])
    assert fam.values_as_keys_row(q, v, 0.5) == pytest.approx([0.7311, 0.2689], abs=1e-4)


def test_transposed_row_reads_column_t0():
    # row t0 of Sᵀ is column t0 of S: [1, 0], not S's own row [1, 3]
    s = np.array([[1.0, 3.0], [0.0, 2.0]])
    assert fam.transposed_row(s) == pytest.approx(fam.softmax(np.array([1.0, 0.0])))


def test_unscaled_and_inverted_scale_rows():
    raw = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert fam.unscaled_row(raw) == pytest.approx([0.7311, 0.2689], abs=1e-4)   # softmax([1, 0])
    assert fam.inverted_scale_row(raw, 4) == pytest.approx([0.8808, 0.1192], abs=1e-4)  # softmax([2, 0])


def test_argmax_row_splits_a_tie():
    assert fam.argmax_row(np.array([[3.0, 3.0, 1.0]])).tolist() == [0.5, 0.5, 0.0]


def test_forward_issue_seed_options_differ():
    p = make_problem(FAMILIES["attention.forward"], 1957653853, "easy")
    shown = [printed(p.solution.value, 3)] + [printed(d.value, 3) for d in p.solution.distractors]
    assert len(set(shown)) == len(shown)


def test_forward_answer_leads_with_every_object():
    p = make_problem(FAMILIES["attention.forward"], 3, "medium")
    from quizgen.render import text
    first = text.blocks(p.solution.answer[:2])
    for name in ("Q", "K", "V", "scores", "A", "Z"):
        assert name in first


# ---------------------------------------------------------------- attention.sharp
def test_sharp_mistakes_on_seed_001():
    n, c, d_k = 4, 8, 4
    assert 100 * fam.leak_over_n_sharp(n, c, d_k, None)["target"] == pytest.approx(93.17, abs=0.01)  # e⁴/(e⁴+4)
    assert 100 * fam.unscaled_sharp(n, c, d_k, None)["target"] == pytest.approx(99.90, abs=0.01)     # e⁸/(e⁸+3)
    assert 100 * fam.dk_scaled_sharp(n, c, d_k, None)["target"] == pytest.approx(71.12, abs=0.01)    # e²/(e²+3)
    # e^0 = 1 counted once: e⁴/(e⁴ + 1), as if there were 2 tokens
    assert 100 * fam.one_other_sharp(n, c, d_k, None)["target"] == pytest.approx(98.20, abs=0.01)
    # all three leaks together: 3/(e⁴ + 3) = 5.20 %, three times each one's 1.73 %
    total = fam.total_leak_sharp(n, c, d_k, None)["leak"]
    assert 100 * total == pytest.approx(5.20, abs=0.01)
    assert total == pytest.approx(3 / (math.exp(4) + 3))


def test_sharp_strength_mistakes_by_hand():
    # n = 4, d_k = 4, p = 0.9: c ≥ 2·ln(0.9·3/0.1) = 2·ln 27 = 6.592 -> 7
    assert fam.whole_at_least(fam.strength_bound(0.9, 4, 4)) == 7
    assert fam.rounded_down_sharp(4, 8, 4, 0.9) == {"strength": 6}
    assert fam.unscaled_sharp(4, 8, 4, 0.9)["strength"] == 4         # ln 27 = 3.296
    assert fam.dk_scaled_sharp(4, 8, 4, 0.9)["strength"] == 14       # 4·ln 27 = 13.18
    assert fam.leak_over_n_sharp(4, 8, 4, 0.9)["strength"] == 8      # 2·ln 36 = 7.167


def test_sharp_keys_fit_in_d_k():
    for level in ("easy", "medium", "hard"):
        for seed in [3994104471, 2549650594, *range(200)]:
            i = make_problem(FAMILIES["attention.sharp"], seed, level).inputs
            assert i["n"] <= i["d_k"], (seed, level)
    with pytest.raises(ValueError):
        fam.sharp_pattern(6, 9, 4, {k: (k + 1) % 6 for k in range(6)})


def test_saturated_shares_are_not_offered():
    # forgetting 1/√d_k with c = 24, d_k = 36 puts 100.0 % on the target: a tell, not a choice
    targets = {str(i): (i + 1) % 5 for i in range(5)}
    p = FAMILIES["attention.sharp"].solve({"n": 5, "strength": 24, "d_k": 36, "targets": targets,
                                           "labels": [f"t{i}" for i in range(5)], "wanted": None, "ask": "target"})
    assert "forgot-scale" not in {d.mistake.name for d in p.distractors}
    assert not fam.possible_share(99.96, 1, "target", 4) and not fam.possible_share(0.004, 2, "leak", 4)
    assert fam.possible_share(99.94, 1, "target", 4) and fam.possible_share(0.005, 2, "leak", 4)
    # 8 tokens: 7 leaks of 15.00 % would leave nothing for the target
    assert not fam.possible_share(15.0, 2, "leak", 8) and fam.possible_share(14.28, 2, "leak", 8)
    case = make_case(FAMILIES["attention.sharp"], "seed001")
    assert case.solution.value == pytest.approx(94.8, abs=0.05)
    assert {d.mistake.name: round(d.value, 1) for d in case.solution.distractors} == {
        "leak-over-n": 93.2, "forgot-scale": 99.9, "scale-by-dk": 71.1, "one-other-token": 98.2}


def test_strength_question_says_c_is_to_change():
    for seed in range(20):
        p = make_problem(FAMILIES["attention.sharp"], seed, "hard")
        c = p.inputs["strength"]
        question = p.solution.question[0]
        assert question.startswith(f"The keys above have c = {c}.") and "smallest whole key strength c" in question
        assert question in text.blocks(p.solution.task)


def test_sharp_answers_spread():
    answers = {make_problem(FAMILIES["attention.sharp"], s, "easy").solution.value for s in range(300)}
    assert len({round(a, 1) for a in answers}) >= 40
    assert not math.isnan(sum(answers))
