"""graph.embeddings: the one-hot identity ⊕ frontier (⊕ position) embedding of a graph."""

from __future__ import annotations

from typing import Any

import numpy as np

from quizgen.model import mistakes
from quizgen.math.attention import embeddings
from quizgen.model.content import mat, para, step
from quizgen.model.family import Family
from quizgen.families.common import dag_from, dag_inputs, describe_graph, draw_dag, embedding_rows, graph_figure, max_children
from quizgen.math.graphs import Dag
from quizgen.model.problem import Distractor, Solution

BLOCK_TEXT = {
    "identity": "identity one-hot over the slots",
    "frontier": "frontier multi-hot over the slots (frontier = the direct children)",
    "position": "position one-hot over the positions, from 0 to the largest position given",
}


def block_widths(dag: Dag, blocks: list[str], positions: dict[int, int] | None) -> list[int]:
    n = len(dag.vertices)
    return [max(positions.values()) + 1 if b == "position" and positions else n for b in blocks]


def parse_positions(inputs: dict[str, Any]) -> dict[int, int] | None:
    """The ``positions`` input (JSON keys are strings) as vertex -> position."""
    raw = inputs.get("positions")
    return None if raw is None else {int(k): int(v) for k, v in raw.items()}


# The mistakes of graph.embeddings, one function each: the whole embedding matrix they write
# (one row per vertex, in the order the mistake puts the slots).
def reachable_frontier(dag: Dag, blocks: list[str], positions: dict[int, int] | None) -> np.ndarray:
    """Every vertex the token reaches put into its frontier, not only its direct children."""
    return embeddings(dag.closure(), blocks, positions)


def parents_frontier(dag: Dag, blocks: list[str], positions: dict[int, int] | None) -> np.ndarray:
    """The edges read backwards: the frontier holds the token's parents."""
    return embeddings(Dag(dag.vertices, tuple((v, u) for u, v in dag.edges)), blocks, positions)


def swapped_blocks(dag: Dag, blocks: list[str], positions: dict[int, int] | None) -> np.ndarray:
    """The frontier block written before the identity block."""
    return embeddings(dag, [blocks[1], blocks[0], *blocks[2:]], positions)


def self_in_frontier(dag: Dag, blocks: list[str], positions: dict[int, int] | None) -> np.ndarray:
    """The token itself put into its own frontier, as the merge sets S_0(v) = {v} ∪ children(v) do."""
    emb = embeddings(dag, blocks, positions)
    n = len(dag.vertices)
    start = blocks.index("frontier") * n  # the identity and frontier blocks are both n wide
    for k in range(n):
        emb[k, start + k] = 1
    return emb


def reads_as_embedding(row: np.ndarray, blocks: list[str], widths: list[int]) -> bool:
    """Whether a row can be an embedding at all, whatever the graph: its identity block (and its
    position block) one-hot. A row failing this could be struck out without knowing the graph."""
    start = 0
    for block, width in zip(blocks, widths):
        if block != "frontier" and row[start:start + width].sum() != 1:
            return False
        start += width
    return True


def id_ordered_slots(dag: Dag, blocks: list[str], positions: dict[int, int] | None) -> tuple[Dag, np.ndarray]:
    """One-hot slots ordered by vertex id instead of the given slot order (rows too)."""
    by_id = Dag(tuple(sorted(dag.vertices)), dag.edges)
    return by_id, embeddings(by_id, blocks, positions)


