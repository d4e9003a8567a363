"""A class's sheets are made on threads: the files are the same bytes for any --jobs, are
listed in student order, an error in a thread is a one-line error, and a progress bar
shows on a terminal only."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from click.testing import CliRunner

from quizgen.cli import cli
from quizgen.errors import QuizgenError
from quizgen.writers import sheets
from quizgen.writers.sheets import in_threads
from terminal import on_a_terminal

CLASS = ["sheet", "--family", "qk.scores", "--family", "attention.shapes", "--kind", "choice", "--students", "4",
         "--format", "both", "--seed", "3", "--timestamp", "1800000000"]


def test_files_are_the_same_bytes_for_any_number_of_jobs(tmp_path):
    listings, files = [], []
    for jobs in ("1", "3"):
        out = tmp_path / f"jobs{jobs}"
        result = CliRunner().invoke(cli, [*CLASS, "--jobs", jobs, "-o", str(out)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        listings.append([Path(line).name for line in result.output.splitlines()])
        files.append({p.name: p.read_bytes() for p in out.iterdir()})
    assert listings[0] == listings[1]
    students = [name.split("student")[1][:2] for name in listings[0] if "student" in name]
    assert students == sorted(students)  # in student order
    assert len(files[0]) == 4 * 4 + 2  # sheet and key as PDF and HTML per student, and the roster
    assert files[0] == files[1]


def test_an_error_in_a_thread_is_a_one_line_error(tmp_path, monkeypatch):
    def full_disk(*args, **kwargs):
        raise QuizgenError("cannot lay out the sheet in the temporary folder: No space left on device")

    monkeypatch.setattr(sheets, "compile_pdf", full_disk)
    result = CliRunner().invoke(cli, [*CLASS, "--jobs", "2", "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert result.output == "Error: cannot lay out the sheet in the temporary folder: No space left on device\n"


def test_threads_give_results_in_order_and_start_nothing_after_an_error():
    def slow_square(k: int) -> int:
        time.sleep(0.02 * (k % 3))
        return k * k

    assert list(in_threads(slow_square, [(k,) for k in range(20)], 3)) == [k * k for k in range(20)]
    started = []
    lock = threading.Lock()

    def fails_at_two(k: int) -> int:
        with lock:
            started.append(k)
        if k == 2:
            raise ValueError("two")
        time.sleep(0.05)
        return k

    try:
        list(in_threads(fails_at_two, [(k,) for k in range(100)], 2))
    except ValueError:
        pass
    else:
        raise AssertionError("the error in a thread was lost")
    assert len(started) <= 2 + 2 * 2 + 1  # the two running and the few queued ahead, not all 100


def test_progress_bar_on_a_terminal_only_and_not_with_quiet(tmp_path):
    args = ["sheet", "--family", "qk.softmax", "--students", "3", "--jobs", "2"]
    shown, listed = on_a_terminal(*args, "-o", str(tmp_path / "a"))
    assert "sheets" in shown and "3/3" in shown
    assert len(listed.splitlines()) == 3 * 2 + 2  # every file is still listed, after the bar
    shown, listed = on_a_terminal(*args, "--quiet", "-o", str(tmp_path / "b"))
    assert shown == "" and len(listed.splitlines()) == 3 * 2 + 2
    result = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "c")], catch_exceptions=False)  # no terminal
    assert all(line.endswith((".pdf", ".csv")) for line in result.output.splitlines())
