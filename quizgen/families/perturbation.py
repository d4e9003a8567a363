"""perturb.source_target: attribute one attention operation to its source or its target."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from quizgen.model import mistakes
from quizgen.math.attention import block_selector, embeddings
from quizgen.model.content import Display, Inline, fixed, format_number, mat, num, para, seq, step, sym, table
from quizgen.model.family import Family
from quizgen.families.common import dag_from, describe_graph, draw_dag, graph_figure, max_children, selector_matrix
from quizgen.math.graphs import Dag
from quizgen.model.problem import Distractor, Solution

TYPICAL = "typical"
UNRELATED_FEATURE = "unrelated-feature"  # the zeroed frontier bit is another child, not the cell's source
NON_EDGE_CELL = "non-edge-cell"  # the source is a parent of the target: the cell is 0 from the start


# how a student types the answer (the practice page): the three scores, then a verdict per side
PERTURBATION_ENTRY = [["score Q·K", "number"], ["source perturbed Q·K̃", "number"], ["target perturbed Q̃·K", "number"],
                      ["depends on the source", "yesno"], ["depends on the target", "yesno"]]


@dataclass(frozen=True)
class Level:
    """What a difficulty draws: graph sizes, how many children the target has at least,
    the query weights (the magnitude W_Q carries) and how often each deliberate trap appears."""

    sizes: tuple[int, int]
    min_children: int
    weights: tuple[float, ...]
    traps: dict[str, float]


LEVELS = {
    "easy": Level((3, 4), 1, (1.0, 2.0, 4.0, 8.0), {NON_EDGE_CELL: 0.15}),
    "medium": Level((4, 6), 2, (1.0, 2.0, 3.0, 5.0), {UNRELATED_FEATURE: 0.18, NON_EDGE_CELL: 0.15}),
    # weak weights sit between √(slots)/10 and √d/10, so using the slot count as d flips the verdict
    "hard": Level((5, 7), 2, (0.2, 0.3, 0.35, 0.5, 2.0), {UNRELATED_FEATURE: 0.15, NON_EDGE_CELL: 0.12}),
}


def extended_embeddings(dag: Dag, fresh_id: int) -> np.ndarray:
    """identity ⊕ frontier over the slots plus one spare slot for the fresh id (no token)."""
    extended = Dag((*dag.vertices, fresh_id), dag.edges)
    return embeddings(extended, ["identity", "frontier"])[:-1]


@dataclass(frozen=True)
class Scores:
    """The cell (Q_j, K_i) before and after each perturbation, and with both at once."""

    baseline: float
    source: float  # Q_j · K̃_i: the source renamed to the fresh id, only the key recomputed
    target: float  # Q̃_j · K_i: the target's frontier bit zeroed, only the query recomputed
    both: float  # Q̃_j · K̃_i


def perturbed_rows(emb: np.ndarray, dag: Dag, target: int, source: int, zeroed: int) -> tuple[np.ndarray, ...]:
    """The target's and the source's embeddings, then the target's with its frontier bit for
    ``zeroed`` set to 0, and the source's renamed to the spare (last) identity slot."""
    n = len(dag.vertices) + 1
    emb_j, emb_i = emb[dag.slot(target)], emb[dag.slot(source)]
    cut_j, renamed_i = emb_j.copy(), emb_i.copy()
    cut_j[n + dag.slot(zeroed)] = 0.0
    renamed_i[dag.slot(source)], renamed_i[n - 1] = 0.0, 1.0
    return emb_j, emb_i, cut_j, renamed_i


def cell_scores(emb: np.ndarray, dag: Dag, target: int, source: int, zeroed: int,
                w_q: np.ndarray, w_k: np.ndarray) -> Scores:
    """Q_j·K_i with the embeddings as given, after renaming the source, after zeroing the
    target's frontier bit for ``zeroed``, and after both."""
    emb_j, emb_i, cut_j, renamed_i = perturbed_rows(emb, dag, target, source, zeroed)
    q, q_cut, k, k_renamed = w_q @ emb_j, w_q @ cut_j, w_k @ emb_i, w_k @ renamed_i
    return Scores(float(q @ k), float(q @ k_renamed), float(q_cut @ k), float(q_cut @ k_renamed))


