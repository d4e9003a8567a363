"""What a hostile tester tried and the CLI must survive: a full or closed standard output,
a reader that stops early, outputs in the way, duplicated choices, an input given as the
output, and a class of sheets cut short."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizgen.cli import cli
from quizgen.writers import sheets
from quizgen.writers.sheets import RosterRow, read_names, roster_csv

REPO = Path(__file__).resolve().parent.parent
DECK = REPO / "decks" / "graphs.toml"


@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(cli, [str(a) for a in args])


def quizgen_shell(command: str, cwd: Path) -> subprocess.CompletedProcess:
    """``command`` in a shell, with ``quizgen`` this working tree's CLI in a fresh process."""
    quizgen = f"'{sys.executable}' -c 'from quizgen.cli import main; main()'"
    return subprocess.run(["sh", "-c", command.replace("quizgen", quizgen, 1)], cwd=cwd, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(REPO)})


@pytest.mark.parametrize("command", ["quizgen export --count 2 > /dev/full", "quizgen show qk.scores > /dev/full",
                                     "quizgen export --count 2 >&-"])
def test_an_unwritable_standard_output_is_a_one_line_error(command, tmp_path):
    result = quizgen_shell(command, tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr


def test_a_reader_that_stops_early_does_not_stop_the_build(tmp_path):
    result = quizgen_shell(f"quizgen build '{DECK}' -o out -q --timestamp 1800000000 | head -1", tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("out/graphs.apkg: 56 notes"), result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "graphs-sheet-key.pdf", "graphs-sheet.pdf", "graphs.apkg", "graphs.manifest.json"]


def test_something_in_the_way_of_the_builds_sheet_is_refused_before_any_work(run, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / "graphs-sheet.pdf")
    result = run("build", DECK, "-o", out)
    assert result.exit_code == 2 and "graphs-sheet.pdf: it is not a regular file" in result.output
    assert "notes" not in result.output  # no deck reported as built
    assert [p.name for p in out.iterdir()] == ["graphs-sheet.pdf"]


def test_a_trailing_slash_names_a_folder_not_a_file(run, tmp_path):
    for command in (["export", "--count", "1"], ["practice", "--count", "1"]):
        result = run(*command, "-o", f"{tmp_path}/x.html/")
        assert result.exit_code == 2 and "ends in a slash" in result.output
    assert not list(tmp_path.iterdir())


def test_a_family_named_twice_is_made_once(run, tmp_path):
    result = run("export", "--family", "qk.scores", "--family", "qk.scores", "--count", "2")
    assert result.exit_code == 0 and result.output.count('"id"') == 2
    page = run("practice", "--family", "qk.scores", "--family", "qk.scores", "--count", "1", "-o", tmp_path / "p.html")
    assert "3 problems of 1 family" in page.output


def test_practice_never_writes_over_its_deck_file(run, tmp_path):
    deck = tmp_path / "deck.toml"
    deck.write_bytes(DECK.read_bytes())
    result = run("practice", "--deck", deck, "-o", deck, "--count", "1")
    assert result.exit_code == 2 and "is the deck file itself" in result.output
    assert deck.read_bytes() == DECK.read_bytes()


def test_practice_needs_a_deck_with_problems(run, tmp_path):
    deck = tmp_path / "facts.toml"
    deck.write_text('name = "Facts"\nid = 77\nseed = 1\nfacts = ["qk"]\n', encoding="utf-8")
    result = run("practice", "--deck", deck, "-o", tmp_path / "p.html")
    assert result.exit_code == 2 and "only facts" in result.output
    assert not (tmp_path / "p.html").exists()


def test_a_sheet_count_names_the_sheets_own_limit(run):
    result = run("sheet", "--count", "0")
    assert result.exit_code == 2 and "between 1 and 50" in result.output


def test_a_file_name_too_long_is_a_one_line_error(run, tmp_path):
    result = run("sheet", "--family", "qk.scores", "--seed", "9" * 300, "-o", tmp_path)
    assert result.exit_code == 2 and "File name too long" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_class_cut_short_leaves_the_folder_as_it_was(run, tmp_path, monkeypatch):
    made = sheets.sheet_contents

    def third_student_interrupted(sheet, *args, **kwargs):
        if sheet.student and sheet.student.startswith("student 3"):
            raise KeyboardInterrupt
        return made(sheet, *args, **kwargs)

    (tmp_path / "names.txt").write_text("student 1\nstudent 2\nstudent 3\n", encoding="utf-8")
    monkeypatch.setattr(sheets, "sheet_contents", third_student_interrupted)
    result = run("sheet", "--family", "qk.scores", "--names", tmp_path / "names.txt", "-o", tmp_path / "class",
                 "-j", "1")
    assert result.exit_code == 1 and "Aborted" in result.output
    assert not list((tmp_path / "class").iterdir())  # no student's files, no temporary ones


def test_names_drop_a_byte_order_mark_and_the_roster_keeps_formulas_as_text(tmp_path):
    names = tmp_path / "names.txt"
    names.write_bytes("\ufeffAlice\r\n=cmd|calc!A1\r\n@SUM(A1)\r\n".encode("utf-8"))
    assert read_names(names) == ["Alice", "=cmd|calc!A1", "@SUM(A1)"]
    rows = [RosterRow(k, name, 1, "s.pdf", "k.pdf", []) for k, name in enumerate(read_names(names), 1)]
    assert roster_csv(rows).splitlines()[1:] == ["1,Alice,1,s.pdf,k.pdf,", "2,'=cmd|calc!A1,1,s.pdf,k.pdf,",
                                                 "3,'@SUM(A1),1,s.pdf,k.pdf,"]


def test_a_second_build_into_a_folder_waits_for_the_first(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", "import fcntl, os, sys, time\n"
                               f"fd = os.open({str(out)!r}, os.O_RDONLY); fcntl.flock(fd, fcntl.LOCK_EX)\n"
                               "print('held', flush=True); time.sleep(1.5)"], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "held\n"
    result = quizgen_shell(f"quizgen build '{DECK}' -o out -q --timestamp 1800000000", tmp_path)
    holder.wait()
    assert result.returncode == 0 and "waiting for another build into" in result.stderr, result.stderr
    assert (out / "graphs.apkg").exists()
