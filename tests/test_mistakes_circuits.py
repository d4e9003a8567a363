"""Hand-worked examples of every mistake of circuits.qk_ov, circuits.virtual_head and
circuits.composition, and checks that each explanation is true of what its option computes."""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pytest

from quizgen.families import FAMILIES
from quizgen.families.circuits import backwards_product, virtual_inputs
from quizgen.model.family import fair_options, make_problem
from quizgen.model.problem import Problem, Solution
from quizgen.render import text


def solve(family_id: str, inputs: dict) -> Solution:
    return fair_options(FAMILIES[family_id].solve(inputs))


def wrong_values(solution: Solution) -> dict[str, object]:
    return {d.mistake.name: d.value for d in solution.distractors}


def units(*terms: tuple[int, int]) -> list[list[float]]:
    out = np.zeros((16, 16))
    for r, c in terms:
        out[r, c] = 1.0
    return out.tolist()


COLUMN_HEAD = {"W_Q": [[1, 0, 0], [0, 1, 0]], "W_K": [[0, 1, 0], [0, 0, 1]], "W_V": [[1, 1, 0], [0, 0, 1]],
               "W_O": [[0, 0], [1, 0], [0, 1]], "convention": "column", "ask": "QK"}
ROW_HEAD = {"W_Q": [[1, 0], [0, 1], [0, 0]], "W_K": [[1, 0], [0, 0], [0, 1]], "W_V": [[1, 0], [0, 1], [0, 0]],
            "W_O": [[0, 1, 0], [0, 0, 1]], "convention": "row", "ask": "OV"}
# W_Q: rows r, r, 2r (rank 1); W_K, W_V: three rows of the identity; W_O: columns a, b, a + b (rank 2)
r = [1, 2, 0, -1, 1]
a, b = [1, 0, 1, 0, 0], [0, 1, 0, 0, 2]
HARD_HEAD = {"W_Q": [r, r, [2 * v for v in r]], "W_K": np.eye(5)[:3].astype(int).tolist(),
             "W_V": np.eye(5)[2:].astype(int).tolist(),
             "W_O": np.array([a, b, [x + y for x, y in zip(a, b)]]).T.tolist(), "convention": "column", "ask": "rank"}


def test_qk_mistakes_by_hand():
    s = solve("circuits.qk_ov", COLUMN_HEAD)
    assert s.value == [[0, 1, 0], [0, 0, 1], [0, 0, 0]]  # e0·e1ᵀ + e1·e2ᵀ
    wrong = wrong_values(s)
    assert wrong["qk-sides-swapped"] == [[0, 0, 0], [1, 0, 0], [0, 1, 0]]  # the transpose
    assert wrong["pattern-from-values"] == [[1, 1, 0], [0, 0, 1], [0, 0, 0]]  # W_Qᵀ·W_V
    # W_O·W_V: W_O puts head dim 0 on e1 and head dim 1 on e2, so V's rows (1, 1, 0), (0, 0, 1) land in rows 1, 2
    assert wrong["ov-for-qk"] == [[0, 0, 0], [1, 1, 0], [0, 0, 1]] == s.truth["OV"]


def test_ov_mistakes_by_hand_in_the_row_convention():
    s = solve("circuits.qk_ov", ROW_HEAD)
    assert s.value == [[0, 1, 0], [0, 0, 1], [0, 0, 0]]  # W_V·W_O
    wrong = wrong_values(s)
    assert wrong["ov-not-transposed"] == [[0, 0, 0], [1, 0, 0], [0, 1, 0]]  # W_O·W_V in column form, transposed
    # W_K·W_O: W_K reads e0 into head dim 0 and e2 into head dim 1, which W_O writes to e1 and e2
    assert wrong["ov-from-keys"] == [[0, 1, 0], [0, 0, 0], [0, 0, 1]]
    assert wrong["qk-for-ov"] == [[1, 0, 0], [0, 0, 1], [0, 0, 0]] == s.truth["QK"]  # W_Q·W_Kᵀ


