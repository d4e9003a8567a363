"""The streaming export: formats, any number of jobs giving the same bytes, records written
as they are made, atomic files, progress only on a terminal, clean interrupts (issue 13)."""

from __future__ import annotations

import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizgen.batch import PROBLEMS_PER_JOB, available_cores, chunks, jobs_for, parallel_map
from quizgen.cli import cli
from quizgen.errors import QuizgenError
from quizgen.families import FAMILIES
from quizgen.writers import export
from quizgen.writers.export import export_record, write_records
from terminal import on_a_terminal, quizgen_popen, signal_its_group



def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def export_bytes(*args: str) -> bytes:
    result = run("export", *args)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def test_json_and_jsonl_hold_the_same_records():
    as_json = export_bytes("--count", "3", "--seed", "5")
    as_jsonl = export_bytes("--count", "3", "--seed", "5", "--format", "jsonl")
    lines = as_jsonl.decode().splitlines()
    assert as_json == ("[\n" + ",\n".join(lines) + "\n]\n").encode()  # one compact record per line
    assert [json.loads(line) for line in lines] == json.loads(as_json)
    assert len(lines) == 3 * len(FAMILIES)


def test_records_match_the_problems_one_by_one():
    records = json.loads(export_bytes("--family", "merge.reachable", "--count", "7", "--seed", "2"))
    problems = [p for chunk in chunks([FAMILIES["merge.reachable"]], 7, 2, None) for p in chunk.problems()]
    assert records == [json.loads(json.dumps(export_record(p))) for p in problems]


def test_any_number_of_jobs_gives_the_same_bytes(tmp_path):
    outputs = []
    for jobs in ("1", "2", "3"):
        out = tmp_path / f"jobs{jobs}.json"
        assert run("export", "--count", "20", "--seed", "4", "--jobs", jobs, "-o", str(out)).exit_code == 0
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(json.loads(outputs[0])) == 20 * len(FAMILIES)


def test_jobs_default_to_the_cores_the_work_repays():
    every = list(FAMILIES.values())
    assert jobs_for(None, every, 1) == 1  # 17 problems: starting a worker would cost more
    assert jobs_for(None, every, 10_000) == available_cores()
    assert jobs_for(None, every[:1], PROBLEMS_PER_JOB) == 1
    assert jobs_for(3, every, 20) == 3  # asked for: granted while there are chunks to share
    assert jobs_for(8, every[:1], 150) == 2  # ... but never more than the chunks


def test_parallel_map_keeps_order():
    assert list(parallel_map(abs, range(-50, 0), 2, window=3)) == list(range(50, 0, -1))
    assert list(parallel_map(abs, [], 2)) == []
    rng = random.Random(3)  # items of very different cost, so the workers finish out of turn
    items = [[rng.random() for _ in range(rng.choice([1, 10, 300_000]))] for _ in range(40)]
    assert list(parallel_map(sorted, items, 3, window=4)) == [sorted(item) for item in items]


@pytest.mark.parametrize("command", [["export", "--count", "5"], ["build"], ["sheet"], ["practice", "--count", "1"]])
def test_far_more_jobs_than_cores_are_refused(tmp_path, command):
    too_many = str(4 * available_cores() + 1)
    result = run(*command, "--jobs", too_many, "-o", str(tmp_path / "out"))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"{too_many} is more than 4 per core" in result.output
    assert list(tmp_path.iterdir()) == []
    assert run("export", "--count", "1", "--family", "qk.softmax", "--jobs", str(4 * available_cores()),
               "-o", str(tmp_path / "ok.json")).exit_code == 0


def test_a_worker_that_dies_is_a_clear_error():
    with pytest.raises(QuizgenError, match="worker process ended abruptly"):
        list(parallel_map(os._exit, [1, 1, 1], 2))


def test_the_process_that_hands_out_chunks_stays_small():
    # a parallel export's main process validates, cuts chunks and writes: none of it needs
    # numpy or the families, which would cost it ~20 MB beside the workers
    script = """
import sys
from quizgen import catalog
from quizgen.batch import check_request, chunks
from quizgen.writers.export import export_to_file, write_records
work = list(chunks(check_request(catalog.family_ids(), 1000, "hard"), 1000, 7, "hard"))
assert len(work) == 170 and work[-1].stop == 1000, work[-1]
heavy = sorted(m for m in ("numpy", "quizgen.families", "quizgen.model.content") if m in sys.modules)
assert not heavy, heavy
"""
    subprocess.run([sys.executable, "-c", script], check=True)


