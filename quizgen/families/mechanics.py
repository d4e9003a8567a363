"""attention.shapes, attention.forward, attention.sharp: scaled dot-product attention (seed 001)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from quizgen.model import mistakes
from quizgen.math.attention import attention_forward, softmax
from quizgen.model.content import (
    Display, Frac, heatmap, Num, Sqrt, Word, fixed, format_number, format_percent, mat, para, seq, step, sym, table,
)
from quizgen.model.family import Family, Redraw
from quizgen.families.scores import weights_option
from quizgen.model.problem import Distractor, Solution

ROW_CONVENTION = para(
    "Row vectors (one token per row): ", seq(sym("Q"), "=", sym("X"), sym("W", "Q")), ", ",
    seq(sym("K"), "=", sym("X"), sym("W", "K")), ", ", seq(sym("V"), "=", sym("X"), sym("W", "V")),
    ". Scores are ", seq(sym("Q"), sym("K", None, "T")), ", softmax runs over each row (over the sources), and ",
    seq(sym("Z"), "=", sym("A"), sym("V")), ".",
)


def shapes_of(n: int, d_model: int, d_k: int) -> dict[str, list[int]]:
    """Shapes of one head's objects in the row convention."""
    return {
        "X": [n, d_model], "W_Q": [d_model, d_k], "W_K": [d_model, d_k], "W_V": [d_model, d_k],
        "Q": [n, d_k], "K": [n, d_k], "V": [n, d_k], "scores": [n, n], "A": [n, n], "Z": [n, d_k],
    }


def shape_text(shape: list[int] | tuple[int, int]) -> str:
    return f"{shape[0]} × {shape[1]}"


# The mistakes of attention.shapes, one function each (values in the answer's form).
def output_model_width(n: int, d_model: int) -> list[int]:
    """Z given the model width: n × d_model instead of n × d_k."""
    return [n, d_model]


def z_as_pattern(n: int) -> list[int]:
    """Z confused with the pattern A: n × n."""
    return [n, n]


def transposed_shape(shape: list[int]) -> list[int]:
    """A shape written columns × rows."""
    return [shape[1], shape[0]]


def one_head_parameters(d_model: int, d_k: int) -> int:
    """W_Q, W_K, W_V of a single head only: 3 · d_model · d_k."""
    return 3 * d_model * d_k


def full_width_parameters(d_model: int, heads: int) -> int:
    """Every head given the full width d_model: 3 · d_model · d_model · h."""
    return 3 * d_model * d_model * heads


def one_matrix_parameters(d_model: int, d_k: int, heads: int) -> int:
    """Only one of the three projections counted: d_model · d_k · h."""
    return d_model * d_k * heads


def one_head_score_entries(n: int) -> int:
    """The score entries of a single head: n²."""
    return n * n


def query_entries(n: int, d_k: int, heads: int) -> int:
    """The entries of Q (n × d_k per head) counted instead of the n × n scores."""
    return heads * n * d_k


def linear_score_entries(n: int, heads: int) -> int:
    """A score matrix that grows linearly: h · n."""
    return heads * n


HEAD_COUNTS = (1, 2, 3, 4, 6, 8, 12, 16)
HEAD_WIDTHS = (4, 6, 8, 10, 12, 16, 20, 24, 32, 40, 48, 64, 80, 96, 128)
SHAPE_ASKS = {"easy": "Z", "medium": "parameters", "hard": "score_entries"}
# The work each ask (one per level) sets, beyond the shapes of one head that every level asks for.
COUNTS_PARAMETERS = frozenset({"parameters", "score_entries"})
COUNTS_SCORE_ENTRIES = frozenset({"score_entries"})


def heads_text(h: int) -> str:
    """``1 head`` or ``12 heads``."""
    return f"{h} head" if h == 1 else f"{h} heads"


def shapes_task(ask: str) -> str:
    """The task of a level: the shapes of one head (easy); also the parameter count (medium); also the
    score entries of all heads and how they grow with n (hard)."""
    shapes = "the shapes (rows × columns) of X, W_Q, W_K, W_V, Q, K, V, the scores, A and Z for one head"
    parameters = "the number of parameters in W_Q, W_K and W_V over all heads (no biases)"
    entries = ("the number of attention-score entries all heads hold for this sequence, with what doubling n "
               "does to it")
    if ask in COUNTS_SCORE_ENTRIES:
        return f"Give {shapes}; {parameters}; and {entries}."
    if ask in COUNTS_PARAMETERS:
        return f"Give {shapes}, and {parameters}."
    return f"Give {shapes}."


