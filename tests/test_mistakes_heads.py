"""Hand-worked examples of every mistake of circuits.rotation and circuits.induction, and
checks that each explanation is true of what its option computes."""

from __future__ import annotations

import math

import pytest

from quizgen.families import FAMILIES
from quizgen.families.heads import key_rotated_too, lambda_once, rotated_wrong_way, rotation_scores, unrotated
from quizgen.model.family import fair_options, make_problem
from quizgen.model.problem import Solution

E = math.e


def solve(family_id: str, inputs: dict) -> Solution:
    return fair_options(FAMILIES[family_id].solve(inputs))


def wrong_values(solution: Solution) -> dict[str, object]:
    return {d.mistake.name: d.value for d in solution.distractors}


def rotation(degrees: float, lam: float, n: int, c: float, ask: str) -> dict:
    return {"alpha": math.radians(degrees), "alpha_degrees": degrees, "lam": lam, "query_position": n,
            "positions": list(range(n + 1)), "magnitude": c, "ask": ask}


def test_easy_positions_by_hand():
    """α = 60°, n = 3: the scores cos(60°·(2 − m)) peak at m = 2. Turned the wrong way,
    cos(60°·(4 − m)) peaks at the query's own position 3 (the next token is not there), as
    does the unrotated query; with the key turned too, cos(60°·(1 − m)) peaks at 1."""
    s = solve("circuits.rotation", rotation(60, 1.0, 3, 1.0, "easy"))
    assert s.value == 2
    wrong = wrong_values(s)
    assert wrong["rotate-wrong-way"] == 3
    assert "no-rotation" not in wrong  # also position 3: the gate keeps one option per value
    assert wrong["double-rotation"] == 1


def test_easy_rotating_both_sides_the_same_way_would_cancel():
    """The mistake named double-rotation turns the key by +α and the query by −α (a turn of
    −2α between them: two tokens back). Turning both by −α cancels: the own position."""
    inputs = rotation(40, 1.5, 6, 1.0, "easy")
    both_minus = [math.cos(math.radians(40) * (6 - 1 - (m - 1))) for m in range(7)]
    assert max(range(7), key=both_minus.__getitem__) == 6
    assert wrong_values(solve("circuits.rotation", inputs))["double-rotation"] == 6 - 2


def test_medium_weights_by_hand():
    """α = 90°, λ = 2, c = 0.5, n = 2: scores 4·cos(90°·(1 − m)) = [0, 4, 0], logits [0, 2, 0]."""
    s = solve("circuits.rotation", rotation(90, 2.0, 2, 0.5, "medium"))
    middle = 100 * E**2 / (E**2 + 2)
    assert s.value == pytest.approx([100 / (E**2 + 2), middle, 100 / (E**2 + 2)])
    wrong = wrong_values(s)
    # the wrong way: scores 4·cos(90°·(3 − m)) = [0, −4, 0], logits [0, −2, 0]
    assert wrong["rotate-wrong-way"] == pytest.approx([100 / (2 + E**-2), 100 * E**-2 / (2 + E**-2),
                                                       100 / (2 + E**-2)])
    # λ instead of λ²: scores [0, 2, 0], logits [0, 1, 0] (the seed-000 softmax: 57.6 % / 21.2 %)
    assert wrong["forgot-lambda-squared"] == pytest.approx([100 / (E + 2), 100 * E / (E + 2), 100 / (E + 2)])
    # no magnitude: logits [0, 4, 0]
    assert wrong["forgot-magnitude"] == pytest.approx([100 / (E**4 + 2), 100 * E**4 / (E**4 + 2),
                                                       100 / (E**4 + 2)])
    # key turned too: scores 4·cos(90°·(0 − m)) = [4, 0, −4], logits [2, 0, −2]
    total = E**2 + 1 + E**-2
    assert wrong["double-rotation"] == pytest.approx([100 * E**2 / total, 100 / total, 100 * E**-2 / total])


