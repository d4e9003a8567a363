"""attention.shapes, attention.forward and attention.sharp: each mistake recomputed from its
explanation with loops, math.exp and plain arithmetic."""

from __future__ import annotations

import math
from typing import Any


# ---------------------------------------------------------------- attention.shapes
def shapes_check(name):
    def check(i: dict[str, Any]):
        n, d_model, d_k, h = i["n"], i["d_model"], i["d_k"], i["heads"]
        return {
            "output-model-width": [n, d_model],          # Z given d_model columns
            "z-as-pattern": [n, n],                       # Z read as A
            "transposed-shape": [d_k, n],                 # Z = n × d_k written columns × rows
            "full-width-heads": 3 * h * d_model * d_model,  # every head d_model wide
            "one-matrix-only": h * d_model * d_k,         # only W_Q counted
            "scores-as-queries": h * n * d_k,             # entries of Q instead of Q·Kᵀ
            "linear-in-n": h * n,                         # one entry per token
            "one-head-only": 3 * d_model * d_k if i["ask"] == "parameters" else n * n,
        }[name]
    return check


# ---------------------------------------------------------------- attention.forward
def matmul(a, b):
    return [[sum(a[r][k] * b[k][c] for k in range(len(b))) for c in range(len(b[0]))] for r in range(len(a))]


def row_softmax(row):
    top = max(row)
    exps = [math.exp(v - top) for v in row]
    return [e / sum(exps) for e in exps]


def raw_scores(i):
    q, k = matmul(i["X"], i["W_Q"]), matmul(i["X"], i["W_K"])
    return [[sum(a * b for a, b in zip(q[j], k[m])) for m in range(len(k))] for j in range(len(q))]


def against_values(i):
    q, v = matmul(i["X"], i["W_Q"]), matmul(i["X"], i["W_V"])
    return row_softmax([i["scale"] * sum(a * b for a, b in zip(q[0], v[m])) for m in range(len(v))])


def forward_unscaled(i):
    return row_softmax(raw_scores(i)[0])


def forward_times_root(i):
    return row_softmax([v * math.sqrt(i["d_k"]) for v in raw_scores(i)[0]])


def forward_transposed(i):
    s = raw_scores(i)
    return row_softmax([s[j][0] * i["scale"] for j in range(len(s))])  # row t0 of (scale·S)ᵀ


def forward_argmax(i):
    row = raw_scores(i)[0]
    k = row.count(max(row))
    return [1 / k if v == max(row) else 0.0 for v in row]


# ---------------------------------------------------------------- attention.sharp
def sharp_check(name):
    """Each mistake's value for the asked quantity: percent on the target, percent leaked to
    each other token, or the smallest whole strength c."""
    def check(i):
        n, c, d, p = i["n"], i["strength"], i["d_k"], i["wanted"]
        if name == "forgot-scale":
            z, others, bound = c, n - 1, (math.log(p * (n - 1) / (1 - p)) if p else None)
        elif name == "scale-by-dk":
            z, others, bound = c / d, n - 1, (d * math.log(p * (n - 1) / (1 - p)) if p else None)
        elif name == "leak-over-n":
            z, others, bound = c / math.sqrt(d), n, (math.sqrt(d) * math.log(p * n / (1 - p)) if p else None)
        elif name == "rounds-down":
            return math.floor(math.sqrt(d) * math.log(p * (n - 1) / (1 - p)))
        elif name == "one-other-token":  # the sum e^z + 1: a single zero logit
            z, others, bound = c / math.sqrt(d), 1, (math.sqrt(d) * math.log(p / (1 - p)) if p else None)
        else:  # total-leak: all n - 1 leaks added up
            z = c / math.sqrt(d)
            return 100 * sum(1 / (math.exp(z) + n - 1) for _ in range(n - 1))
        ask = i.get("ask", "target")
        if ask == "strength":
            return math.ceil(bound)
        total = math.exp(z) + others
        return 100 * (math.exp(z) if ask == "target" else 1.0) / total
    return check


CHECKS = {
    **{("attention.shapes", m): shapes_check(m) for m in (
        "output-model-width", "z-as-pattern", "transposed-shape", "one-head-only", "full-width-heads",
        "one-matrix-only", "scores-as-queries", "linear-in-n")},
    ("attention.forward", "values-as-keys"): against_values,
    ("attention.forward", "forgot-scale"): forward_unscaled,
    ("attention.forward", "scale-inverted"): forward_times_root,
    ("attention.forward", "rows-columns-swapped"): forward_transposed,
    ("attention.forward", "hard-argmax"): forward_argmax,
    **{("attention.sharp", m): sharp_check(m) for m in (
        "forgot-scale", "scale-by-dk", "leak-over-n", "rounds-down", "one-other-token", "total-leak")},
}