def output_width_text(n: int, d_model: int, d_k: int, h: int) -> str:
    """Why one head's Z is n × d_k. The contrast with n × d_model (the output-width trap) is drawn
    only where the two differ, i.e. with more than one head; with one head d_k = d_model."""
    if h == 1:
        return (f"With a single head, d_k = d_model / h = {d_model} / 1 = {d_k}: the head's Z = A·V is "
                f"n × d_k = {n} × {d_k}, as wide as X.")
    return (f"Each of the h = {h} heads projects to d_k = d_model / h = {d_model} / {h} = {d_k} dimensions, so one "
            f"head's Z = A·V is n × d_k = {n} × {d_k}, not n × d_model = {n} × {d_model}: only the {h} heads' "
            f"outputs side by side (concatenated) are d_model = {d_model} wide.")


class AttentionShapes(Family):
    """Track the shapes of X, W_Q/W_K/W_V, Q/K/V, the scores, A and Z, and count parameters."""

    id = "attention.shapes"
    version = 2
    title = "Shapes in attention"
    tags = ("topic::attention", "seed::001")
    levels = {
        "easy": "1-16 heads with d_k = d_head = d_model / h: the shapes of one head (multiple choice: Z's)",
        "medium": "2-16 heads with d_k = d_model / h: the shapes, and the projection parameters of all heads",
        "hard": "2-16 heads: also how many score entries all heads hold, and the O(n²) growth",
    }
    input_keys = ("n", "d_model", "d_k", "heads")
    truth_keys = ("shapes", "d_head")
    work_lines = {"easy": 5, "medium": 5, "hard": 5}  # the shapes table, then a line or two of counts

    def draw(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        n = int(rng.integers(3, 513))
        heads = int(rng.choice(HEAD_COUNTS if difficulty == "easy" else HEAD_COUNTS[1:]))
        d_head = int(rng.choice(HEAD_WIDTHS))
        # d_k is d_head by definition: each of the h heads projects to d_model / h
        return {"n": n, "d_model": heads * d_head, "d_k": d_head, "heads": heads, "ask": SHAPE_ASKS[difficulty]}

    def case(self, inputs: dict[str, Any], truth: dict[str, Any]) -> str:
        if inputs["n"] == inputs["d_k"]:
            return "n-equals-d_k"  # Z (n × d_k) and A (n × n) have the same shape
        if inputs["heads"] == 1:
            return "one-head"  # d_k = d_model: the output-width trap is invisible
        return "typical"

    def solve(self, inputs: dict[str, Any]) -> Solution:
        n, d_model, d_k, h, ask = (inputs[k] for k in ("n", "d_model", "d_k", "heads", "ask"))
        if d_k * h != d_model:
            raise ValueError(f"d_k = {d_k} is not d_model / h = {d_model} / {h}")
        shapes = shapes_of(n, d_model, d_k)
        parameters, entries, doubled = 3 * d_model * d_k * h, h * n * n, h * (2 * n) ** 2
        truth = {"shapes": shapes, "d_head": d_model / h, "parameters": parameters, "score_entries": entries}
        prompt = (
            para(f"n = {n} tokens, d_model = {d_model}, h = {heads_text(h)}; each head projects to "
                 f"d_k = d_head = d_model / h = {d_k}."),
            ROW_CONVENTION,
        )
        task = (para(shapes_task(ask)),)
        if ask == "Z":
            question = "What is the shape of one head's output Z = A·V?"
            value = shapes["Z"]
            wrong = ((output_model_width(n, d_model), mistakes.OUTPUT_MODEL_WIDTH),
                     (z_as_pattern(n), mistakes.Z_AS_PATTERN),
                     (transposed_shape(shapes["Z"]), mistakes.TRANSPOSED_SHAPE))
            shown = shape_text
        elif ask == "parameters":
            question = "How many parameters do W_Q, W_K and W_V hold over all heads (no biases)?"
            value = parameters
            wrong = ((one_head_parameters(d_model, d_k), mistakes.ONE_HEAD_ONLY),
                     (full_width_parameters(d_model, h), mistakes.FULL_WIDTH_HEADS),
                     (one_matrix_parameters(d_model, d_k, h), mistakes.ONE_MATRIX_ONLY))
            shown = "{:,}".format
        else:
            question = "How many attention-score entries do all heads hold for this sequence?"
            value = entries
            wrong = ((one_head_score_entries(n), mistakes.ONE_HEAD_ONLY),
                     (query_entries(n, d_k, h), mistakes.SCORES_AS_QUERIES),
                     (linear_score_entries(n, h), mistakes.LINEAR_IN_N))
            shown = "{:,}".format
        choice = (shown(value),)
        distractors = tuple(Distractor((shown(v),), m, v) for v, m in wrong)
        shape_rows = [
            ["X", shape_text(shapes["X"]), "one row per token"],
            ["W_Q, W_K, W_V", shape_text(shapes["W_Q"]), "d_model in, d_k out"],
            ["Q, K, V", shape_text(shapes["Q"]), "X · W"],
            ["scores = Q·Kᵀ", shape_text(shapes["scores"]), "every query with every key"],
            ["A", shape_text(shapes["A"]), "softmax keeps the shape"],
            ["Z = A·V", shape_text(shapes["Z"]), "(n × n)·(n × d_k)"],
        ]
        steps = [
            step("Shapes of one head (rows × columns).", table(["object", "shape", "why"], shape_rows)),
            step("The width of one head's output.", para(output_width_text(n, d_model, d_k, h))),
        ]
        answer = [para("Shapes of one head (rows × columns):"),
                  table(["object (one head)", "shape"], [row[:2] for row in shape_rows])]
        if ask in COUNTS_PARAMETERS:
            per_head = 3 * d_model * d_k
            steps.append(step("Parameters: every head has its own W_Q, W_K and W_V.", para(
                f"One head: 3 · d_model · d_k = 3 · {d_model} · {d_k} = {per_head:,}; all {heads_text(h)}: "
                f"3 · {d_model} · {d_k} · {h} = {parameters:,}. Since h · d_k = d_model, that is 3 · d_model² = "
                f"3 · {d_model}² = {3 * d_model * d_model:,}, as many as one head of the full width d_model, "
                "not h times that.")))
            answer.append(para(f"Parameters of W_Q, W_K and W_V over all {heads_text(h)}: "
                               f"3 · {d_model} · {d_k} · {h} = {parameters:,}."))
        if ask in COUNTS_SCORE_ENTRIES:
            steps.append(step("Quadratic cost: every query is scored against every key.", para(
                f"Each head has an n × n = {n} × {n} = {n * n:,} score matrix (n², not the n × d_k entries of Q); "
                f"all {heads_text(h)}: h · n² = {h} · {n * n:,} = {entries:,}. Doubling n to {2 * n:,} gives "
                f"{h} · {2 * n:,}² = {doubled:,}, {doubled // entries} times as many: attention is O(n²) "
                "in the sequence length.")))
            answer.append(para(f"Score entries over all {heads_text(h)}: h · n² = {h} · {n}² = {entries:,}. They grow "
                               f"as O(n²): doubling n to {2 * n:,} gives {doubled:,}, {doubled // entries} times as "
                               "many."))
        entry = [["rows", "number"], ["columns", "number"]] if isinstance(value, list) else None
        return Solution(truth, prompt, task, tuple(answer), tuple(steps), (question,), choice, distractors, value,
                        None, entry)


FORWARD_LEVELS = {"easy": (2, 2, 2, False), "medium": (3, 3, 2, True), "hard": (4, 3, 4, True)}


# The mistakes of attention.forward, one function each: the first row of the pattern they give.
def values_as_keys_row(q: np.ndarray, v: np.ndarray, scale: float) -> np.ndarray:
    """t0's query scored against the values instead of the keys: softmax of scale · (Q·Vᵀ)[t0]."""
    return softmax(scale * (q @ v.T)[0])


def unscaled_row(raw: np.ndarray) -> np.ndarray:
    """Softmax of t0's raw scores Q·Kᵀ, the 1/√d_k forgotten."""
    return softmax(raw[0])


def inverted_scale_row(raw: np.ndarray, d_k: int) -> np.ndarray:
    """Softmax of t0's raw scores multiplied by √d_k instead of divided."""
    return softmax(raw[0] * math.sqrt(d_k))


def transposed_row(scores: np.ndarray) -> np.ndarray:
    """Softmax of t0's row of the transposed scores (K·Qᵀ), i.e. of column t0 of Q·Kᵀ."""
    return softmax(scores[:, 0])


def argmax_row(scores: np.ndarray) -> np.ndarray:
    """All of t0's weight split evenly over its top score(s), as a hard argmax."""
    top = scores[0] == scores[0].max()
    return top / top.sum()


class AttentionForward(Family):
    """Run one attention head forward by hand: Q, K, V, scaled scores, the softmax pattern A and Z = A·V."""

    id = "attention.forward"
    version = 2
    title = "Attention forward pass"
    tags = ("topic::attention", "seed::001")
    levels = {
        "easy": "2 tokens, d_model = d_k = 2, integer weights, no scaling",
        "medium": "3 tokens, d_k = 2, scaled by 1/√2",
        "hard": "4 tokens, d_k = 4, scaled by 1/2",
    }
    input_keys = ("X", "W_Q", "W_K", "W_V", "scale")
    truth_keys = ("Q", "K", "V", "scores", "A", "Z")

    def draw(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        n, d_model, d_k, scaled = FORWARD_LEVELS[difficulty]
        x = rng.integers(-1, 3, size=(n, d_model))
        w = [rng.integers(-1, 2, size=(d_model, d_k)) for _ in range(3)]
        out = attention_forward(x, *w, 1.0)
        if np.ptp(out["scores"], axis=1).min() == 0 or not np.any(out["V"]):
            raise Redraw("a flat score row or zero values teach nothing")
        return {"X": x.tolist(), "W_Q": w[0].tolist(), "W_K": w[1].tolist(), "W_V": w[2].tolist(),
                "scale": 1 / math.sqrt(d_k) if scaled else 1.0, "d_k": d_k}

    def case(self, inputs: dict[str, Any], truth: dict[str, Any]) -> str:
        if max(truth["A"][0]) >= 0.9995:
            return "one-hot-row"  # t0's row prints as a hard argmax
        return "typical"

    def solve(self, inputs: dict[str, Any]) -> Solution:
        x, w_q, w_k, w_v = (np.array(inputs[k], dtype=float) for k in ("X", "W_Q", "W_K", "W_V"))
        scale, d_k = inputs["scale"], inputs["d_k"]
        out = attention_forward(x, w_q, w_k, w_v, scale)
        truth = {k: v.tolist() for k, v in out.items()}
        labels = [f"t{i}" for i in range(len(x))]
        scaling = "no scaling" if scale == 1.0 else f"scores scaled by 1/√d_k with d_k = {d_k}"
        prompt = (
            ROW_CONVENTION,
            Display(seq(sym("X"), "=", mat(x), ",", sym("W", "Q"), "=", mat(w_q), ",", sym("W", "K"), "=", mat(w_k),
                        ",", sym("W", "V"), "=", mat(w_v))),
            para(f"Tokens t0..t{len(x) - 1} are the rows of X; {scaling}."),
        )
        task = (para("Compute Q, K, V, the scores, the attention pattern A (3 decimals) and the output Z = A·V."),)
        raw = out["Q"] @ out["K"].T
        a = out["A"]
        wrong = [(transposed_row(out["scores"]), mistakes.ROWS_COLUMNS_SWAPPED),
                 (values_as_keys_row(out["Q"], out["V"], scale), mistakes.VALUES_AS_KEYS)]
        if scale != 1.0:
            wrong += [(unscaled_row(raw), mistakes.FORGOT_SCALE), (inverted_scale_row(raw, d_k), mistakes.SCALE_INVERTED)]
        wrong.append((argmax_row(out["scores"]), mistakes.HARD_ARGMAX))
        distractors = tuple(Distractor((weights_option(v),), m, v.tolist()) for v, m in wrong)
        steps = (
            step("Project the tokens.", Display(seq(sym("Q"), "=", mat(out["Q"]), ",", sym("K"), "=", mat(out["K"]),
                                                    ",", sym("V"), "=", mat(out["V"])))),
            step("Scores: every query with every key" + ("" if scale == 1.0 else ", then scale") + ".",
                 Display(seq(sym("Q"), sym("K", None, "T"), "=", mat(raw)) if scale == 1.0 else
                         seq(Frac(seq(sym("Q"), sym("K", None, "T")), Sqrt(sym("d", "k"))), "=", mat(out["scores"])))),
            step("Softmax over each row (over the sources), not down the columns; every row of A sums to 1.",
                 Display(seq(sym("A"), "approx", mat(a))), heatmap(a, labels, "attention pattern A")),
            step("Blend the values.", Display(seq(sym("Z"), "=", sym("A"), sym("V"), "approx", mat(out["Z"])))),
        )
        answer = (
            Display(seq(sym("Q"), "=", mat(out["Q"]), ",", sym("K"), "=", mat(out["K"]), ",", sym("V"), "=",
                        mat(out["V"]))),
            Display(seq(Word("scores"), "=", mat(out["scores"]), ",", sym("A"), "approx", mat(a), ",", sym("Z"),
                        "approx", mat(out["Z"]))),
            para("Row t0 of A: ", mat(a[0]), "."),
        )
        return Solution(truth, prompt, task, answer, steps, ("What is the first row of A (token t0's weights)?",),
                        (weights_option(a[0]),), distractors, a[0].tolist(), 3)


def sharp_pattern(n: int, strength: float, d_k: int, targets: dict[int, int]) -> np.ndarray:
    """Seed 001's hand-built head: key i = c·e_i (K = c·I when n = d_k), each query the one-hot
    e_target, scores scaled by 1/√d_k. One one-hot direction per token needs n ≤ d_k."""
    if n > d_k:
        raise ValueError(f"{n} one-hot keys do not fit in d_k = {d_k} dimensions")
    q = np.zeros((n, d_k))
    for token, target in targets.items():
        q[token, target] = 1.0
    return softmax(q @ (strength * np.eye(n, d_k)).T / math.sqrt(d_k))


def target_share(logit: float, n: int) -> float:
    """Softmax weight of the one logit ``logit`` against n − 1 logits of 0."""
    return math.exp(logit) / (math.exp(logit) + n - 1)


def strength_bound(wanted: float, n: int, d_k: int) -> float:
    """The real c at which the target's share is exactly ``wanted``:
    e^(c/√d_k) / (e^(c/√d_k) + n − 1) = p  ⇔  c = √d_k · ln(p (n − 1) / (1 − p))."""
    return math.sqrt(d_k) * math.log(wanted * (n - 1) / (1 - wanted))


def whole_at_least(bound: float) -> int:
    """The smallest whole number ≥ ``bound`` (a bound that is whole up to rounding noise counts as whole)."""
    return math.ceil(bound - 1e-9)


# The mistakes of attention.sharp, one function each. Each returns the three things a level
# asks: the share on the target, the leak to each other token, and the smallest whole c.
def unscaled_sharp(n: int, c: float, d_k: int, wanted: float | None) -> dict[str, float]:
    """The 1/√d_k forgotten: the target's logit is c, and c ≥ ln(p (n − 1)/(1 − p))."""
    out = {"target": target_share(c, n), "leak": 1 / (math.exp(c) + n - 1)}
    if wanted is not None:
        out["strength"] = whole_at_least(strength_bound(wanted, n, 1))
    return out


def one_other_sharp(n: int, c: float, d_k: int, wanted: float | None) -> dict[str, float]:
    """e^0 = 1 counted once instead of once per other token, as if n = 2: e^z / (e^z + 1), and
    c ≥ √d_k·ln(p / (1 − p))."""
    logit = c / math.sqrt(d_k)
    out = {"target": target_share(logit, 2), "leak": 1 / (math.exp(logit) + 1)}
    if wanted is not None:
        out["strength"] = whole_at_least(strength_bound(wanted, 2, d_k))
    return out


def total_leak_sharp(n: int, c: float, d_k: int, wanted: float | None) -> dict[str, float]:
    """The leak to all n − 1 other tokens together given as each one's share: (n − 1) / (e^z + n − 1)."""
    return {"leak": (n - 1) / (math.exp(c / math.sqrt(d_k)) + n - 1)}


def leak_over_n_sharp(n: int, c: float, d_k: int, wanted: float | None) -> dict[str, float]:
    """n zero logits in the softmax sum instead of n − 1."""
    logit = c / math.sqrt(d_k)
    out = {"target": math.exp(logit) / (math.exp(logit) + n), "leak": 1 / (math.exp(logit) + n)}
    if wanted is not None:
        out["strength"] = whole_at_least(math.sqrt(d_k) * math.log(wanted * n / (1 - wanted)))
    return out


def dk_scaled_sharp(n: int, c: float, d_k: int, wanted: float | None) -> dict[str, float]:
    """Scores divided by d_k instead of √d_k: logit c/d_k, and c ≥ d_k·ln(p (n − 1)/(1 − p))."""
    out = {"target": target_share(c / d_k, n), "leak": 1 / (math.exp(c / d_k) + n - 1)}
    if wanted is not None:
        out["strength"] = whole_at_least(d_k * math.log(wanted * (n - 1) / (1 - wanted)))
    return out


def rounded_down_sharp(n: int, c: float, d_k: int, wanted: float | None) -> dict[str, float]:
    """The bound on c rounded down instead of up."""
    return {} if wanted is None else {"strength": math.floor(strength_bound(wanted, n, d_k) + 1e-9)}


SHARP_MISTAKES = (
    (leak_over_n_sharp, mistakes.LEAK_OVER_N),
    (unscaled_sharp, mistakes.FORGOT_SCALE),
    (dk_scaled_sharp, mistakes.SCALE_BY_DK),
    (rounded_down_sharp, mistakes.ROUNDS_DOWN),
    (one_other_sharp, mistakes.ONE_OTHER_TOKEN),
    (total_leak_sharp, mistakes.TOTAL_LEAK),
)
SHARP_LEVELS = {  # d_k choices, fewest and most tokens
    "easy": ((9, 16, 25, 36), 4, 8),
    "medium": ((6, 8, 10, 12, 20, 24, 32, 48), 3, 8),
    "hard": ((4, 8, 9, 16, 25, 32, 64), 3, 8),
}
SHARP_ASKS = {"easy": "target", "medium": "leak", "hard": "strength"}
SHARP_DECIMALS = {"target": 1, "leak": 2, "strength": None}  # leaks are small: two decimals of a percent


def as_percent(share: float) -> float:
    """A share as a percentage (the value an option carries), without float noise in the last digits."""
    return round(100 * share, 12)


def possible_share(percent: float, decimals: int, ask: str, n: int) -> bool:
    """Whether a printed share could be the answer whatever the numbers. It must print strictly
    between 0 % and 100 %: softmax never gives a token all or none of the weight, and a mistake that
    saturates (c without the 1/√d_k) would print 100.0 % or 0.00 % in most problems, a tell. And the
    n − 1 equal leaks must leave something for the target, since a row sums to 100 %."""
    shown = round(percent, decimals)
    return 0 < shown < 100 and (ask != "leak" or (n - 1) * shown < 100)


def sharp_option(value: float, decimals: int | None) -> str:
    """An option as printed: a percentage with ``decimals`` decimals, or a whole strength."""
    return str(value) if decimals is None else f"{fixed(value, decimals)} %"


WANTED_SHARES = (0.8, 0.85, 0.9, 0.95, 0.98, 0.99)


# Decimals of the shares in the worked steps: those of the key's percentages (89.0 % is 0.890, 2.75 % is 0.0275).
TARGET_DIGITS, LEAK_DIGITS = SHARP_DECIMALS["target"] + 2, SHARP_DECIMALS["leak"] + 2


def share_texts(logit: float, n: int) -> tuple[str, str]:
    """The target's share e^z/(e^z + n − 1) and each leak 1/(e^z + n − 1) for the logit z, as the
    worked steps print them (trailing zeros kept: 0.890, not 0.89)."""
    return fixed(target_share(logit, n), TARGET_DIGITS), fixed(1 / (math.exp(logit) + n - 1), LEAK_DIGITS)


def logit_text(logit: float, decimals: int) -> tuple[str, str]:
    """The relation and the number that step 1 writes after c/√d_k: "= 2.5" when the logit has at
    most ``decimals`` decimals, else "≈ 3.479" with all ``decimals`` decimals (trailing zeros kept)."""
    if abs(logit - round(logit, decimals)) < 1e-12:
        return "=", format_number(logit, decimals)
    return "≈", fixed(logit, decimals)


def logit_decimals(logit: float, n: int) -> int:
    """How many decimals the worked steps print the logit c/√d_k with: 3, or more where the formulas
    written with the logit to 3 decimals would not give the shares that the exact logit gives. E.g.
    16/√24 = 3.265986 with 7 tokens: each leak is 0.0310502 (0.0311), but 1/(e^3.266 + 6) = 0.0310498
    (0.0310), so the logit is printed as 3.26599. Every printed formula is then true at its printed
    precision, and gives what the key says."""
    for decimals in range(3, 12):
        if share_texts(float(logit_text(logit, decimals)[1]), n) == share_texts(logit, n):
            return decimals
    raise ValueError(f"no precision of the logit {logit!r} reproduces its shares")


class AttentionSharp(Family):
    """Make attention sharp by hand: strong one-hot keys, queries aimed at their targets; find the leak."""

    id = "attention.sharp"
    version = 2
    title = "Sharp attention"
    tags = ("topic::attention", "seed::001")
    levels = {
        "easy": "4-8 tokens, d_k a square from 9 to 36 (a whole √d_k), c/√d_k from 1.5 to 4: the share on the target",
        "medium": "3-8 tokens, d_k from 6 to 48 (√d_k not whole): the leak to each other token",
        "hard": "also the smallest whole strength c that puts a wanted share on the target",
    }
    input_keys = ("n", "strength", "d_k", "targets")
    truth_keys = ("A", "target_weight", "other_weight")
    cases = {"seed001": ("easy", {"n": 4, "strength": 8, "d_k": 4, "targets": {"0": 1, "1": 2, "2": 1, "3": 2},
                                  "labels": ["the", "cat", "sat", "down"], "wanted": None})}

    def draw(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        widths, fewest, most = SHARP_LEVELS[difficulty]
        d_k = int(rng.choice(widths))
        n = int(rng.integers(fewest, min(most, d_k) + 1))  # one one-hot key direction per token: n ≤ d_k
        # a target logit c/√d_k between 1.5 and 4: from a mild peak to nearly one-hot
        strength = int(rng.integers(math.ceil(1.5 * math.sqrt(d_k)), math.floor(4 * math.sqrt(d_k)) + 1))
        targets = {str(i): int(rng.choice([t for t in range(n) if t != i])) for i in range(n)}
        wanted = float(rng.choice(WANTED_SHARES)) if difficulty == "hard" else None
        return {"n": n, "strength": strength, "d_k": d_k, "targets": targets,
                "labels": [f"t{i}" for i in range(n)], "wanted": wanted, "ask": SHARP_ASKS[difficulty]}

    def case(self, inputs: dict[str, Any], truth: dict[str, Any]) -> str:
        if truth["target_weight"] < 0.5:
            return "weak-peak"  # less than half on the target: not yet sharp
        return "typical"

    def solve(self, inputs: dict[str, Any]) -> Solution:
        n, c, d_k, wanted = inputs["n"], inputs["strength"], inputs["d_k"], inputs["wanted"]
        targets = {int(k): v for k, v in inputs["targets"].items()}
        labels = inputs["labels"]
        a = sharp_pattern(n, c, d_k, targets)
        logit = c / math.sqrt(d_k)
        target_weight = target_share(logit, n)
        truth = {"A": a.tolist(), "target_weight": target_weight, "other_weight": 1 / (math.exp(logit) + n - 1)}
        if wanted is not None:
            truth["min_strength"] = whole_at_least(strength_bound(wanted, n, d_k))
        ask = inputs.get("ask", "target")  # the study note's case asks for the target's share
        pairs = ", ".join(f"{labels[i]} → {labels[t]}" for i, t in targets.items())
        keys = (f"Keys K = {c}·I: key i is {c}·e_i, a distinct strong direction per token" if n == d_k else
                f"Key i is {c}·e_i, a distinct strong one-hot direction among the d_k = {d_k} dimensions "
                f"(K = {c}·[I_{n} | 0], {n} × {d_k})")
        prompt = (
            para(f"{n} tokens ({', '.join(labels)}). {keys}; each token's query is the one-hot e_target aimed at its "
                 f"target's key: {pairs}. Scores Q·Kᵀ are scaled by 1/√d_k with d_k = {d_k}; softmax runs over "
                 "each row."),
        )
        # the keys are shown with their strength c, so the question says c is to be changed
        strength_question = None if wanted is None else (
            f"The keys above have c = {c}. With the same n and d_k, what is the smallest whole key strength c "
            f"that puts at least {format_number(100 * wanted)} % on the target?")
        extra = "" if wanted is None else " " + strength_question
        # easy asks for the target's share only; medium and hard also for the leak, the second formula
        leak = "" if ask == "target" else ", and what leaks to each other token"
        task = (para(f"What share of its attention does each token put on its target{leak}?" + extra),)
        if ask == "strength":
            question = strength_question
            value = truth["min_strength"]
        else:
            question = ("What share goes to the target?" if ask == "target" else
                        "What share of its attention leaks to each other token?")
            value = as_percent(target_weight if ask == "target" else truth["other_weight"])
        decimals = SHARP_DECIMALS[ask]
        distractors = []
        for mistake_of, mistake in SHARP_MISTAKES:
            wrong = mistake_of(n, c, d_k, wanted)
            if ask not in wrong:
                continue
            v = wrong[ask] if ask == "strength" else as_percent(wrong[ask])
            if decimals is None or possible_share(v, decimals, ask, n):
                distractors.append(Distractor((sharp_option(v, decimals),), mistake, v))
        relation, z = logit_text(logit, logit_decimals(logit, n))
        shown = float(z)  # the logit as printed: step 2's formulas are evaluated with it
        leak_text = share_texts(shown, n)[1]  # the same as the exact logit's (logit_decimals)
        steps = [
            step("Each row has one logit c/√d_k at the target and 0 elsewhere (the query is one-hot, so it picks "
                 "out one key's strength).", para(f"c/√d_k = {c}/√{d_k} {relation} {z}.")),
            step("Softmax of that row: the n − 1 = " + f"{n - 1} other tokens each contribute e^0 = 1 to the sum.",
                 Display(seq(Word("target"), "=", Frac(sym("e", sup=z), seq(sym("e", sup=z), "+", n - 1)),
                             "approx", Num(target_share(shown, n), TARGET_DIGITS, fixed=True))),
                 para(f"Each other token gets 1/(e^{z} + {n - 1}) ≈ {leak_text}.")),
            step("The whole pattern.", Display(seq(sym("A"), "approx", mat(a))),
                 heatmap(a, labels, "sharp attention pattern")),
        ]
        if wanted is not None:
            bound = strength_bound(wanted, n, d_k)
            steps.append(step("Solve for the strength, then round up (a smaller c falls short).", para(
                f"exp(c/√d_k)/(exp(c/√d_k) + {n - 1}) ≥ {fixed(wanted, 2)} ⇔ "
                f"c ≥ √{d_k}·ln({fixed(wanted, 2)}·{n - 1}/{fixed(1 - wanted, 2)}) "
                f"≈ {fixed(bound)}, so c = {truth['min_strength']}.")))
        tail = ("" if wanted is None else
                f"; at least {format_number(100 * wanted)} % on the target needs c ≥ {truth['min_strength']}")
        leak_percent = fixed(100 * truth["other_weight"], SHARP_DECIMALS["leak"])
        answer = (para(f"Every token puts {format_percent(target_weight)} on its target and {leak_percent} % on each "
                       f"of the {n - 1} other tokens{tail}."),
                  Display(seq(sym("A"), "approx", mat(a))))
        return Solution(truth, prompt, task, answer, tuple(steps), (question,), (sharp_option(value, decimals),),
                        tuple(distractors), value, decimals, percent=decimals is not None)
