"""perturb.source_target: each mistake function on a hand-worked example, and its explanation checked."""

from __future__ import annotations

import math

import numpy as np

from quizgen.families import perturbation as pt
from quizgen.families.common import dag_from
from quizgen.families import FAMILIES
from quizgen.model.family import make_case, make_problem

# seed 000 with the weight 2 in W_Q: cell (Q_3, K_6), slots [2, 3, 6] + fresh 9, d = 8
TYPICAL = pt.Scores(baseline=2.0, source=0.0, target=0.0, both=0.0)
# the zeroed bit is another child: the target-perturbed score stays at the baseline
UNRELATED = pt.Scores(baseline=2.0, source=0.0, target=2.0, both=0.0)
WEAK = pt.Scores(baseline=0.3, source=0.0, target=0.0, both=0.0)  # hard: 7 slots, d = 14
THRESHOLD_8 = math.sqrt(8) / 10


def test_recomputes_wrong_side_leaves_every_score_at_the_baseline():
    assert pt.recomputes_wrong_side(TYPICAL, THRESHOLD_8) == [2.0, 2.0, 2.0, False, False]


def test_key_only_ignores_the_target_perturbation():
    assert pt.key_only(TYPICAL, THRESHOLD_8) == [2.0, 0.0, 2.0, True, False]


def test_fresh_id_matches_ignores_the_source_perturbation():
    assert pt.fresh_id_matches(TYPICAL, THRESHOLD_8) == [2.0, 2.0, 0.0, False, True]


def test_both_sides_at_once_blames_the_target_for_the_sources_drop():
    # right: source 0, target 2 (no drop); perturbing both reads 0 for both sides
    assert pt.both_sides_at_once(UNRELATED, THRESHOLD_8) == [2.0, 0.0, 0.0, True, True]
    assert pt.outcome(2.0, 0.0, 2.0, THRESHOLD_8) == [2.0, 0.0, 2.0, True, False]


def test_any_drop_counts_uses_a_zero_threshold():
    assert pt.any_drop_counts(WEAK) == [0.3, 0.0, 0.0, True, True]
    assert pt.outcome(0.3, 0.0, 0.0, math.sqrt(14) / 10) == [0.3, 0.0, 0.0, False, False]


def test_d_from_slots_uses_the_slot_count():
    # 7 slots: √7/10 = 0.265 < 0.3, while the embedding width 14 gives 0.374 > 0.3
    assert pt.d_from_slots(WEAK, 7) == [0.3, 0.0, 0.0, True, True]


def test_ignores_query_weight_reads_one_hot_matches():
    assert pt.ignores_query_weight(TYPICAL, 2.0, THRESHOLD_8) == [1.0, 0.0, 0.0, True, True]
    assert pt.ignores_query_weight(WEAK, 0.3, math.sqrt(14) / 10) == [1.0, 0.0, 0.0, True, True]


def test_frontier_as_parents_fires_on_the_reversed_edge():
    """Cell (Q_6, K_3) of seed 000's graph: 3 → 6 is an edge, so 3 is a parent of 6, and
    the cell is 0; a student who fills frontiers with parents gets 1, then 0 and 0."""
    inputs = {"slots": [2, 3, 6], "edges": [[2, 3], [3, 6]], "target": 6, "source": 3, "fresh_id": 9,
              "zeroed_frontier": 3, "q_weight": 1.0}
    dag = dag_from(inputs["slots"], inputs["edges"])
    w_q = np.hstack([np.zeros((4, 4)), np.eye(4)])
    w_k = np.hstack([np.eye(4), np.zeros((4, 4))])
    right = pt.cell_scores(pt.extended_embeddings(dag, 9), dag, 6, 3, 3, w_q, w_k)
    assert (right.baseline, right.source, right.target) == (0.0, 0.0, 0.0)
    assert pt.frontier_as_parents(dag, inputs, w_q, w_k, THRESHOLD_8) == [1.0, 0.0, 0.0, True, True]


def test_seed_000_case_and_threshold_from_the_embedding_width():
    p = make_case(FAMILIES["perturb.source_target"], "seed000")
    assert p.solution.value == [1.0, 0.0, 0.0, True, True]
    assert pt.paper_threshold(len(p.inputs["embeddings"][0])) == math.sqrt(8) / 10


def test_hard_seed_487680086_judges_with_the_embedding_width():
    """The issue's seed: 12-14 wide embeddings; a weak weight is judged against √width/10."""
    p = make_problem(FAMILIES["perturb.source_target"], 487680086, "hard")
    width = len(p.inputs["embeddings"][0])
    drop = p.truth["baseline"] - p.truth["source_perturbed"]
    assert p.truth["source_dependency"] == (drop > math.sqrt(width) / 10)
    assert f"d = 2 · {len(p.inputs['slots']) + 1} = {width}" in "".join(
        piece for block in p.solution.prompt for piece in getattr(block, "pieces", ()) if isinstance(piece, str))


def test_trap_variants_are_named_in_the_steps():
    family = FAMILIES["perturb.source_target"]
    seen = set()
    for seed in range(200):
        p = make_problem(family, seed, "medium")
        case = family.case(p.inputs, p.truth)
        titles = " ".join(s.title for s in p.solution.steps)
        assert ("Trap:" in titles) == (case != "typical"), p.id
        seen.add(case)
    assert seen == {"typical", "unrelated-feature", "non-edge-cell"}


def test_transposed_cell_reads_q_i_dot_k_j():
    """Seed 000, cell (Q_6, K_3) read transposed as (Q_3, K_6) = 1; renaming 3 or zeroing 6's
    frontier bit touches neither Q_3's frontier nor K_6's identity, so it stays 1."""
    inputs = {"slots": [2, 3, 6], "edges": [[2, 3], [3, 6]], "target": 6, "source": 3, "fresh_id": 9,
              "zeroed_frontier": 3, "q_weight": 1.0}
    dag = dag_from(inputs["slots"], inputs["edges"])
    w_q = np.hstack([np.zeros((4, 4)), np.eye(4)])
    w_k = np.hstack([np.eye(4), np.zeros((4, 4))])
    emb = pt.extended_embeddings(dag, 9)
    assert pt.transposed_cell(emb, dag, inputs, w_q, w_k, THRESHOLD_8) == [1.0, 1.0, 1.0, False, False]