def outcome(baseline: float, source: float, target: float, threshold: float) -> list:
    """[baseline, source-perturbed, target-perturbed, source dependency, target dependency]:
    a side is a dependency when its perturbation lowers the score by more than ``threshold``."""
    return [baseline, source, target, baseline - source > threshold, baseline - target > threshold]


def paper_threshold(width: int) -> float:
    """The paper's rule: √d/10 with d the width of the attention input (the embeddings)."""
    return math.sqrt(width) / 10


# ----------------------------------------------------------------- the mistakes, one function each


def recomputes_wrong_side(s: Scores, threshold: float) -> list:
    """Recomputes the untouched side after each perturbation (the query after renaming the
    source, the key after zeroing the target's bit), so neither score moves."""
    return outcome(s.baseline, s.baseline, s.baseline, threshold)


def key_only(s: Scores, threshold: float) -> list:
    """Thinks only the key carries the match: zeroing the target's frontier changes nothing."""
    return outcome(s.baseline, s.source, s.baseline, threshold)


def fresh_id_matches(s: Scores, threshold: float) -> list:
    """Thinks the renamed source still matches (only its label changed, not its one-hot)."""
    return outcome(s.baseline, s.baseline, s.target, threshold)


def both_sides_at_once(s: Scores, threshold: float) -> list:
    """Perturbs source and target together and reads the same drop for both sides."""
    return outcome(s.baseline, s.both, s.both, threshold)


def any_drop_counts(s: Scores) -> list:
    """Calls any drop a dependency, ignoring the √d/10 threshold."""
    return outcome(s.baseline, s.source, s.target, 0.0)


def d_from_slots(s: Scores, slots: int) -> list:
    """Takes d as the number of slots instead of the embedding width: threshold √slots/10."""
    return outcome(s.baseline, s.source, s.target, math.sqrt(slots) / 10)


def ignores_query_weight(s: Scores, weight: float, threshold: float) -> list:
    """Reads the scores as bare one-hot matches (0 or 1), dropping the weight W_Q carries."""
    return outcome(s.baseline / weight, s.source / weight, s.target / weight, threshold)


def frontier_as_parents(dag: Dag, inputs: dict[str, Any], w_q: np.ndarray, w_k: np.ndarray,
                        threshold: float) -> list:
    """Reads the edges backwards: each frontier holds the vertex's parents, then perturbs as told."""
    backwards = Dag(dag.vertices, tuple((v, u) for u, v in dag.edges))
    emb = extended_embeddings(backwards, inputs["fresh_id"])
    s = cell_scores(emb, backwards, inputs["target"], inputs["source"], inputs["zeroed_frontier"], w_q, w_k)
    return outcome(s.baseline, s.source, s.target, threshold)


def transposed_cell(emb: np.ndarray, dag: Dag, inputs: dict[str, Any], w_q: np.ndarray, w_k: np.ndarray,
                    threshold: float) -> list:
    """Reads the cell transposed, as (Q_i, K_j): the query from the source, the key from the
    target, each recomputed from the same perturbed embeddings."""
    emb_j, emb_i, cut_j, renamed_i = perturbed_rows(
        emb, dag, inputs["target"], inputs["source"], inputs["zeroed_frontier"])
    k_j = w_k @ emb_j
    baseline = float((w_q @ emb_i) @ k_j)
    return outcome(baseline, float((w_q @ renamed_i) @ k_j), float((w_q @ emb_i) @ (w_k @ cut_j)), threshold)


# ----------------------------------------------------------------- the family


