"""qk.scores and qk.softmax: each mistake on a hand-worked example, and its explanation checked
against what it computes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from quizgen.families import FAMILIES
from quizgen.families import scores as fam
from quizgen.families.common import dag_from
from quizgen.model.family import make_problem
from quizgen.render import text

SEED000 = dag_from([2, 3, 6], [[2, 3], [3, 6]])
S000 = np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0]], dtype=float)  # rows 2, 3, 6; the note's matrix
K000 = np.eye(3)  # W_K copies the identity block


# ---------------------------------------------------------------- qk.scores
def test_transposed_reading_attends_to_parents():
    # column j of S is "who has j in their frontier": 2 has no parent, 3's parent is 2, 6's is 3
    assert fam.transposed_reading(SEED000, S000) == {"2": [], "3": [2], "6": [3]}


def test_identity_query_makes_every_token_match_itself():
    assert fam.identity_query_reading(SEED000, K000) == {"2": [2], "3": [3], "6": [6]}


def test_zero_row_read_as_attending_to_everyone():
    truth = fam.attends_to(SEED000, S000)
    assert truth == {"2": [3], "3": [6], "6": []}  # the sink attends to nobody in the raw scores
    assert fam.zero_row_reading(SEED000, truth) == {"2": [3], "3": [6], "6": [2, 3, 6]}


def test_reachable_frontier_attends_to_everything_reached():
    # 2 reaches 3 directly and 6 through 3; its real frontier is only {3}
    assert fam.reachable_reading(SEED000) == {"2": [3, 6], "3": [6], "6": []}


def test_scores_distractor_values_are_what_their_options_say():
    for seed in range(50):
        p = make_problem(FAMILIES["qk.scores"], seed, "medium")
        for d in p.solution.distractors:
            assert set(d.value) == {str(v) for v in p.inputs["slots"]}
            assert all(isinstance(v, int) for sources in d.value.values() for v in sources)
        assert p.solution.value == p.truth["attends_to"]


# ---------------------------------------------------------------- qk.softmax
def test_forgot_magnitude_is_softmax_of_the_scaled_scores():
    assert fam.unmagnified_weights(np.array([0.0, 0.0, 1.0]), 1.0) == pytest.approx([0.212, 0.212, 0.576], abs=5e-4)
    s, d_k = np.array([2.0, 0.0]), 16
    assert fam.unmagnified_weights(s, 1 / math.sqrt(d_k)) == pytest.approx(fam.softmax(s / 4))


def test_forgot_scale_multiplies_by_c_only():
    # [0, 0, 2] times c = 2 -> logits [0, 0, 4]: e^4 / (e^4 + 2) = 54.598 / 56.598
    w = fam.unscaled_weights(np.array([0.0, 0.0, 2.0]), 2)
    assert w == pytest.approx([1 / 56.598, 1 / 56.598, 54.598 / 56.598], abs=1e-4)


def test_scale_inverted_multiplies_by_root_dk():
    # [1, 0], c = 1, d_k = 4: multiplied by 2 instead of halved -> softmax([2, 0]) = [0.881, 0.119]
    assert fam.inverted_scale_weights(np.array([1.0, 0.0]), 1, 4) == pytest.approx([0.8808, 0.1192], abs=1e-4)


def test_hard_argmax_and_first_of_ties():
    s = np.array([2.0, 2.0, 1.0])
    assert fam.argmax_weights(s).tolist() == [0.5, 0.5, 0.0]
    assert fam.first_top_weights(s).tolist() == [1.0, 0.0, 0.0]


def test_linear_normalisation_divides_by_the_row_sum():
    s = np.array([1.0, 2.0, 1.0])
    assert fam.linear_weights(s).tolist() == [0.25, 0.5, 0.25]
    assert fam.linear_weights(s) == pytest.approx(s / s.sum())


def test_zero_row_and_uniform():
    assert fam.zero_weights(np.zeros(3)).tolist() == [0.0, 0.0, 0.0]
    assert fam.uniform_weights(np.array([3.0, 1.0, 0.0, 0.0])).tolist() == [0.25] * 4


def test_forgot_normalisation_keeps_the_exponentials():
    # logits [0, 1]: e^0 = 1 and e^1 = 2.718, never divided by their sum 3.718
    assert fam.unnormalised_weights(np.array([0.0, 1.0])) == pytest.approx([1.0, math.e])
    assert fam.unnormalised_weights(np.zeros(4)).tolist() == [1.0] * 4  # a zero row: e^0 = 1 each


def test_zero_row_asks_one_possible_weight():
    # 5 zero scores, source 3 asked: softmax gives 1/5; "nobody" 0; the first of the tie 0 (source 0 has it);
    # the unnormalised e^0 = 1. Each is a weight a single source can have.
    wrong = fam.wrong_zero_row_weight(np.zeros(5), np.zeros(5), 3)
    assert [(v, m.name) for v, m in wrong] == [
        (0.0, "zero-row-stays-zero"), (0.0, "first-of-ties"), (1.0, "forgot-normalisation")]
    assert fam.wrong_zero_row_weight(np.zeros(5), np.zeros(5), 0)[1][0] == 1.0  # source 0 is the first top
    p = fam.QKSoftmax().solve({"scores": [0] * 5, "magnitude": 4, "scale": 0.5, "d_k": 4, "source": 3})
    assert p.value == pytest.approx(0.2) and p.decimals == 3
    assert {d.mistake.name: d.value for d in p.distractors} == {
        "zero-row-stays-zero": 0.0, "first-of-ties": 0.0, "forgot-normalisation": 1.0}
    assert p.question == ("What weight does source 3 get?",)


def test_mistakes_are_offered_only_where_they_are_defined():
    def offered(s, c=2, scale=0.5, d_k=4):
        return {m.name for _, m in fam.wrong_weights(np.array(s, dtype=float), c, scale, d_k)}

    assert "linear-normalisation" not in offered([-1, 1, 0])      # sum 0
    assert "linear-normalisation" not in offered([-2, 3, 1])      # a negative "weight"
    assert "linear-normalisation" in offered([0, 2, 1])
    assert "zero-row-stays-zero" not in offered([1, 0, 0])  # a zero row asks one weight (see above)
    assert "forgot-magnitude" not in offered([0, 2, 1], c=1)
    assert not {"forgot-scale", "scale-inverted"} & offered([0, 2, 1], scale=1.0, d_k=None)
    assert "first-of-ties" in offered([2, 2, 0]) and "first-of-ties" not in offered([2, 1, 0])


@pytest.mark.parametrize("seed,level", [(2806898999, "hard"), (683778411, "hard"), (612778044, "medium"),
                                        (683778411, "medium")])
def test_issue_seeds_read_right(seed, level):
    p = make_problem(FAMILIES["qk.softmax"], seed, level)
    s = p.inputs["scores"]
    names = [d.mistake.name for d in p.solution.distractors]
    if "linear-normalisation" in names:
        assert min(s) >= 0 and sum(s) > 0
    shown = [tuple(np.round(p.solution.value, 3))] + [tuple(np.round(d.value, 3)) for d in p.solution.distractors]
    assert len(set(shown)) == len(shown)


def test_zero_rows_ask_one_weight_and_keep_the_trap():
    batch = [make_problem(FAMILIES["qk.softmax"], seed, "hard") for seed in range(400)]
    zero_rows = [p for p in batch if not any(p.inputs["scores"])]
    assert zero_rows, "hard draws a sink's zero row now and then"
    for p in zero_rows:
        n, source = len(p.inputs["scores"]), p.inputs["source"]
        assert p.solution.value == pytest.approx(1 / n)
        names = {d.mistake.name for d in p.solution.distractors}
        assert "zero-row-stays-zero" in names, p.id
        assert f"source {source}" in p.solution.question[0]
        assert "Trap" in text.step(p.solution.steps[-1])
