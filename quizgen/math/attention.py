"""The attention arithmetic every family shares: one-hot blocks, selectors, scores, softmax.

Conventions (FAMILIES.md): row = target = query token j, column = source = key token i,
``S[j, i] = Q_j · K_i``; softmax runs over each row.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from quizgen.math.graphs import Dag

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
            parts.append(dag.adjacency())
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


def attention_forward(x: np.ndarray, w_q: np.ndarray, w_k: np.ndarray, w_v: np.ndarray,
                      scale: float) -> dict[str, np.ndarray]:
    """One head, row convention: Q = X·W_Q, ..., scores = scale·Q·Kᵀ, A = softmax by row, Z = A·V."""
    q, k, v = x @ w_q, x @ w_k, x @ w_v
    s = scale * scores(q, k)
    a = softmax(s)
    return {"Q": q, "K": k, "V": v, "scores": s, "A": a, "Z": a @ v}


def frobenius(m: np.ndarray) -> float:
    return float(np.sqrt((np.asarray(m, dtype=float) ** 2).sum()))


def composition_score(left: np.ndarray, right: np.ndarray) -> float:
    """‖L·R‖_F / (‖L‖_F·‖R‖_F): how much of what R writes, L reads (0 to 1)."""
    return frobenius(left @ right) / (frobenius(left) * frobenius(right))


def selector(reads: list[int], width: int) -> np.ndarray:
    """W_V that copies residual dims ``reads`` into value dims 0..k-1 (k × width)."""
    out = np.zeros((len(reads), width))
    for k, dim in enumerate(reads):
        out[k, dim] = 1.0
    return out


def unit_terms(matrix: np.ndarray) -> list[tuple[int, int, float]]:
    """The non-zero entries (row, col, value) of a matrix, read as a sum of e_row·e_colᵀ terms."""
    rows, cols = np.nonzero(np.abs(matrix) > 1e-12)
    return list(zip(rows.tolist(), cols.tolist(), matrix[rows, cols].tolist()))
