"""qk.scores and qk.softmax: the score matrix QKᵀ of a graph, and softmax over a score row."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from quizgen.model import mistakes
from quizgen.math.attention import attended, block_selector, embeddings, project, scores, softmax
from quizgen.model.content import Display, Frac, Mat, Num, call, Sqrt, Word, fixed, mat, num, para, seq, step, sym, table
from quizgen.model.family import Family, Redraw
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
    for v, row in zip(dag.vertices, s.tolist()):  # plain floats: numpy is slow on rows this short
        top = max(row)
        out[str(v)] = [dag.vertices[i] for i, score in enumerate(row) if score == top] if top > 0 else []
    return out


def attends_text(mapping: dict[str, list[int]]) -> tuple:
    pieces: list = []
    for k, (target, sources) in enumerate(mapping.items()):
        if k:
            pieces.append("; ")
        pieces += [f"{target} → ", vertex_set(sources)]
    return tuple(pieces)


# The mistakes of qk.scores, one function each: the "who attends to whom" they read off.
def transposed_reading(dag: Dag, s: np.ndarray) -> dict[str, list[int]]:
    """Rows read as sources and columns as targets: each target 'attends to' its parents."""
    return attends_to(dag, s.T)


def identity_query_reading(dag: Dag, k: np.ndarray) -> dict[str, list[int]]:
    """The query built from the identity block too (Q = K): every token matches itself."""
    return attends_to(dag, scores(k, k))


def zero_row_reading(dag: Dag, mapping: dict[str, list[int]]) -> dict[str, list[int]]:
    """A sink's all-zero row read as attending to every token."""
    return {t: (sources or list(dag.vertices)) for t, sources in mapping.items()}


def reachable_reading(dag: Dag) -> dict[str, list[int]]:
    """The frontier filled with every reachable vertex: each target attends to all it reaches."""
    return attends_to(dag, dag.closure().adjacency())


def sinks(dag: Dag) -> list[int]:
    return [v for v in dag.vertices if not dag.children(v)]


