"""What a prompt or a step says is true of its own problem: the vector convention where a
matrix's meaning depends on it, the rule for a query with nowhere to point, and step
sentences that hold for the numbers beside them (found by a review, each with a seed)."""

from __future__ import annotations

import re

import pytest

from quizgen.families import FAMILIES
from quizgen.model.family import make_problem
from quizgen.model.problem import Problem
from quizgen.render import text

LEVELS = ("easy", "medium", "hard")


def prompt_text(p: Problem) -> str:
    return text.blocks(p.solution.prompt) + "\n" + text.blocks(p.solution.task)


def step_text(p: Problem) -> str:
    return "\n".join(s.title + "\n" + text.blocks(s.blocks) for s in p.solution.steps)


@pytest.mark.parametrize("level", LEVELS)
def test_rotation_states_the_vector_convention(level: str) -> None:
    """Hard gives W_Q as a matrix: with row vectors it would turn the pair by +α, which is
    the rotate-wrong-way option, so every prompt says the vectors are columns."""
    for seed in range(20):
        p = make_problem(FAMILIES["circuits.rotation"], seed, level)
        assert "Vectors are columns: a matrix W acts on a pair x as W·x." in prompt_text(p)


def test_rotation_calls_a_majority_clear_only_when_it_is() -> None:
    for level in LEVELS:
        for seed in range(60):
            p = make_problem(FAMILIES["circuits.rotation"], seed, level)
            share = p.truth["weights"][p.inputs["query_position"] - 1]
            peak = step_text(p).split("The peak.")[1]
            assert f"{100 * share:.1f} % of the weight" in peak
            assert ("a clear majority" in peak) == (share >= 0.7), (p.id, share)


@pytest.mark.parametrize("level", LEVELS)
def test_merge_position_states_the_convention_and_the_outside_rule(level: str) -> None:
    """W_Q's 1s sit where a column vector shifts p to p + offset; a query past the ends is
    the zero vector, which the key needs (hard seed 3: 8 + 2 = 10 is not a position)."""
    for seed in range(30):
        p = make_problem(FAMILIES["merge.position"], seed, level)
        shown = prompt_text(p)
        assert "as a column vector (a matrix W acts on it as W·x)" in shown
        offset = p.inputs["offset"]
        assert f"or the zero vector when p {'+' if offset > 0 else '−'} {abs(offset)} is not a position" in shown
        queries = p.inputs["queries"]
        asks = "For each query position" if len(queries) > 1 else f"For the query at position {queries[0]}:"
        assert asks in shown


def test_qk_softmax_zero_score_sentence_speaks_of_before_the_shift() -> None:
    """The exponentials are shown after subtracting the largest logit, where a score of 0
    no longer gives 1 (easy seed 1: exp([−3, 0, −9, −9, −6]))."""
    p = make_problem(FAMILIES["qk.softmax"], 1, "easy")
    assert "before the shift it gives e^0 = 1" in step_text(p)
    assert "A score of 0 still gives" not in step_text(p)
    seen = set()
    for seed in range(60):  # and only where a score is 0 (not beside [1, 1, −1])
        p = make_problem(FAMILIES["qk.softmax"], seed, "medium")
        zero = 0 in p.inputs["scores"]
        seen.add(zero)
        assert ("A score of 0 is not 'no weight'" in step_text(p)) == zero, p.id
    assert seen == {True, False}


def test_merge_position_names_the_wrong_shift() -> None:
    """The shift-wrong-way option said "(p − offset)" on a p − 1 problem, and offset was never defined."""
    for level in LEVELS:
        for seed in range(20):
            p = make_problem(FAMILIES["merge.position"], seed, level)
            offset = p.inputs["offset"]
            right, wrong = (f"p {'+' if k > 0 else '−'} {abs(k)}" for k in (offset, -offset))
            for d in p.solution.distractors:
                if d.mistake.name == "shift-wrong-way":
                    assert d.mistake.explanation.endswith(f"({wrong} instead of {right})"), p.id


def test_perturbation_names_slots_by_index() -> None:
    """'slot' is a position in the slot order everywhere (graph.embeddings: "13 → slot 0");
    perturb.source_target said "moves to slot 16" for the fresh id 16 in slot 6."""
    for seed in range(20):
        p = make_problem(FAMILIES["perturb.source_target"], seed, "medium")
        fresh, slots = p.inputs["fresh_id"], len(p.inputs["slots"])
        shown = prompt_text(p) + step_text(p)
        assert f"moves to slot {fresh}" not in shown, p.id
        assert f"the fresh id's slot, slot {slots}" in prompt_text(p), p.id


def test_qk_softmax_task_states_the_attended_rule() -> None:
    p = make_problem(FAMILIES["qk.softmax"], 282, "hard")
    assert "the one with the highest weight, or none when the highest is shared" in prompt_text(p)
    assert "stands out" not in prompt_text(p)


def test_perturbation_calls_a_drop_real_only_when_the_score_drops() -> None:
    """Hard seed 254 said "The drops are real" with a target drop of 0. (Only hard's
    weighted queries can drop without reaching √d/10.)"""
    drop_line = re.compile(r"Source drop ([\d.]+), target drop ([\d.]+): .*?\. (.*)")
    seen = set()
    for seed in [254, *range(150)]:
        p = make_problem(FAMILIES["perturb.source_target"], seed, "hard")
        source, target, conclusion = drop_line.search(step_text(p)).groups()
        real = [side for side, drop in (("source", source), ("target", target)) if float(drop) > 0]
        if "on either side" not in conclusion:
            continue
        seen.add(len(real))
        expected = {0: "Neither score drops", 2: "Both drops are real"}.get(
            len(real), f"The {real[0]} drop is real but not above √d/10; the other score does not drop")
        assert conclusion.startswith(expected), (p.id, conclusion)
    assert seen == {1, 2}  # both cases met, one of them the review's


def test_no_student_facing_text_cites_an_example_by_its_note_file() -> None:
    """"as in seed 000" named a study-note file, not something a student can look up."""
    for level in LEVELS:
        for seed in range(40):
            p = make_problem(FAMILIES["perturb.source_target"], seed, level)
            assert "as in seed" not in step_text(p)


def test_embedding_positions_in_slot_order_are_not_called_shuffled() -> None:
    """Hard seed 214 draws positions that happen to follow the slot order."""
    for seed in (214, 452, 485, 1, 2, 3):
        p = make_problem(FAMILIES["graph.embeddings"], seed, "hard")
        positions = p.inputs["positions"]
        in_order = all(positions[str(v)] == k if isinstance(next(iter(positions)), str) else positions[v] == k
                       for k, v in enumerate(p.inputs["slots"]))
        said = step_text(p)
        assert ("the positions happen to follow the slot order" in said) == in_order, p.id
        assert ("positions are not the slot order" in said) == (not in_order), p.id


def test_a_question_is_answerable_without_options() -> None:
    """A basic card shows the question with no options: graph.embeddings asked "Which row
    is the embedding of vertex 2?" with no rows on the card."""
    for family_id, family in FAMILIES.items():
        for level in LEVELS:
            for seed in range(5):
                question = text.inline(make_problem(family, seed, level).solution.question)
                assert not re.search(r"\bWhich (row|option|answer)\b", question), (family_id, question)
