"""circuits.qk_ov, circuits.virtual_head, circuits.composition: a head as two matrices (seeds 002, 003)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from quizgen.model import mistakes
from quizgen.math.attention import composition_score, frobenius, selector, unit_terms
from quizgen.model.content import Display, Inline, Num, Word, fixed, mat, num, para, seq, step, sym, table
from quizgen.model.family import Family, Redraw
from quizgen.model.problem import Distractor, Mistake, Solution

RESIDUAL = 16
HEAD = 4


def rank(m: np.ndarray) -> int:
    return int(np.linalg.matrix_rank(m))


# The hard level: d_model = 5, d_head = 3, and the rank of each circuit drawn. Both full is
# possible too, so that no wrong pair is a tell; it is drawn more often than the other pairs
# because it has only one wrong pair that always differs (the dependencies counted, [0, 0]) and
# is redrawn unless a second one does.
HARD_MODEL, HARD_HEAD = 5, 3
RANK_PAIRS = [(a, b) for a in (1, 2, 3) for b in (1, 2, 3)] + [(3, 3)] * 8


def pattern_from_values(w_q: np.ndarray, w_v: np.ndarray, column: bool) -> np.ndarray:
    """Mistake: pairs the queries with W_V, as if the values decided the pattern."""
    return w_q.T @ w_v if column else w_q @ w_v.T


def qk_sides_swapped(qk: np.ndarray) -> np.ndarray:
    """Mistake: swaps the query and key sides, the transpose of QK."""
    return qk.T


def qk_for_ov(qk: np.ndarray) -> np.ndarray:
    """Mistake: gives the QK circuit when the OV circuit is asked for."""
    return qk


def ov_for_qk(ov: np.ndarray) -> np.ndarray:
    """Mistake: gives the OV circuit when the QK circuit is asked for."""
    return ov


def ov_other_convention(ov: np.ndarray) -> np.ndarray:
    """Mistake: keeps the OV matrix of the other vector convention (its transpose)."""
    return ov.T


def ov_from_keys(w_k: np.ndarray, w_o: np.ndarray, column: bool) -> np.ndarray:
    """Mistake: pairs W_O with W_K instead of W_V (keys for values), as if the head moved
    what the keys read: W_O·W_K in column vectors, W_K·W_O in row vectors."""
    return w_o @ w_k if column else w_k @ w_o


def ranks_swapped(rank_qk: int, rank_ov: int) -> list[int]:
    """Mistake: swaps the two circuits, giving OV's rank for QK and QK's for OV."""
    return [rank_ov, rank_qk]


def dependencies_counted(rank_qk: int, rank_ov: int, d_head: int) -> list[int]:
    """Mistake: counts each circuit's dependent head dims (d_head − rank, the dependencies
    written out) instead of its independent ones."""
    return [d_head - rank_qk, d_head - rank_ov]


def ranks_of_one_factor(w_q: np.ndarray, w_v: np.ndarray) -> list[int]:
    """Mistake: reads each circuit's rank off one factor only (W_Q for QK, W_V for OV)."""
    return [rank(w_q), rank(w_v)]


def ranks_of_wrong_products(w_q: np.ndarray, w_k: np.ndarray, w_v: np.ndarray, w_o: np.ndarray,
                            column: bool) -> list[int]:
    """Mistake: multiplies each circuit's factors the wrong way round, over d_model (W_Q·W_Kᵀ
    and W_V·W_O in column vectors), and gives the ranks of those d_head × d_head matrices.
    They can fall below the true ranks, never above d_head, so unlike the matrices themselves
    (whose size gives them away) these ranks are possible answers."""
    qk_inner = w_q @ w_k.T if column else w_q.T @ w_k
    ov_inner = w_v @ w_o if column else w_o @ w_v
    return [rank(qk_inner), rank(ov_inner)]


