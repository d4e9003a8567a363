"""perturb.source_target: attribute one attention operation to its source or its target."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from quizgen.model import mistakes
from quizgen.math.attention import block_selector, embeddings
from quizgen.model.content import Display, format_number, mat, num, para, seq, step, sym, table
from quizgen.model.family import Family
from quizgen.families.common import dag_from, describe_graph, draw_dag, graph_figure, max_children, selector_matrix
from quizgen.math.graphs import Dag
from quizgen.model.problem import Distractor, Solution

Q_WEIGHTS = (0.1, 0.2, 0.25, 0.5, 2.0)


def extended_embeddings(dag: Dag, fresh_id: int) -> np.ndarray:
    """identity ⊕ frontier over the slots plus one spare slot for the fresh id (no token)."""
    extended = Dag((*dag.vertices, fresh_id), dag.edges)
    return embeddings(extended, ["identity", "frontier"])[:-1]


def verdict(source: bool, target: bool) -> tuple[str]:
    def word(flag: bool) -> str:
        return "dependency" if flag else "no dependency"

    return (f"source: {word(source)}; target: {word(target)}",)


class PerturbSourceTarget(Family):
    """Perturb the source or the target of one attention operation and see whether Q_j·K_i drops."""

    id = "perturb.source_target"
    version = 1
    title = "Source and target perturbation"
    tags = ("topic::perturbation", "seed::000")
    levels = {
        "easy": "3-4 vertices, the zeroed frontier feature is the source itself",
        "medium": "4-6 vertices, a target with two children; the zeroed feature may be the other child",
        "hard": "a weak or strong query weight, judged by the paper's √d/10 rule",
    }
    input_keys = ("slots", "edges", "target", "source", "fresh_id", "W_Q", "W_K", "embeddings")
    truth_keys = ("baseline", "source_perturbed", "target_perturbed", "source_dependency", "target_dependency")
    cases = {
        "seed000": ("easy", {
            "slots": [2, 3, 6], "edges": [[2, 3], [3, 6]], "target": 3, "source": 6, "fresh_id": 9,
            "zeroed_frontier": 6, "q_weight": 1.0,
            "W_Q": [[0, 0, 0, 0, 1, 0, 0, 0], [0, 0, 0, 0, 0, 1, 0, 0], [0, 0, 0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 0, 0, 1]],
            "W_K": [[1, 0, 0, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0, 0, 0], [0, 0, 0, 1, 0, 0, 0, 0]],
            "embeddings": [[1, 0, 0, 0, 0, 1, 0, 0], [0, 1, 0, 0, 0, 0, 1, 0], [0, 0, 1, 0, 0, 0, 0, 0]],
        }),
    }

    def draw(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        if difficulty == "easy":
            dag = draw_dag(rng, (3, 4), 0.5, lambda d: max_children(d) == 1)
        else:
            dag = draw_dag(rng, (4, 6) if difficulty == "medium" else (5, 7), 0.35, lambda d: max_children(d) >= 2)
        branching = [v for v in dag.vertices if len(dag.children(v)) >= (1 if difficulty == "easy" else 2)]
        target = int(rng.choice(branching))
        source = int(rng.choice(dag.children(target)))
        zeroed = source if difficulty == "easy" else int(rng.choice(dag.children(target)))
        q_weight = float(rng.choice(Q_WEIGHTS)) if difficulty == "hard" else 1.0
        fresh_id = int(rng.choice([v for v in range(1, 21) if v not in dag.vertices]))
        n = len(dag.vertices) + 1
        w_q = q_weight * block_selector([n, n], 1)
        w_k = block_selector([n, n], 0)
        return {
            "slots": list(dag.vertices), "edges": [list(e) for e in dag.edges], "target": target, "source": source,
            "fresh_id": fresh_id, "zeroed_frontier": zeroed, "q_weight": q_weight,
            "W_Q": w_q.tolist(), "W_K": w_k.astype(int).tolist(),
            "embeddings": extended_embeddings(dag, fresh_id).astype(int).tolist(),
        }

    def solve(self, inputs: dict[str, Any]) -> Solution:
        dag = dag_from(inputs["slots"], inputs["edges"])
        j, i, fresh, zeroed = inputs["target"], inputs["source"], inputs["fresh_id"], inputs["zeroed_frontier"]
        w_q, w_k = np.array(inputs["W_Q"], dtype=float), np.array(inputs["W_K"], dtype=float)
        emb = np.array(inputs["embeddings"], dtype=float)
        n = len(dag.vertices) + 1
        fresh_slot = n - 1
        emb_j, emb_i = emb[dag.slot(j)], emb[dag.slot(i)]

        renamed_i = emb_i.copy()
        renamed_i[dag.slot(i)], renamed_i[fresh_slot] = 0.0, 1.0
        cut_j = emb_j.copy()
        cut_j[n + dag.slot(zeroed)] = 0.0

        q_j, k_i = w_q @ emb_j, w_k @ emb_i
        k_renamed, q_cut = w_k @ renamed_i, w_q @ cut_j
        baseline, source_score, target_score = float(q_j @ k_i), float(q_j @ k_renamed), float(q_cut @ k_i)
        threshold = math.sqrt(n) / 10
        source_dep = baseline - source_score > threshold
        target_dep = baseline - target_score > threshold
        truth = {
            "baseline": baseline, "source_perturbed": source_score, "target_perturbed": target_score,
            "source_dependency": source_dep, "target_dependency": target_dep,
        }

        slots = [*dag.vertices, fresh]
        prompt = (
            describe_graph(dag), graph_figure(dag, frozenset({(j, i)})),
            para(f"Slots are {slots}; slot {fresh} is a fresh vertex id that no token carries. Each embedding is "
                 f"identity one-hot ⊕ frontier multi-hot over these {n} slots, so d = {n} and ",
                 sym("Q", "j"), " = W_Q · ", sym("emb", "j"), ", ", sym("K", "i"), " = W_K · ", sym("emb", "i"), ":"),
            table(["vertex", "embedding"], [[str(v), mat(emb[dag.slot(v)])] for v in dag.vertices]),
            Display(seq(sym("W", "Q"), "=", selector_matrix(w_q, [n, n], "column"), ",",
                        sym("W", "K"), "=", selector_matrix(w_k, [n, n], "column"))),
            para(f"Consider the operation source {i} → target {j}, the cell (", sym("Q", j), ", ", sym("K", i), "). "
                 f"Source perturbation: give vertex {i} the fresh id {fresh}. Target perturbation: zero the "
                 f"feature 'frontier contains {zeroed}' in vertex {j}'s embedding."),
        )
        task = (
            para("Compute the baseline score and both perturbed scores (one side at a time; the other side is "
                 f"untouched). An operation depends on a side when the unscaled score drops by more than "
                 f"√d/10 = {threshold:.3f}."),
        )
        distractors = (
            Distractor(verdict(baseline > threshold, baseline > threshold), mistakes.BOTH_SIDES_AT_ONCE),
            Distractor(verdict(False, False), mistakes.WRONG_SIDE_RECOMPUTED),
            Distractor(verdict(baseline - source_score > 0, baseline - target_score > 0), mistakes.ANY_DROP_COUNTS),
            Distractor(verdict(source_dep, False), mistakes.KEY_ONLY),
            Distractor(verdict(False, target_dep), mistakes.FRESH_ID_MATCHES),
            Distractor(verdict(target_dep, source_dep), mistakes.SIDES_SWAPPED),
        )

        def score_line(q_name, q_vec, k_name, k_vec, value) -> Display:
            return Display(seq(q_name, "cdot", k_name, "=", mat(q_vec), "cdot", mat(k_vec), "=", num(value)))

        tilde_k, tilde_q = sym("K", i, accent="tilde"), sym("Q", j, accent="tilde")
        steps = (
            step("Baseline: the query reads the target's frontier, the key the source's identity.",
                 score_line(sym("Q", j), q_j, sym("K", i), k_i, baseline)),
            step(f"Source perturbed: vertex {i}'s identity one-hot moves to slot {fresh}; only the key is recomputed.",
                 score_line(sym("Q", j), q_j, tilde_k, k_renamed, source_score)),
            step(f"Target perturbed: vertex {j}'s frontier feature for {zeroed} is zeroed; only the query is recomputed.",
                 score_line(tilde_q, q_cut, sym("K", i), k_i, target_score)),
            step(f"Compare each drop with √d/10 = {threshold:.3f}.",
                 para(f"Source drop {baseline - source_score:.3f}, target drop {baseline - target_score:.3f}: ",
                      *verdict(source_dep, target_dep), ". The identity feature lives in the source embedding, the "
                      "frontier feature in the target embedding.")),
        )
        answer = (para(f"Baseline {format_number(baseline)}; source-perturbed {format_number(source_score)}; "
                       f"target-perturbed {format_number(target_score)}. ", *verdict(source_dep, target_dep), "."),)
        return Solution(truth, prompt, task, answer, steps, ("Which perturbations reveal a dependency?",),
                        verdict(source_dep, target_dep), distractors)
