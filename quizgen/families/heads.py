"""circuits.rotation and circuits.induction: previous-token heads and induction heads (seed 003)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from quizgen.model import mistakes
from quizgen.math.attention import attended, softmax
from quizgen.model.content import Display, call, format_percent, mat, num, para, seq, step, sym, table
from quizgen.model.family import Family, Redraw
from quizgen.model.problem import Distractor, Solution

ROTATION_LEVELS = {
    "easy": ((30, 45, 60), (1.0,), (1.0,), (3, 5)),
    "medium": ((20, 30, 40, 45), (1.5, 2.0), (1.0,), (4, 6)),
    "hard": ((15, 20, 30), (1.0, 1.5, 2.0), (2.0, 4.0), (5, 8)),
}


def rotation_scores(alpha: float, lam: float, query: int, positions: list[int], turn: float = -1.0) -> np.ndarray:
    """λ²·cos(α(n + turn − m)): the query's position pair rotated by turn·α, dotted with each key's."""
    return np.array([lam * lam * math.cos(alpha * (query + turn - m)) for m in positions])


class Rotation(Family):
    """Build a previous-token head from the sinusoidal position pair: rotate the query by −α."""

    id = "circuits.rotation"
    version = 1
    title = "Previous-token head by rotation"
    tags = ("topic::circuits", "seed::003")
    levels = {
        "easy": "α of 30-60°, λ = 1: which position the rotated query prefers",
        "medium": "a magnitude λ, so scores are λ²·cos(α(n − 1 − m)); the softmax weights",
        "hard": "small α over longer contexts and a logit magnitude: sharp weights",
    }
    input_keys = ("alpha", "lam", "query_position", "positions", "magnitude")
    truth_keys = ("scores", "weights", "attended")

    def draw(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        degrees, lams, magnitudes, (lo, hi) = ROTATION_LEVELS[difficulty]
        alpha_deg = int(rng.choice(degrees))
        query = int(rng.integers(lo, hi + 1))
        inputs = {"alpha": math.radians(alpha_deg), "alpha_degrees": alpha_deg, "lam": float(rng.choice(lams)),
                  "query_position": query, "positions": list(range(query + 1)),
                  "magnitude": float(rng.choice(magnitudes))}
        if attended(rotation_scores(inputs["alpha"], 1.0, query, inputs["positions"])) is None:
            raise Redraw("the cosine comes round again: two positions tie")
        return inputs

    def solve(self, inputs: dict[str, Any]) -> Solution:
        alpha, lam, n, positions, c = (inputs[k] for k in ("alpha", "lam", "query_position", "positions", "magnitude"))
        deg = inputs.get("alpha_degrees", round(math.degrees(alpha), 6))
        s = rotation_scores(alpha, lam, n, positions)
        w = softmax(c * s)
        top = attended(w)
        truth = {"scores": s.tolist(), "weights": w.tolist(), "attended": top}
        prompt = (
            para(f"Position m is embedded as the pair λ·(cos αm, sin αm) with α = {deg}° and λ = {lam:g}. A head's "
                 f"W_K copies the pair; its W_Q copies it and rotates it by −α. The query stands at position n = {n} "
                 f"and attends over positions 0..{n} (softmax over the row; logits are the scores times {c:g})."),
        )
        task = (para("Compute the score λ²·cos(α(n − 1 − m)) for every position m, the softmax weights (3 decimals) "
                     "and the position attended to."),)
        wrong_turn = softmax(c * rotation_scores(alpha, lam, n, positions, turn=+1.0))
        if inputs["magnitude"] == 1.0 and lam == 1.0:
            question, choice = f"Which position does the query at {n} attend to most?", (f"position {top}",)
            distractors = tuple(
                Distractor((f"position {attended(weights)}" if attended(weights) is not None else "a tie",), mistake)
                for weights, mistake in (
                    (wrong_turn, mistakes.ROTATE_WRONG_WAY),
                    (softmax(rotation_scores(alpha, lam, n, positions, turn=0.0)), mistakes.NO_ROTATION),
                    (softmax(rotation_scores(alpha, lam, n, positions, turn=-2.0)), mistakes.DOUBLE_ROTATION),
                )
            )
        else:
            question, choice = "What are the attention weights?", (mat(w),)
            distractors = (
                Distractor((mat(wrong_turn),), mistakes.ROTATE_WRONG_WAY),
                Distractor((mat(softmax(c * rotation_scores(alpha, math.sqrt(lam), n, positions))),),
                           mistakes.FORGOT_LAMBDA_SQUARED),
                Distractor((mat(softmax(rotation_scores(alpha, lam, n, positions))),), mistakes.FORGOT_MAGNITUDE),
            )
        steps = (
            step("Rotating the query pair by −α turns position n into position n − 1.",
                 para("q = λ·(cos α(n − 1), sin α(n − 1)); k_m = λ·(cos αm, sin αm); q·k_m = λ²·cos(α(n − 1 − m)).")),
            step("Scores per position.", table(["m", *map(str, positions)], [["α(n − 1 − m) in °",
                                               *(str(deg * (n - 1 - m)) for m in positions)],
                                              ["score", *(num(v) for v in s)]])),
            step("Softmax of the logits.", Display(seq(call("softmax", mat(c * s)), "approx", mat(w)))),
            step("The peak.", para(f"cos is largest at angle 0, i.e. m = n − 1 = {n - 1}: a previous-token head.")),
        )
        answer = (para(f"Position {top} (the previous token) gets {format_percent(w[top])} of the weight."),
                  Display(seq(sym("a"), "approx", mat(w))))
        return Solution(truth, prompt, task, answer, steps, (question,), choice, distractors)


VOCABULARY = ("the", "cat", "sat", "on", "mat", "dog", "ran", "red", "big", "old", "sun", "sky", "tea", "cup")
INDUCTION_LEVELS = {"easy": (6, 7), "medium": (8, 10), "hard": (11, 13)}


class Induction(Family):
    """Predict with an induction head: [a][b] … [a] → [b], via a previous-token head (K-composition)."""

    id = "circuits.induction"
    version = 1
    title = "Induction head"
    tags = ("topic::circuits", "seed::002", "seed::003")
    levels = {
        "easy": "6-7 tokens, one earlier copy of the last token",
        "medium": "8-10 tokens; write the previous-token head's keys first",
        "hard": "11-13 tokens where the next token b also appears elsewhere",
    }
    input_keys = ("tokens",)
    truth_keys = ("attended_position", "predicted_token")

    def draw(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        lo, hi = INDUCTION_LEVELS[difficulty]
        n = int(rng.integers(lo, hi + 1))
        tokens = rng.choice(VOCABULARY, size=n - 1, replace=difficulty == "hard").tolist()
        p = int(rng.integers(0, n - 3))
        tokens.append(tokens[p])
        a = tokens[p]
        if tokens.count(a) != 2 or tokens[p + 1] == a:
            raise Redraw("the current token must have exactly one earlier copy")
        if difficulty == "hard" and tokens.count(tokens[p + 1]) < 2:
            raise Redraw("hard: the predicted token should also appear elsewhere")
        return {"tokens": tokens}

    def solve(self, inputs: dict[str, Any]) -> Solution:
        tokens = inputs["tokens"]
        n = len(tokens)
        a = tokens[-1]
        previous = [None] + tokens[:-1]
        matches = [m for m in range(n) if previous[m] == a and m < n]
        if len(matches) != 1:
            raise Redraw("ambiguous induction target")
        target = matches[0]
        truth = {"attended_position": target, "predicted_token": tokens[target],
                 "previous_tokens": previous}
        prompt = (
            para("A two-layer attention-only model reads this sequence (positions from 0):"),
            table(["position", *map(str, range(n))], [["token", *tokens]]),
            para("Layer 1 has a previous-token head that writes each token into the next position. Layer 2 has an "
                 "induction head whose keys read what the previous-token head wrote (K-composition); its query is "
                 "the current token; its OV circuit copies the attended token to the output."),
        )
        task = (para(f"At the last position ({n - 1}, token '{a}'): which position does the induction head attend "
                     "to, and which token does it predict next?"),)
        p = target - 1

        def option(pos: int) -> tuple[str]:
            return (f"position {pos}, predicts '{tokens[pos]}'",)

        distractors = (
            Distractor(option(p), mistakes.ATTENDS_TO_MATCH),
            Distractor(option(n - 2), mistakes.PREVIOUS_TOKEN_ONLY),
            Distractor(option(p - 1) if p >= 1 else ("position 0, predicts nothing",), mistakes.PREVIOUS_NOT_NEXT),
        )
        steps = (
            step("Layer 1: the previous-token head puts token m − 1 into position m.",
                 table(["position", *map(str, range(n))], [["previous token", *(t or "—" for t in previous)]])),
            step(f"Layer 2: the query '{a}' matches the key whose previous token is '{a}'.",
                 para(f"Only position {target} has previous token '{a}' (the earlier '{a}' stands at {p}).")),
            step("OV copies the attended token.", para(f"Position {target} holds '{tokens[target]}', so the model "
                                                       f"predicts '{tokens[target]}': [{a}][{tokens[target]}] … [{a}] → "
                                                       f"[{tokens[target]}].")),
        )
        answer = (para(f"It attends to position {target} and predicts '{tokens[target]}'."),)
        return Solution(truth, prompt, task, answer, steps, (f"Where does the induction head at position {n - 1} "
                                                             "attend, and what does it predict?",),
                        option(target), distractors)
