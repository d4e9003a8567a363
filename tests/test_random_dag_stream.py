"""random_dag draws one uniform per vertex pair at once: the same graphs as one draw per pair."""

from __future__ import annotations

import numpy as np
import pytest

from quizgen.math.graphs import Dag, random_dag


def one_draw_per_pair(rng: np.random.Generator, n_vertices: int, edge_probability: float, max_id: int = 20) -> Dag:
    """random_dag as it was first written, asking the generator once per pair."""
    ids = rng.choice(np.arange(1, max_id + 1), size=n_vertices, replace=False).tolist()
    topo = rng.permutation(ids).tolist()
    edges = [(topo[a], topo[b]) for a in range(n_vertices) for b in range(a + 1, n_vertices)
             if rng.random() < edge_probability]
    order = rng.permutation(len(edges))
    return Dag(tuple(int(v) for v in ids), tuple((int(edges[k][0]), int(edges[k][1])) for k in order))


@pytest.mark.parametrize("n_vertices", [1, 2, 5, 8])
@pytest.mark.parametrize("edge_probability", [0.0, 0.35, 0.8])
def test_random_dag_draws_what_one_draw_per_pair_draws(n_vertices, edge_probability):
    for seed in range(40):
        ours, reference = np.random.default_rng(seed), np.random.default_rng(seed)
        assert random_dag(ours, n_vertices, edge_probability) == one_draw_per_pair(reference, n_vertices, edge_probability)
        assert ours.random() == reference.random()  # and leaves the generator in the same state
