"""graph.embeddings: the one-hot identity ⊕ frontier (⊕ position) embedding of a graph."""

from __future__ import annotations

from typing import Any

import numpy as np

from quizgen.model import mistakes
from quizgen.math.attention import embeddings
from quizgen.model.content import Display, mat, para, seq, step, sym
from quizgen.model.family import Family
from quizgen.families.common import dag_from, dag_inputs, describe_graph, draw_dag, embedding_rows, graph_figure, max_children
from quizgen.math.graphs import Dag
from quizgen.model.problem import Distractor, Solution

BLOCK_TEXT = {
    "identity": "identity one-hot over the slots",
    "frontier": "frontier multi-hot over the slots (frontier = the direct children)",
    "position": "position one-hot over the positions 0..max",
}


def block_widths(dag: Dag, blocks: list[str], positions: dict[int, int] | None) -> list[int]:
    n = len(dag.vertices)
    return [max(positions.values()) + 1 if b == "position" and positions else n for b in blocks]


def parse_positions(inputs: dict[str, Any]) -> dict[int, int] | None:
    """The ``positions`` input (JSON keys are strings) as vertex -> position."""
    raw = inputs.get("positions")
    return None if raw is None else {int(k): int(v) for k, v in raw.items()}


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
        question = (f"Which row is the embedding of vertex {focus}?",)

        def row_of(matrix: np.ndarray, vertex_slot: int = k) -> tuple:
            return (mat(matrix[vertex_slot]),)

        reversed_dag = Dag(dag.vertices, tuple((v, u) for u, v in dag.edges))
        swapped = [1, 0, *range(2, len(blocks))]
        by_id = Dag(tuple(sorted(dag.vertices)), dag.edges)
        distractors = (
            Distractor(row_of(embeddings(dag.closure(), blocks, positions)), mistakes.FRONTIER_AS_REACHABLE),
            Distractor(row_of(embeddings(reversed_dag, blocks, positions)), mistakes.FRONTIER_AS_PARENTS),
            Distractor(row_of(embeddings(dag, [blocks[s] for s in swapped], positions)), mistakes.BLOCKS_SWAPPED),
            Distractor(row_of(embeddings(by_id, blocks, positions), by_id.slot(focus)), mistakes.SLOTS_BY_ID),
        )

        steps = [
            step("Identity block: a one-hot at the vertex's own slot.",
                 para("Slots: " + ", ".join(f"{v} → slot {dag.slot(v)}" for v in dag.vertices) + ".")),
            step("Frontier block: a 1 at the slot of each direct child.",
                 para("Children: " + "; ".join(f"{v} → {dag.children(v) or 'none (sink)'}" for v in dag.vertices) + ".")),
        ]
        if positions is not None:
            steps.append(step("Position block: a one-hot at the token's position.",
                              para(", ".join(f"{v} → position {p}" for v, p in positions.items()) + ".")))
        steps.append(step("Concatenate the blocks.", embedding_rows(dag, emb, blocks, widths)))
        answer = (Display(seq(sym("E"), "=", mat(emb))), para(f"Rows in slot order {list(dag.vertices)}."))
        task = (para("Write the embedding of every vertex, one row per vertex in slot order."),)
        return Solution(truth, tuple(prompt), task, answer, tuple(steps), question, row_of(emb), distractors)
