"""Typed-answer cards (issue 15): the expected text is written exactly as the front says,
it agrees with the printed answer, and real Anki renders the type-in box and marks the
expected answer, typed as instructed, right (and a slip wrong)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from anki_helpers import fresh_collection, import_apkg, visible_text
from quizgen.decks import load_deck
from quizgen.errors import QuizgenError
from quizgen.families import FAMILIES
from quizgen.model.family import make_problem
from quizgen.render.text import inline
from quizgen.typed import TYPED_FAMILIES, typed_answer
from quizgen.writers import apkg

SEEDS = 300

# What each instruction promises, as a pattern the expected text must match in full.
PROMISED = {
    "the whole numbers in order": r"-?\d+(, -?\d+)+",
    "the numbers in order, each with 3 decimals": r"-?\d+\.\d{3}(, -?\d+\.\d{3})+",
    "the number of rounds": r"\d+",
    "the position": r"\d+",
    "the vertex ids, smallest first": r"\d+(, \d+)*",
    "the shape as rows x columns": r"\d+ x \d+",
    "the percentage with one decimal": r"\d+\.\d",
    "a whole number": r"\d+",
    "a number with 3 decimals": r"-?\d+\.\d{3}",
}


def _numbers(text: str) -> list[float]:
    return [float(x.replace("−", "-").replace(",", "")) for x in re.findall(r"[−-]?\d[\d,]*(?:\.\d+)?(?:e[−-]?\d+)?",
                                                                         text.replace(", ", " "))]


@pytest.mark.parametrize("family", TYPED_FAMILIES)
def test_expected_text_is_in_the_promised_form_and_agrees_with_the_answer(family):
    fam = FAMILIES[family]
    levels = list(fam.levels)
    for seed in range(SEEDS):
        problem = make_problem(fam, seed, levels[seed % len(levels)])
        typed = typed_answer(problem)
        promise = next(p for p in PROMISED if typed.instruction.startswith(p))
        assert re.fullmatch(PROMISED[promise], typed.expected), (problem.id, typed)
        assert f"like {typed.expected})" not in typed.instruction, "the example gives the answer away"
        printed = inline(problem.solution.choice)
        expected, shown = _numbers(typed.expected), _numbers(printed)
        if "vertex ids" in promise:
            shown = sorted(shown)
        assert len(expected) == len(shown), (problem.id, typed.expected, printed)
        # the same values, at the precision the instruction asks for
        assert all(abs(a - b) <= 0.0005 + 1e-9 for a, b in zip(expected, shown)), (problem.id, typed.expected, printed)


def test_a_long_answer_cannot_be_typed():
    problem = make_problem(FAMILIES["qk.scores"], 1, "easy")
    with pytest.raises(QuizgenError, match="cannot be typed"):
        typed_answer(problem)


def test_a_deck_asks_for_typed_cards_only_where_they_fit(tmp_path: Path):
    deck = tmp_path / "d.toml"
    deck.write_text('name = "D"\nid = 1\nseed = 1\n\n[[section]]\nfamily = "qk.scores"\ncount = 1\nkind = "typed"\n')
    with pytest.raises(QuizgenError, match="section\\[1\\].kind: qk.scores has answers too long to type"):
        load_deck(deck)
    deck.write_text('name = "D"\nid = 1\nseed = 1\n\n[[section]]\nfamily = "qk.softmax"\ncount = 1\nkind = "typo"\n')
    with pytest.raises(QuizgenError, match="choose from basic, choice, typed"):
        load_deck(deck)


@pytest.fixture(scope="module")
def typed_collection(tmp_path_factory):
    folder = tmp_path_factory.mktemp("typed")
    sections = "".join(f'[[section]]\nfamily = "{f}"\ncount = 3\nkind = "typed"\n\n' for f in TYPED_FAMILIES)
    deck = folder / "typed.toml"
    deck.write_text(f'name = "Typed"\nid = 1764000000997\nseed = 9\n\n{sections}')
    apkg.write_deck(load_deck(deck), folder / "out", 1_800_000_000)
    col = fresh_collection(folder / "anki")
    import_apkg(col, folder / "out" / "typed.apkg")
    yield col
    col.close()


def typed_answer_of(card):
    problem_id = card.note()["ProblemId"]
    family, _, seed = problem_id.split("/")
    difficulty = next(t.split("::")[-1] for t in card.note().tags if t.startswith("quizgen::difficulty::"))
    return typed_answer(make_problem(FAMILIES[family], int(seed), difficulty))


def test_real_anki_renders_the_type_in_box_and_marks_the_expected_answer_right(typed_collection):
    col = typed_collection
    cards = [col.get_card(cid) for cid in col.find_cards('"note:quizgen Type answer v1"')]
    assert len(cards) == 3 * len(TYPED_FAMILIES)
    for card in cards:
        note = card.note()
        out = card.render_output()
        # Anki's renderer leaves [[type:Field]] where the reviewer puts its input box
        assert "[[type:Expected]]" in out.question_text and "[[type:Expected]]" in out.answer_text
        expected = visible_text(note["Expected"])
        front = visible_text(out.question_text)
        instruction = re.search(r"Type (.*)\.", front).group(1)
        assert instruction == typed_answer_of(card).instruction
        assert f"like {expected})" not in instruction, "the example gives the answer away"
        # typed exactly as instructed: all good; a slip (one digit changed): marked bad
        right = col.compare_answer(expected, expected)
        assert "typeGood" in right and "typeBad" not in right and "typeMissed" not in right
        slip = expected[:-1] + ("0" if expected[-1] != "0" else "1")
        assert "typeBad" in col.compare_answer(expected, slip)
