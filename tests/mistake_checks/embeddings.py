"""graph.embeddings: each mistake's row for the asked vertex, rebuilt with loops over the edge list."""

from __future__ import annotations

from typing import Any


def focus_of(inputs: dict[str, Any]) -> int:
    """The vertex the question asks about: most children, the earliest slot on a tie."""
    slots, edges = inputs["slots"], inputs["edges"]
    counts = [sum(1 for a, _ in edges if a == v) for v in slots]
    return slots[counts.index(max(counts))]


def row(inputs: dict[str, Any], vertex: int, slots: list[int], frontier: list[int], identity_first: bool = True) -> list[int]:
    """identity one-hot over ``slots`` ⊕ multi-hot of ``frontier`` over ``slots`` (⊕ position one-hot)."""
    identity = [1 if s == vertex else 0 for s in slots]
    hot = [1 if s in frontier else 0 for s in slots]
    out = identity + hot if identity_first else hot + identity
    positions = inputs.get("positions")
    if positions:
        width = max(positions.values()) + 1
        out += [1 if p == positions[str(vertex)] else 0 for p in range(width)]
    return out


def descendants(vertex: int, edges: list[list[int]]) -> set[int]:
    found: set[int] = set()
    todo = [b for a, b in edges if a == vertex]
    while todo:
        w = todo.pop()
        if w not in found:
            found.add(w)
            todo += [b for a, b in edges if a == w]
    return found


def reachable(inputs):
    v = focus_of(inputs)
    return row(inputs, v, inputs["slots"], sorted(descendants(v, inputs["edges"])))


def parents(inputs):
    v = focus_of(inputs)
    return row(inputs, v, inputs["slots"], [a for a, b in inputs["edges"] if b == v])


def swapped(inputs):
    v = focus_of(inputs)
    return row(inputs, v, inputs["slots"], [b for a, b in inputs["edges"] if a == v], identity_first=False)


def by_id(inputs):
    v = focus_of(inputs)
    return row(inputs, v, sorted(inputs["slots"]), [b for a, b in inputs["edges"] if a == v])


def with_self(inputs):
    v = focus_of(inputs)
    return row(inputs, v, inputs["slots"], [v] + [b for a, b in inputs["edges"] if a == v])


CHECKS = {
    ("graph.embeddings", "frontier-as-reachable"): reachable,
    ("graph.embeddings", "frontier-as-parents"): parents,
    ("graph.embeddings", "blocks-swapped"): swapped,
    ("graph.embeddings", "slots-by-id"): by_id,
    ("graph.embeddings", "self-in-frontier"): with_self,
}
