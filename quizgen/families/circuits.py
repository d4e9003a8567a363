"""circuits.qk_ov, circuits.virtual_head, circuits.composition: a head as two matrices (seeds 002, 003)."""

from __future__ import annotations

from typing import Any

import numpy as np

from quizgen.model import mistakes
from quizgen.math.attention import composition_score, frobenius, selector, unit_terms
from quizgen.model.content import Display, Frac, Inline, Word, mat, num, para, seq, step, sym, table
from quizgen.model.family import Family, Redraw
from quizgen.model.problem import Distractor, Solution

RESIDUAL = 16
HEAD = 4


def rank(m: np.ndarray) -> int:
    return int(np.linalg.matrix_rank(m))


class CircuitsQKOV(Family):
    """Collapse a head's four matrices into the QK and OV circuits, in either vector convention."""

    id = "circuits.qk_ov"
    version = 1
    title = "QK and OV circuits"
    tags = ("topic::circuits", "seed::002", "seed::003")
    levels = {
        "easy": "column vectors, d_model = 3: the QK matrix W_Qᵀ·W_K",
        "medium": "row vectors, where the OV matrix is W_V·W_O (the transpose of the column form)",
        "hard": "d_model = 4, d_head = 2: the rank of the QK matrix, bounded by d_head",
    }
    input_keys = ("W_Q", "W_K", "W_V", "W_O", "convention")
    truth_keys = ("QK", "OV", "rank_QK", "rank_OV")

    def draw(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        d_model, d_head = (3, 2) if difficulty != "hard" else (4, 2)
        convention = "row" if difficulty == "medium" else "column"
        w_q, w_k, w_v = (rng.integers(-1, 3, size=(d_head, d_model)) for _ in range(3))
        w_o = rng.integers(-1, 3, size=(d_model, d_head))
        if difficulty == "hard" and rng.random() < 0.4:
            w_q[1] = w_q[0] * int(rng.choice([-1, 2]))  # a rank-1 query map: the bound is not reached
        if min(rank(w_q.T @ w_k), rank(w_o @ w_v)) == 0:
            raise Redraw("a zero circuit")
        if convention == "row":
            w_q, w_k, w_v, w_o = w_q.T, w_k.T, w_v.T, w_o.T
        return {"W_Q": w_q.tolist(), "W_K": w_k.tolist(), "W_V": w_v.tolist(), "W_O": w_o.tolist(),
                "convention": convention, "ask": {"easy": "QK", "medium": "OV", "hard": "rank"}[difficulty]}

    def solve(self, inputs: dict[str, Any]) -> Solution:
        w_q, w_k, w_v, w_o = (np.array(inputs[k], dtype=float) for k in ("W_Q", "W_K", "W_V", "W_O"))
        column = inputs["convention"] == "column"
        qk = w_q.T @ w_k if column else w_q @ w_k.T
        ov = w_o @ w_v if column else w_v @ w_o
        d_model = qk.shape[0]
        d_head = w_q.shape[0] if column else w_q.shape[1]
        truth = {"QK": qk.tolist(), "OV": ov.tolist(), "rank_QK": rank(qk), "rank_OV": rank(ov)}

        rule = ("Column vectors: q = W_Q·x, k = W_K·x, v = W_V·x, and the head writes W_O·v." if column else
                "Row vectors: q = x·W_Q, k = x·W_K, v = x·W_V, and the head writes v·W_O.")
        prompt = (
            para(f"A head with d_model = {d_model} and d_head = {d_head}. {rule}"),
            Display(seq(sym("W", "Q"), "=", mat(w_q), ",", sym("W", "K"), "=", mat(w_k))),
            Display(seq(sym("W", "V"), "=", mat(w_v), ",", sym("W", "O"), "=", mat(w_o))),
        )
        task = (para("Write the QK matrix (the score of destination x_j and source x_i is x_jᵀ·QK·x_i) and the OV "
                     "matrix (what a source x_i adds to the output), and give their ranks. Which two matrices "
                     "decide where the head attends?"),)
        qk_formula = "W_Qᵀ·W_K" if column else "W_Q·W_Kᵀ"
        ov_formula = "W_O·W_V" if column else "W_V·W_O"
        ask = inputs["ask"]
        if ask == "QK":
            question, choice = "What is the QK matrix?", (mat(qk),)
            distractors = (
                Distractor((mat(w_q @ w_k.T if column else w_q.T @ w_k),), mistakes.QK_WRONG_PRODUCT),
                Distractor((mat(qk.T),), mistakes.QK_SIDES_SWAPPED),
                Distractor((mat(w_q.T @ w_v if column else w_q @ w_v.T),), mistakes.PATTERN_FROM_VALUES),
            )
        elif ask == "OV":
            question, choice = "What is the OV matrix in this (row) convention?", (mat(ov),)
            distractors = (
                Distractor((mat(ov.T),), mistakes.OV_NOT_TRANSPOSED),
                Distractor((mat(w_o @ w_v if not column else w_v @ w_o),), mistakes.OV_WRONG_ORDER),
                Distractor((mat(qk),), mistakes.QK_FOR_OV),
            )
        else:
            question, choice = "What is the rank of the QK matrix?", (str(rank(qk)),)
            distractors = (
                Distractor((str(d_model),), mistakes.RANK_D_MODEL),
                Distractor((str(d_head),), mistakes.RANK_BOUND_REACHED),
                Distractor((str(min(d_model, rank(w_q) + rank(w_k))),), mistakes.RANK_ADDS),
            )
        steps = (
            step(f"QK = {qk_formula}: both sides of the score in one d_model × d_model matrix.",
                 Display(seq(Word("QK"), "=", mat(qk)))),
            step(f"OV = {ov_formula}" + ("" if column else " (the transpose of the column form W_O·W_V)") + ".",
                 Display(seq(Word("OV"), "=", mat(ov)))),
            step("Ranks: a product is no wider than its narrowest factor, so both are at most d_head.",
                 para(f"rank QK = {rank(qk)}, rank OV = {rank(ov)}, d_head = {d_head}, d_model = {d_model}.")),
            step("Where the head attends depends only on W_Q and W_K (the QK circuit); W_V and W_O decide "
                 "what it moves.", para("The pattern is softmax(x_jᵀ·QK·x_i) over sources i.")),
        )
        answer = (Display(seq(Word("QK"), "=", mat(qk), ",", Word("OV"), "=", mat(ov))),
                  para(f"rank QK = {rank(qk)}, rank OV = {rank(ov)} (both ≤ d_head = {d_head})."))
        return Solution(truth, prompt, task, answer, steps, (question,), choice, distractors)


def virtual_inputs(reads1: list[int], writes1: list[int], reads2: list[int], writes2: list[int]) -> dict[str, Any]:
    """Both heads as the dims they read and write, and as their W_V (4 × 16) and W_O (16 × 4)."""
    return {
        "reads1": reads1, "writes1": writes1, "reads2": reads2, "writes2": writes2,
        "W_V1": selector(reads1, RESIDUAL).astype(int).tolist(),
        "W_O1": selector(writes1, RESIDUAL).T.astype(int).tolist(),
        "W_V2": selector(reads2, RESIDUAL).astype(int).tolist(),
        "W_O2": selector(writes2, RESIDUAL).T.astype(int).tolist(),
    }


def terms(matrix: np.ndarray) -> tuple[Inline, ...]:
    """A 0/1 matrix as a sum of e_row·e_colᵀ terms ("0" when it is zero)."""
    found = unit_terms(matrix)
    if not found:
        return (num(0),)
    pieces: list[Any] = []
    for k, (r, c, value) in enumerate(found):
        if k:
            pieces.append("+")
        if value != 1:
            pieces.append(num(value))
        pieces += [sym("e", r), sym("e", c, "T")]
    return (seq(*pieces),)


class VirtualHead(Family):
    """Compose two previous-token heads into a virtual head that looks two tokens back."""

    id = "circuits.virtual_head"
    version = 1
    title = "Virtual attention head"
    tags = ("topic::circuits", "seed::003")
    levels = {
        "easy": "head 1 copies dims 0-3 to 8-11; head 2 reads one of them",
        "medium": "random blocks of the 16-dim residual stream",
        "hard": "head 2 reads two dims written by head 1: a rank-2 two-token copy",
    }
    input_keys = ("W_V1", "W_O1", "W_V2", "W_O2")
    truth_keys = ("W_net1", "W_net2", "two_token", "one_token")
    cases = {"seed003": ("easy", virtual_inputs([0, 1, 2, 3], [8, 9, 10, 11], [4, 5, 6, 8], [12, 13, 14, 15]))}

    def draw(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        if difficulty == "easy":
            reads1, writes1, writes2, free = [0, 1, 2, 3], [8, 9, 10, 11], [12, 13, 14, 15], [4, 5, 6, 7]
        else:
            dims = rng.permutation(RESIDUAL).tolist()
            reads1, writes1, writes2, free = (sorted(dims[k:k + HEAD]) for k in range(0, RESIDUAL, HEAD))
        from_head1 = 2 if difficulty == "hard" else 1
        reads2 = (rng.choice(free, size=HEAD - from_head1, replace=False).tolist()
                  + rng.choice(writes1, size=from_head1, replace=False).tolist())
        if difficulty != "easy":
            reads2 = rng.permutation(reads2).tolist()
        return virtual_inputs(reads1, writes1, [int(d) for d in reads2], writes2)

    def solve(self, inputs: dict[str, Any]) -> Solution:
        reads1, writes1, reads2, writes2 = (inputs[k] for k in ("reads1", "writes1", "reads2", "writes2"))
        w_v1, w_o1, w_v2, w_o2 = (np.array(inputs[k], dtype=float) for k in ("W_V1", "W_O1", "W_V2", "W_O2"))
        net1, net2 = w_o1 @ w_v1, w_o2 @ w_v2
        two, one = net2 @ net1, net2 + net1
        truth = {"W_net1": net1.tolist(), "W_net2": net2.tolist(), "two_token": two.tolist(), "one_token": one.tolist()}

        prompt = (
            para("Two previous-token heads on a 16-dim residual stream with 4-dim values (column vectors). "
                 "W_V reads residual dims into value dims 0-3 in order; W_O writes value dims 0-3 to residual dims."),
            table(["head", "W_V reads", "W_O writes"],
                  [["1 (layer 1)", str(reads1), str(writes1)], ["2 (layer 2)", str(reads2), str(writes2)]]),
        )
        task = (para("Expand W_net1 = W_O1·W_V1 and W_net2 = W_O2·W_V2 as sums of e_a·e_bᵀ terms, then the "
                     "two-token copy W_net2·W_net1 and the one-token copy W_net2 + W_net1. Which dims arrive "
                     "from two tokens back?"),)
        back = [(r, c) for r, c, _ in unit_terms(two)]
        skipped = np.zeros_like(two)
        for r, c, _ in unit_terms(net2):
            if c in writes1:
                skipped[r, c] = 1.0
        distractors = (
            Distractor(terms(net1 @ net2), mistakes.NET_WRONG_ORDER),
            Distractor(terms(skipped), mistakes.SKIPS_FIRST_HEAD),
            Distractor(terms(one), mistakes.ONE_TOKEN_FOR_TWO),
        )
        steps = (
            step("The value matrices: row k of W_V has its 1 in the column of the k-th dim read (W_O is the "
                 "same shape transposed, for the dims written).",
                 Display(seq(sym("W", "V", "1"), "=", mat(w_v1))), Display(seq(sym("W", "V", "2"), "=", mat(w_v2)))),
            step("Head 1: each value dim k carries the k-th dim read and is written to the k-th dim written.",
                 Display(seq(sym("W", "net1"), "=", *terms(net1)))),
            step("Head 2 likewise.", Display(seq(sym("W", "net2"), "=", *terms(net2)))),
            step("Two-token copy: chain head 1 then head 2; only dims head 2 reads from head 1's output survive.",
                 Display(seq(sym("W", "net2"), sym("W", "net1"), "=", *terms(two)))),
            step("One-token copy: each head alone.", Display(seq(sym("W", "net2"), "+", sym("W", "net1"),
                                                                 "=", *terms(one)))),
            step("Read it off.", para(", ".join(f"residual dim {c} of the token two back arrives in dim {r}"
                                               for r, c in back) + ".")),
        )
        answer = (Display(seq(sym("W", "net2"), sym("W", "net1"), "=", *terms(two))),
                  para(f"Rank {len(back)}: " + ", ".join(f"dim {c} → dim {r}" for r, c in back) + "."))
        return Solution(truth, prompt, task, answer, steps, ("What is the two-token copy W_net2·W_net1?",),
                        terms(two), distractors)


COMPOSITION_KIND = {"W_Q": "Q", "W_K": "K", "W_V": "V"}


class Composition(Family):
    """Say which kind of composition links two heads and score it: ‖L·R‖_F / (‖L‖_F·‖R‖_F)."""

    id = "circuits.composition"
    version = 1
    title = "Composition of heads"
    tags = ("topic::circuits", "seed::002", "seed::003")
    levels = {
        "easy": "d_model = 3, a one-dimensional head: vectors",
        "medium": "d_model = 3, d_head = 2",
        "hard": "d_model = 4, d_head = 2, head 1 may write where head 2 barely reads",
    }
    input_keys = ("left", "right", "reads_via")
    truth_keys = ("kind", "score")

    def draw(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        d_model, d_head = {"easy": (3, 1), "medium": (3, 2), "hard": (4, 2)}[difficulty]
        left = rng.integers(-1, 3, size=(d_head, d_model))
        right = rng.integers(-1, 3, size=(d_model, d_head))
        if difficulty == "hard" and rng.random() < 0.4:
            right[:, :] = 0
            right[rng.choice(d_model, size=d_head, replace=False), np.arange(d_head)] = 1
        if frobenius(left) == 0 or frobenius(right) == 0:
            raise Redraw("a zero matrix has no composition score")
        return {"left": left.tolist(), "right": right.tolist(), "reads_via": str(rng.choice(list(COMPOSITION_KIND)))}

    def solve(self, inputs: dict[str, Any]) -> Solution:
        left, right = np.array(inputs["left"], dtype=float), np.array(inputs["right"], dtype=float)
        via = inputs["reads_via"]
        score = composition_score(left, right)
        kind = COMPOSITION_KIND[via]
        truth = {"kind": kind, "score": score}
        prompt = (
            para(f"Head 1 (layer 1) writes to the residual stream with W_O¹ = R. Head 2 (layer 2) reads that "
                 f"stream through its {via}², here L (column vectors: L·x)."),
            Display(seq(sym("L"), "=", mat(left), ",", sym("R"), "=", mat(right))),
        )
        task = (para("Which kind of composition is this (Q, K or V)? Compute the composition score "
                     "‖L·R‖_F / (‖L‖_F·‖R‖_F) (3 decimals)."),)
        lr = left @ right
        distractors = (
            Distractor((num(frobenius(left) * frobenius(right) / frobenius(lr)) if frobenius(lr) else Word("undefined"),),
                       mistakes.INVERTED_RATIO),
            Distractor((num(frobenius(lr)),), mistakes.UNNORMALISED),
            Distractor((num(composition_score(right, left)),), mistakes.WRONG_ORDER_PRODUCT),
        )
        steps = (
            step(f"Head 2 reads head 1's output through {via}: {kind}-composition.",
                 para({"Q": "It shapes head 2's queries.", "K": "It shapes head 2's keys (as induction heads do).",
                       "V": "It shapes what head 2 moves (a virtual head)."}[kind])),
            step("The product: what head 1 writes, as head 2 reads it.", Display(seq(sym("L"), sym("R"), "=", mat(lr)))),
            step("Frobenius norms (square root of the sum of squares).",
                 para(f"‖LR‖_F = {frobenius(lr):.3f}, ‖L‖_F = {frobenius(left):.3f}, ‖R‖_F = {frobenius(right):.3f}.")),
            step("Normalise.", Display(seq(Frac(Word("‖LR‖"), seq(Word("‖L‖"), Word("‖R‖"))), "approx", num(score)))),
        )
        answer = (para(f"{kind}-composition; score ≈ {score:.3f} (0 = head 2 ignores head 1's output, 1 = the "
                       "largest possible overlap)."),)
        return Solution(truth, prompt, task, answer, steps, ("What is the composition score?",), (num(score),),
                        distractors)