def low_rank_factor(rng: np.random.Generator, target: int, count: int, width: int) -> np.ndarray:
    """``count`` integer vectors of length ``width`` spanning exactly ``target`` dimensions:
    ``target`` independent ones, the rest small integer combinations of them, in random order."""
    base = rng.integers(-1, 3, size=(target, width))
    if rank(base) < target:
        raise Redraw("the base vectors are dependent")
    extra = []
    for _ in range(count - target):
        coefficients = rng.choice([-1, 0, 1, 2], size=target)
        if not coefficients.any():
            coefficients[int(rng.integers(target))] = 1
        extra.append(coefficients @ base)
    vectors = np.vstack([base, *extra]) if extra else base
    return vectors[rng.permutation(count)]


def draw_hard_circuit(rng: np.random.Generator, target: int) -> tuple[np.ndarray, np.ndarray]:
    """Two head-side factors (d_head vectors of width d_model each) whose product has rank
    ``target``: one is full rank, the other (either one) spans ``target`` dimensions."""
    full = rng.integers(-1, 3, size=(HARD_HEAD, HARD_MODEL))
    if rank(full) < HARD_HEAD:
        raise Redraw("the full-rank factor is not full rank")
    low = low_rank_factor(rng, target, HARD_HEAD, HARD_MODEL)
    return (low, full) if rng.random() < 0.5 else (full, low)


def dependencies(vectors: np.ndarray, label: str) -> list[str]:
    """Why a set of head-dim vectors has the rank it has: each vector that is a combination
    of earlier independent ones, written out (e.g. "row 2 = 2·row 0 − row 1")."""
    basis: list[int] = []
    said = []
    for k, v in enumerate(vectors):
        if rank(vectors[basis + [k]]) > len(basis):
            basis.append(k)
            continue
        if not v.any():
            said.append(f"{label} {k} = 0")
            continue
        coefficients, *_ = np.linalg.lstsq(vectors[basis].T.astype(float), v.astype(float), rcond=None)
        terms_ = []
        for c, b in zip(coefficients, basis):
            c = Fraction(float(c)).limit_denominator(12)
            if c == 0:
                continue
            size = "" if abs(c) == 1 else f"{abs(c)}·"
            sign = ("−" if c < 0 else "") if not terms_ else (" − " if c < 0 else " + ")
            terms_.append(f"{sign}{size}{label} {b}")
        said.append(f"{label} {k} = {''.join(terms_)}")
    return said


