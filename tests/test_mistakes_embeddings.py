"""graph.embeddings: each mistake on a hand-worked example (seed 000's graph), and its
explanation checked against what it computes."""

from __future__ import annotations

from quizgen.families import FAMILIES
from quizgen.families import embeddings as fam
from quizgen.families.common import dag_from
from quizgen.model.family import make_case, make_problem

BLOCKS = ["identity", "frontier"]
SEED000 = dag_from([2, 3, 6], [[2, 3], [3, 6]])


def test_reachable_frontier_adds_the_grandchild():
    # vertex 2: identity [1,0,0]; children {3} -> [0,1,0]; reachable {3, 6} -> [0,1,1]
    assert fam.reachable_frontier(SEED000, BLOCKS, None)[0].tolist() == [1, 0, 0, 0, 1, 1]


def test_parents_frontier_reads_edges_backwards():
    # vertex 3's parent is 2 (slot 0); its child 6 is gone
    assert fam.parents_frontier(SEED000, BLOCKS, None)[1].tolist() == [0, 1, 0, 1, 0, 0]


def test_swapped_blocks_put_the_frontier_first():
    assert fam.swapped_blocks(SEED000, BLOCKS, None)[0].tolist() == [0, 1, 0, 1, 0, 0]


def test_slots_by_id_sorts_the_one_hots():
    dag = dag_from([6, 2, 3], [[2, 3], [3, 6]])
    right = fam.embeddings(dag, BLOCKS, None)
    assert right[1].tolist() == [0, 1, 0, 0, 0, 1]  # vertex 2 in slot 1, its child 3 in slot 2
    by_id, rows = fam.id_ordered_slots(dag, BLOCKS, None)
    assert by_id.vertices == (2, 3, 6)
    assert rows[by_id.slot(2)].tolist() == [1, 0, 0, 0, 1, 0]  # as if 2 were slot 0 and 3 slot 1


def test_position_block_is_kept_by_every_mistake():
    positions = {2: 1, 3: 0, 6: 2}
    blocks = BLOCKS + ["position"]
    for mistake in (fam.reachable_frontier, fam.parents_frontier, fam.swapped_blocks):
        assert mistake(SEED000, blocks, positions)[0, -3:].tolist() == [0, 1, 0]


def test_answer_leads_with_every_row():
    p = make_case(FAMILIES["graph.embeddings"], "seed000")
    table = p.solution.answer[1]
    assert [row[0][0] for row in table.rows] == ["2", "3", "6"]
    for seed in range(30):
        p = make_problem(FAMILIES["graph.embeddings"], seed, "hard")
        assert len(p.solution.answer[1].rows) == len(p.inputs["slots"])


def test_self_in_frontier_adds_the_token_itself():
    # vertex 3 (slot 1): identity [0,1,0]; children {6} -> [0,0,1]; with itself -> [0,1,1]
    assert fam.self_in_frontier(SEED000, BLOCKS, None)[1].tolist() == [0, 1, 0, 0, 1, 1]


def test_a_swapped_multi_hot_frontier_is_not_offered():
    # 2 -> 3 and 2 -> 6: vertex 2's frontier [0,1,1] written first leaves no one-hot identity block
    dag = dag_from([2, 3, 6], [[2, 3], [2, 6]])
    swapped = fam.swapped_blocks(dag, BLOCKS, None)[0]
    assert swapped.tolist() == [0, 1, 1, 1, 0, 0]
    assert not fam.reads_as_embedding(swapped, BLOCKS, [3, 3])
    assert fam.reads_as_embedding(fam.embeddings(dag, BLOCKS, None)[0], BLOCKS, [3, 3])
    p = FAMILIES["graph.embeddings"].solve({"slots": [2, 3, 6], "edges": [[2, 3], [2, 6]], "blocks": BLOCKS})
    assert "blocks-swapped" not in {d.mistake.name for d in p.distractors}
