"""The checkpoints of FAMILIES.md, reproduced from the library."""

from __future__ import annotations

import math

import numpy as np
import pytest

from quizgen.math.attention import softmax
from quizgen.families import FAMILIES
from quizgen.model.family import make_case


def test_softmax_checkpoints():
    assert softmax(np.array([0, 0, 1])) == pytest.approx([0.212, 0.212, 0.576], abs=5e-4)
    assert softmax(np.array([0, 0, 8])) == pytest.approx([0.000335, 0.000335, 0.99933], rel=1e-3)


def test_softmax_cases_of_seed_000():
    raw = make_case(FAMILIES["qk.softmax"], "seed000-raw")
    sharp = make_case(FAMILIES["qk.softmax"], "seed000-sharp")
    assert raw.truth["weights"] == pytest.approx([0.212, 0.212, 0.576], abs=5e-4)
    assert sharp.truth["weights"] == pytest.approx([0.000335, 0.000335, 0.99933], rel=1e-3)
    assert raw.truth["attended"] == sharp.truth["attended"] == 2


def test_sharp_attention_of_seed_001():
    targets = {0: 1, 1: 2, 2: 1, 3: 2}
    k = 8 * np.eye(4)
    q = np.zeros((4, 4))
    for i, t in targets.items():
        q[i, t] = 1
    a = softmax(q @ k.T / math.sqrt(4))
    for i, t in targets.items():
        assert round(a[i, t] * 100, 1) == 94.8
        assert all(round(a[i, o] * 100, 1) == 1.7 for o in range(4) if o != t)


def test_seed_000_embeddings_and_scores():
    emb = make_case(FAMILIES["graph.embeddings"], "seed000")
    assert emb.truth["embeddings"] == [[1, 0, 0, 0, 1, 0], [0, 1, 0, 0, 0, 1], [0, 0, 1, 0, 0, 0]]
    scores = make_case(FAMILIES["qk.scores"], "seed000")
    assert scores.truth["scores"] == [[0, 1, 0], [0, 0, 1], [0, 0, 0]]
    assert scores.truth["attends_to"] == {"2": [3], "3": [6], "6": []}
    # the case's inputs are what the library itself builds for this graph
    assert scores.inputs["embeddings"] == emb.truth["embeddings"]


def test_seed_000_perturbation_drops_from_one_to_zero():
    p = make_case(FAMILIES["perturb.source_target"], "seed000")
    assert p.inputs["slots"] + [p.inputs["fresh_id"]] == [2, 3, 6, 9]
    assert (p.truth["baseline"], p.truth["source_perturbed"], p.truth["target_perturbed"]) == (1, 0, 0)
    assert p.truth["source_dependency"] and p.truth["target_dependency"]


def test_sharp_attention_family_case():
    p = make_case(FAMILIES["attention.sharp"], "seed001")
    assert round(p.truth["target_weight"] * 100, 1) == 94.8
    assert round(p.truth["other_weight"] * 100, 1) == 1.7


def test_virtual_head_of_seed_003_is_e15_e0():
    p = make_case(FAMILIES["circuits.virtual_head"], "seed003")
    two = np.array(p.truth["two_token"])
    expected = np.zeros((16, 16))
    expected[15, 0] = 1
    assert (two == expected).all() and np.linalg.matrix_rank(two) == 1


def test_lookahead_takes_the_shallower_way_to_certainty():
    """Goal four edges away (through t), dead ends two and three deep, a branch a that also
    reaches the goal: ruling out the other branches (3) is quicker than reaching the goal, so L = 3."""
    from quizgen.families.search import lookahead, useful_children
    from quizgen.math.graphs import Dag

    s, a, b, c, d, g, t, k, l, m, n, o = range(12)
    edges = ((s, a), (a, b), (b, c), (c, d), (d, g), (s, t), (t, c), (s, k), (k, l), (s, m), (m, n), (n, o))
    dag = Dag(tuple(range(12)), edges)
    assert useful_children(dag, s, g) == [a, t]
    assert lookahead(dag, s, g) == 3
    shallow = Dag(tuple(range(12)), edges[:5] + ((s, k), (k, l), (l, m), (m, n), (n, o), (o, b)))
    # the other branch rejoins the path only after five steps; as generator.cpp's lookahead_depth
    # counts, its vertices stay in every layer until the goal is found: L = |P| = 5
    assert lookahead(shallow, s, g) == 5