class CircuitsQKOV(Family):
    """Collapse a head's four matrices into the QK and OV circuits, in either vector convention."""

    id = "circuits.qk_ov"
    version = 2
    title = "QK and OV circuits"
    tags = ("topic::circuits", "seed::002", "seed::003")
    levels = {
        "easy": "column vectors, d_model = 3: the QK matrix W_Qᵀ·W_K",
        "medium": "row vectors, where the OV matrix is W_V·W_O (the transpose of the column form)",
        "hard": "d_model = 5, d_head = 3: the ranks of QK and OV (at most d_head, not always reached), found "
                "from which factor is rank-deficient",
    }
    input_keys = ("W_Q", "W_K", "W_V", "W_O", "convention")
    truth_keys = ("QK", "OV", "rank_QK", "rank_OV")

    def draw(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        if difficulty == "hard":
            rank_qk, rank_ov = RANK_PAIRS[int(rng.integers(len(RANK_PAIRS)))]
            w_q, w_k = draw_hard_circuit(rng, rank_qk)
            w_v, w_o_columns = draw_hard_circuit(rng, rank_ov)
            w_o = w_o_columns.T  # W_O's columns are its head dims
            convention = "column"
        else:
            d_model, d_head = 3, 2
            convention = "row" if difficulty == "medium" else "column"
            w_q, w_k, w_v = (rng.integers(-1, 3, size=(d_head, d_model)) for _ in range(3))
            w_o = rng.integers(-1, 3, size=(d_model, d_head))
        if min(rank(w_q.T @ w_k), rank(w_o @ w_v)) == 0:
            raise Redraw("a zero circuit")
        if convention == "row":
            w_q, w_k, w_v, w_o = w_q.T, w_k.T, w_v.T, w_o.T
        return {"W_Q": w_q.tolist(), "W_K": w_k.tolist(), "W_V": w_v.tolist(), "W_O": w_o.tolist(),
                "convention": convention, "ask": {"easy": "QK", "medium": "OV", "hard": "rank"}[difficulty]}

    def case(self, inputs: dict[str, Any], truth: dict[str, Any]) -> str:
        """A symmetric QK reads the same with query and key swapped (that distractor drops out)."""
        qk = np.array(truth["QK"])
        return "symmetric-qk" if inputs["ask"] == "QK" and (qk == qk.T).all() else "typical"

    def solve(self, inputs: dict[str, Any]) -> Solution:
        w_q, w_k, w_v, w_o = (np.array(inputs[k], dtype=float) for k in ("W_Q", "W_K", "W_V", "W_O"))
        column = inputs["convention"] == "column"
        qk = w_q.T @ w_k if column else w_q @ w_k.T
        ov = w_o @ w_v if column else w_v @ w_o
        d_model = qk.shape[0]
        d_head = w_q.shape[0] if column else w_q.shape[1]
        rank_qk, rank_ov = rank(qk), rank(ov)
        truth = {"QK": qk.tolist(), "OV": ov.tolist(), "rank_QK": rank_qk, "rank_OV": rank_ov}

        rule = ("Column vectors: q = W_Q·x, k = W_K·x, v = W_V·x, and the head writes W_O·v." if column else
                "Row vectors: q = x·W_Q, k = x·W_K, v = x·W_V, and the head writes v·W_O.")
        score_form = "x_jᵀ·QK·x_i" if column else "x_j·QK·x_iᵀ"
        moved_form = "OV·x_i" if column else "x_i·OV"
        prompt = (
            para(f"A head with d_model = {d_model} and d_head = {d_head}. {rule}"),
            Display(seq(sym("W", "Q"), "=", mat(w_q), ",", sym("W", "K"), "=", mat(w_k))),
            Display(seq(sym("W", "V"), "=", mat(w_v), ",", sym("W", "O"), "=", mat(w_o))),
        )
        task = (para(f"Write the QK matrix (the score of destination x_j and source x_i is {score_form}) and the "
                     f"OV matrix (a source x_i adds {moved_form} to the output), and give their ranks. Which two "
                     "matrices decide where the head attends?"),)
        qk_formula = "W_Qᵀ·W_K" if column else "W_Q·W_Kᵀ"
        ov_formula = "W_O·W_V" if column else "W_V·W_O"
        ask = inputs["ask"]
        decimals = None
        if ask == "QK":
            question, choice, value = "What is the QK matrix?", (mat(qk),), qk.tolist()
            # every wrong option is d_model × d_model like QK, so none is struck out by its size
            wrong = ((qk_sides_swapped(qk), mistakes.QK_SIDES_SWAPPED),
                     (pattern_from_values(w_q, w_v, column), mistakes.PATTERN_FROM_VALUES),
                     (ov_for_qk(ov), mistakes.OV_FOR_QK))
            distractors = tuple(Distractor((mat(m),), mistake, m.tolist()) for m, mistake in wrong)
        elif ask == "OV":
            question, value = f"What is the OV matrix in this ({inputs['convention']}) convention?", ov.tolist()
            choice = (mat(ov),)
            wrong = ((ov_other_convention(ov), mistakes.OV_NOT_TRANSPOSED),
                     (ov_from_keys(w_k, w_o, column), mistakes.OV_FROM_KEYS),
                     (qk_for_ov(qk), mistakes.QK_FOR_OV))
            distractors = tuple(Distractor((mat(m),), mistake, m.tolist()) for m, mistake in wrong)
        else:
            question, value = "What are the ranks of the QK and the OV matrix?", [rank_qk, rank_ov]

            def ranks_option(pair: list[int]) -> tuple[str]:
                return (f"rank QK = {pair[0]}, rank OV = {pair[1]}",)

            choice = ranks_option(value)
            # every wrong pair is a possible one (each rank at most d_head), none the same in most problems
            wrong_ranks = ((ranks_of_one_factor(w_q, w_v), mistakes.RANK_ONE_FACTOR),
                           (ranks_of_wrong_products(w_q, w_k, w_v, w_o, column), mistakes.RANK_WRONG_PRODUCTS),
                           (ranks_swapped(rank_qk, rank_ov), mistakes.RANKS_SWAPPED),
                           (dependencies_counted(rank_qk, rank_ov, d_head), mistakes.DEPENDENCIES_COUNTED))
            distractors = tuple(Distractor(ranks_option(pair), mistake, pair) for pair, mistake in wrong_ranks)
        steps = (
            step(f"QK = {qk_formula}: both sides of the score in one d_model × d_model matrix.",
                 Display(seq(Word("QK"), "=", mat(qk)))),
            step(f"OV = {ov_formula}" + ("" if column else " (the transpose of the column form W_O·W_V)") + ".",
                 Display(seq(Word("OV"), "=", mat(ov)))),
            self.rank_step(w_q, w_k, w_v, w_o, column, d_head, d_model, rank_qk, rank_ov),
            step("Where the head attends depends only on W_Q and W_K (the QK circuit); W_V and W_O decide "
                 "what it moves.", para(f"The pattern is softmax({score_form}) over sources i.")),
        )
        answer = (Display(seq(Word("QK"), "=", mat(qk), ",", Word("OV"), "=", mat(ov))),
                  para(f"rank QK = {rank_qk}, rank OV = {rank_ov} (both ≤ d_head = {d_head}). "
                       "W_Q and W_K decide where the head attends; W_V and W_O decide what it moves."))
        entry = [["rank of QK", "number"], ["rank of OV", "number"]] if ask == "rank" else None
        return Solution(truth, prompt, task, answer, steps, (question,), choice, distractors, value, decimals, entry)

    @staticmethod
    def rank_step(w_q: np.ndarray, w_k: np.ndarray, w_v: np.ndarray, w_o: np.ndarray, column: bool,
                  d_head: int, d_model: int, rank_qk: int, rank_ov: int) -> Any:
        """The ranks, and why a circuit falls short of d_head: the factor whose head-dim
        vectors are dependent, with the dependencies written out."""
        # head-dim vectors: rows of W_Q, W_K, W_V and columns of W_O in the column convention
        heads = {"W_Q": w_q, "W_K": w_k, "W_V": w_v, "W_O": w_o.T} if column else \
            {"W_Q": w_q.T, "W_K": w_k.T, "W_V": w_v.T, "W_O": w_o}
        part = {"W_Q": "row", "W_K": "row", "W_V": "row", "W_O": "column"} if column else \
            {"W_Q": "column", "W_K": "column", "W_V": "column", "W_O": "row"}
        why = []
        for circuit, pair, r in (("QK", ("W_Q", "W_K"), rank_qk), ("OV", ("W_V", "W_O"), rank_ov)):
            if r == d_head:
                continue
            for name in pair:
                said = dependencies(heads[name], part[name])
                if said:
                    other = pair[1] if name == pair[0] else pair[0]
                    why.append(f"rank {circuit} = {r} < d_head = {d_head} by construction: {name} has rank "
                               f"{rank(heads[name])}, since {'; '.join(said)}. {other} has rank "
                               f"{rank(heads[other])}, and {circuit} is no wider than its narrowest factor.")
                    break
            else:
                why.append(f"rank {circuit} = {r} < d_head although both factors have full rank: what one factor "
                           "writes, the other partly cancels.")
        return step("Ranks: a product is no wider than its narrowest factor, so both are at most d_head "
                    "(a trap: the bound is not always reached).",
                    para(f"rank QK = {rank_qk}, rank OV = {rank_ov}, d_head = {d_head}, d_model = {d_model}."),
                    *(para(w) for w in why))


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


def heads_in_wrong_order(net1: np.ndarray, net2: np.ndarray) -> np.ndarray:
    """Mistake: W_net1·W_net2, as if head 2 acted before head 1."""
    return net1 @ net2


def one_token_copy(net1: np.ndarray, net2: np.ndarray) -> np.ndarray:
    """Mistake: gives the one-token copy W_net2 + W_net1 when the two-token copy is asked for."""
    return net2 + net1


def stops_at_head1_output(net2: np.ndarray, writes1: list[int]) -> np.ndarray:
    """Mistake: keeps head 2's terms that read a dim head 1 wrote, but does not trace that
    dim back to the dim head 1 read (the chain stops halfway)."""
    out = np.zeros_like(net2)
    for r, c, value in unit_terms(net2):
        if c in writes1:
            out[r, c] = value
    return out


WRITES_WHERE_HEAD1_READS = 2 / 3  # share of problems where head 2 may write into dims head 1 reads


class VirtualHead(Family):
    """Compose two previous-token heads into a virtual head that looks two tokens back."""

    id = "circuits.virtual_head"
    version = 2
    title = "Virtual attention head"
    tags = ("topic::circuits", "seed::003")
    levels = {
        "easy": "whole 4-dim blocks (e.g. head 1 copies dims 0-3 to 8-11); head 2 reads one dim head 1 wrote "
                "and may write into the block head 1 reads",
        "medium": "random blocks of the 16-dim residual stream",
        "hard": "head 2 reads two dims written by head 1: a rank-2 two-token copy",
    }
    input_keys = ("W_V1", "W_O1", "W_V2", "W_O2")
    truth_keys = ("W_net1", "W_net2", "two_token", "one_token")
    cases = {"seed003": ("easy", virtual_inputs([0, 1, 2, 3], [8, 9, 10, 11], [4, 5, 6, 8], [12, 13, 14, 15]))}

    def draw(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        # Head 2 reads dims head 1 left alone (and one or two head 1 wrote); it writes either dims
        # nobody touched or, in most problems, dims head 1 read: the notes leave its output free,
        # and then the heads taken in the wrong order (W_net1·W_net2) chain too instead of giving 0.
        if difficulty == "easy":  # whole blocks 0-3, 4-7, 8-11, 12-15, in a random order of roles
            blocks = [list(range(start, start + HEAD)) for start in range(0, RESIDUAL, HEAD)]
            reads1, writes1, free, spare = (blocks[k] for k in rng.permutation(len(blocks)))
            writes2 = reads1 if rng.random() < WRITES_WHERE_HEAD1_READS else spare
            writes2 = rng.permutation(writes2).tolist()  # head 2 writes its value dims in any order
        else:
            dims = rng.permutation(RESIDUAL).tolist()
            reads1, writes1, free, spare = (sorted(dims[k:k + HEAD]) for k in range(0, RESIDUAL, HEAD))
            writes2 = reads1 + spare if rng.random() < WRITES_WHERE_HEAD1_READS else spare
            writes2 = sorted(int(d) for d in rng.choice(writes2, size=HEAD, replace=False))
        from_head1 = 2 if difficulty == "hard" else 1
        reads2 = (rng.choice(free, size=HEAD - from_head1, replace=False).tolist()
                  + rng.choice(writes1, size=from_head1, replace=False).tolist())
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
        wrong = ((heads_in_wrong_order(net1, net2), mistakes.NET_WRONG_ORDER),
                 (stops_at_head1_output(net2, writes1), mistakes.SKIPS_FIRST_HEAD),
                 (one_token_copy(net1, net2), mistakes.ONE_TOKEN_FOR_TWO))
        distractors = tuple(Distractor(terms(m), mistake, m.tolist()) for m, mistake in wrong)
        # each sum of terms is shown in a step and again in the answer: written out once
        net1_terms, net2_terms, two_terms, one_terms = (terms(m) for m in (net1, net2, two, one))
        arrivals = ", ".join(f"residual dim {c} of the token two back arrives in dim {r}" for r, c in back)
        steps = (
            step("The value matrices: row k of W_V has its 1 in the column of the k-th dim read (W_O is the "
                 "same shape transposed, for the dims written).",
                 Display(seq(sym("W", "V", "1"), "=", mat(w_v1))), Display(seq(sym("W", "V", "2"), "=", mat(w_v2)))),
            step("Head 1: each value dim k carries the k-th dim read and is written to the k-th dim written.",
                 Display(seq(sym("W", "net1"), "=", *net1_terms))),
            step("Head 2 likewise.", Display(seq(sym("W", "net2"), "=", *net2_terms))),
            step("Two-token copy: chain head 1 then head 2; only dims head 2 reads from head 1's output survive.",
                 Display(seq(sym("W", "net2"), sym("W", "net1"), "=", *two_terms))),
            step("One-token copy: each head alone.", Display(seq(sym("W", "net2"), "+", sym("W", "net1"),
                                                                 "=", *one_terms))),
            step("Read it off.", para(arrivals + ".")),
        )
        answer = (Display(seq(sym("W", "net1"), "=", *net1_terms)),
                  Display(seq(sym("W", "net2"), "=", *net2_terms)),
                  para("Two-token copy:"), Display(seq(sym("W", "net2"), sym("W", "net1"), "=", *two_terms)),
                  para("One-token copy:"), Display(seq(sym("W", "net2"), "+", sym("W", "net1"), "=", *one_terms)),
                  para(f"The two-token copy has rank {len(back)}: {arrivals}."))
        return Solution(truth, prompt, task, answer, steps, ("What is the two-token copy W_net2·W_net1?",),
                        two_terms, distractors, two.tolist(), None)


COMPOSITION_KIND = {"W_Q": "Q", "W_K": "K", "W_V": "V"}
COMPOSITION_MARGIN = 0.05  # the strongest composition must stand out by this much
TRAP_REDRAWN = 0.5  # share of draws with the raw-product trap that are redrawn (case mix)
COMPOSITION_MEANING = {
    "Q": "Head 1's output shapes head 2's queries: what head 2 looks for.",
    "K": "Head 1's output shapes head 2's keys: what each token offers to be found by (as in an induction head, "
         "whose keys carry the previous token that a previous-token head wrote there).",
    "V": "Head 1's output shapes what head 2 moves: together they form a virtual head.",
}


def composition_scores(head2: dict[str, np.ndarray], right: np.ndarray) -> dict[str, float]:
    """Composition score of head 1's W_O (``right``) with each of head 2's matrices."""
    return {via: composition_score(m, right) for via, m in head2.items()}


def backwards_product(left: np.ndarray, right: np.ndarray) -> float:
    """Mistake: ‖R·L‖_F / (‖R‖_F·‖L‖_F), head 1 reading head 2, backwards in time."""
    return composition_score(right, left)


def squared_norms(left: np.ndarray, right: np.ndarray) -> float:
    """Mistake: ‖L·R‖_F² / (‖L‖_F²·‖R‖_F²), sums of squares without the square roots."""
    return float(((left @ right) ** 2).sum() / ((left ** 2).sum() * (right ** 2).sum()))


def sums_of_absolute_values(left: np.ndarray, right: np.ndarray) -> float:
    """Mistake: takes each norm as the sum of absolute entries (‖·‖₁) instead of the square
    root of the sum of squares. Still at most 1, since |Σ_k W_ik·R_kj| ≤ Σ_k |W_ik|·|R_kj|."""
    return float(np.abs(left @ right).sum() / (np.abs(left).sum() * np.abs(right).sum()))


def largest_raw_products(head2: dict[str, np.ndarray], right: np.ndarray) -> list[str]:
    """The matrices of head 2 with the largest unnormalised ‖W·R‖_F, in head 2's order
    (more than one when they tie)."""
    norms = {via: frobenius(m @ right) for via, m in head2.items()}
    top = max(norms.values())
    return [via for via, n in norms.items() if n == top]


def largest_raw_product(head2: dict[str, np.ndarray], right: np.ndarray) -> str:
    """Mistake: picks the matrix of head 2 with the largest unnormalised ‖W·R‖_F, which
    grows with the size of W, instead of the largest composition score (of a tie, the
    first in head 2's order)."""
    return largest_raw_products(head2, right)[0]


def raw_product_mistake(raw_largest: list[str]) -> Mistake:
    """The raw-product mistake, its explanation naming a tie for the largest ‖W·R‖_F when
    there is one (the option takes the first of the tied matrices)."""
    if len(raw_largest) == 1:
        return mistakes.LARGEST_RAW_PRODUCT
    tied = " and ".join(f"{v}²" for v in raw_largest)
    return Mistake(mistakes.LARGEST_RAW_PRODUCT.name,
                   f"{mistakes.LARGEST_RAW_PRODUCT.explanation} ({tied} tie for the largest raw product here; "
                   f"this option takes {raw_largest[0]}²)")


class Composition(Family):
    """Find which of head 2's matrices reads head 1's output: the kind of composition and its score."""

    id = "circuits.composition"
    version = 2
    title = "Composition of heads"
    tags = ("topic::circuits", "seed::002", "seed::003")
    levels = {
        "easy": "d_model = 3, one-dimensional heads: the scores are |cosines|",
        "medium": "d_model = 3, d_head = 2",
        "hard": "d_model = 4, d_head = 2, head 1 may write straight into two residual dims",
    }
    input_keys = ("left", "right", "reads_via")
    truth_keys = ("kind", "score")

    def draw(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        d_model, d_head = {"easy": (3, 1), "medium": (3, 2), "hard": (4, 2)}[difficulty]
        right = rng.integers(-1, 3, size=(d_model, d_head))
        if difficulty == "hard" and rng.random() < 0.4:
            right[:, :] = 0
            right[rng.choice(d_model, size=d_head, replace=False), np.arange(d_head)] = 1
        head2 = {via: rng.integers(-1, 3, size=(d_head, d_model)) for via in COMPOSITION_KIND}
        if frobenius(right) == 0 or any(frobenius(m) == 0 for m in head2.values()):
            raise Redraw("a zero matrix has no composition score")
        scores = composition_scores(head2, right)
        ranked = sorted(scores, key=scores.get, reverse=True)
        if scores[ranked[0]] - scores[ranked[1]] < COMPOSITION_MARGIN:
            raise Redraw("no composition stands out")
        via = ranked[0]
        if largest_raw_product(head2, right) != via and rng.random() < TRAP_REDRAWN:
            raise Redraw("keep the raw-product trap to a minority of the problems")
        return {"left": head2[via].tolist(), "right": right.tolist(), "reads_via": via,
                "head2": {k: m.tolist() for k, m in head2.items()}}

    def case(self, inputs: dict[str, Any], truth: dict[str, Any]) -> str:
        """The trap: the largest raw product ‖W·R‖_F points at another matrix of head 2."""
        head2 = {k: np.array(m, dtype=float) for k, m in inputs["head2"].items()}
        trapped = inputs["reads_via"] not in largest_raw_products(head2, np.array(inputs["right"], dtype=float))
        return "raw-product-misleads" if trapped else "typical"

    def solve(self, inputs: dict[str, Any]) -> Solution:
        head2 = {k: np.array(m, dtype=float) for k, m in inputs["head2"].items()}
        right = np.array(inputs["right"], dtype=float)
        scores = composition_scores(head2, right)
        via = max(scores, key=scores.get)
        left = head2[via]
        score = scores[via]
        kind = COMPOSITION_KIND[via]
        truth = {"kind": kind, "score": score, "scores": {COMPOSITION_KIND[k]: v for k, v in scores.items()}}
        prompt = (
            para("Head 1 (layer 1) writes to the residual stream with W_O¹ = R. Head 2 (layer 2) reads the stream "
                 "through its three matrices (column vectors: W·x). The composition score of a matrix W of head 2 "
                 "with head 1 is ‖W·R‖_F / (‖W‖_F·‖R‖_F)."),
            Display(seq(sym("R"), "=", mat(right))),
            Display(seq(sym("W", "Q", "2"), "=", mat(head2["W_Q"]), ",", sym("W", "K", "2"), "=", mat(head2["W_K"]),
                        ",", sym("W", "V", "2"), "=", mat(head2["W_V"]))),
        )
        task = (para("Compute the Q-, K- and V-composition scores (3 decimals). Which kind of composition links "
                     "the two heads most strongly, and what does it mean for head 2?"),)

        def option(kind_: str, value_: float) -> tuple[str]:
            return (f"{kind_}-composition, score {fixed(value_)}",)

        raw_largest = largest_raw_products(head2, right)
        raw_via = raw_largest[0]  # the matrix the raw-product mistake picks (of a tie, the first)
        # With one-dimensional heads R·W is an outer product, whose norm is ‖R‖_F·‖W‖_F: the
        # backwards score would be 1.000 in every problem, a constant tell, so offer another mistake.
        one_dimensional = right.shape[1] == 1
        third = ((kind, sums_of_absolute_values(left, right), mistakes.ABSOLUTE_VALUE_NORMS) if one_dimensional
                 else (kind, backwards_product(left, right), mistakes.WRONG_ORDER_PRODUCT))
        wrong = ((COMPOSITION_KIND[raw_via], scores[raw_via], raw_product_mistake(raw_largest)),
                 third,
                 (kind, squared_norms(left, right), mistakes.SQUARED_NORMS))
        distractors = tuple(Distractor(option(k, v), mistake, [k, v]) for k, v, mistake in wrong)
        rows = []
        for k, m in head2.items():
            product = m @ right
            # every row with its 3 decimals, also a row of zeros (a matrix that reads nothing)
            rows.append([f"{COMPOSITION_KIND[k]} ({k}²)", *(Num(v, 3, fixed=True) for v in
                                                             (frobenius(product), frobenius(m), scores[k]))])
        steps = (
            step("For each matrix W of head 2, the product W·R: what head 1 writes, as W reads it.",
                 *(Display(seq(sym("W", k[-1], "2"), "cdot", sym("R"), "=", mat(m @ right)))
                   for k, m in head2.items())),
            step(f"Frobenius norms (square root of the sum of squares); ‖R‖_F = {fixed(frobenius(right))}. "
                 "Divide.",
                 table(["composition", "‖W·R‖_F", "‖W‖_F", "score"], rows)),
            step(f"The largest score is through {via}²: {kind}-composition.",
                 para(COMPOSITION_MEANING[kind])),
            # the trap only when no matrix tied for the largest raw product is the answer
            *((step("A trap: the largest raw product is not the largest score.",
                    para(f"‖W·R‖_F is largest through {' and '.join(f'{v}²' for v in raw_largest)}, but "
                         f"{'that matrix is' if len(raw_largest) == 1 else 'those matrices are'} larger overall; "
                         "only the normalised score compares how much of what head 1 writes each matrix reads.")),)
              if via not in raw_largest else ()),
        )
        answer = (para(f"{kind}-composition, score {fixed(score)} (Q: {fixed(scores['W_Q'])}, "
                       f"K: {fixed(scores['W_K'])}, V: {fixed(scores['W_V'])}; 0 = head 2 ignores head 1's output, "
                       "1 = the largest possible overlap)."),
                  para(COMPOSITION_MEANING[kind]))
        return Solution(truth, prompt, task, answer, steps,
                        ("Which composition is strongest, and what is its score?",), option(kind, score),
                        distractors, [kind, score], 3, [["the kind (Q, K or V)", "text"], ["its score", "number"]])