class Recorder(io.BytesIO):
    """An output that notes how many chunks had been taken from the input at each write."""

    def __init__(self, pulled: list[int]) -> None:
        super().__init__()
        self.pulled = pulled
        self.seen: list[int] = []

    def write(self, data: bytes) -> int:
        self.seen.append(self.pulled[0])
        return super().write(data)


def test_records_are_written_as_they_are_made():
    pulled = [0]

    def work():
        for chunk in chunks([FAMILIES["qk.softmax"]], 50, 1, None, size=10):
            pulled[0] += 1
            yield chunk

    out = Recorder(pulled)
    assert write_records(out, work(), "jsonl") == 50
    assert out.seen == [1, 2, 3, 4, 5]  # each chunk is written before the next one is drawn
    assert pulled[0] == 5


def test_chunking_does_not_change_the_problems():
    families = [FAMILIES["qk.scores"], FAMILIES["attention.shapes"]]
    by_ten = [p.id for c in chunks(families, 25, 9, None, size=10) for p in c.problems()]
    whole = [p.id for c in chunks(families, 25, 9, None, size=1000) for p in c.problems()]
    assert by_ten == whole and len(whole) == 50


def test_a_failure_midway_leaves_no_file(tmp_path, monkeypatch):
    target = tmp_path / "x.json"
    target.write_text("old")
    calls = []

    def failing(problem):
        calls.append(problem)
        if len(calls) > 20:
            raise KeyboardInterrupt
        return export_record(problem)

    monkeypatch.setattr(export, "export_record", failing)
    result = run("export", "--count", "5", "--jobs", "1", "-o", str(target))
    assert result.exit_code == 1 and "Aborted" in result.output
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["x.json"]


def test_output_must_be_a_regular_file(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for target in (fifo, Path("/dev/null")):
        result = run("export", "-o", str(target))
        assert result.exit_code == 2 and result.output.count("\n") == 1
        assert result.output.startswith(f"Error: cannot write {target}: it is not a regular file")
    assert fifo.is_fifo() and [p.name for p in tmp_path.iterdir()] == ["pipe"]


@pytest.mark.parametrize("sig, jobs", [(signal.SIGINT, "1"), (signal.SIGINT, "2"), (signal.SIGTERM, "2")])
def test_an_interrupted_export_removes_its_temporary_file(tmp_path, sig, jobs):
    target = tmp_path / "big.json"
    proc = quizgen_popen("export", "--count", "5000", "--jobs", jobs, "-o", str(target),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not any(p.name.endswith(".tmp") and p.stat().st_size > 0 for p in tmp_path.iterdir()):
        assert time.monotonic() < deadline and proc.poll() is None, "no temporary file appeared"
        time.sleep(0.05)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    if sig == signal.SIGINT:
        assert proc.returncode == 1 and b"Aborted." in err
    else:
        assert proc.returncode == 128 + signal.SIGTERM
    assert b"Traceback" not in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 1), (signal.SIGHUP, 128 + signal.SIGHUP)])
def test_a_parallel_export_signalled_with_its_workers_ends_at_once(tmp_path, signum, code):
    """Ctrl-C or a closed terminal signals the workers too: the export still ends within a
    moment, quietly, leaving no file and no process behind."""
    target = tmp_path / "big.json"
    status, err, took, running = signal_its_group(
        ("export", "--count", "5000", "--jobs", "2", "-o", str(target)), signum,
        ready=lambda: any(p.name.endswith(".tmp") and p.stat().st_size > 0 for p in tmp_path.iterdir()))
    assert status == code and took < 3 and running == []
    assert ("Aborted." in err) == (signum == signal.SIGINT)
    assert "Traceback" not in err and "Warning" not in err
    assert list(tmp_path.iterdir()) == []


def test_progress_bar_only_on_a_terminal(tmp_path):
    out = str(tmp_path / "p.json")
    shown, _ = on_a_terminal("export", "--count", "60", "--jobs", "1", "-o", out)
    total = 60 * len(FAMILIES)
    assert "exporting" in shown and f"{total}/{total}" in shown and f"wrote {total} problems" in shown
    assert on_a_terminal("export", "--count", "60", "--jobs", "1", "-q", "-o", out)[0] == ""
    piped = quizgen_popen("export", "--count", "60", "--jobs", "1", "-o", out,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, err = piped.communicate(timeout=60)
    assert err.decode() == f"wrote {60 * len(FAMILIES)} problems to {out}\n"


def test_a_closed_pipe_ends_the_export_quietly():
    proc = quizgen_popen("export", "--count", "2000", "--jobs", "2", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.read(1000)
    proc.stdout.close()
    err = proc.stderr.read()
    proc.wait(timeout=60)
    assert b"Traceback" not in err and b"Exception" not in err