class QKScores(Family):
    """Compute the score matrix S = Q·Kᵀ of a graph's one-hot embeddings and read off who attends to whom."""

    id = "qk.scores"
    version = 1
    title = "Query-key scores of a graph"
    tags = ("topic::qk", "seed::000", "seed::001")
    levels = {
        "easy": "3-4 vertices, column vectors, each vertex has at most one child",
        "medium": "4-6 vertices in row-vector convention, a vertex whose children (two or more) tie",
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

    def case(self, inputs: dict[str, Any], truth: dict[str, Any]) -> str:
        silent = sum(not sources for sources in truth["attends_to"].values())
        if 2 * silent > len(inputs["slots"]):
            return "mostly-zero-rows"  # most rows are sinks: "nobody" is most of the answer
        return "typical"

    def solve(self, inputs: dict[str, Any]) -> Solution:
        dag = dag_from(inputs["slots"], inputs["edges"])
        emb = np.array(inputs["embeddings"], dtype=float)
        w_q, w_k = np.array(inputs["W_Q"], dtype=float), np.array(inputs["W_K"], dtype=float)
        convention = inputs["convention"]
        q, k = project(w_q, emb, convention), project(w_k, emb, convention)
        s = scores(q, k)
        mapping = attends_to(dag, s)
        truth = {"scores": s.astype(int).tolist(), "attends_to": mapping}

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
        choice = attends_text(mapping)
        wrong = (
            (transposed_reading(dag, s), mistakes.ROWS_COLUMNS_SWAPPED),
            (identity_query_reading(dag, k), mistakes.QUERY_FROM_IDENTITY),
            (zero_row_reading(dag, mapping), mistakes.ZERO_ROW_ATTENDS_ALL),
            (reachable_reading(dag), mistakes.FRONTIER_AS_REACHABLE),
        )
        distractors = tuple(Distractor(attends_text(m), mistake, m) for m, mistake in wrong)
        q_sym, k_sym = ("Q_v = W_Q · emb_v", "K_v = W_K · emb_v") if convention == "column" else (
            "Q = X · W_Q (row v)", "K = X · W_K (row v)")
        skip = (" The position block is a trap: both selectors skip it, so positions never enter the scores."
                if "position" in blocks else "")
        silent = sinks(dag)
        tie = ("; a row with several 1s (several children) attends to all of them, a tie" if max_children(dag) > 1 else "")
        names = ", ".join(str(v) for v in silent)
        trap = (f"Trap: the row of the sink {names} is all zeros, so in the raw scores it attends to nobody"
                if len(silent) == 1 else
                f"Trap: the rows of the sinks {names} are all zeros, so in the raw scores they attend to nobody")
        trap += " (only after softmax would a zero row spread evenly)."
        score_table = labelled_matrix(s, dag.vertices, dag.vertices, "target \\ source")  # in a step and the answer
        steps = (
            step(f"Queries and keys: {q_sym}, {k_sym}. W_Q copies the frontier block (what the token looks for), "
                 "W_K the identity block (what it is)." + skip,
                 table(["vertex", "Q_v (looking for)", "K_v (I am)"],
                       [[str(v), mat(q[j]), mat(k[j])] for j, v in enumerate(dag.vertices)])),
            step("Each cell S[j, i] = Q_j · K_i is 1 exactly when source i is in target j's frontier "
                 "(rows are targets, columns sources: S re-encodes the edges).",
                 score_table),
            step(f"Read each row: the highest positive score marks the source{tie}. {trap}", para(*choice)),
        )
        answer = (
            para("Score matrix S (rows = targets, columns = sources):"),
            score_table,
            para("Attends to: ", *choice),
        )
        return Solution(truth, prompt, task, answer, steps, question, choice, distractors, mapping, None, {"each": "set"})


# The mistakes of qk.softmax, one function each: the weights they give for a raw score row s.
def unmagnified_weights(s: np.ndarray, scale: float) -> np.ndarray:
    """The logit magnitude c dropped: softmax(s / √d_k)."""
    return softmax(scale * s)


def unscaled_weights(s: np.ndarray, c: float) -> np.ndarray:
    """The 1/√d_k forgotten: softmax(c · s)."""
    return softmax(c * s)


def inverted_scale_weights(s: np.ndarray, c: float, d_k: int) -> np.ndarray:
    """Multiplied by √d_k instead of divided: softmax(c · √d_k · s)."""
    return softmax(c * math.sqrt(d_k) * s)


def argmax_weights(s: np.ndarray) -> np.ndarray:
    """A hard argmax: the weight split evenly over the top score(s), nothing elsewhere."""
    top = s == s.max()
    return top / top.sum()


def first_top_weights(s: np.ndarray) -> np.ndarray:
    """A tie broken as argmax breaks it: all the weight on the first top score."""
    out = np.zeros(len(s))
    out[int(np.argmax(s))] = 1.0
    return out


def linear_weights(s: np.ndarray) -> np.ndarray:
    """Each score divided by the row sum, no exponentials (only defined for a positive sum)."""
    return s / s.sum()


def zero_weights(s: np.ndarray) -> np.ndarray:
    """An all-zero row read as 'attends to nobody': zero weight everywhere."""
    return np.zeros(len(s))


def unnormalised_weights(logits: np.ndarray) -> np.ndarray:
    """The exponentials never divided by their sum: e^z per source (e^0 = 1 for a zero row)."""
    return np.exp(logits)


def uniform_weights(s: np.ndarray) -> np.ndarray:
    """The scores ignored: 1/n for every source."""
    return np.full(len(s), 1 / len(s))


def wrong_weights(s: np.ndarray, c: float, scale: float, d_k: int | None) -> list[tuple[np.ndarray, Any]]:
    """Each mistake that gives a possible weight row (every weight in [0, 1], summing to 1) for
    this row that is not all zeros, with its weights, most telling first."""
    tied = int((s == s.max()).sum()) > 1
    out = []
    if tied:
        out.append((first_top_weights(s), mistakes.FIRST_OF_TIES))
    if (s >= 0).all() and s.sum() > 0:
        out.append((linear_weights(s), mistakes.LINEAR_NORMALISATION))
    if c != 1:
        out.append((unmagnified_weights(s, scale), mistakes.FORGOT_MAGNITUDE))
    if d_k is not None:
        out.append((unscaled_weights(s, c), mistakes.FORGOT_SCALE))
    out.append((argmax_weights(s), mistakes.HARD_ARGMAX))
    if d_k is not None:
        out.append((inverted_scale_weights(s, c, d_k), mistakes.SCALE_INVERTED))
    out.append((uniform_weights(s), mistakes.UNIFORM_WEIGHTS))
    return out


def wrong_zero_row_weight(s: np.ndarray, logits: np.ndarray, source: int) -> list[tuple[float, Any]]:
    """For an all-zero row, the weight each mistake puts on ``source``: a single weight, so that
    "attends to nobody" (0 on every source) is a possible option, not a row that cannot sum to 1."""
    return [
        (float(zero_weights(s)[source]), mistakes.ZERO_ROW_STAYS_ZERO),
        (float(first_top_weights(s)[source]), mistakes.FIRST_OF_TIES),
        (float(unnormalised_weights(logits)[source]), mistakes.FORGOT_NORMALISATION),
    ]


def weights_option(weights: np.ndarray) -> Mat:
    """Weights as a multiple-choice option: every entry with exactly 3 decimals (0.000, 1.000, 0.250),
    so no option stands out by its digits, as a hard argmax's bare [0 1 0] would."""
    return Mat((tuple(Word(fixed(w, 3)) for w in weights),))


# Per level: tokens, lowest and highest score, magnitudes, d_k values (None: no scaling),
# and the share of all-zero rows and of tied tops.
SOFTMAX_LEVELS = {
    "easy": ((4, 8), (0, 5), (1, 2, 3), (None,), 0.0, 0.15),
    "medium": ((3, 7), (0, 4), (2, 3, 4, 6, 8), (4, 9, 16), 0.0, 0.18),
    "hard": ((3, 8), (-3, 3), (2, 3, 4, 5, 6, 7, 8), (4, 9, 16, 25), 0.08, 0.15),
}
SMALLEST_WEIGHT = 1e-4  # smaller weights would print in e-notation


def score_row(rng: np.random.Generator, n: int, low: int, high: int, tied: bool) -> np.ndarray:
    """n integer scores in low..high whose top score, one of the three highest values, is held by one
    source, or by two when ``tied`` (a low top leaves too few rows to draw from)."""
    top = int(rng.integers(max(high - 2, 1), high + 1))
    winners = 2 if tied else 1
    row = np.concatenate([np.full(winners, top), rng.integers(low, top, size=n - winners)])
    return rng.permutation(row)


class QKSoftmax(Family):
    """Turn one score row into attention weights with softmax, after the logit magnitude and scale."""

    id = "qk.softmax"
    version = 2
    title = "Softmax of a score row"
    tags = ("topic::qk", "seed::000", "seed::001")
    levels = {
        "easy": "4-8 scores from 0 to 5 times a magnitude c, no scaling",
        "medium": "3-7 scores from 0 to 4, sometimes a tied top, times c and scaled by 1/√d_k",
        "hard": ("3-8 scores with negatives, times c and scaled; now and then a sink's all-zero row, "
                 "where one source's weight is asked"),
    }
    input_keys = ("scores", "magnitude", "scale")
    truth_keys = ("weights", "attended")
    cases = {
        "seed000-raw": ("easy", {"scores": [0, 0, 1], "magnitude": 1, "scale": 1.0, "d_k": None}),
        "seed000-sharp": ("easy", {"scores": [0, 0, 1], "magnitude": 8, "scale": 1.0, "d_k": None}),
    }

    def draw(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        (n_low, n_high), (low, high), magnitudes, widths, zero_share, tie_share = SOFTMAX_LEVELS[difficulty]
        n = int(rng.integers(n_low, n_high + 1))
        magnitude = int(rng.choice(magnitudes))
        d_k = widths[int(rng.integers(len(widths)))]
        scale = 1.0 if d_k is None else 1 / math.sqrt(d_k)
        source = None
        if rng.random() < zero_share:
            row = np.zeros(n, dtype=int)
            source = int(rng.integers(n))  # a zero row asks for one source's weight (see solve)
        else:
            row = score_row(rng, n, low, high, rng.random() < tie_share)
            if low < 0 and row.min() >= 0:
                raise Redraw("the level asks for a negative score")
            if softmax(magnitude * scale * row).min() < SMALLEST_WEIGHT:
                raise Redraw("a weight too small to print")
        return {"scores": row.tolist(), "magnitude": magnitude, "scale": scale,
                "d_k": None if d_k is None else int(d_k), "source": source}

    def case(self, inputs: dict[str, Any], truth: dict[str, Any]) -> str:
        s = np.array(inputs["scores"])
        if not s.any():
            return "all-zero-row"
        if (s == s.max()).sum() > 1:
            return "tie"
        return "typical"

    def solve(self, inputs: dict[str, Any]) -> Solution:
        s = np.array(inputs["scores"], dtype=float)
        c, scale, d_k = inputs["magnitude"], inputs["scale"], inputs["d_k"]
        logits = c * scale * s
        w = softmax(logits)
        top = attended(w)
        truth = {"weights": w.tolist(), "attended": top}

        scaling = [] if d_k is None else [" and scaled by ", Frac(num(1), Sqrt(sym("d", "k"))), f" with d_k = {d_k}"]
        prompt = (
            para("A target token's raw scores over the sources 0.." + str(len(s) - 1) + " are ", mat(s), "."),
            para(f"The logits are the scores multiplied by the magnitude c = {c}", *scaling,
                 ". Softmax runs over the row (over the sources)."),
        )
        task = (
            para("Give the attention weights (3 decimals) and the source attended to: the one with the highest "
                 "weight, or none when the highest is shared."),
        )
        source = inputs.get("source")
        if source is None:
            question = "What are the attention weights?"
            value: Any = w.tolist()
            choice = (weights_option(w),)
            distractors = tuple(Distractor((weights_option(v),), m, v.tolist())
                                for v, m in wrong_weights(s, c, scale, d_k))
        else:
            # "Attends to nobody" as a whole row ([0, …, 0]) cannot sum to 1, so a student could strike
            # it out knowing nothing; asked for one source's weight, 0.000 is a possible answer.
            question = f"What weight does source {source} get?"
            value = float(w[source])
            choice = (fixed(value, 3),)
            distractors = tuple(Distractor((fixed(v, 3),), m, v) for v, m in wrong_zero_row_weight(s, logits, source))
        exps = np.exp(logits - logits.max())
        reading = _reading(s, w, top)
        steps = (
            step("Logits: multiply the scores by c" + ("" if d_k is None else " and divide by √d_k") + ".",
                 Display(seq(sym("z"), "=", mat(logits)))),
            step("Exponentiate (after subtracting the largest logit, which changes nothing) and normalise."
                 + (" A score of 0 is not 'no weight': before the shift it gives e^0 = 1, not 0." if 0 in s else ""),
                 Display(seq(call("exp", mat(logits - logits.max())), "=", mat(exps), ",", Word("sum"), "=",
                             Num(exps.sum(), 3, fixed=True)))),
            step("Weights: each exponential over the sum; they add up to 1.", Display(seq(sym("a"), "=", mat(w)))),
            step("Read the result.", para(reading)),
        )
        answer = (
            table(["source", "score", "logit", "weight"],
                  [[str(i), num(s[i]), num(logits[i]), num(w[i])] for i in range(len(s))]),
            para(reading),
        )
        return Solution(truth, prompt, task, answer, steps, (question,), choice, distractors, value, 3)


def _reading(s: np.ndarray, w: np.ndarray, top: int | None) -> str:
    if not s.any():
        return ("Trap: an all-zero row (a sink's raw scores) is not 'attend to nobody': softmax makes it uniform, "
                f"1/{len(s)} = {fixed(1 / len(s), 3)} each, whatever c and d_k are.")
    if top is None:
        tied = [str(i) for i in np.flatnonzero(np.isclose(w, w.max()))]
        return (f"The top score is shared by sources {', '.join(tied)}: the weight splits evenly between them "
                f"({fixed(w.max() * 100, 1)} % each), so no single source is attended to.")
    return f"Source {top} is attended to, with {fixed(w[top] * 100, 1)} % of the weight."