def verdict_words(source_dep: bool, target_dep: bool) -> str:
    def word(flag: bool) -> str:
        return "dependency" if flag else "no dependency"

    return f"source: {word(source_dep)}; target: {word(target_dep)}"


class PerturbSourceTarget(Family):
    """Perturb the source or the target of one attention operation and see whether Q_j·K_i drops."""

    id = "perturb.source_target"
    version = 2
    title = "Source and target perturbation"
    tags = ("topic::perturbation", "seed::000")
    levels = {
        "easy": "3-4 vertices, the note's two perturbations with a query weight of 1-8; sometimes a cell that is "
                "not an edge",
        "medium": "4-6 vertices, a target with two or more children; sometimes the zeroed bit is another child "
                  "or the cell is not an edge",
        "hard": "weak or strong query weights judged by the paper's √d/10 rule (d = embedding width), with the "
                "same traps",
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
        level = LEVELS[difficulty]
        roll, case = rng.random(), TYPICAL
        for trap, share in level.traps.items():
            if roll < share:
                case = trap
                break
            roll -= share
        wanted = 2 if case == UNRELATED_FEATURE else level.min_children
        if difficulty == "easy":
            dag = draw_dag(rng, level.sizes, 0.5, lambda d: max_children(d) == 1)
        else:
            dag = draw_dag(rng, level.sizes, 0.35, lambda d: max_children(d) >= 2)
        if case == NON_EDGE_CELL:  # an edge i → j read as the operation source i → target j
            source, target = (int(v) for v in dag.edges[int(rng.integers(len(dag.edges)))])
            zeroed = source
        else:
            branching = [v for v in dag.vertices if len(dag.children(v)) >= wanted]
            target = int(rng.choice(branching))
            source = int(rng.choice(dag.children(target)))
            others = [c for c in dag.children(target) if c != source]
            zeroed = int(rng.choice(others)) if case == UNRELATED_FEATURE else source
        q_weight = float(rng.choice(level.weights))
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

    def case(self, inputs: dict[str, Any], truth: dict[str, Any]) -> str:
        dag = dag_from(inputs["slots"], inputs["edges"])
        if inputs["source"] not in dag.children(inputs["target"]):
            return NON_EDGE_CELL
        return UNRELATED_FEATURE if inputs["zeroed_frontier"] != inputs["source"] else TYPICAL

    def solve(self, inputs: dict[str, Any]) -> Solution:
        dag = dag_from(inputs["slots"], inputs["edges"])
        j, i, fresh, zeroed = inputs["target"], inputs["source"], inputs["fresh_id"], inputs["zeroed_frontier"]
        w_q, w_k = np.array(inputs["W_Q"], dtype=float), np.array(inputs["W_K"], dtype=float)
        emb = np.array(inputs["embeddings"], dtype=float)
        weight = inputs["q_weight"]
        n = len(dag.vertices) + 1
        d = emb.shape[1]
        threshold = paper_threshold(d)
        s = cell_scores(emb, dag, j, i, zeroed, w_q, w_k)
        right = outcome(s.baseline, s.source, s.target, threshold)
        source_dep, target_dep = right[3], right[4]
        truth = {
            "baseline": s.baseline, "source_perturbed": s.source, "target_perturbed": s.target,
            "source_dependency": source_dep, "target_dependency": target_dep,
        }
        case = self.case(inputs, truth)

        slots = [*dag.vertices, fresh]
        prompt = (
            describe_graph(dag), graph_figure(dag, frozenset({(j, i)})),
            para(f"Slots are {slots} (slot 0 first); the last, {fresh}, is a fresh vertex id that no token carries. "
                 "Each embedding is "
                 f"identity one-hot ⊕ frontier multi-hot over these {n} slots, so the embedding vectors (the "
                 f"input of the attention head) are d = 2 · {n} = {d} wide, and ",
                 sym("Q", "j"), " = W_Q · ", sym("emb", "j"), ", ", sym("K", "i"), " = W_K · ", sym("emb", "i"), ":"),
            table(["vertex", "embedding"], [[str(v), mat(emb[dag.slot(v)])] for v in dag.vertices]),
            Display(seq(sym("W", "Q"), "=", selector_matrix(w_q, [n, n], "column"), ",",
                        sym("W", "K"), "=", selector_matrix(w_k, [n, n], "column"))),
            para(f"Consider the operation source {i} → target {j}, the cell (", sym("Q", j), ", ", sym("K", i), "). "
                 f"Source perturbation: give vertex {i} the fresh id {fresh} (its identity one-hot moves to the "
                 f"fresh id's slot, slot {n - 1}). Target perturbation: set the bit 'frontier contains {zeroed}' of "
                 f"vertex {j}'s embedding to 0."),
        )
        task = (
            para("Compute the baseline score and both perturbed scores (one side at a time; the other side is "
                 "untouched). As in the paper, an operation depends on a side when the unscaled score drops by "
                 f"more than √d/10, where d = {d} is the width of the attention input (the embedding vectors): "
                 f"√{d}/10 = {fixed(threshold, 3)}."),
        )
        distractors = self._distractors(dag, inputs, emb, s, w_q, w_k, threshold, case)

        def score_line(q_name, q_vec, k_name, k_vec, value) -> Display:
            return Display(seq(q_name, "cdot", k_name, "=", mat(q_vec), "cdot", mat(k_vec), "=", num(value)))

        emb_j, emb_i, cut_j, renamed_i = perturbed_rows(emb, dag, j, i, zeroed)
        tilde_k, tilde_q = sym("K", i, accent="tilde"), sym("Q", j, accent="tilde")
        steps = [
            step(f"Baseline: the query reads the target's frontier (scaled by the weight {format_number(weight)} in "
                 "W_Q), the key the source's identity.",
                 score_line(sym("Q", j), w_q @ emb_j, sym("K", i), w_k @ emb_i, s.baseline)),
            step(f"Source perturbed: vertex {i}'s identity one-hot moves to the fresh id {fresh}'s slot, slot {n - 1}; "
                 "only the key is recomputed.",
                 score_line(sym("Q", j), w_q @ emb_j, tilde_k, w_k @ renamed_i, s.source)),
            step(f"Target perturbed: bit 'frontier contains {zeroed}' of vertex {j} is set to 0; only the query "
                 "is recomputed.",
                 score_line(tilde_q, w_q @ cut_j, sym("K", i), w_k @ emb_i, s.target)),
        ]
        if case == NON_EDGE_CELL:
            steps.append(step(
                f"Trap: {i} → {j} is a graph edge, but not this operation's edge.",
                para(f"A target attends to its children: vertex {j}'s query looks for its frontier, which does not "
                     f"contain {i} (the bit was already 0). So the cell is {format_number(s.baseline)} before any "
                     "perturbation, and a score that is already 0 cannot drop. The merge along the edge "
                     f"{i} → {j} is the cell (Q_{i}, K_{j}): there {i} is the target and {j} the source."),
            ))
        elif case == UNRELATED_FEATURE:
            steps.append(step(
                f"Trap: the zeroed bit is for {zeroed}, another child of {j}, not the source {i}.",
                para(f"The cell multiplies the query's entry for vertex {i} with the key's; the bit for {zeroed} "
                     f"meets a 0 in K_{i}, so removing it leaves the score at {format_number(s.target)}. This test "
                     f"cannot attribute the operation; zeroing the feature the cell matches on ('frontier contains "
                     f"{i}') would drop it to 0."),
            ))
        steps.append(step(
            f"Compare each drop with √d/10 = √{d}/10 = {fixed(threshold, 3)} (d is the embedding width, not the "
            f"{n} slots).",
            para(f"Source drop {format_number(s.baseline - s.source)}, target drop "
                 f"{format_number(s.baseline - s.target)}: ", verdict_words(source_dep, target_dep), ". ",
                 self._conclusion(i, zeroed, right, case, s.baseline - s.source, s.baseline - s.target)),
        ))
        answer = (para(*self._option(i, j, right), "."),
                  para(f"(d = {d}, so the threshold is √{d}/10 = {fixed(threshold, 3)}.)"))
        return Solution(truth, prompt, task, answer, tuple(steps),
                        ("What are ", seq(sym("Q", j), "cdot", sym("K", i)), ", ",
                         seq(sym("Q", j), "cdot", tilde_k), " and ", seq(tilde_q, "cdot", sym("K", i)),
                         ", and on which sides does the operation depend?"),
                        self._option(i, j, right), distractors, value=right, decimals=3, entry=PERTURBATION_ENTRY)

    @staticmethod
    def _option(i: int, j: int, values: list) -> tuple[Inline, ...]:
        baseline, source, target, source_dep, target_dep = values
        return (
            seq(sym("Q", j), "cdot", sym("K", i), "=", num(baseline)), ", ",
            seq(sym("Q", j), "cdot", sym("K", i, accent="tilde"), "=", num(source)), ", ",
            seq(sym("Q", j, accent="tilde"), "cdot", sym("K", i), "=", num(target)), "; ",
            verdict_words(source_dep, target_dep),
        )

    def _distractors(self, dag: Dag, inputs: dict[str, Any], emb: np.ndarray, s: Scores, w_q: np.ndarray,
                     w_k: np.ndarray, threshold: float, case: str) -> tuple[Distractor, ...]:
        """Every named mistake's option; the trap's own mistake first, so it is among those shown."""
        i, j = inputs["source"], inputs["target"]
        made = [  # the threshold mistakes differ from the answer only for weak weights, and then come first
            (d_from_slots(s, len(dag.vertices) + 1), mistakes.D_FROM_SLOTS),
            (any_drop_counts(s), mistakes.ANY_DROP_COUNTS),
            (recomputes_wrong_side(s, threshold), mistakes.WRONG_SIDE_RECOMPUTED),
            (key_only(s, threshold), mistakes.KEY_ONLY),
            (fresh_id_matches(s, threshold), mistakes.FRESH_ID_MATCHES),
            (ignores_query_weight(s, inputs["q_weight"], threshold), mistakes.IGNORES_QUERY_WEIGHT),
            (transposed_cell(emb, dag, inputs, w_q, w_k, threshold), mistakes.ROWS_COLUMNS_SWAPPED),
        ]
        trap = {
            UNRELATED_FEATURE: (both_sides_at_once(s, threshold), mistakes.BOTH_SIDES_AT_ONCE),
            NON_EDGE_CELL: (frontier_as_parents(dag, inputs, w_q, w_k, threshold), mistakes.FRONTIER_AS_PARENTS),
        }.get(case)
        if trap is not None:
            made.insert(0, trap)
        return tuple(Distractor(self._option(i, j, value), mistake, value) for value, mistake in made)

    @staticmethod
    def _conclusion(i: int, zeroed: int, right: list, case: str, source_drop: float, target_drop: float) -> str:
        source_dep, target_dep = right[3], right[4]
        if case == NON_EDGE_CELL:
            return "The cell never fires, so there is nothing to attribute."
        if source_dep and target_dep:
            return (f"The match needs the identity '{i}' in the source embedding and the frontier bit for {i} in "
                    "the target embedding.")
        if case == UNRELATED_FEATURE and source_dep:
            return (f"The identity '{i}' lives in the source embedding; zeroing the unrelated bit for {zeroed} "
                    "says nothing about the target.")
        real = [side for side, drop in (("source", source_drop), ("target", target_drop)) if drop > 0]
        dropped = ("Neither score drops" if not real else
                   "Both drops are real but neither is above √d/10" if len(real) == 2 else
                   f"The {real[0]} drop is real but not above √d/10; the other score does not drop")
        return f"{dropped}, so by the paper's rule this operation is not a dependency on either side."
