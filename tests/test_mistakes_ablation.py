"""ablation.threshold and ablation.effect: each mistake on a hand-worked example, and the keep rule."""

from __future__ import annotations

import numpy as np
import pytest

from quizgen.families import FAMILIES
from quizgen.families import ablation as ab
from quizgen.model.family import make_problem

# 3 tokens, τ = 0.5: edges 0 → 0, 0 → 1, 1 → 2; the last row keeps [1, 2]
PATTERN = np.array([[1.0, 0.0, 0.0], [0.7, 0.3, 0.0], [0.2, 0.6, 0.2]])
# the last row is flat: nothing at ≥ 0.5, so nothing is kept for it
FLAT = np.array([[1.0, 0.0, 0.0], [0.7, 0.3, 0.0], [0.3, 0.4, 0.3]])


def test_right_answer_and_the_conditional_keep():
    assert ab.circuit_edges(PATTERN, 0.5) == [[0, 0], [0, 1], [1, 2]]
    assert ab.keep_from_edges(ab.circuit_edges(PATTERN, 0.5), 2) == [1, 2]
    assert ab.keep_from_edges(ab.circuit_edges(FLAT, 0.5), 2) == []


def test_rows_columns_swapped_reads_the_transpose():
    # cell (row 1, col 0) = 0.7 read as 1 → 0; the last column holds only 0.2 < τ: keep nothing
    assert ab.rows_columns_swapped(PATTERN, 0.5) == [[[0, 0], [1, 0], [2, 1]], []]


def test_drops_self_edges_loses_0_to_0():
    assert ab.drops_self_edges(PATTERN, 0.5) == [[[0, 1], [1, 2]], [1, 2]]


def test_strongest_only_keeps_one_source_per_row_even_below_tau():
    assert ab.strongest_only(FLAT) == [[[0, 0], [0, 1], [1, 2]], [1, 2]]


def test_strongest_only_keeps_every_source_of_a_tie():
    """Two sources equally strong are both the strongest: the mistake keeps both, whatever
    their order (it was the first of them, which nothing in the mistake picks)."""
    tied = np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [0.1, 0.45, 0.45]])
    assert ab.strongest_only(tied) == [[[0, 0], [0, 1], [1, 1], [1, 2], [2, 2]], [1, 2]]


def test_threshold_scores_uses_the_logits():
    scores = np.array([[2.0, -np.inf, -np.inf], [1.0, 0.0, -np.inf], [0.0, 3.0, 1.0]])
    assert ab.threshold_scores(scores, 0.5) == [[[0, 0], [0, 1], [1, 2], [2, 2]], [1, 2]]


def test_always_keeps_end_and_forgets_end():
    assert ab.always_keeps_end(FLAT, 0.5) == [[[0, 0], [0, 1]], [2]]
    assert ab.forgets_end(PATTERN, 0.5) == [[[0, 0], [0, 1], [1, 2]], [1]]


def test_effect_mistakes_by_hand():
    # clean 4, corrupted −1, patched 2: recovery 3/5 = 60 %
    assert ab.recovery_of(4.0, -1.0, 2.0) == pytest.approx(0.6)
    assert ab.ignores_corrupted_baseline(4.0, 2.0, True) == [50.0, True]
    assert ab.recovery_complement(4.0, -1.0, 2.0, True) == pytest.approx([40.0, True])
    assert ab.clamps_recovery(1.3, False) == [100.0, False]
    assert ab.clamps_recovery(-0.2, False) == [0.0, False]
    assert ab.any_change_matters(0.6, -0.2) == pytest.approx([60.0, True])
    assert ab.margin_backwards(0.6, True) == pytest.approx([60.0, False])
    # a logit that rises by 0.5: not important, but its size is above the margin
    assert ab.change_size_counts(0.6, -0.5, 0.4) == pytest.approx([60.0, True])


def test_prompt_states_the_conditional_keep_rule():
    p = make_problem(FAMILIES["ablation.threshold"], 3523635819, "easy")
    task = " ".join(piece for block in p.solution.task for piece in block.pieces if isinstance(piece, str))
    assert "when it attends to none, keep nothing" in task


def test_ablation_effect_levels_differ_in_the_work():
    family = FAMILIES["ablation.effect"]
    for seed in range(50):
        easy, medium, hard = (make_problem(family, seed, level).inputs for level in ("easy", "medium", "hard"))
        assert easy["corrupted"] == 0 and medium["corrupted"] != 0
        assert easy != medium
        recovery = (hard["patched"] - hard["corrupted"]) / (hard["clean"] - hard["corrupted"])
        assert not 0 <= recovery <= 1
