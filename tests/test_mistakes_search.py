"""search.tokens: each mistake on a hand-worked graph, ids 1..V_max, and the generator's lookahead."""

from __future__ import annotations

from quizgen.families import FAMILIES
from quizgen.families import search
from quizgen.math.graphs import Dag
from quizgen.model.family import make_problem

# start 1; goal 4 via 1 → 2 → 4; dead end 1 → 3 → 5; 2 → 6 hangs off the path
EDGES = ((1, 2), (2, 4), (1, 3), (3, 5), (2, 6))
DAG = Dag((1, 2, 3, 4, 5, 6), EDGES)


def test_all_children_useful_keeps_the_dead_end():
    assert search.all_children(DAG, 1) == [2, 3]
    assert search.useful_children(DAG, 1, 4) == [2]


def test_goal_parents_are_the_vertices_with_an_edge_into_the_goal():
    assert search.goal_parents(DAG, 4) == [2]
    assert search.goal_parents(Dag((1, 2, 3, 4), ((1, 2), (2, 4), (3, 4), (1, 3))), 4) == [2, 3]


def test_all_reachable_is_everything_below_the_start():
    assert search.all_reachable(DAG, 1) == [2, 3, 4, 5, 6]


def test_lookahead_of_the_hand_graph():
    """Layers: {2:2, 3:3}, {4:2, 6:2, 5:3}: the goal 4 is in the second layer, L = 2 = |P|."""
    steps, layers = search.lookahead_search(DAG, 1, 4)
    assert steps == 2
    assert [sorted(layer) for layer in layers] == [[(2, 2), (3, 3)], [(4, 2), (5, 3), (6, 2)]]


def test_lookahead_stops_when_only_the_right_branch_is_left():
    """Goal three edges away; the dead end is one edge deep: after one step only 2's branch is left."""
    dag = Dag((1, 2, 3, 4, 5), ((1, 2), (2, 3), (3, 4), (1, 5)))
    assert search.lookahead(dag, 1, 4) == 1


def test_a_vertex_reached_in_the_same_step_through_n1_takes_its_tag():
    """5 is reached at distance 2 through 3 (listed first) and through n₁ = 2; it takes 2's tag,
    so 3's branch ends after the first layer: L = 1. Were 5 (and its tail 6 → 7 → 9) left with
    3's tag, the search would go on until the goal, L = 3."""
    dag = Dag((1, 3, 2, 5, 6, 7, 9, 8, 4), ((1, 3), (1, 2), (3, 5), (2, 5), (5, 6), (6, 7), (7, 9), (2, 8), (8, 4)))
    assert search.first_step(dag, 1, 4) == 2
    steps, layers = search.lookahead_search(dag, 1, 4)
    assert layers[1] == [(5, 2), (8, 2)]
    assert steps == 1


def test_easy_seed_4152148341_uses_ids_from_one():
    p = make_problem(FAMILIES["search.tokens"], 4152148341, "easy")
    v_max = (p.inputs["n"] - 5) // 3
    assert all(1 <= v <= v_max for e in p.inputs["edges"] for v in e)