def test_row_convention_score_formula_is_what_the_head_computes():
    """The task says the score is x_j·QK·x_iᵀ in row vectors: (x_j·W_Q)·(x_i·W_K)."""
    s = solve("circuits.qk_ov", ROW_HEAD)
    assert "x_j·QK·x_iᵀ" in text.inline(s.task[0].pieces)
    qk = np.array(s.truth["QK"])
    rng = np.random.default_rng(0)
    w_q, w_k = np.array(ROW_HEAD["W_Q"]), np.array(ROW_HEAD["W_K"])
    for _ in range(5):
        xj, xi = rng.normal(size=3), rng.normal(size=3)
        assert xj @ qk @ xi == pytest.approx((xj @ w_q) @ (xi @ w_k))


def test_rank_mistakes_by_hand():
    s = solve("circuits.qk_ov", HARD_HEAD)
    assert s.value == [1, 2]
    wrong = wrong_values(s)
    assert wrong["rank-one-factor"] == [1, 3]  # rank W_Q, rank W_V
    assert wrong["ranks-swapped"] == [2, 1]  # OV's rank for QK and QK's for OV
    # the dependencies counted, [3 − 1, 3 − 2], read the same as the swapped ranks: dropped
    assert "dependencies-counted" not in wrong
    # W_Q·W_Kᵀ = [r0, r1, 0] in each row (rank 1); W_V·W_O has rows (1, 0, 1), 0, (0, 2, 2) (rank 2): the answer
    assert "rank-wrong-products" not in wrong
    said = " ".join(text.inline(block.pieces) for step in s.steps for block in step.blocks if hasattr(block, "pieces"))
    assert "row 1 = row 0" in said and "row 2 = 2·row 0" in said  # why rank QK is 1
    assert "column 2 = column 0 + column 1" in said  # why rank OV is 2


e = np.eye(5, dtype=int).tolist()
# Every factor full rank, so QK and OV have rank 3; but W_Q·W_Kᵀ = diag(1, 1, 0) (rank 2) and
# W_V·W_O (rows 0-2 of W_O = columns e3, e4, e0) has the single 1 at (0, 2) (rank 1).
FULL_HEAD = {"W_Q": [e[0], e[1], e[2]], "W_K": [e[0], e[1], e[3]], "W_V": [e[0], e[1], e[2]],
             "W_O": np.array([e[3], e[4], e[0]]).T.tolist(), "convention": "column", "ask": "rank"}


def test_rank_mistakes_by_hand_when_both_ranks_are_full():
    s = solve("circuits.qk_ov", FULL_HEAD)
    assert s.value == [3, 3]
    wrong = wrong_values(s)
    assert wrong == {"rank-wrong-products": [2, 1], "dependencies-counted": [0, 0]}  # the rest read [3, 3]


@cache
def qk_ov_problems(level: str) -> tuple[Problem, ...]:
    return tuple(make_problem(FAMILIES["circuits.qk_ov"], seed, level) for seed in range(2000))


def test_every_qk_ov_option_has_the_answers_shape():
    """No option is struck out by its size: over 2000 seeds per level every distractor has the
    shape of the answer, a d_model × d_model matrix for QK and OV, a pair of ranks for the ranks."""
    for level in ("easy", "medium", "hard"):
        for p in qk_ov_problems(level):
            answer = np.array(p.solution.value)
            if level == "hard":
                assert answer.shape == (2,), p.id
            else:
                d_model = len(p.inputs["W_Q"][0]) if p.inputs["convention"] == "column" else len(p.inputs["W_Q"])
                assert answer.shape == (d_model, d_model), p.id
            for d in p.solution.distractors:
                assert np.array(d.value).shape == answer.shape, f"{p.id}: {d.mistake.name} is {np.array(d.value).shape}"


