"""Deck files as Anki will read them: names it would change, descriptions, BOMs, folders,
clashes between files, size limits, and no two problems with the same inputs in a deck."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from anki_helpers import fresh_collection
from quizgen import decks
from quizgen.cli import cli
from quizgen.decks import MAX_DECK_PROBLEMS, check_distinct, deck_files, load_deck
from quizgen.errors import QuizgenError
from quizgen.resources import shipped

GOOD = """
name = "D"
id = 99
seed = 1

[[section]]
family = "qk.scores"
count = 2
"""


def write(folder: Path, text: str, name: str = "deck.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


BAD_NAMES = ["a::::b", "a:: b", " a", "a ", "a\tb", "a\x01b", "a\u0308", "::a", "a::"]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_names_anki_would_change_are_refused(tmp_path, name):
    path = write(tmp_path, GOOD.replace('name = "D"', f"name = {json.dumps(name)}"))
    with pytest.raises(QuizgenError, match=str(path).replace("\\", "\\\\")):
        load_deck(path)


@pytest.mark.parametrize("subdeck", ["", " ", " x", "x\ny", "a::b"])
def test_subdeck_names_anki_would_change_are_refused(tmp_path, subdeck):
    path = write(tmp_path, GOOD + f"subdeck = {json.dumps(subdeck)}\n")
    with pytest.raises(QuizgenError, match=r"section\[1\]\.subdeck"):
        load_deck(path)


def test_the_name_check_agrees_with_anki(tmp_path):
    """Every refused name is one Anki stores differently; accepted ones it keeps as written."""
    col = fresh_collection(tmp_path / "anki")
    try:
        for name in BAD_NAMES:
            assert col.decks.name(col.decks.id(name)) != name, name
        for name in ["quizgen::Graphs and one-hot attention", "x:y", 'q"uote', "Ünïcödé::ß", "a/b"]:
            decks.check_deck_name("test", name)
            assert col.decks.name(col.decks.id(name)) == name, name
    finally:
        col.close()


def test_description_limit(tmp_path):
    path = write(tmp_path, GOOD.replace("seed = 1", f'seed = 1\ndescription = "{"x" * 2001}"'))
    with pytest.raises(QuizgenError, match="description is 2,001 characters; at most 2,000"):
        load_deck(path)


def test_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "deck.toml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert load_deck(path).name == "D"


def test_a_folder_argument_is_explained(tmp_path):
    result = CliRunner().invoke(cli, ["build", str(tmp_path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and "is a folder, not a deck file; name the deck files in it" in result.output
    assert result.output.count("\n") == 1


def test_total_size_limit_is_stated(tmp_path):
    text = GOOD.replace("count = 2", "count = 100000")
    with pytest.raises(QuizgenError, match=f"holds 100,000 problems .* at most {MAX_DECK_PROBLEMS:,}"):
        load_deck(write(tmp_path, text))


@pytest.mark.parametrize("second, message", [
    (GOOD.replace('"D"', '"E"'), "have the same id 99"),
    (GOOD.replace("id = 99", "id = 100"), "both fill the Anki deck 'D'"),
    (GOOD.replace("id = 99", "id = 100").replace('"D"', '"d"'), "both fill the Anki deck"),
    (GOOD.replace("id = 99", "id = 100").replace('"D"', '"D::Sub"'), None),
])
def test_clashes_between_deck_files_are_reported(tmp_path, second, message):
    first = load_deck(write(tmp_path, GOOD, "one.toml"))
    other = load_deck(write(tmp_path, second, "two.toml"))
    if message is None:
        check_distinct([first, other])  # a deck may sit inside another
        return
    with pytest.raises(QuizgenError, match=message):
        check_distinct([first, other])


def test_subdeck_of_one_file_is_the_deck_of_another(tmp_path):
    first = load_deck(write(tmp_path, GOOD + 'subdeck = "Sub"\n', "one.toml"))
    other = load_deck(write(tmp_path, GOOD.replace("id = 99", "id = 100").replace('"D"', '"D::sub"'), "two.toml"))
    with pytest.raises(QuizgenError, match="both fill the Anki deck 'D::sub'"):
        check_distinct([first, other])


def test_subdecks_spelled_two_ways_in_one_file(tmp_path):
    text = GOOD + 'subdeck = "Scores"\n\n[[section]]\nfamily = "qk.softmax"\ncount = 2\nsubdeck = "scores"\n'
    with pytest.raises(QuizgenError, match="are one deck in Anki, which ignores case"):
        load_deck(write(tmp_path, text))


def test_shipped_decks_are_distinct():
    check_distinct([load_deck(p) for p in deck_files(shipped("decks"))])


# ---------------------------------------------------------------- no repeated problems (issue 9)


def test_every_shipped_deck_holds_each_problem_once():
    for path in deck_files(shipped("decks")):
        definition = load_deck(path)
        keys = [json.dumps([p.family, p.inputs], sort_keys=True) for _, ps in definition.problems() for p in ps]
        assert len(keys) == len(set(keys)) == definition.size, path.stem


def test_repeated_inputs_are_redrawn_across_sections(tmp_path, monkeypatch):
    """With a family that has only five distinct problems, a basic and a choice section
    share them out without repeats, and asking for more is a clear error."""
    real = decks.make_problem

    def five_problems(family, seed, difficulty):
        return dataclasses.replace(real(family, seed, difficulty), inputs={"k": seed % 5})

    monkeypatch.setattr(decks, "make_problem", five_problems)
    head = GOOD.split("[[section]]")[0]
    basic = '\n[[section]]\nfamily = "qk.scores"\ncount = 3\n'
    choice = '\n[[section]]\nfamily = "qk.scores"\ncount = 2\nkind = "choice"\n'
    definition = load_deck(write(tmp_path, head + basic + choice))
    drawn = [p.inputs["k"] for _, ps in definition.problems() for p in ps]
    assert sorted(drawn) == [0, 1, 2, 3, 4]

    # moving the sections around changes no problem
    swapped = load_deck(write(tmp_path, head + choice + basic, "swapped.toml"))
    assert sorted((s.kind, [p.seed for p in ps]) for s, ps in swapped.problems()) == \
        sorted((s.kind, [p.seed for p in ps]) for s, ps in definition.problems())

    too_many = load_deck(write(tmp_path, head + basic + choice.replace("count = 2", "count = 3"), "more.toml"))
    with pytest.raises(QuizgenError, match="found only 2 problems not already in the deck in 74 draws; lower"):
        too_many.problems()
