"""qk.scores and qk.softmax: the score matrix QKᵀ of a graph, and softmax over a score row."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from quizgen.model import mistakes
from quizgen.math.attention import attended, block_selector, embeddings, project, scores, softmax
from quizgen.model.content import Display, Frac, call, Sqrt, Word, mat, num, para, seq, step, sym, table
from quizgen.model.family import Family
from quizgen.families.common import (
    CONVENTION, dag_from, dag_inputs, describe_graph, draw_dag, embedding_rows, graph_figure,
    labelled_matrix, max_children, selector_matrix, vertex_set,
)
from quizgen.families.embeddings import BLOCK_TEXT
from quizgen.math.graphs import Dag
from quizgen.model.problem import Distractor, Solution

CONVENTION_TEXT = {
    "column": para("Column vectors: ", seq(sym("Q", "j"), "=", sym("W", "Q"), "cdot", sym("emb", "j")), " and ",
                   seq(sym("K", "i"), "=", sym("W", "K"), "cdot", sym("emb", "i")), "."),
    "row": para("Row vectors: ", seq(sym("Q"), "=", sym("X"), "cdot", sym("W", "Q")), " and ",
                seq(sym("K"), "=", sym("X"), "cdot", sym("W", "K")), ", where X stacks the embeddings as rows."),
}


def attends_to(dag: Dag, s: np.ndarray) -> dict[str, list[int]]:
    """Target -> the sources with the row's highest positive raw score (none for a zero row)."""
    out = {}
    for j, v in enumerate(dag.vertices):
        row = s[j]
        top = row.max()
        out[str(v)] = [dag.vertices[i] for i in np.flatnonzero(row == top)] if top > 0 else []
    return out


def attends_text(mapping: dict[str, list[int]]) -> tuple:
    pieces: list = []
    for k, (target, sources) in enumerate(mapping.items()):
        if k:
            pieces.append("; ")
        pieces += [f"{target} → ", vertex_set(sources)]
    return tuple(pieces)


