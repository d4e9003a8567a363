"""The CLI as a user meets it, through click's CliRunner."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from quizgen import __version__
from quizgen.cli import cli
from quizgen.families import FAMILIES

CONTRACT = ("id", "family", "version", "seed", "tags", "difficulty", "prompt", "answer", "steps", "inputs", "truth")


@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(cli, list(args))


def test_list_shows_every_family_in_80_columns(run):
    result = run("list")
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert [line.split()[0] for line in lines if not line.startswith(" ")] == list(FAMILIES)
    assert max(len(line) for line in lines) <= 80
    for family in FAMILIES.values():  # every word of every summary is there
        assert " ".join(family.summary.split()) in " ".join(result.output.split())


def test_version_and_help(run):
    assert __version__ in run("--version").output
    for command in ("list", "describe", "show", "export", "init", "build", "sheet"):
        result = run(command, "--help")
        assert result.exit_code == 0 and "Example" in result.output


def test_show_prints_prompt_answer_steps(run):
    result = run("show", "qk.scores", "--seed", "7")
    assert result.exit_code == 0
    for heading in ("qk.scores/1/7", "Answer", "Worked steps", "Multiple choice"):
        assert heading in result.output
    assert run("show", "qk.scores", "--seed", "7").output == result.output


def test_show_fixed_case(run):
    result = run("show", "qk.scores", "--case", "seed000")
    assert result.exit_code == 0 and "2 → {3}; 3 → {6}; 6 → nobody" in result.output


def test_export_follows_the_contract(run, tmp_path):
    out = tmp_path / "problems.json"
    result = run("export", "--count", "4", "--format", "json", "-o", str(out))
    assert result.exit_code == 0
    records = json.loads(out.read_text(encoding="utf-8"))
    assert len(records) == 4 * len(FAMILIES)
    for r in records:
        assert all(k in r for k in CONTRACT)
        assert r["id"] == f"{r['family']}/{r['version']}/{r['seed']}"
        assert isinstance(r["steps"], list) and all(isinstance(s, str) for s in r["steps"])
        family = FAMILIES[r["family"]]
        assert set(family.truth_keys) <= set(r["truth"])
    assert len({r["id"] for r in records}) == len(records)


def test_export_to_stdout_with_filters(run):
    result = run("export", "--family", "qk.softmax", "--family", "merge.reachable", "--count", "3",
                 "--seed", "9", "--difficulty", "hard")
    records = json.loads(result.output)
    assert [r["family"] for r in records] == ["qk.softmax"] * 3 + ["merge.reachable"] * 3
    assert {r["difficulty"] for r in records} == {"hard"}


@pytest.mark.parametrize("args, message", [
    (("show", "nope"), "unknown family 'nope'"),
    (("show", "qk.scores", "--difficulty", "extreme"), "unknown difficulty 'extreme'"),
    (("show", "qk.scores", "--case", "nope"), "unknown case 'nope'"),
    (("show", "qk.scores", "--seed", "-3"), "seed must be non-negative"),
    (("export", "--family", "nope"), "unknown family 'nope'"),
    (("export", "--count", "-1"), "count must be between 1 and 100,000"),
    (("export", "--count", "0"), "count must be between 1 and 100,000"),
    (("export", "--count", "100001"), "count must be between 1 and 100,000"),
    (("export", "--difficulty", "extreme"), "unknown difficulty 'extreme'"),
    (("export", "--format", "xml"), "Invalid value for '--format'"),
    (("export", "--bogus"), "No such option"),
])
def test_bad_input_is_one_line_exit_2(run, args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert result.output.count("\n") == 1 and result.output.startswith("Error: ")
    assert "Traceback" not in result.output


def test_unwritable_output_leaves_no_file(run, tmp_path, monkeypatch):
    missing = tmp_path / "no" / "such" / "dir" / "x.json"
    result = run("export", "-o", str(missing))
    assert result.exit_code == 2 and "cannot write" in result.output and not missing.parent.exists()

    # a folder we may not write to (simulated: the tests may run as root, whom chmod does not stop)
    from quizgen.writers import output

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(output.tempfile, "mkstemp", refuse)
    target = tmp_path / "x.json"
    result = run("export", "-o", str(target))
    assert result.exit_code == 2
    assert result.output == f"Error: cannot write {target}: Permission denied\n"
    assert list(tmp_path.iterdir()) == []


def test_output_that_is_a_directory(run, tmp_path):
    result = run("export", "-o", str(tmp_path))
    assert result.exit_code == 2 and result.output.startswith("Error: ")


def test_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path, monkeypatch):
    from quizgen.writers import output
    from quizgen.errors import QuizgenError

    target = tmp_path / "x.json"
    target.write_text("old")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "replace", broken_replace)
    with pytest.raises(QuizgenError, match="No space left"):
        output.atomic_write(target, b"new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]
