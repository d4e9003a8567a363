"""Deck files: every mistake is named with its file, key and the valid choices."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from quizgen.cli import cli
from quizgen.decks import load_deck
from quizgen.errors import QuizgenError

GOOD = """
name = "D"
id = 99
seed = 1

[[section]]
family = "qk.scores"
count = 2
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "deck.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("text, message", [
    ("colour = 'red'\n" + GOOD, "unknown key 'colour'; valid keys: name, id, seed"),
    (GOOD.replace("qk.scores", "qk.nope"), "section[1].family: unknown family 'qk.nope'; choose from graph.embeddings"),
    (GOOD + 'difficulty = "extreme"\n', "section[1].difficulty: unknown difficulty 'extreme'; choose from easy, medium, hard"),
    (GOOD + 'kind = "essay"\n', "section[1].kind: unknown kind 'essay'; choose from basic, choice"),
    (GOOD + 'colour = "red"\n', "section[1]: unknown key 'colour'; valid keys: family, count"),
    (GOOD.replace("count = 2", "count = 0"), "section[1].count: must be between 1 and 100,000"),
    (GOOD.replace("count = 2", 'count = "two"'), "count must be int, not str"),
    (GOOD.replace('name = "D"', ""), "missing key 'name'"),
    (GOOD + "[[section]]\nfamily = \"qk.scores\"\ncount = 3\n", "section[2] repeats the family"),
    ("name = \n", "not valid TOML"),
    (GOOD.replace("seed = 1", "seed = 1\nfacts = ['gossip']"), "facts: unknown topic 'gossip'"),
])
def test_bad_deck_files_are_named(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(QuizgenError) as err:
        load_deck(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_good_deck(tmp_path):
    deck = load_deck(write(tmp_path, GOOD))
    assert deck.name == "D" and deck.size == 2 and deck.sections[0].kind == "basic"


def test_build_cli_errors_write_nothing(tmp_path):
    bad = write(tmp_path, GOOD.replace("qk.scores", "qk.nope"))
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(bad), "-o", str(out)])
    assert result.exit_code == 2 and result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert not out.exists()
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "missing.toml"), "-o", str(out)])
    assert result.exit_code == 2 and "no such deck file" in result.output


def test_build_cli_reports_counts(tmp_path):
    good = write(tmp_path, GOOD)
    out = tmp_path / "out"
    runner = CliRunner()
    first = runner.invoke(cli, ["build", str(good), "-o", str(out), "--timestamp", "1800000000"])
    assert first.exit_code == 0 and "2 notes (2 new, 0 changed, 0 unchanged, 0 retired)" in first.output
    second = runner.invoke(cli, ["build", str(good), "-o", str(out), "--timestamp", "1800000001"])
    assert "2 notes (0 new, 0 changed, 2 unchanged, 0 retired)" in second.output
    assert (out / "deck.apkg").stat().st_size > 1000