def test_matrix_explanations_hold_over_a_level():
    """What each explanation says, checked by solving a changed head: "gives OV where QK is asked
    for" (and back) is the other circuit of the same head; "pairs W_O with W_K instead of W_V" is
    the OV of the head whose W_V is replaced by W_K; "the transpose" is the transpose."""
    family = FAMILIES["circuits.qk_ov"]
    for level in ("easy", "medium"):
        for p in qk_ov_problems(level)[:300]:
            wrong = wrong_values(p.solution)
            keys_for_values = family.solve({**p.inputs, "W_V": p.inputs["W_K"]}).truth["OV"]
            expected = {"ov-for-qk": p.truth["OV"], "qk-for-ov": p.truth["QK"], "ov-from-keys": keys_for_values,
                        "qk-sides-swapped": np.array(p.truth["QK"]).T.tolist(),
                        "ov-not-transposed": np.array(p.truth["OV"]).T.tolist()}
            for name, value in wrong.items():
                if name in expected:
                    assert value == expected[name], f"{p.id}: {name}"
            assert len(wrong) >= 2, p.id


def test_rank_options_are_possible_and_the_explanations_hold():
    """No option is a rank above d_head (impossible by definition), in any level: a rank pair
    has both ranks at most d_head, a matrix option has rank at most d_head."""
    for level in ("easy", "medium", "hard"):
        for p in qk_ov_problems(level):
            column = p.inputs["convention"] == "column"
            w_q = np.array(p.inputs["W_Q"])
            d_head = w_q.shape[0] if column else w_q.shape[1]
            answer = p.solution.value
            for value in [answer] + [d.value for d in p.solution.distractors]:
                if level == "hard":
                    assert all(0 <= r <= d_head for r in value), f"{p.id}: {value} above d_head = {d_head}"
                else:
                    assert np.linalg.matrix_rank(np.array(value)) <= d_head, p.id
            for d in p.solution.distractors:
                if d.mistake.name == "ranks-swapped":
                    assert d.value == answer[::-1]
                elif d.mistake.name == "dependencies-counted":
                    assert d.value == [d_head - answer[0], d_head - answer[1]]
                elif d.mistake.name == "rank-wrong-products":  # ranks of d_head × d_head matrices
                    assert all(r <= d_head for r in d.value) and d.value != answer


def test_hard_ranks_vary_and_the_steps_say_why():
    from quizgen.model.family import make_problem
    pairs = set()
    for seed in range(60):
        p = make_problem(FAMILIES["circuits.qk_ov"], seed, "hard")
        pairs.add((p.truth["rank_QK"], p.truth["rank_OV"]))
        steps = " ".join(text.inline(b.pieces) for st in p.solution.steps for b in st.blocks if hasattr(b, "pieces"))
        for circuit in ("QK", "OV"):
            if p.truth[f"rank_{circuit}"] < 3:
                assert f"rank {circuit} = {p.truth[f'rank_{circuit}']} < d_head = 3 by construction" in steps
    assert {1, 2, 3} <= {r for pair in pairs for r in pair} and len(pairs) >= 6


def test_virtual_head_mistakes_by_hand():
    s = solve("circuits.virtual_head", virtual_inputs([0, 1, 2, 3], [8, 9, 10, 11], [4, 5, 6, 8], [12, 13, 14, 15]))
    assert s.value == units((15, 0))
    wrong = wrong_values(s)
    assert wrong["net-wrong-order"] == units()  # head 1 reads 0-3, head 2 writes 12-15: nothing chains
    assert wrong["skips-first-head"] == units((15, 8))  # stops at dim 8, which head 1 wrote from dim 0
    assert wrong["one-token-for-two"] == units((8, 0), (9, 1), (10, 2), (11, 3), (12, 4), (13, 5), (14, 6), (15, 8))


def test_wrong_order_is_head_2_then_head_1():
    """When head 2 writes where head 1 reads, W_net1·W_net2 is not zero: it chains head 2 first."""
    s = solve("circuits.virtual_head", virtual_inputs([0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 4], [0, 1, 2, 3]))
    assert s.value == units((3, 0))  # dim 0 → (head 1) 4 → (head 2) 3
    net1 = np.array(units((4, 0), (5, 1), (6, 2), (7, 3)))
    net2 = np.array(units((0, 8), (1, 9), (2, 10), (3, 4)))
    assert wrong_values(s)["net-wrong-order"] == (net1 @ net2).tolist() == units((4, 8), (5, 9), (6, 10), (7, 4))