class QKScores(Family):
    """Compute the score matrix S = Q·Kᵀ of a graph's one-hot embeddings and read off who attends to whom."""

    id = "qk.scores"
    version = 1
    title = "Query-key scores of a graph"
    tags = ("topic::qk", "seed::000", "seed::001")
    levels = {
        "easy": "3-4 vertices, column vectors, each vertex has at most one child",
        "medium": "4-6 vertices in row-vector convention, a vertex whose two children tie",
        "hard": "5-7 vertices whose embeddings carry a position block the selectors must skip",
    }
    input_keys = ("slots", "edges", "embeddings", "W_Q", "W_K", "convention")
    truth_keys = ("scores", "attends_to")
    cases = {
        "seed000": ("easy", {
            "slots": [2, 3, 6], "edges": [[2, 3], [3, 6]], "blocks": ["identity", "frontier"],
            "embeddings": [[1, 0, 0, 0, 1, 0], [0, 1, 0, 0, 0, 1], [0, 0, 1, 0, 0, 0]],
            "W_Q": [[0, 0, 0, 1, 0, 0], [0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 1]],
            "W_K": [[1, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0]],
            "convention": "column",
        }),
    }

    def draw(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        if difficulty == "easy":
            dag = draw_dag(rng, (3, 4), 0.5, lambda d: max_children(d) == 1)
            convention, blocks, positions = "column", ["identity", "frontier"], None
        elif difficulty == "medium":
            dag = draw_dag(rng, (4, 6), 0.4, lambda d: max_children(d) >= 2)
            convention, blocks, positions = "row", ["identity", "frontier"], None
        else:
            dag = draw_dag(rng, (5, 7), 0.35, lambda d: max_children(d) >= 2)
            convention = str(rng.choice(["column", "row"]))
            blocks = ["identity", "frontier", "position"]
            positions = dict(zip(dag.vertices, rng.permutation(len(dag.vertices)).tolist()))
        emb = embeddings(dag, blocks, positions)
        n = len(dag.vertices)
        widths = [n, n] + ([n] if positions else [])
        w_q, w_k = block_selector(widths, 1), block_selector(widths, 0)
        if convention == "row":
            w_q, w_k = w_q.T, w_k.T
        return {
            **dag_inputs(dag), "blocks": blocks, "embeddings": emb.astype(int).tolist(),
            "W_Q": w_q.astype(int).tolist(), "W_K": w_k.astype(int).tolist(), "convention": convention,
        }

    def solve(self, inputs: dict[str, Any]) -> Solution:
        dag = dag_from(inputs["slots"], inputs["edges"])
        emb = np.array(inputs["embeddings"], dtype=float)
        w_q, w_k = np.array(inputs["W_Q"], dtype=float), np.array(inputs["W_K"], dtype=float)
        convention = inputs["convention"]
        q, k = project(w_q, emb, convention), project(w_k, emb, convention)
        s = scores(q, k)
        truth = {"scores": s.astype(int).tolist(), "attends_to": attends_to(dag, s)}

        blocks = inputs["blocks"]
        n = len(dag.vertices)
        widths = [n] * 2 + [emb.shape[1] - 2 * n] * (len(blocks) == 3)
        prompt = (
            describe_graph(dag), graph_figure(dag),
            para("Embeddings (" + " ⊕ ".join(BLOCK_TEXT[b] for b in blocks) + "), one row per vertex:"),
            embedding_rows(dag, emb, blocks, widths),
            CONVENTION_TEXT[convention],
            Display(seq(sym("W", "Q"), "=", selector_matrix(w_q, widths, convention), ",",
                        sym("W", "K"), "=", selector_matrix(w_k, widths, convention))),
            CONVENTION,
        )
        task = (
            para("Compute the score matrix S (no scaling) and, for each target, the source(s) "
                 "with its highest positive score."),
        )
        question = ("Which source(s) does each target attend to, by the raw scores?",)
        choice = attends_text(truth["attends_to"])
        self_match = scores(project(w_k, emb, convention), k)
        all_on_zero = {t: (src or list(dag.vertices)) for t, src in truth["attends_to"].items()}
        distractors = (
            Distractor(attends_text(attends_to(dag, s.T)), mistakes.ROWS_COLUMNS_SWAPPED),
            Distractor(attends_text(attends_to(dag, self_match)), mistakes.QUERY_FROM_IDENTITY),
            Distractor(attends_text(all_on_zero), mistakes.ZERO_ROW_ATTENDS_ALL),
            Distractor(attends_text(attends_to(dag, dag.closure().adjacency())), mistakes.FRONTIER_AS_REACHABLE),
        )
        q_sym, k_sym = ("Q_v = W_Q · emb_v", "K_v = W_K · emb_v") if convention == "column" else (
            "Q = X · W_Q (row v)", "K = X · W_K (row v)")
        steps = (
            step(f"Queries and keys: {q_sym}, {k_sym}. W_Q copies the frontier block, W_K the identity block.",
                 table(["vertex", "Q_v (looking for)", "K_v (I am)"],
                       [[str(v), mat(q[j]), mat(k[j])] for j, v in enumerate(dag.vertices)])),
            step("Each cell S[j, i] = Q_j · K_i is 1 exactly when source i is in target j's frontier.",
                 labelled_matrix(s, dag.vertices, dag.vertices, "target \\ source")),
            step("Read each row: the highest positive score marks the source; a sink's row is all zeros.",
                 para(*choice)),
        )
        answer = (Display(seq(sym("S"), "=", mat(s))), para(*choice))
        return Solution(truth, prompt, task, answer, steps, question, choice, distractors)


class QKSoftmax(Family):
    """Turn one score row into attention weights with softmax, after the logit magnitude and scale."""

    id = "qk.softmax"
    version = 1
    title = "Softmax of a score row"
    tags = ("topic::qk", "seed::000", "seed::001")
    levels = {
        "easy": "a one-hot row of 3-5 scores times a magnitude c",
        "medium": "integer scores with a tie or a clear top, times c, scaled by 1/√d_k",
        "hard": "a sink's all-zero row (uniform weights) or negative scores, times c and scaled",
    }
    input_keys = ("scores", "magnitude", "scale")
    truth_keys = ("weights", "attended")
    cases = {
        "seed000-raw": ("easy", {"scores": [0, 0, 1], "magnitude": 1, "scale": 1.0, "d_k": None}),
        "seed000-sharp": ("easy", {"scores": [0, 0, 1], "magnitude": 8, "scale": 1.0, "d_k": None}),
    }

    def draw(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        n = int(rng.integers(3, 6))
        if difficulty == "easy":
            row = np.zeros(n, dtype=int)
            row[rng.integers(n)] = 1
            return {"scores": row.tolist(), "magnitude": int(rng.choice([1, 2, 4, 8])), "scale": 1.0, "d_k": None}
        d_k = int(rng.choice([4, 16]))
        magnitude = int(rng.choice([2, 4, 8]))
        if difficulty == "medium":
            row = rng.integers(0, 3, size=n)
        elif rng.random() < 0.5:
            row = np.zeros(n, dtype=int)
        else:
            row = rng.integers(-2, 3, size=n)
        return {"scores": row.tolist(), "magnitude": magnitude, "scale": 1 / math.sqrt(d_k), "d_k": d_k}

    def solve(self, inputs: dict[str, Any]) -> Solution:
        s = np.array(inputs["scores"], dtype=float)
        c, scale, d_k = inputs["magnitude"], inputs["scale"], inputs["d_k"]
        logits = c * scale * s
        w = softmax(logits)
        truth = {"weights": w.tolist(), "attended": attended(w)}

        scaling = [] if d_k is None else [" and scaled by ", Frac(num(1), Sqrt(sym("d", "k"))), f" with d_k = {d_k}"]
        prompt = (
            para("A target token's raw scores over the sources 0.." + str(len(s) - 1) + " are ", mat(s), "."),
            para(f"The logits are the scores multiplied by the magnitude c = {c}", *scaling,
                 ". Softmax runs over the row (over the sources)."),
        )
        task = (
            para("Give the attention weights (3 decimals) and the source attended to, if one stands out."),
        )
        top = attended(w)
        choice = (mat(w),)
        tied_top = s == s.max()
        exps = np.exp(logits - logits.max())
        distractors = (
            Distractor((mat(softmax(scale * s)),), mistakes.FORGOT_MAGNITUDE),
            Distractor((mat(softmax(c * s)),), mistakes.FORGOT_SCALE),
            Distractor((mat(tied_top / tied_top.sum()),), mistakes.HARD_ARGMAX),
            Distractor((mat(s / s.sum() if s.sum() > 0 else np.zeros_like(s)),),
                       mistakes.ZERO_ROW_STAYS_ZERO if not s.any() else mistakes.LINEAR_NORMALISATION),
            Distractor((mat(np.exp(logits)),), mistakes.NOT_NORMALISED),
        )
        steps = (
            step("Logits: multiply the scores by c" + ("" if d_k is None else " and by 1/√d_k") + ".",
                 Display(seq(sym("z"), "=", mat(logits)))),
            step("Exponentiate (after subtracting the largest logit, which changes nothing) and normalise.",
                 Display(seq(call("exp", mat(logits - logits.max())), "=", mat(exps), ",", Word("sum"), "=", num(exps.sum())))),
            step("Weights: each exponential over the sum; they add up to 1.", Display(seq(sym("a"), "=", mat(w)))),
            step("Read the result.", para(_reading(s, w, top))),
        )
        answer = (Display(seq(call("softmax", mat(logits)), "approx", mat(w))), para(_reading(s, w, top)))
        return Solution(truth, prompt, task, answer, steps, ("What are the attention weights?",), choice, distractors)


def _reading(s: np.ndarray, w: np.ndarray, top: int | None) -> str:
    if not s.any():
        return "An all-zero row is not 'attend to nobody': softmax makes it uniform, 1/n each."
    if top is None:
        tied = [str(i) for i in np.flatnonzero(np.isclose(w, w.max()))]
        return f"The top score is shared by sources {', '.join(tied)}: the weight splits evenly between them."
    return f"Source {top} is attended to, with {w[top] * 100:.1f} % of the weight."
