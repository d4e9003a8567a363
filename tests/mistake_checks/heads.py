"""Independent recomputations of the mistakes of circuits.rotation and circuits.induction,
written from each mistake's explanation: 2-D vectors rotated by hand, softmax by loops."""

from __future__ import annotations

import math
from typing import Any


def turn(vector: tuple[float, float], angle: float) -> tuple[float, float]:
    """Rotate a 2-D vector by ``angle`` radians (counter-clockwise)."""
    x, y = vector
    return (math.cos(angle) * x - math.sin(angle) * y, math.sin(angle) * x + math.cos(angle) * y)


def pair(inputs: dict[str, Any], m: int, lam: float | None = None) -> tuple[float, float]:
    """The position pair λ·(cos αm, sin αm)."""
    a = inputs["alpha"]
    lam = inputs["lam"] if lam is None else lam
    return (lam * math.cos(a * m), lam * math.sin(a * m))


def dot(u: tuple[float, float], v: tuple[float, float]) -> float:
    return u[0] * v[0] + u[1] * v[1]


def softmax(row: list[float]) -> list[float]:
    top = max(row)
    e = [math.exp(v - top) for v in row]
    return [v / sum(e) for v in e]


def scores(inputs: dict[str, Any], query_turn: float, key_turn: float = 0.0, lam: float | None = None) -> list[float]:
    """q·k_m with the query pair turned by query_turn·α and each key pair by key_turn·α."""
    a, n = inputs["alpha"], inputs["query_position"]
    q = turn(pair(inputs, n, lam), query_turn * a)
    return [dot(q, turn(pair(inputs, m, lam), key_turn * a)) for m in inputs["positions"]]


def as_asked(inputs: dict[str, Any], row: list[float], magnitude: bool = True) -> Any:
    """What the level asks for, from a score row: the peak position (easy), every weight in
    percent (medium), the previous position's weight in percent (hard)."""
    c = inputs["magnitude"] if magnitude else 1.0
    weights = softmax([c * v for v in row])
    ask = inputs["ask"]
    if ask == "easy":
        return max(range(len(weights)), key=weights.__getitem__)
    if ask == "medium":
        return [100 * w for w in weights]
    return 100 * weights[inputs["query_position"] - 1]


def lambda_once(inputs: dict[str, Any]) -> list[float]:
    """Scores scaled by λ instead of λ²: the unit pairs' dot product times λ."""
    return [inputs["lam"] * v for v in scores(inputs, -1.0, lam=1.0)]


def earlier_copy(tokens: list[str]) -> int:
    return next(i for i in range(len(tokens) - 1) if tokens[i] == tokens[-1])


def at(tokens: list[str], position: int) -> list[Any]:
    return [position, tokens[position]]


CHECKS = {
    ("circuits.rotation", "rotate-wrong-way"): lambda i: as_asked(i, scores(i, +1.0)),
    ("circuits.rotation", "no-rotation"): lambda i: as_asked(i, scores(i, 0.0)),
    ("circuits.rotation", "double-rotation"): lambda i: as_asked(i, scores(i, -1.0, key_turn=+1.0)),
    ("circuits.rotation", "forgot-lambda-squared"): lambda i: as_asked(i, lambda_once(i)),
    ("circuits.rotation", "forgot-magnitude"): lambda i: as_asked(i, scores(i, -1.0), magnitude=False),
    ("circuits.induction", "attends-to-match"): lambda i: at(i["tokens"], earlier_copy(i["tokens"])),
    ("circuits.induction", "previous-token-only"): lambda i: at(i["tokens"], len(i["tokens"]) - 2),
    ("circuits.induction", "previous-not-next"): lambda i: at(i["tokens"], earlier_copy(i["tokens"]) - 1),
}
