"""attention.shapes, attention.forward, attention.sharp: scaled dot-product attention (seed 001)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from quizgen.model import mistakes
from quizgen.math.attention import attention_forward, softmax
from quizgen.model.content import Display, Frac, heatmap, Sqrt, Word, format_percent, mat, num, para, seq, step, sym, table
from quizgen.model.family import Family, Redraw
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


class AttentionShapes(Family):
    """Track the shapes of X, W_Q/W_K/W_V, Q/K/V, the scores, A and Z, and count parameters."""

    id = "attention.shapes"
    version = 1
    title = "Shapes in attention"
    tags = ("topic::attention", "seed::001")
    levels = {
        "easy": "one head: the shape of each object",
        "medium": "h heads with d_head = d_model / h: the projection parameters of all heads",
        "hard": "h heads: how many score entries all heads hold, and the O(n²) growth",
    }
    input_keys = ("n", "d_model", "d_k", "heads")
    truth_keys = ("shapes", "d_head")

    def draw(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        n = int(rng.integers(3, 13))
        if difficulty == "easy":
            d_model = int(rng.choice([8, 12, 16, 32, 64]))
            return {"n": n, "d_model": d_model, "d_k": int(rng.choice([d for d in (2, 4, 8, 16) if d < d_model])),
                    "heads": 1, "ask": "Z"}
        heads = int(rng.choice([2, 4, 8]))
        d_head = int(rng.choice([4, 8, 16]))
        ask = "parameters" if difficulty == "medium" else "score_entries"
        return {"n": n, "d_model": heads * d_head, "d_k": d_head, "heads": heads, "ask": ask}

    def solve(self, inputs: dict[str, Any]) -> Solution:
        n, d_model, d_k, h, ask = (inputs[k] for k in ("n", "d_model", "d_k", "heads", "ask"))
        shapes = shapes_of(n, d_model, d_k)
        d_head = d_model / h
        truth = {"shapes": shapes, "d_head": d_head, "parameters": 3 * d_model * d_k * h,
                 "score_entries": h * n * n}
        prompt = (
            para(f"n = {n} tokens, d_model = {d_model}, {h} head(s), each projecting to d_k = {d_k}."),
            ROW_CONVENTION,
        )
        task = (para("Give the shapes of X, W_Q, W_K, W_V, Q, K, V, the scores, A and Z for one head; "
                     "d_head = d_model / h; the parameters of W_Q, W_K, W_V over all heads; and the number of "
                     "score entries over all heads."),)
        if ask == "Z":
            question = "What is the shape of one head's output Z = A·V?"
            choice = (shape_text(shapes["Z"]),)
            distractors = (
                Distractor((shape_text([n, d_model]),), mistakes.OUTPUT_MODEL_WIDTH),
                Distractor((shape_text([n, n]),), mistakes.Z_AS_PATTERN),
                Distractor((shape_text([d_k, n]),), mistakes.TRANSPOSED_SHAPE),
            )
        elif ask == "parameters":
            question = "How many parameters do W_Q, W_K and W_V hold over all heads (no biases)?"
            choice = (f"{3 * d_model * d_k * h:,}",)
            distractors = (
                Distractor((f"{3 * d_model * d_k:,}",), mistakes.ONE_HEAD_ONLY),
                Distractor((f"{3 * d_model * d_model * h:,}",), mistakes.FULL_WIDTH_HEADS),
                Distractor((f"{d_model * d_k * h:,}",), mistakes.ONE_MATRIX_ONLY),
            )
        else:
            question = "How many attention-score entries do all heads hold for this sequence?"
            choice = (f"{h * n * n:,}",)
            distractors = (
                Distractor((f"{n * n:,}",), mistakes.ONE_HEAD_ONLY),
                Distractor((f"{h * n * d_k:,}",), mistakes.SCORES_AS_QUERIES),
                Distractor((f"{h * n:,}",), mistakes.LINEAR_IN_N),
            )
        steps = (
            step("Shapes of one head (rows × columns).",
                 table(["object", "shape", "why"], [
                     ["X", shape_text(shapes["X"]), "one row per token"],
                     ["W_Q, W_K, W_V", shape_text(shapes["W_Q"]), "d_model in, d_k out"],
                     ["Q, K, V", shape_text(shapes["Q"]), "X · W"],
                     ["scores = Q·Kᵀ", shape_text(shapes["scores"]), "every query with every key"],
                     ["A", shape_text(shapes["A"]), "softmax keeps the shape"],
                     ["Z = A·V", shape_text(shapes["Z"]), "(n × n)·(n × d_k)"],
                 ])),
            step("Heads.", para(f"d_head = d_model / h = {d_model} / {h} = {d_head:g}; W_Q, W_K, W_V of "
                                f"all heads: 3 · {d_model} · {d_k} · {h} = {3 * d_model * d_k * h:,} parameters.")),
            step("Quadratic cost.", para(f"Each head has an n × n = {n * n} score matrix; all heads {h * n * n:,}. "
                                         "Doubling n multiplies this by 4: attention is O(n²).")),
        )
        answer = (para(f"{question} {choice[0]}."),)
        return Solution(truth, prompt, task, answer, steps, (question,), choice, distractors)


FORWARD_LEVELS = {"easy": (2, 2, 2, False), "medium": (3, 3, 2, True), "hard": (4, 3, 4, True)}


class AttentionForward(Family):
    """Run one attention head forward by hand: Q, K, V, scaled scores, the softmax pattern A and Z = A·V."""

    id = "attention.forward"
    version = 1
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
        distractors = (
            Distractor((mat(softmax(out["scores"], axis=0)[0]),), mistakes.SOFTMAX_DOWN_COLUMNS),
            Distractor((mat(softmax(raw)[0]),), mistakes.FORGOT_SCALE),
            Distractor((mat(softmax(out["scores"].T)[0]),), mistakes.ROWS_COLUMNS_SWAPPED),
        )
        steps = (
            step("Project the tokens.", Display(seq(sym("Q"), "=", mat(out["Q"]), ",", sym("K"), "=", mat(out["K"]),
                                                    ",", sym("V"), "=", mat(out["V"])))),
            step("Scores: every query with every key" + ("" if scale == 1.0 else ", then scale") + ".",
                 Display(seq(sym("Q"), sym("K", None, "T"), "=", mat(raw)) if scale == 1.0 else
                         seq(Frac(seq(sym("Q"), sym("K", None, "T")), Sqrt(sym("d", "k"))), "=", mat(out["scores"])))),
            step("Softmax over each row; every row of A sums to 1.",
                 Display(seq(sym("A"), "approx", mat(a))), heatmap(a, labels, "attention pattern A")),
            step("Blend the values.", Display(seq(sym("Z"), "=", sym("A"), sym("V"), "approx", mat(out["Z"])))),
        )
        answer = (Display(seq(sym("A"), "approx", mat(a), ",", sym("Z"), "approx", mat(out["Z"]))),)
        return Solution(truth, prompt, task, answer, steps, ("What is the first row of A (token t0's weights)?",),
                        (mat(a[0]),), distractors)


def sharp_pattern(n: int, strength: float, d_k: int, targets: dict[int, int]) -> np.ndarray:
    """Seed 001's hand-built head: K = c·I, each query one-hot at its target, scaled by 1/√d_k."""
    q = np.zeros((n, n))
    for token, target in targets.items():
        q[token, target] = 1.0
    return softmax(q @ (strength * np.eye(n)).T / math.sqrt(d_k))