def test_wrong_order_heads_vary_over_a_level():
    """Head 2 writes into dims head 1 reads in most problems, so W_net1·W_net2 is not always 0."""
    from quizgen.model.family import make_problem
    for level in ("easy", "medium", "hard"):
        zero = 0
        for seed in range(300):
            p = make_problem(FAMILIES["circuits.virtual_head"], seed, level)
            wrong = np.array(wrong_values(p.solution)["net-wrong-order"])
            chained = set(p.inputs["writes2"]) & set(p.inputs["reads1"])
            assert (np.count_nonzero(wrong) == len(chained)), p.id  # one term per dim head 2 writes and head 1 reads
            zero += not wrong.any()
        assert 0 < zero <= 150, f"{level}: the wrong order is 0 in {zero} of 300 problems"


COMPOSITION = {"right": [[1], [0], [0]], "head2": {"W_Q": [[1, 2, 0]], "W_K": [[0, 0, 3]], "W_V": [[2, 0, 5]]},
               "left": [[1, 2, 0]], "reads_via": "W_Q"}


def test_composition_mistakes_by_hand():
    s = solve("circuits.composition", COMPOSITION)
    assert s.value == ["Q", pytest.approx(1 / math.sqrt(5))]  # |1| / (√5·1)
    wrong = wrong_values(s)
    # raw ‖W·R‖: Q 1, K 0, V 2, so the raw product points at W_V, whose score is 2/√29
    assert wrong["largest-raw-product"] == ["V", pytest.approx(2 / math.sqrt(29))]
    assert wrong["squared-norms"] == ["Q", pytest.approx(0.2)]  # 1² / (5·1)
    assert wrong["absolute-value-norms"] == ["Q", pytest.approx(1 / 3)]  # |1| / ((1 + 2)·1)
    # one-dimensional heads: R·W is an outer product, so the backwards score would always be 1
    assert "wrong-order-product" not in wrong
    assert backwards_product(np.array([[1.0, 2.0, 0.0]]), np.array([[1.0], [0.0], [0.0]])) == pytest.approx(1.0)
    assert FAMILIES["circuits.composition"].case(COMPOSITION, s.truth) == "raw-product-misleads"


def test_composition_trap_only_when_no_tie_with_the_answer():
    """The trap step says which matrix has the largest raw product only when that is not
    the answer: a tie with the answer is no trap (the mistake may as well pick the answer),
    and a tie between two other matrices names both."""
    right = [[1], [0], [0]]
    # raw ‖W·R‖: Q 2 and V 2 tie; scores Q 2/3, K 1/√2, V 2/√5: V is the answer
    tie_with_answer = {"right": right, "head2": {"W_Q": [[2, 2, 1]], "W_K": [[1, 0, 1]], "W_V": [[2, 1, 0]]},
                       "left": [[2, 1, 0]], "reads_via": "W_V"}
    s = solve("circuits.composition", tie_with_answer)
    assert s.value == ["V", pytest.approx(2 / math.sqrt(5))]
    assert not any("trap" in st.title for st in s.steps)
    assert FAMILIES["circuits.composition"].case(tie_with_answer, s.truth) == "typical"
    # the option stays what the mistake computes: W_Q does have the largest raw product (tied)
    assert wrong_values(s)["largest-raw-product"] == ["Q", pytest.approx(2 / 3)]
    # and its explanation says so: the mistake alone could as well have picked the answer
    raw = next(d for d in s.distractors if d.mistake.name == "largest-raw-product")
    assert raw.mistake.explanation.endswith("(W_Q² and W_V² tie for the largest raw product here; "
                                            "this option takes W_Q²)")
    assert "Head 1's output shapes what head 2 moves" in s.answer[-1].pieces[0]
    # R = [1, 1, 0]: raw Q 2 and K 2 tie, V 1; scores Q 2/√10, K 1/2, V 1/√2: V is the answer
    tie_elsewhere = {"right": [[1], [1], [0]], "head2": {"W_Q": [[2, 0, 1]], "W_K": [[0, 2, 2]], "W_V": [[1, 0, 0]]},
                     "left": [[1, 0, 0]], "reads_via": "W_V"}
    s = solve("circuits.composition", tie_elsewhere)
    trap = next(st for st in s.steps if "trap" in st.title)
    assert "W_Q² and W_K², but those matrices are larger overall" in trap.blocks[0].pieces[0]
    raw = next(d for d in s.distractors if d.mistake.name == "largest-raw-product")
    assert "(W_Q² and W_K² tie for the largest raw product here; this option takes W_Q²)" in raw.mistake.explanation
    # without a tie, the plain explanation
    s = solve("circuits.composition", COMPOSITION)
    raw = next(d for d in s.distractors if d.mistake.name == "largest-raw-product")
    assert "tie" not in raw.mistake.explanation
    assert FAMILIES["circuits.composition"].case(tie_elsewhere, s.truth) == "raw-product-misleads"


