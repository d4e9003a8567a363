"""A CLI that guides: choices, completion, help, fresh seeds, init and describe (issue 15)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from quizgen import catalog
from quizgen.batch import fresh_seed
from quizgen.cli import cli
from quizgen.decks import KINDS, deck_files, load_deck
from quizgen.families import FAMILIES
from quizgen.resources import shipped
from quizgen.writers.sheets import KEY_MODES

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(cli, list(args))


def quizgen_process(*args: str, **env: str) -> subprocess.CompletedProcess:
    """The real command in a fresh process, as a shell would run it."""
    return subprocess.run([sys.executable, "-c", "from quizgen.cli import main; main()", *args],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO), **env})


def test_bare_quizgen_prints_help_and_exits_0(run):
    result = run()
    assert result.exit_code == 0
    assert result.output.startswith("Usage: quizgen") and "Commands:" in result.output
    assert "Error" not in result.output


@pytest.mark.parametrize("module", ["quizgen", "quizgen.cli"])
def test_python_dash_m_runs_the_command(module):
    result = subprocess.run([sys.executable, "-m", module, "list"], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0 and result.stdout.startswith("graph.embeddings")


def test_usage_errors_are_one_line_with_clicks_hint(run):
    result = run("export", "--bogus")
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and result.output.startswith("Error: No such option")
    assert "Try 'quizgen export --help' for help." in result.output
    result = run("show", "qk.scores", "--difficulty", "extreme")
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert "unknown difficulty 'extreme'; choose from easy, medium, hard" in result.output
    assert "Try 'quizgen show --help' for help." in result.output


def test_choices_are_shown_in_help(run):
    assert "[easy|medium|hard]" in run("show", "--help").output
    assert "[json|jsonl]" in run("export", "--help").output
    sheet_help = run("sheet", "--help").output
    assert f"[{'|'.join(KINDS)}]" in sheet_help and f"[{'|'.join(KEY_MODES)}]" in sheet_help


def complete(words: str) -> list[str]:
    """What bash completion offers for the last word of ``words``, by click's env-var protocol."""
    parts = words.split(" ")
    result = quizgen_process(_QUIZGEN_COMPLETE="bash_complete", COMP_WORDS=words, COMP_CWORD=str(len(parts) - 1))
    assert result.returncode == 0, result.stderr
    return [line.split(",", 1)[1] for line in result.stdout.splitlines()]


def test_bash_completion_of_families_difficulties_and_cases():
    assert complete("quizgen show qk.") == ["qk.scores", "qk.softmax"]
    assert complete("quizgen export --family circuits.") == [f for f in FAMILIES if f.startswith("circuits.")]
    assert complete("quizgen describe ") == list(FAMILIES)
    assert complete("quizgen show qk.scores --difficulty ") == ["easy", "medium", "hard"]
    assert complete("quizgen export --format ") == ["json", "jsonl"]
    assert complete("quizgen sheet --kind ") == list(KINDS)
    assert complete("quizgen show qk.softmax --case seed000") == list(FAMILIES["qk.softmax"].cases)
    assert complete("quizgen sheet --seed r") == ["random"]
    assert complete("quizgen de") == ["describe"]
    script = quizgen_process(_QUIZGEN_COMPLETE="bash_source")
    assert script.returncode == 0 and "_QUIZGEN_COMPLETE=bash_complete" in script.stdout


def test_show_case_refuses_seed_and_difficulty(run):
    for extra in (("--seed", "3"), ("--seed", "0"), ("--difficulty", "easy")):
        result = run("show", "qk.scores", "--case", "seed000", *extra)
        assert result.exit_code == 2 and result.output.count("\n") == 1
        assert "--case shows a fixed problem" in result.output
    assert run("show", "qk.scores", "--case", "seed000").exit_code == 0


def test_seed_random_prints_a_seed_that_repeats_the_run():
    runner = CliRunner()
    first = runner.invoke(cli, ["show", "qk.softmax", "--seed", "random"])
    assert first.exit_code == 0
    note = first.stderr.strip()
    seed = int(note.split()[1])
    assert note == f"seed {seed} (drawn at random; --seed {seed} repeats this run)"
    again = runner.invoke(cli, ["show", "qk.softmax", "--seed", str(seed)])
    version = FAMILIES["qk.softmax"].version
    assert again.stdout == first.stdout and f"qk.softmax/{version}/{seed}" in first.stdout

    exported = runner.invoke(cli, ["export", "--family", "qk.scores", "--count", "3", "--seed", "random"])
    seed = int(exported.stderr.split()[1])
    assert runner.invoke(cli, ["export", "--family", "qk.scores", "--count", "3", "--seed", str(seed)]).stdout \
        == exported.stdout


