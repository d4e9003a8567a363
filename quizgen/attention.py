"""The attention arithmetic every family shares: one-hot blocks, selectors, scores, softmax.

Conventions (FAMILIES.md): row = target = query token j, column = source = key token i,
``S[j, i] = Q_j · K_i``; softmax runs over each row.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from quizgen.graphs import Dag

BLOCKS = ("identity", "frontier", "position")


def softmax(scores: np.ndarray, axis: int = -1) -> np.ndarray:
    """Softmax along ``axis`` (rows by default), shifted by the maximum for stability."""
    z = np.asarray(scores, dtype=float)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def embeddings(dag: Dag, blocks: Sequence[str], positions: dict[int, int] | None = None) -> np.ndarray:
    """One row per vertex in slot order: the requested blocks concatenated.

    identity = one-hot of the vertex's slot; frontier = multi-hot of its children's
    slots (the frontier at layer 1); position = one-hot of its position in 0..max.
    """
    n = len(dag.vertices)
    parts = []
    for name in blocks:
        if name == "identity":
            parts.append(np.eye(n))
        elif name == "frontier":
            frontier = np.zeros((n, n))
            for v in dag.vertices:
                for w in dag.children(v):
                    frontier[dag.slot(v), dag.slot(w)] = 1.0
            parts.append(frontier)
        elif name == "position":
            if positions is None:
                raise ValueError("a position block needs positions")
            width = max(positions.values()) + 1
            block = np.zeros((n, width))
            for v in dag.vertices:
                block[dag.slot(v), positions[v]] = 1.0
            parts.append(block)
        else:
            raise ValueError(f"unknown block {name!r}; choose from {', '.join(BLOCKS)}")
    return np.hstack(parts)


def block_selector(widths: Sequence[int], pick: int) -> np.ndarray:
    """The matrix ``[0 | I | 0]`` that copies block ``pick`` out of a concatenation of
    blocks of the given widths (column convention: selector · emb)."""
    start = sum(widths[:pick])
    out = np.zeros((widths[pick], sum(widths)))
    out[:, start:start + widths[pick]] = np.eye(widths[pick])
    return out


def project(weights: np.ndarray, x: np.ndarray, convention: str) -> np.ndarray:
    """Queries/keys/values for every token (one row each) under a vector convention.

    column: ``Q_j = W · x_j`` (W is d_out × d_in); row: ``Q = X · W`` (W is d_in × d_out).
    """
    if convention == "column":
        return x @ weights.T
    if convention == "row":
        return x @ weights
    raise ValueError(f"unknown convention {convention!r}; choose column or row")


def scores(queries: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """``S[j, i] = Q_j · K_i`` for target rows j and source columns i."""
    return queries @ keys.T


def attended(weights_row: np.ndarray, tol: float = 1e-9) -> int | None:
    """Index of the single largest weight, or None when two or more tie for the top."""
    top = np.flatnonzero(weights_row >= weights_row.max() - tol)
    return int(top[0]) if len(top) == 1 else None
