"""A flashcard asks only what fits a one-minute review: at most four numbers worked out to
some decimals. Longer problems stay on sheets; a deck draws the next seed instead."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from quizgen.cli import cli
from quizgen.decks import load_deck
from quizgen.families import FAMILIES
from quizgen.model.cards import CARD_MAX_WORKED, fits_card, worked_numbers
from quizgen.model.family import make_problem
from quizgen.model.problem import Problem
from quizgen.render import text

DECKS = sorted((Path(__file__).resolve().parent.parent / "decks").glob("*.toml"))
DECIMAL = re.compile(r"\d\.\d")  # a printed number with decimals, as a student reads it


def printed_decimals(problem: Problem) -> int:
    """How many numbers with decimals the printed right answer holds: a count from the
    text a student reads, independent of the answer's value."""
    return len(DECIMAL.findall(text.inline(problem.solution.choice)))


def first(family: str, difficulty: str, wanted) -> Problem:
    return next(p for p in (make_problem(FAMILIES[family], s, difficulty) for s in range(200)) if wanted(p))


def test_worked_numbers_count_what_is_computed_to_decimals():
    softmax = first("qk.softmax", "easy", lambda p: len(p.solution.value) == 7)
    assert worked_numbers(softmax) == 7 == printed_decimals(softmax) and not fits_card(softmax)
    small = first("qk.softmax", "medium", lambda p: len(p.solution.value) == 3)
    assert worked_numbers(small) == 3 and fits_card(small)
    perturb = make_problem(FAMILIES["perturb.source_target"], 1, "easy")
    assert worked_numbers(perturb) == 3  # three dot products; the two yes/no parts are not counted
    rotation = make_problem(FAMILIES["circuits.rotation"], 1, "medium")
    assert worked_numbers(rotation) >= 5 and not fits_card(rotation)
    embedding = make_problem(FAMILIES["graph.embeddings"], 1, "hard")
    assert worked_numbers(embedding) == 0 and fits_card(embedding)  # a one-hot row is read off


def test_unfiltered_draws_hold_problems_too_long_for_a_card():
    """The check below can fail: without the card rule, decks would get these."""
    long = [p for s in range(60) if printed_decimals(p := make_problem(FAMILIES["qk.softmax"], s, "easy")) > 4]
    assert len(long) > 20


def test_every_card_of_every_shipped_deck_fits_a_review():
    softmax_levels = set()
    for path in DECKS:
        for section, problem in load_deck(path).draw():
            assert printed_decimals(problem) <= CARD_MAX_WORKED, (path.name, problem.id, problem.difficulty)
            assert fits_card(problem)
            if problem.family == "qk.softmax":
                softmax_levels.add(problem.difficulty)
    assert softmax_levels == set(FAMILIES["qk.softmax"].levels)  # short draws exist at every level


def test_a_section_of_only_long_problems_is_refused_clearly(tmp_path):
    deck = tmp_path / "deck.toml"
    deck.write_text('name = "D"\nid = 99\nseed = 1\n\n[[section]]\nfamily = "circuits.rotation"\n'
                    'count = 2\ndifficulty = "medium"\n')
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(deck), "-o", str(out), "--timestamp", "1800000000"])
    error = result.output.splitlines()[-1]
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert error.startswith(f"Error: {deck}: the basic section of circuits.rotation (medium) found only 0")
    assert f"more than {CARD_MAX_WORKED} worked numbers, too long for a card" in error
    assert not out.exists() or not any(out.iterdir())