def test_sheet_seed_random_regenerates_the_same_pdf(tmp_path):
    runner = CliRunner()
    args = ["sheet", "--family", "qk.softmax", "--timestamp", "1800000000"]
    first = runner.invoke(cli, [*args, "--seed", "random", "-o", str(tmp_path / "a")])
    assert first.exit_code == 0, first.output
    seed = int(first.stderr.split()[1])
    again = runner.invoke(cli, [*args, "--seed", str(seed), "-o", str(tmp_path / "b")])
    assert again.exit_code == 0
    assert first.stdout.replace("/a/", "/b/") == again.stdout
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert len(names) == 2 and all(f"seed{seed}" in name for name in names), names
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_fresh_seeds_ignore_global_random_state():
    np.random.seed(0)
    random.seed(0)
    first = fresh_seed()
    np.random.seed(0)
    random.seed(0)
    assert fresh_seed() != first  # equal with probability 2^-32
    assert 0 <= first < 2**32


@pytest.mark.parametrize("bad", ["-1", "x", "1.5"])
def test_bad_seeds(run, bad):
    result = run("show", "qk.scores", "--seed", bad)
    assert result.exit_code == 2 and result.output.startswith("Error: Invalid value for '--seed'")


def test_describe_explains_levels_and_cases(run):
    result = run("describe", "qk.softmax")
    assert result.exit_code == 0
    flat = " ".join(result.output.split())
    family = FAMILIES["qk.softmax"]
    for level, change in family.levels.items():
        assert f"{level} {' '.join(change.split())}" in flat
    for case, (difficulty, _) in family.cases.items():
        assert f"{case} ({difficulty})" in flat
    assert max(len(line) for line in result.output.splitlines()) <= 80
    example = next(line.split()[1:] for line in result.output.splitlines() if "--case" in line)
    assert run(*example).exit_code == 0  # the printed example works
    assert run("describe", "nope").exit_code == 2


def test_describe_lists_exactly_the_fixed_cases(run):
    for fid, family in FAMILIES.items():
        section = run("describe", fid).output.split("Fixed cases:\n")[1].split("\n\n")[0]
        expected = [f"  {name} ({difficulty})" for name, (difficulty, _) in family.cases.items()] or ["  none"]
        assert section.splitlines() == expected


def test_catalog_snapshot_is_current():
    assert catalog.SNAPSHOT.read_text(encoding="utf-8") == catalog.snapshot_text(), \
        "quizgen/catalog.json is stale: run python -m quizgen.catalog"
    catalog.families.cache_clear()
    assert catalog.families() == catalog.live()


def test_a_stale_catalog_falls_back_to_the_registry(monkeypatch):
    monkeypatch.setattr(catalog, "live", lambda: {"from": "the registry"})
    catalog.families.cache_clear()
    try:
        assert list(catalog.families()) == list(FAMILIES)  # current snapshot: read, registry not imported
        monkeypatch.setattr(catalog, "fingerprint", lambda: "a family was edited")
        catalog.families.cache_clear()
        assert catalog.families() == {"from": "the registry"}
        monkeypatch.setattr(catalog, "SNAPSHOT", Path("/nonexistent/catalog.json"))
        catalog.families.cache_clear()
        assert catalog.families() == {"from": "the registry"}
    finally:
        catalog.families.cache_clear()


def test_init_copies_decks_and_never_overwrites(tmp_path, run, monkeypatch):
    result = run("init", str(tmp_path / "course"))
    assert result.exit_code == 0, result.output
    decks = tmp_path / "course" / "decks"
    shipped_names = [p.name for p in deck_files(shipped("decks"))]
    assert sorted(p.name for p in decks.iterdir()) == sorted([*shipped_names, "my-deck.toml"])
    for name in shipped_names:
        assert (decks / name).read_bytes() == (shipped("decks") / name).read_bytes()
    example = load_deck(decks / "my-deck.toml")  # the example is a valid deck
    assert example.sections and "#" in (decks / "my-deck.toml").read_text()

    (decks / "graphs.toml").write_text("# mine\n")
    (decks / "my-deck.toml").unlink()
    again = run("init", str(tmp_path / "course"))
    assert again.exit_code == 0
    assert (decks / "graphs.toml").read_text() == "# mine\n"
    assert "graphs.toml: exists, left as it is" in again.output and "my-deck.toml: created" in again.output

    monkeypatch.chdir(tmp_path / "course")  # build the example deck from the initialised folder
    built = run("build", "decks/my-deck.toml", "-o", "out", "--timestamp", "1800000000")
    assert built.exit_code == 0, built.output
    assert (tmp_path / "course" / "out" / "my-deck.apkg").is_file()


def test_init_into_a_file_is_an_error(tmp_path, run):
    (tmp_path / "x").write_text("")
    result = run("init", str(tmp_path / "x"))
    assert result.exit_code == 2 and result.output.startswith("Error: ") and result.output.count("\n") == 1
