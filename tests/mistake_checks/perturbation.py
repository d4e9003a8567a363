"""perturb.source_target's mistakes, recomputed from the inputs with plain loops.

Each check rebuilds the vectors it needs from ``embeddings``, ``W_Q`` and ``W_K`` (or, for
the backwards frontier, from the edge list) and returns [baseline, source-perturbed,
target-perturbed, source dependency, target dependency].
"""

from __future__ import annotations

import math

FAMILY = "perturb.source_target"


def dot(a, b):
    return sum(x * y for x, y in zip(a, b))


def apply(w, x):
    return [dot(row, x) for row in w]


def vectors(inp, emb=None):
    """The query and key of the cell, and their perturbed versions, built by hand."""
    slots = inp["slots"]
    emb = emb if emb is not None else inp["embeddings"]
    n = len(slots) + 1
    j, i = slots.index(inp["target"]), slots.index(inp["source"])
    e_j, e_i = list(emb[j]), list(emb[i])
    renamed = list(e_i)
    renamed[i], renamed[n - 1] = 0, 1  # identity moves to the fresh slot, the last one
    cut = list(e_j)
    cut[n + slots.index(inp["zeroed_frontier"])] = 0
    return (apply(inp["W_Q"], e_j), apply(inp["W_K"], e_i), apply(inp["W_K"], renamed), apply(inp["W_Q"], cut))


def verdict(b, s, t, threshold):
    return [b, s, t, b - s > threshold, b - t > threshold]


def width_threshold(inp):
    return math.sqrt(len(inp["embeddings"][0])) / 10


def scores(inp, emb=None):
    q, k, k_renamed, q_cut = vectors(inp, emb)
    return dot(q, k), dot(q, k_renamed), dot(q_cut, k), dot(q_cut, k_renamed)


def wrong_side(inp):  # the untouched side is recomputed: nothing changes
    b = scores(inp)[0]
    return verdict(b, b, b, width_threshold(inp))


def key_only(inp):  # the target perturbation is ignored
    b, s, _, _ = scores(inp)
    return verdict(b, s, b, width_threshold(inp))


def fresh_id_matches(inp):  # the source perturbation is ignored
    b, _, t, _ = scores(inp)
    return verdict(b, b, t, width_threshold(inp))


def both_at_once(inp):
    b, _, _, both = scores(inp)
    return verdict(b, both, both, width_threshold(inp))


def any_drop(inp):
    b, s, t, _ = scores(inp)
    return verdict(b, s, t, 0)


def slots_as_d(inp):
    b, s, t, _ = scores(inp)
    return verdict(b, s, t, math.sqrt(len(inp["slots"]) + 1) / 10)


def unweighted(inp):
    w = inp["q_weight"]
    b, s, t, _ = scores(inp)
    return verdict(b / w, s / w, t / w, width_threshold(inp))


def parents_frontier(inp):
    """Embeddings rebuilt with each frontier holding the vertex's parents."""
    slots = inp["slots"]
    n = len(slots) + 1
    emb = []
    for k, v in enumerate(slots):
        row = [0] * (2 * n)
        row[k] = 1
        for a, b in inp["edges"]:
            if b == v:
                row[n + slots.index(a)] = 1
        emb.append(row)
    b, s, t, _ = scores(inp, emb)
    return verdict(b, s, t, width_threshold(inp))


CHECKS = {
    (FAMILY, "wrong-side-recomputed"): wrong_side,
    (FAMILY, "key-only"): key_only,
    (FAMILY, "fresh-id-matches"): fresh_id_matches,
    (FAMILY, "both-sides-at-once"): both_at_once,
    (FAMILY, "any-drop-counts"): any_drop,
    (FAMILY, "d-from-slots"): slots_as_d,
    (FAMILY, "ignores-query-weight"): unweighted,
    (FAMILY, "frontier-as-parents"): parents_frontier,
}


def transposed(inp):
    """The cell read as (Q_i, K_j), with the perturbations applied to the same vertices."""
    slots, n = inp["slots"], len(inp["slots"]) + 1
    j, i = slots.index(inp["target"]), slots.index(inp["source"])
    e_j, e_i = list(inp["embeddings"][j]), list(inp["embeddings"][i])
    renamed = list(e_i)
    renamed[i], renamed[n - 1] = 0, 1
    cut = list(e_j)
    cut[n + slots.index(inp["zeroed_frontier"])] = 0
    k_j = apply(inp["W_K"], e_j)
    b = dot(apply(inp["W_Q"], e_i), k_j)
    return verdict(b, dot(apply(inp["W_Q"], renamed), k_j), dot(apply(inp["W_Q"], e_i), apply(inp["W_K"], cut)),
                   width_threshold(inp))


CHECKS[(FAMILY, "rows-columns-swapped")] = transposed