class GraphEmbeddings(Family):
    """Write each vertex token's embedding: identity one-hot ⊕ frontier multi-hot (⊕ position)."""

    id = "graph.embeddings"
    version = 1
    title = "Embeddings of a graph"
    tags = ("topic::graphs", "seed::000")
    levels = {
        "easy": "3-4 vertices, every vertex has at most one child",
        "medium": "4-6 vertices, a vertex with two or more children (a multi-hot frontier)",
        "hard": "6-8 vertices with a position block and a shuffled position order",
    }
    input_keys = ("slots", "edges", "blocks", "positions")
    truth_keys = ("embeddings",)
    cases = {"seed000": ("easy", {"slots": [2, 3, 6], "edges": [[2, 3], [3, 6]], "blocks": ["identity", "frontier"]})}

    def draw(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        if difficulty == "easy":
            dag = draw_dag(rng, (3, 4), 0.5, lambda d: max_children(d) == 1)
        elif difficulty == "medium":
            dag = draw_dag(rng, (4, 6), 0.4, lambda d: max_children(d) >= 2)
        else:
            dag = draw_dag(rng, (6, 8), 0.3, lambda d: max_children(d) >= 2 and d.longest_path >= 2)
        inputs = {**dag_inputs(dag), "blocks": ["identity", "frontier"]}
        if difficulty == "hard":
            order = rng.permutation(len(dag.vertices)).tolist()
            inputs["blocks"].append("position")
            inputs["positions"] = {str(v): int(p) for v, p in zip(dag.vertices, order)}
        return inputs

    def case(self, inputs: dict[str, Any], truth: dict[str, Any]) -> str:
        if list(inputs["slots"]) == sorted(inputs["slots"]):
            return "slots-in-id-order"  # slot order and id order agree: that trap is absent
        return "typical"

    def solve(self, inputs: dict[str, Any]) -> Solution:
        dag = dag_from(inputs["slots"], inputs["edges"])
        blocks = list(inputs["blocks"])
        positions = parse_positions(inputs)
        emb = embeddings(dag, blocks, positions)
        widths = block_widths(dag, blocks, positions)
        truth = {"embeddings": emb.astype(int).tolist()}

        prompt = [describe_graph(dag), graph_figure(dag)]
        prompt.append(para("Each vertex token's embedding is " + " ⊕ ".join(BLOCK_TEXT[b] for b in blocks) + "."))
        if positions is not None:
            prompt.append(para("Token positions: " + ", ".join(f"vertex {v} at {p}" for v, p in positions.items()) + "."))

        focus = max(dag.vertices, key=lambda v: (len(dag.children(v)), -dag.slot(v)))
        k = dag.slot(focus)
        question = (f"What is the embedding of vertex {focus} (one row vector)?",)
        by_id, by_id_rows = id_ordered_slots(dag, blocks, positions)
        wrong = (
            (reachable_frontier(dag, blocks, positions)[k], mistakes.FRONTIER_AS_REACHABLE),
            (parents_frontier(dag, blocks, positions)[k], mistakes.FRONTIER_AS_PARENTS),
            (swapped_blocks(dag, blocks, positions)[k], mistakes.BLOCKS_SWAPPED),
            (by_id_rows[by_id.slot(focus)], mistakes.SLOTS_BY_ID),
            (self_in_frontier(dag, blocks, positions)[k], mistakes.SELF_IN_FRONTIER),
        )
        # a multi-hot frontier written first (blocks swapped) leaves no one-hot identity block
        distractors = tuple(Distractor((mat(row),), m, row.astype(int).tolist()) for row, m in wrong
                            if reads_as_embedding(row, blocks, widths))

        steps = [
            step("Identity block: a one-hot at the vertex's own slot (slot order as given, not sorted by id).",
                 para("Slots: " + ", ".join(f"{v} → slot {dag.slot(v)}" for v in dag.vertices) + ".")),
            step("Frontier block: a 1 at the slot of each direct child (children only, not everything reachable; "
                 "a sink's frontier is all zeros).",
                 para("Children: " + "; ".join(f"{v} → {dag.children(v) or 'none (sink)'}" for v in dag.vertices) + ".")),
        ]
        if positions is not None:
            in_slot_order = all(positions[v] == dag.slot(v) for v in dag.vertices)
            steps.append(step("Position block: a one-hot at the token's position ("
                              + ("here the positions happen to follow the slot order" if in_slot_order
                                 else "positions are not the slot order") + ").",
                              para(", ".join(f"{v} → position {p}" for v, p in positions.items()) + ".")))
        rows = embedding_rows(dag, emb, blocks, widths)  # in the last step and the answer
        steps.append(step("Concatenate the blocks.", rows))
        answer = (
            para(f"Embeddings, one row per vertex in slot order {list(dag.vertices)} ("
                 + " ⊕ ".join(blocks) + "):"),
            rows,
        )
        task = (para("Write the embedding of every vertex, one row per vertex in slot order."),)
        return Solution(truth, tuple(prompt), task, answer, tuple(steps), question, (mat(emb[k]),), distractors,
                        emb[k].astype(int).tolist(), None)
