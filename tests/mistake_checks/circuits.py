"""Independent recomputations of the mistakes of circuits.qk_ov, circuits.virtual_head and
circuits.composition, written from each mistake's explanation with plain loops."""

from __future__ import annotations

import math
from typing import Any

from test_truth_mechanics import exact_rank  # Gaussian elimination over the rationals


def matmul(a: list[list[float]], b: list[list[float]]) -> list[list[float]]:
    return [[sum(a[i][k] * b[k][j] for k in range(len(b))) for j in range(len(b[0]))] for i in range(len(a))]


def transpose(a: list[list[float]]) -> list[list[float]]:
    return [list(col) for col in zip(*a)]


def column(inputs: dict[str, Any]) -> bool:
    return inputs["convention"] == "column"


def qk(inputs: dict[str, Any]) -> list[list[float]]:
    """The right QK: the score x_jᵀ·QK·x_i (column) or x_j·QK·x_iᵀ (row)."""
    q, k = inputs["W_Q"], inputs["W_K"]
    return matmul(transpose(q), k) if column(inputs) else matmul(q, transpose(k))


def ov(inputs: dict[str, Any]) -> list[list[float]]:
    v, o = inputs["W_V"], inputs["W_O"]
    return matmul(o, v) if column(inputs) else matmul(v, o)


def dims(inputs: dict[str, Any]) -> tuple[int, int]:
    """(d_model, d_head) from W_Q's shape and the convention."""
    rows, cols = len(inputs["W_Q"]), len(inputs["W_Q"][0])
    return (cols, rows) if column(inputs) else (rows, cols)


def unit_matrix(pairs: list[tuple[int, int]], size: int = 16) -> list[list[float]]:
    """Σ e_row·e_colᵀ over the pairs."""
    out = [[0.0] * size for _ in range(size)]
    for r, c in pairs:
        out[r][c] += 1.0
    return out


def net(reads: list[int], writes: list[int]) -> list[list[float]]:
    """W_O·W_V of a head that copies reads[k] to writes[k]."""
    return unit_matrix(list(zip(writes, reads)))


def norm(m: list[list[float]]) -> float:
    return math.sqrt(sum(v * v for row in m for v in row))


def score(left: list[list[float]], right: list[list[float]]) -> float:
    return norm(matmul(left, right)) / (norm(left) * norm(right))


KINDS = {"W_Q": "Q", "W_K": "K", "W_V": "V"}


def strongest(inputs: dict[str, Any]) -> str:
    head2 = inputs["head2"]
    return max(head2, key=lambda via: score(head2[via], inputs["right"]))


def largest_raw(inputs: dict[str, Any]) -> list[Any]:
    head2, right = inputs["head2"], inputs["right"]
    via = max(head2, key=lambda k: norm(matmul(head2[k], right)))
    return [KINDS[via], score(head2[via], right)]


def backwards(inputs: dict[str, Any]) -> list[Any]:
    via = strongest(inputs)
    left, right = inputs["head2"][via], inputs["right"]
    return [KINDS[via], norm(matmul(right, left)) / (norm(left) * norm(right))]


def squared(inputs: dict[str, Any]) -> list[Any]:
    via = strongest(inputs)
    left, right = inputs["head2"][via], inputs["right"]
    sum_squares = lambda m: sum(v * v for row in m for v in row)  # noqa: E731
    return [KINDS[via], sum_squares(matmul(left, right)) / (sum_squares(left) * sum_squares(right))]


def absolute_values(inputs: dict[str, Any]) -> list[Any]:
    via = strongest(inputs)
    left, right = inputs["head2"][via], inputs["right"]
    sum_abs = lambda m: sum(abs(v) for row in m for v in row)  # noqa: E731
    return [KINDS[via], sum_abs(matmul(left, right)) / (sum_abs(left) * sum_abs(right))]


CHECKS = {
    ("circuits.qk_ov", "qk-sides-swapped"): lambda i: transpose(qk(i)),
    ("circuits.qk_ov", "pattern-from-values"): lambda i: (
        matmul(transpose(i["W_Q"]), i["W_V"]) if column(i) else matmul(i["W_Q"], transpose(i["W_V"]))),
    ("circuits.qk_ov", "ov-not-transposed"): lambda i: transpose(ov(i)),
    ("circuits.qk_ov", "ov-from-keys"): lambda i: (
        matmul(i["W_O"], i["W_K"]) if column(i) else matmul(i["W_K"], i["W_O"])),
    ("circuits.qk_ov", "qk-for-ov"): qk,
    ("circuits.qk_ov", "ov-for-qk"): ov,
    ("circuits.qk_ov", "ranks-swapped"): lambda i: [exact_rank(ov(i)), exact_rank(qk(i))],
    ("circuits.qk_ov", "dependencies-counted"): lambda i: [
        dims(i)[1] - exact_rank(qk(i)), dims(i)[1] - exact_rank(ov(i))],
    ("circuits.qk_ov", "rank-wrong-products"): lambda i: [
        exact_rank(matmul(i["W_Q"], transpose(i["W_K"])) if column(i) else matmul(transpose(i["W_Q"]), i["W_K"])),
        exact_rank(matmul(i["W_V"], i["W_O"]) if column(i) else matmul(i["W_O"], i["W_V"]))],
    ("circuits.qk_ov", "rank-one-factor"): lambda i: [exact_rank(i["W_Q"]), exact_rank(i["W_V"])],
    ("circuits.virtual_head", "net-wrong-order"): lambda i: matmul(
        net(i["reads1"], i["writes1"]), net(i["reads2"], i["writes2"])),
    ("circuits.virtual_head", "skips-first-head"): lambda i: unit_matrix(
        [(w, r) for r, w in zip(i["reads2"], i["writes2"]) if r in i["writes1"]]),
    ("circuits.virtual_head", "one-token-for-two"): lambda i: [
        [a + b for a, b in zip(r1, r2)] for r1, r2 in zip(net(i["reads1"], i["writes1"]),
                                                         net(i["reads2"], i["writes2"]))],
    ("circuits.composition", "largest-raw-product"): largest_raw,
    ("circuits.composition", "wrong-order-product"): backwards,
    ("circuits.composition", "squared-norms"): squared,
    ("circuits.composition", "absolute-value-norms"): absolute_values,
}
