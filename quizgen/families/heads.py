"""circuits.rotation and circuits.induction: previous-token heads and induction heads (seed 003)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from quizgen.model import mistakes
from quizgen.math.attention import attended, softmax
from quizgen.model.content import (Display, Mat, Word, call, fixed, format_percent, num, para, seq, step, sym,
                                   table)
from quizgen.model.family import Family, Redraw
from quizgen.model.problem import Distractor, Solution

# per level: α range in whole degrees, query positions n, magnitudes c (λ is drawn from LAMBDAS)
ROTATION_LEVELS = {
    "easy": ((15, 70), (3, 10), (1.0, 2.0, 3.0)),
    "medium": ((15, 60), (4, 7), (1.0, 1.5, 2.0, 2.5, 3.0, 4.0)),
    "hard": ((10, 45), (6, 10), (2.0, 3.0, 4.0, 5.0, 6.0, 8.0)),
}
LAMBDAS = tuple(round(1.0 + 0.1 * k, 1) for k in range(21))  # 1.0, 1.1, ..., 3.0
MAJORITY = 0.55  # a previous-token head puts a majority on the previous token
CLEAR_MAJORITY = 0.7  # and from this share on, the steps call it a clear one
SHARPEST = 0.98  # and (medium, hard) leaves some weight elsewhere to compute


def rotation_scores(alpha: float, lam: float, query: int, positions: list[int], turn: float = -1.0) -> np.ndarray:
    """λ²·cos(α(n + turn − m)): the query's position pair rotated by turn·α, dotted with each key's."""
    return np.array([lam * lam * math.cos(alpha * (query + turn - m)) for m in positions])


def rotated_wrong_way(alpha: float, lam: float, query: int, positions: list[int]) -> np.ndarray:
    """Mistake: rotates the query by +α instead of −α, towards the next token."""
    return rotation_scores(alpha, lam, query, positions, turn=+1.0)


def unrotated(alpha: float, lam: float, query: int, positions: list[int]) -> np.ndarray:
    """Mistake: leaves the query unrotated, so the head selects its own position."""
    return rotation_scores(alpha, lam, query, positions, turn=0.0)


def key_rotated_too(alpha: float, lam: float, query: int, positions: list[int]) -> np.ndarray:
    """Mistake: rotates the key by +α as well as the query by −α, so the turn doubles."""
    return rotation_scores(alpha, lam, query, positions, turn=-2.0)


def lambda_once(alpha: float, lam: float, query: int, positions: list[int]) -> np.ndarray:
    """Mistake: scales the score by λ instead of λ² (both q and k carry λ)."""
    return rotation_scores(alpha, math.sqrt(lam), query, positions)


def without_magnitude(scores: np.ndarray) -> np.ndarray:
    """Mistake: softmax of the bare scores, dropping the logit magnitude c."""
    return softmax(scores)


def percent(weights: np.ndarray) -> list[float]:
    """Weights as percentages (printed with one decimal)."""
    return [float(100 * w) for w in weights]


def percent_row(weights: np.ndarray) -> Mat:
    """A weight vector in percent with one decimal (tiny weights read 0.0, never in e-notation)."""
    return Mat((tuple(Word(fixed(100 * w, 1)) for w in weights),))


def percent_vector(weights: np.ndarray) -> tuple[Any, ...]:
    """A weight vector in percent as an option: the row, then the unit as text."""
    return (percent_row(weights), " %")


class Rotation(Family):
    """Build a previous-token head from the sinusoidal position pair: rotate the query by −α."""

    id = "circuits.rotation"
    version = 2
    title = "Previous-token head by rotation"
    tags = ("topic::circuits", "seed::003")
    levels = {
        "easy": "the score formula λ²·cos(α(n − 1 − m)) is given: which position the rotated query prefers",
        "medium": "W_Q is described as a rotation by −α: derive the scores, then all softmax weights",
        "hard": "W_Q is given only as a matrix in α over longer contexts: derive what it does and the "
                "weight on the previous token",
    }
    input_keys = ("alpha", "lam", "query_position", "positions", "magnitude")
    truth_keys = ("scores", "weights", "attended")

    def draw(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        (lo_deg, hi_deg), (lo, hi), magnitudes = ROTATION_LEVELS[difficulty]
        alpha_deg = int(rng.integers(lo_deg, hi_deg + 1))
        query = int(rng.integers(lo, hi + 1))
        inputs = {"alpha": math.radians(alpha_deg), "alpha_degrees": alpha_deg,
                  "lam": float(rng.choice(LAMBDAS)), "query_position": query, "positions": list(range(query + 1)),
                  "magnitude": float(rng.choice(magnitudes)), "ask": difficulty}
        weights = softmax(inputs["magnitude"] * rotation_scores(inputs["alpha"], inputs["lam"], query,
                                                                inputs["positions"]))
        if attended(weights) != query - 1:
            raise Redraw("the cosine comes round again: another position ties with the previous one")
        if weights[query - 1] < MAJORITY:
            raise Redraw("too flat: the previous token would not get a clear majority")
        if difficulty != "easy" and weights[query - 1] > SHARPEST:
            raise Redraw("too sharp: every other weight would print as 0")
        return inputs

    def case(self, inputs: dict[str, Any], truth: dict[str, Any]) -> str:
        """The cosine comes round: a position two or more back scores above the neighbours."""
        n, alpha = inputs["query_position"], inputs["alpha"]
        far = [math.cos(alpha * (n - 1 - m)) for m in inputs["positions"] if abs(n - 1 - m) >= 2]
        return "cosine-comes-round" if far and max(far) > math.cos(alpha) else "typical"

    def solve(self, inputs: dict[str, Any]) -> Solution:
        alpha, lam, n, positions, c = (inputs[k] for k in ("alpha", "lam", "query_position", "positions", "magnitude"))
        ask = inputs.get("ask", "easy")
        deg = inputs.get("alpha_degrees", round(math.degrees(alpha), 6))
        s = rotation_scores(alpha, lam, n, positions)
        w = softmax(c * s)
        top = attended(w)
        truth = {"scores": s.tolist(), "weights": w.tolist(), "attended": top}
        setup = (f"Position m is embedded as the pair λ·(cos αm, sin αm) with α = {deg}° and λ = {lam:g}. "
                 f"The query stands at position n = {n} and attends over positions 0..{n} (softmax over the row; "
                 f"logits are the scores times c = {c:g}). Vectors are columns: a matrix W acts on a pair x as W·x.")
        alpha_sym = sym("alpha")
        rotation = Mat(((call("cos", alpha_sym), call("sin", alpha_sym)),
                        (seq("-", call("sin", alpha_sym)), call("cos", alpha_sym))))
        if ask == "easy":
            prompt = (para(setup + " A head's W_K copies the pair; its W_Q copies it and rotates it by −α, so the "
                                   "score of position m is λ²·cos(α(n − 1 − m))."),)
            task = (para("Compute the score of every position m, the softmax weights (percent, 1 decimal) and "
                         "the position attended to."),)
        elif ask == "medium":
            prompt = (para(setup + " A head's W_K copies the pair; its W_Q copies it and rotates it by −α."),)
            task = (para("Work out the score q·k_m as a function of m, then every score, the softmax weights "
                         "(percent, 1 decimal) and the position attended to."),)
        else:
            prompt = (para(setup + " A head's W_K is the identity on the pair; its W_Q is"),
                      Display(seq(sym("W", "Q"), "=", rotation)))
            task = (para("Say what W_Q does to the query's pair and derive the score q·k_m as a function of m. "
                         "Then give every score, the softmax weights (percent, 1 decimal), the position attended "
                         "to and the weight it gets."),)
        if ask == "easy":
            question, choice, value, decimals = (f"Which position does the query at {n} attend to most?",
                                                 (f"position {top}",), top, None)
            distractors = tuple(
                Distractor((f"position {peak}",), mistake, peak)
                for scores, mistake in ((rotated_wrong_way(alpha, lam, n, positions), mistakes.ROTATE_WRONG_WAY),
                                        (unrotated(alpha, lam, n, positions), mistakes.NO_ROTATION),
                                        (key_rotated_too(alpha, lam, n, positions), mistakes.DOUBLE_ROTATION))
                if (peak := attended(scores)) is not None)
        else:
            wrong = ((softmax(c * rotated_wrong_way(alpha, lam, n, positions)), mistakes.ROTATE_WRONG_WAY),
                     (softmax(c * lambda_once(alpha, lam, n, positions)), mistakes.FORGOT_LAMBDA_SQUARED),
                     (without_magnitude(s), mistakes.FORGOT_MAGNITUDE),
                     (softmax(c * (unrotated if ask == "hard" else key_rotated_too)(alpha, lam, n, positions)),
                      mistakes.NO_ROTATION if ask == "hard" else mistakes.DOUBLE_ROTATION))
            decimals = 1
            if ask == "medium":
                question, choice, value = "What are the attention weights (percent)?", percent_vector(w), percent(w)
                distractors = tuple(Distractor(percent_vector(v), mistake, percent(v)) for v, mistake in wrong)
            else:
                question = f"What weight does the query at {n} put on the previous position {n - 1}?"
                choice, value = (format_percent(w[n - 1]),), float(100 * w[n - 1])
                distractors = tuple(Distractor((format_percent(v[n - 1]),), mistake, float(100 * v[n - 1]))
                                    for v, mistake in wrong)
        derive = step("Rotating the query pair by −α turns position n into position n − 1"
                      + (" (W_Q is the rotation by −α: cos α on the diagonal, +sin α above, −sin α below)"
                         if ask == "hard" else "") + ".",
                      para("q = λ·(cos α(n − 1), sin α(n − 1)); k_m = λ·(cos αm, sin αm); q·k_m = "
                           "λ²·(cos α(n − 1)·cos αm + sin α(n − 1)·sin αm) = λ²·cos(α(n − 1 − m))."))
        steps = (
            derive,
            step("Scores per position: the angle α(n − 1 − m) in degrees, and λ²·cos of it.",
                 table(["m", *map(str, positions)], [["angle (°)", *(num(deg * (n - 1 - m)) for m in positions)],
                                                     ["score", *(num(v) for v in s)]])),
            step(f"Softmax of the logits c·score (c = {c:g}), in percent.",
                 table(["m", *map(str, positions)], [["logit", *(num(v) for v in c * s)],
                                                     ["weight (%)", *(fixed(100 * v, 1) for v in w)]])),
            step("The peak.", para(f"cos is largest at angle 0, i.e. m = n − 1 = {n - 1}: a previous-token head"
                                   + (". The cosine comes round again for a position further back, but stays "
                                      "below the previous token." if self.case(inputs, truth) != "typical" else
                                      ".")
                                   + f" λ²·c = {lam * lam * c:g} gives it {format_percent(w[n - 1])} of the weight, "
                                   + ("a clear majority." if w[n - 1] >= CLEAR_MAJORITY else "a majority."))),
        )
        answer = (para("W_Q turns the query's pair by −α (position n reads as n − 1), so "
                       f"q·k_m = λ²·cos(α(n − 1 − m)). Position {top} (the previous token) gets "
                       f"{format_percent(w[top])} of the weight; all weights in percent:"),
                  Display(seq(sym("a"), "approx", percent_row(w))),
                  table(["m", *map(str, positions)], [["score", *(num(v) for v in s)]]))
        return Solution(truth, prompt, task, answer, steps, (question,), choice, distractors, value, decimals,
                        percent=decimals is not None)


VOCABULARY = ("the", "cat", "sat", "on", "mat", "dog", "ran", "red", "big", "old", "sun", "sky", "tea", "cup")
INDUCTION_LEVELS = {"easy": (7, 9), "medium": (8, 10), "hard": (11, 13)}


def attends_to_match(tokens: list[str]) -> int:
    """Mistake: attends to the earlier copy of the current token itself (matches on the
    token, not on the previous token), so it predicts the current token again."""
    return tokens.index(tokens[-1])


def previous_token_only(tokens: list[str]) -> int:
    """Mistake: stops at the previous-token head: attends to position n − 2, just before the query."""
    return len(tokens) - 2


def before_the_match(tokens: list[str]) -> int | None:
    """Mistake: copies the token before the earlier match instead of the one after it
    (None when the match is at position 0: there is nothing before it)."""
    p = tokens.index(tokens[-1])
    return p - 1 if p >= 1 else None


class Induction(Family):
    """Predict with an induction head: [a][b] … [a] → [b], via a previous-token head (K-composition)."""

    id = "circuits.induction"
    version = 2
    title = "Induction head"
    tags = ("topic::circuits", "seed::002", "seed::003")
    levels = {
        "easy": "7-9 tokens, one earlier copy of the last token",
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
        return {"tokens": tokens, "ask": difficulty}

    def case(self, inputs: dict[str, Any], truth: dict[str, Any]) -> str:
        """The earlier copy opens the sequence: nothing stands before it."""
        return "match-at-start" if truth["attended_position"] == 1 else "typical"

    def solve(self, inputs: dict[str, Any]) -> Solution:
        tokens = inputs["tokens"]
        n = len(tokens)
        a = tokens[-1]
        previous = [None] + tokens[:-1]
        matches = [m for m in range(n) if previous[m] == a]
        if len(matches) != 1:
            raise Redraw("ambiguous induction target")
        target = matches[0]
        truth = {"attended_position": target, "predicted_token": tokens[target],
                 "previous_tokens": previous}
        keys_first = inputs.get("ask", "easy") != "easy"
        prompt = (
            para("A two-layer attention-only model reads this sequence (positions from 0):"),
            table(["position", *map(str, range(n))], [["token", *tokens]]),
            para("Layer 1 has a previous-token head that writes each token into the next position. Layer 2 has an "
                 "induction head whose keys read what the previous-token head wrote (K-composition); its query is "
                 "the current token; its OV circuit copies the attended token to the output."),
        )
        task = (para(("First write, for every position, the token the previous-token head writes there. "
                      if keys_first else "")
                     + f"At the last position ({n - 1}, token '{a}'): which position does the induction head "
                       "attend to, and which token does it predict next?"),)
        p = target - 1

        def option(pos: int) -> tuple[str]:
            return (f"position {pos}, predicts '{tokens[pos]}'",)

        wrong = ((attends_to_match(tokens), mistakes.ATTENDS_TO_MATCH),
                 (previous_token_only(tokens), mistakes.PREVIOUS_TOKEN_ONLY),
                 (before_the_match(tokens), mistakes.PREVIOUS_NOT_NEXT))
        distractors = tuple(Distractor(option(pos), mistake, [pos, tokens[pos]])
                            for pos, mistake in wrong if pos is not None)
        previous_row = table(["position", *map(str, range(n))], [["previous token", *(t or "—" for t in previous)]])
        steps = (
            step("Layer 1: the previous-token head puts token m − 1 into position m.", previous_row),
            step(f"Layer 2: the query '{a}' matches the key whose previous token is '{a}'.",
                 para(f"Only position {target} has previous token '{a}' (the earlier '{a}' stands at {p}; "
                      f"the token after it is what the head looks for)."
                      + (f" The earlier '{a}' opens the sequence: there is no token before it."
                         if p == 0 else ""))),
            step("OV copies the attended token.", para(f"Position {target} holds '{tokens[target]}', so the model "
                                                       f"predicts '{tokens[target]}': [{a}][{tokens[target]}] … [{a}] → "
                                                       f"[{tokens[target]}].")),
        )
        b = tokens[target]
        others = [m for m in range(n) if tokens[m] == b and m != target]
        if others:
            steps += (step(f"Trap: '{b}' also stands at position{'s' if len(others) > 1 else ''} "
                           f"{', '.join(map(str, others[:-1]))}{' and ' if len(others) > 1 else ''}{others[-1]}.",
                           para(f"The head does not look for '{b}' itself: it attends to the one position whose "
                                f"previous token is '{a}', position {target}. An answer naming another copy of '{b}' "
                                "predicts the right token from the wrong position.")),)
        answer = ((previous_row,) if keys_first else ()) + (
            para(f"The induction head at position {n - 1} attends to position {target} and predicts "
                 f"'{tokens[target]}'."),)
        return Solution(truth, prompt, task, answer, steps, (f"Where does the induction head at position {n - 1} "
                                                             "attend, and what does it predict?",),
                        option(target), distractors, [target, tokens[target]], None,
                        [["position attended", "number"], ["token predicted", "text"]])
