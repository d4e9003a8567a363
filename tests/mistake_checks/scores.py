"""qk.scores and qk.softmax: each mistake recomputed from its explanation with loops and math.exp."""

from __future__ import annotations

import math
from typing import Any


# ---------------------------------------------------------------- qk.scores: who attends to whom
def children(v, edges):
    return [b for a, b in edges if a == v]


def in_slot_order(inputs, chosen) -> list[int]:
    return [s for s in inputs["slots"] if s in chosen]


def parents_reading(inputs: dict[str, Any]) -> dict[str, list[int]]:
    """Reading the transpose: target j's 'row' is column j, the vertices whose frontier holds j."""
    return {str(v): in_slot_order(inputs, {a for a, b in inputs["edges"] if b == v}) for v in inputs["slots"]}


def self_reading(inputs):
    """Q built from the identity block: Q_v = K_v, so each row peaks on the vertex itself."""
    return {str(v): [v] for v in inputs["slots"]}


def everyone_on_zero(inputs):
    """A zero row (a sink) read as attending to every token; other rows are the children."""
    return {str(v): in_slot_order(inputs, children(v, inputs["edges"])) or list(inputs["slots"])
            for v in inputs["slots"]}


def reachable_reading(inputs):
    """Frontier = every vertex reachable by one or more edges."""
    out = {}
    for v in inputs["slots"]:
        seen, todo = set(), children(v, inputs["edges"])
        while todo:
            w = todo.pop()
            if w not in seen:
                seen.add(w)
                todo += children(w, inputs["edges"])
        out[str(v)] = in_slot_order(inputs, seen)
    return out


# ---------------------------------------------------------------- qk.softmax: weights
def plain_softmax(logits: list[float]) -> list[float]:
    top = max(logits)
    exps = [math.exp(z - top) for z in logits]
    return [e / sum(exps) for e in exps]


def scaled(inputs) -> float:
    return 1.0 if inputs["d_k"] is None else 1 / math.sqrt(inputs["d_k"])


def no_magnitude(inputs):
    return plain_softmax([s * scaled(inputs) for s in inputs["scores"]])


def no_scale(inputs):
    return plain_softmax([s * inputs["magnitude"] for s in inputs["scores"]])


def times_root_dk(inputs):
    return plain_softmax([s * inputs["magnitude"] * math.sqrt(inputs["d_k"]) for s in inputs["scores"]])


def split_over_top(inputs):
    s = inputs["scores"]
    k = s.count(max(s))
    return [1 / k if x == max(s) else 0.0 for x in s]


def asked(inputs, weights):
    """The whole row, or, where one source's weight is asked (an all-zero row), that weight."""
    source = inputs.get("source")
    return weights if source is None else weights[source]


def all_on_first_top(inputs):
    s = inputs["scores"]
    first = s.index(max(s))
    return asked(inputs, [1.0 if i == first else 0.0 for i in range(len(s))])


def over_row_sum(inputs):
    s = inputs["scores"]
    assert sum(s) > 0 and min(s) >= 0, "linear normalisation offered where it is not defined"
    return [x / sum(s) for x in s]


def nobody(inputs):
    assert not any(inputs["scores"]), "zero-row-stays-zero offered for a row that is not all zeros"
    return asked(inputs, [0.0] * len(inputs["scores"]))


def exponentials_only(inputs):
    """e^(logit) per source, never divided by the sum."""
    return asked(inputs, [math.exp(s * inputs["magnitude"] * scaled(inputs)) for s in inputs["scores"]])


def even(inputs):
    return [1 / len(inputs["scores"])] * len(inputs["scores"])


CHECKS = {
    ("qk.scores", "rows-columns-swapped"): parents_reading,
    ("qk.scores", "query-from-identity"): self_reading,
    ("qk.scores", "zero-row-attends-all"): everyone_on_zero,
    ("qk.scores", "frontier-as-reachable"): reachable_reading,
    ("qk.softmax", "forgot-magnitude"): no_magnitude,
    ("qk.softmax", "forgot-scale"): no_scale,
    ("qk.softmax", "scale-inverted"): times_root_dk,
    ("qk.softmax", "hard-argmax"): split_over_top,
    ("qk.softmax", "first-of-ties"): all_on_first_top,
    ("qk.softmax", "linear-normalisation"): over_row_sum,
    ("qk.softmax", "zero-row-stays-zero"): nobody,
    ("qk.softmax", "uniform-weights"): even,
    ("qk.softmax", "forgot-normalisation"): exponentials_only,
}