class AttentionSharp(Family):
    """Make attention sharp by hand: strong one-hot keys, queries aimed at their targets; find the leak."""

    id = "attention.sharp"
    version = 1
    title = "Sharp attention"
    tags = ("topic::attention", "seed::001")
    levels = {
        "easy": "4 tokens, d_k = 4: the weight on the target and on each other token",
        "medium": "3-6 tokens, d_k of 4 or 16, key strengths 2-12",
        "hard": "also the smallest whole strength c that puts a wanted share on the target",
    }
    input_keys = ("n", "strength", "d_k", "targets")
    truth_keys = ("A", "target_weight", "other_weight")
    cases = {"seed001": ("easy", {"n": 4, "strength": 8, "d_k": 4, "targets": {"0": 1, "1": 2, "2": 1, "3": 2},
                                  "labels": ["the", "cat", "sat", "down"], "wanted": None})}

    def draw(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        n = 4 if difficulty == "easy" else int(rng.integers(3, 7))
        d_k = 4 if difficulty == "easy" else int(rng.choice([4, 16]))
        strength = int(rng.choice([2, 4, 6, 8])) if difficulty == "easy" else int(rng.integers(2, 13))
        targets = {str(i): int(rng.choice([t for t in range(n) if t != i])) for i in range(n)}
        wanted = float(rng.choice([0.9, 0.95, 0.99])) if difficulty == "hard" else None
        return {"n": n, "strength": strength, "d_k": d_k, "targets": targets,
                "labels": [f"t{i}" for i in range(n)], "wanted": wanted}

    def solve(self, inputs: dict[str, Any]) -> Solution:
        n, c, d_k, wanted = inputs["n"], inputs["strength"], inputs["d_k"], inputs["wanted"]
        targets = {int(k): v for k, v in inputs["targets"].items()}
        labels = inputs["labels"]
        a = sharp_pattern(n, c, d_k, targets)
        logit = c / math.sqrt(d_k)
        target_weight = math.exp(logit) / (math.exp(logit) + n - 1)
        truth = {"A": a.tolist(), "target_weight": target_weight, "other_weight": 1 / (math.exp(logit) + n - 1)}
        if wanted is not None:
            # e^(c/√d)/(e^(c/√d) + n − 1) ≥ p  ⇔  c ≥ √d · ln(p (n − 1) / (1 − p))
            truth["min_strength"] = math.ceil(math.sqrt(d_k) * math.log(wanted * (n - 1) / (1 - wanted)) - 1e-12)
        pairs = ", ".join(f"{labels[i]} → {labels[t]}" for i, t in targets.items())
        prompt = (
            para(f"{n} tokens ({', '.join(labels)}). Keys K = {c}·I (a distinct strong direction per token); each "
                 f"token's query is a one-hot aimed at its target's key: {pairs}. Scores Q·Kᵀ are scaled by "
                 f"1/√d_k with d_k = {d_k}; softmax runs over each row."),
        )
        ask = "" if wanted is None else (f" What is the smallest whole key strength c that puts at least "
                                         f"{wanted:.0%} on the target?")
        task = (para("What share of its attention does each token put on its target, and what leaks to each "
                     "other token?" + ask),)
        wrong_scale = math.exp(c) / (math.exp(c) + n - 1)
        distractors = (
            Distractor((format_percent(wrong_scale),), mistakes.FORGOT_SCALE),
            Distractor((format_percent(logit / (logit + n - 1)),), mistakes.LINEAR_NORMALISATION),
            Distractor((format_percent(math.exp(logit) / (math.exp(logit) + n)),), mistakes.LEAK_OVER_N),
        )
        steps = [
            step("Each row has one logit c/√d_k at the target and 0 elsewhere.",
                 para(f"c/√d_k = {c}/{math.sqrt(d_k):g} = {logit:.3f}.")),
            step("Softmax of that row.",
                 Display(seq(Word("target"), "=", Frac(sym("e", sup=f"{logit:.3g}"),
                                                        seq(sym("e", sup=f"{logit:.3g}"), "+", n - 1)),
                             "approx", num(target_weight))),
                 para(f"Each other token gets 1/(e^{logit:.3g} + {n - 1}) ≈ {truth['other_weight']:.4f}.")),
            step("The whole pattern.", Display(seq(sym("A"), "approx", mat(a))),
                 heatmap(a, labels, "sharp attention pattern")),
        ]
        if wanted is not None:
            steps.append(step("Solve for the strength.", para(
                f"e^(c/√d)/(e^(c/√d) + {n - 1}) ≥ {wanted} ⇔ c ≥ √{d_k}·ln({wanted}·{n - 1}/{1 - wanted:.2f}) "
                f"= {math.sqrt(d_k) * math.log(wanted * (n - 1) / (1 - wanted)):.3f}, so c = {truth['min_strength']}.")))
        extra = "" if wanted is None else f"; at least {wanted:.0%} needs c ≥ {truth['min_strength']}"
        answer = (para(f"{format_percent(target_weight)} on the target, {format_percent(truth['other_weight'])} "
                       f"to each other token{extra}."),)
        return Solution(truth, prompt, task, answer, tuple(steps), ("What share goes to the target?",),
                        (format_percent(target_weight),), distractors)
