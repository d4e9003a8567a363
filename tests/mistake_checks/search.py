"""search.tokens's mistakes, recomputed from the edge list with plain loops."""

from __future__ import annotations

FAMILY = "search.tokens"


def children(edges, v):
    return sorted(b for a, b in edges if a == v)


def reachable(edges, v):
    seen, stack = set(), children(edges, v)
    while stack:
        w = stack.pop()
        if w not in seen:
            seen.add(w)
            stack += children(edges, w)
    return sorted(seen)


CHECKS = {
    (FAMILY, "all-children-useful"): lambda inp: children(inp["edges"], inp["start"]),
    (FAMILY, "goal-parents"): lambda inp: sorted(a for a, b in inp["edges"] if b == inp["goal"]),
    (FAMILY, "all-reachable"): lambda inp: reachable(inp["edges"], inp["start"]),
}
