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
from quizgen.model.answers import solution_form
from quizgen.model.family import make_problem, printed
from quizgen.typed import TYPED_FAMILIES, typed_answer
from quizgen.writers import apkg

SEEDS = 300


def read_back(form: dict, text: str, decimals: int | None):
    """The value a typed text stands for, read as the instruction describes it, checking
    that every number is written with exactly the promised decimals."""
    number = r"-?\d+" if decimals is None else rf"-?\d+\.\d{{{decimals}}}"
    match form["kind"]:
        case "fields":
            parts = text.split("; ")
            assert len(parts) == len(form["fields"]), text
            return [read_back(f["form"], t, decimals) for f, t in zip(form["fields"], parts)]
        case "number":
            assert re.fullmatch(number, text), text
            return float(text)
        case "vector":
            items = text.split(", ")
            assert len(items) == form["size"] and all(re.fullmatch(number, x) for x in items), text
            return [float(x) for x in items]
        case "set":
            items = [] if text == "none" else text.split(", ")
            assert all(re.fullmatch(r"\d+", x) for x in items), text
            values = [int(x) for x in items]
            assert values == sorted(values), "smallest first"
            return values
        case "yesno":
            return {"yes": True, "no": False}[text]
        case "text":
            return text
    raise AssertionError(f"not a typed form: {form}")


@pytest.mark.parametrize("family", TYPED_FAMILIES)
def test_expected_text_is_in_the_promised_form_and_agrees_with_the_answer(family):
    fam = FAMILIES[family]
    levels = list(fam.levels)
    for seed in range(SEEDS):
        problem = make_problem(fam, seed, levels[seed % len(levels)])
        s = problem.solution
        typed = typed_answer(problem)
        assert f"like {typed.expected})" not in typed.instruction, "the example gives the answer away"
        value = read_back(solution_form(s), typed.expected, s.decimals)
        assert printed(value, s.decimals) == printed(s.value, s.decimals), (problem.id, typed.expected, s.value)


@pytest.mark.parametrize("family", TYPED_FAMILIES)
def test_a_percentage_is_asked_for_as_one(family):
    """An answer printed as a percentage (3.31 %) is asked for as a percentage, with an
    example on its scale (25.00, not 0.25, which reads as a fraction); no other answer is."""
    fam = FAMILIES[family]
    levels = list(fam.levels)
    for seed in range(60):
        problem = make_problem(fam, seed, levels[seed % len(levels)])
        s, typed = problem.solution, typed_answer(problem)
        assert s.percent == ("%" in "".join(p for p in s.choice if isinstance(p, str))), problem.id
        assert ("a percentage with" in typed.instruction) == s.percent, (problem.id, typed.instruction)
        if s.percent:
            example = re.search(r"\(like (.*)\)$", typed.instruction).group(1)
            assert all(float(x) >= 1 for x in re.findall(r"\d+\.\d+", example)), (problem.id, example)


def test_a_long_answer_cannot_be_typed():
    problem = make_problem(FAMILIES["qk.scores"], 1, "easy")
    with pytest.raises(QuizgenError, match="cannot be typed on a card"):
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
