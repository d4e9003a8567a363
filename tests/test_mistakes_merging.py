"""merge.reachable and merge.position: each mistake on a hand-worked example."""

from __future__ import annotations

from quizgen.families import FAMILIES
from quizgen.families import merging as mg
from quizgen.model.family import make_problem

# EDGE 2 3 EDGE 3 6 EDGE 6 8: positions 0..8
TOKENS = ["EDGE", "2", "3", "EDGE", "3", "6", "EDGE", "6", "8"]


def test_rounds_for_a_path_of_five_edges():
    assert mg.merge_and_bfs(5) == [3, 4]  # reach 1 → 2 → 4 → 8 covers 5 edges after 3 rounds
    assert mg.frontier_bfs(5) == [4, 4]
    assert mg.one_round_per_edge(5) == [5, 5]
    assert mg.floor_log(5) == [2, 4]
    assert mg.counts_vertices(5) == [3, 5]  # six vertices: ⌈log₂ 6⌉ = 3 and 6 − 1 = 5


def test_rounds_where_the_mistakes_differ_from_a_path_of_four():
    assert mg.merge_and_bfs(4) == [2, 3]
    assert mg.floor_log(4) == [2, 3]  # log₂ 4 is whole: rounding down changes nothing, the gate drops it
    assert mg.counts_vertices(4) == [3, 4]


def test_position_mistakes_by_hand():
    # the query at 4 (the "3" of the second triple), offset −1: position 3, the marker
    assert mg.pointed(TOKENS, 4, -1) == 3 and mg.query_kind(TOKENS, 4, -1) == "marker-answers"
    assert mg.skips_markers(TOKENS, 4, -1) == 2  # steps back over the marker to the previous vertex token
    assert mg.shift_wrong_way(TOKENS, 4, -1) == 5
    assert mg.attends_to_self(4) == 4
    # offset +2 from 7: position 9 is outside; skipping markers there is outside too
    assert mg.query_kind(TOKENS, 7, 2) == "points-outside"
    assert mg.skips_markers(TOKENS, 7, 2) == "none"
    assert mg.shift_wrong_way(TOKENS, 7, 2) == 5


def test_skips_markers_counts_vertex_tokens_only():
    # from 5 ("6"), two vertex tokens forward: 7 and 8, passing the marker at 6
    assert mg.skips_markers(TOKENS, 5, 2) == 8
    assert mg.pointed(TOKENS, 5, 2) == 7


def test_marker_queries_are_named_traps_and_asked():
    family = FAMILIES["merge.position"]
    for seed in range(100):
        p = make_problem(family, seed, "medium")
        target = p.inputs["asked"] + p.inputs["offset"]
        marker = p.inputs["tokens"][target] == "EDGE"
        assert marker == (family.case(p.inputs, p.truth) == "marker-answers"), p.id
        assert marker == any(s.title.startswith("Trap") for s in p.solution.steps), p.id