def test_hard_previous_weight_by_hand():
    """Same head, c = 1: the previous token gets e⁴/(e⁴ + 2); unrotated, the scores are
    4·cos(90°·(2 − m)) = [−4, 0, 4] and position 1 gets 1/(e⁻⁴ + 1 + e⁴)."""
    s = solve("circuits.rotation", rotation(90, 2.0, 2, 1.0, "hard"))
    assert s.value == pytest.approx(100 * E**4 / (E**4 + 2))
    wrong = wrong_values(s)
    assert wrong["no-rotation"] == pytest.approx(100 / (E**-4 + 1 + E**4))
    assert wrong["forgot-lambda-squared"] == pytest.approx(100 * E**2 / (E**2 + 2))
    assert "forgot-magnitude" not in wrong  # with c = 1 it is the answer itself


def test_rotation_explanations_hold():
    a, lam, n, positions = math.radians(25), 1.7, 6, list(range(7))
    base = rotation_scores(a, 1.0, n, positions)
    assert list(rotated_wrong_way(a, lam, n, positions)) == pytest.approx(
        [lam**2 * math.cos(a * (n + 1 - m)) for m in positions])  # the query turned by +α
    assert list(unrotated(a, lam, n, positions)).index(lam**2) == n  # own position
    assert max(range(7), key=list(key_rotated_too(a, lam, n, positions)).__getitem__) == n - 2  # two back
    assert list(lambda_once(a, lam, n, positions)) == pytest.approx(list(lam * base))  # λ, not λ²


def test_rotation_previous_token_gets_a_clear_majority():
    for level in ("easy", "medium", "hard"):
        for seed in range(200):
            p = make_problem(FAMILIES["circuits.rotation"], seed, level)
            n = p.inputs["query_position"]
            assert p.truth["attended"] == n - 1
            assert p.truth["weights"][n - 1] >= 0.55, p.id


def test_hard_rotation_does_not_print_the_score_formula():
    from quizgen.render import text
    for seed in range(20):
        p = make_problem(FAMILIES["circuits.rotation"], seed, "hard")
        shown = " ".join(text.inline(b.pieces) for b in (*p.solution.prompt, *p.solution.task) if hasattr(b, "pieces"))
        assert "cos(α(n − 1 − m))" not in shown and "rotates" not in shown


def test_induction_mistakes_by_hand():
    s = solve("circuits.induction", {"tokens": ["the", "cat", "sat", "on", "mat", "cat"]})
    assert s.value == [2, "sat"]
    wrong = wrong_values(s)
    assert wrong["attends-to-match"] == [1, "cat"]  # the earlier 'cat' itself
    assert wrong["previous-token-only"] == [4, "mat"]  # just before the query at 5
    assert wrong["previous-not-next"] == [0, "the"]  # the token before the earlier 'cat'


def test_induction_match_at_start_has_no_token_before_it():
    """Seed 3615270477 (medium): the earlier copy is at 0; no option may say position 0 twice."""
    p = make_problem(FAMILIES["circuits.induction"], 3615270477, "medium")
    assert p.truth["attended_position"] == 1
    values = [p.solution.value] + [d.value for d in p.solution.distractors]
    assert len({tuple(v) for v in values}) == len(values) >= 3
    assert "previous-not-next" not in wrong_values(p.solution)


def test_induction_names_the_other_copies_of_the_predicted_token():
    """Hard draws the predicted token b twice or more; the steps name that trap (another
    copy of b predicts the right token from the wrong position). Easy and medium have one b."""
    s = solve("circuits.induction", {"tokens": ["sky", "old", "sky", "red", "sky", "old"]})
    assert s.value == [2, "sky"]
    trap = next(st for st in s.steps if st.title.startswith("Trap"))
    assert trap.title == "Trap: 'sky' also stands at positions 0 and 4."
    assert "whose previous token is 'old', position 2" in trap.blocks[0].pieces[0]
    for level, trapped in (("easy", False), ("medium", False), ("hard", True)):
        for seed in range(40):
            p = make_problem(FAMILIES["circuits.induction"], seed, level)
            assert any(st.title.startswith("Trap") for st in p.solution.steps) == trapped, p.id