def test_composition_wrong_order_product_by_hand():
    """Two-dimensional heads: R·W is a d_model × d_model matrix whose norm falls short of ‖R‖·‖W‖."""
    right = [[1, 0], [0, 1], [0, 0]]
    inputs = {"right": right, "head2": {"W_Q": [[1, 0, 0], [0, 0, 1]], "W_K": [[0, 0, 1], [0, 0, 2]],
                                        "W_V": [[0, 0, 1], [1, 0, 1]]}, "left": [[1, 0, 0], [0, 0, 1]],
              "reads_via": "W_Q"}
    s = solve("circuits.composition", inputs)
    assert s.value == ["Q", pytest.approx(1 / 2)]  # W_Q·R = [[1, 0], [0, 0]]: 1 / (√2·√2)
    # R·W_Q = [[1, 0, 0], [0, 0, 1], [0, 0, 0]]: √2 / (√2·√2)
    assert wrong_values(s)["wrong-order-product"] == ["Q", pytest.approx(1 / math.sqrt(2))]


def test_no_composition_distractor_score_in_half_of_a_level():
    """The printed score of a distractor is no tell: none is the same in more than half of a level's problems."""
    from collections import Counter

    from quizgen.model.family import make_problem
    for level in ("easy", "medium", "hard"):
        scores: dict[str, Counter] = {}
        for seed in range(1000):
            p = make_problem(FAMILIES["circuits.composition"], seed, level)
            for d in p.solution.distractors:
                scores.setdefault(d.mistake.name, Counter())[f"{d.value[1]:.3f}"] += 1
        for name, counts in scores.items():
            score, n = counts.most_common(1)[0]
            assert n <= 500, f"{level}: {name} gives {score} in {n} of 1000 problems"


def test_composition_explanations_hold_and_no_option_exceeds_one():
    from quizgen.model.family import make_problem
    for level in ("easy", "medium", "hard"):
        for seed in range(100):
            p = make_problem(FAMILIES["circuits.composition"], seed, level)
            kind, score = p.solution.value
            for d in p.solution.distractors:
                assert 0 <= d.value[1] <= 1 + 1e-12, p.id
                if d.mistake.name == "squared-norms":
                    assert d.value == [kind, pytest.approx(score ** 2)]
                if d.mistake.name in ("absolute-value-norms", "wrong-order-product"):
                    # the backwards product only where it is not always 1: heads wider than one dim
                    one_dimensional = len(p.inputs["right"][0]) == 1
                    assert one_dimensional == (d.mistake.name == "absolute-value-norms"), p.id
            left, right = np.array(p.inputs["left"], float), np.array(p.inputs["right"], float)
            assert p.truth["score"] == max(p.truth["scores"].values())
            prompt = " ".join(text.inline(b.pieces) for b in p.solution.prompt if hasattr(b, "pieces"))
            assert "through its W" not in prompt  # the kind is not named: it is worked out
            assert p.truth["score"] == pytest.approx(np.linalg.norm(left @ right) / np.linalg.norm(left)
                                                     / np.linalg.norm(right))
