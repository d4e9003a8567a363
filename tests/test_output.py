"""Output files written whole: special files never replaced, sets of files replaced together,
no temporary file left behind after success, error, Ctrl-C or a killed run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizgen.cli import cli
from quizgen.errors import QuizgenError
from quizgen.writers import output

ROOT = Path(__file__).resolve().parents[1]
DECK = """
name = "D"
id = 99
seed = 1

[[section]]
family = "qk.scores"
count = 2
"""


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_fifo_and_device_are_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(QuizgenError, match="not a regular file"):
        output.atomic_write(fifo, b"data")
    assert fifo.is_fifo() and names(tmp_path) == ["pipe"]
    with pytest.raises(QuizgenError, match="not a regular file"):
        output.atomic_write(Path("/dev/null"), b"data")
    assert Path("/dev/null").is_char_device()


def test_symlink_is_written_through(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old")
    (tmp_path / "link.txt").symlink_to(real)
    output.atomic_write(tmp_path / "link.txt", b"new")
    assert (tmp_path / "link.txt").is_symlink() and real.read_text() == "new"


def test_files_of_a_set_are_replaced_together_or_not_at_all(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("old a")
    b.write_text("old b")

    def full_disk(tmp: Path) -> None:
        tmp.write_bytes(b"partial")
        raise OSError(28, "No space left on device")

    with pytest.raises(QuizgenError, match=f"cannot write {b}: No space left on device"):
        output.write_together({a: b"new a", b: full_disk})
    assert (a.read_text(), b.read_text()) == ("old a", "old b") and names(tmp_path) == ["a.txt", "b.txt"]

    def interrupted(tmp: Path) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        output.write_together({a: b"new a", b: interrupted})
    assert (a.read_text(), b.read_text()) == ("old a", "old b") and names(tmp_path) == ["a.txt", "b.txt"]

    output.write_together({a: b"new a", b: b"new b"})
    assert (a.read_text(), b.read_text()) == ("new a", "new b") and names(tmp_path) == ["a.txt", "b.txt"]


def test_two_outputs_with_one_name_are_refused_before_writing(tmp_path):
    with pytest.raises(QuizgenError, match="two outputs would be written to one file"):
        output.write_together({tmp_path / "x.txt": b"1", tmp_path / "sub" / ".." / "x.txt": b"2"})
    assert names(tmp_path) == []


def test_build_of_two_files_with_one_name_writes_nothing(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.toml").write_text(DECK.replace("id = 99", f"id = {ord(folder)}")
                                                  .replace('"D"', f'"{folder}"'))
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "a" / "x.toml"), str(tmp_path / "b" / "x.toml"),
                                      "-o", str(out)])
    assert result.exit_code == 2 and "would both be written to x.apkg" in result.output
    assert result.output.count("\n") == 1 and not out.exists()


def test_stale_temps_of_a_dead_run_are_removed(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".deck.apkg.quizgen-{int(dead.stdout)}-abc123.tmp"
    live = tmp_path / f".deck.apkg.quizgen-{os.getppid()}-abc123.tmp"  # a running process's file stays
    other = tmp_path / ".deck.apkg.tmp"  # not ours
    for path in (stale, live, other):
        path.write_text("x")
    output.atomic_write(tmp_path / "deck.apkg", b"new")
    assert names(tmp_path) == sorted([live.name, other.name, "deck.apkg"])


def test_killed_build_leaves_temps_the_next_build_removes(tmp_path):
    """SIGKILL while the package is being written, then an ordinary build in the same folder."""
    deck = tmp_path / "d.toml"
    deck.write_text(DECK)
    out = tmp_path / "out"
    script = textwrap.dedent(f"""
        import time, sys
        from quizgen.writers import apkg
        from quizgen.decks import load_deck
        real = apkg.write_package
        def slow(path, collection, media):
            real(path, collection, media)
            print("written", flush=True)
            time.sleep(60)
        apkg.write_package = slow
        apkg.write_deck(load_deck({str(deck)!r}), {str(out)!r}, 1800000000)
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout.readline().strip() == "written"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    left = [n for n in names(out) if n.endswith(".tmp")]
    assert left and not (out / "d.apkg").exists()
    result = CliRunner().invoke(cli, ["build", str(deck), "-o", str(out), "--timestamp", "1800000000"])
    assert result.exit_code == 0, result.output
    assert not [n for n in names(out) if n.endswith(".tmp")]


@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 1), (signal.SIGTERM, 128 + signal.SIGTERM)])
def test_interrupted_build_leaves_nothing(tmp_path, signum, code):
    deck = tmp_path / "d.toml"
    deck.write_text(DECK)
    out = tmp_path / "out"
    script = textwrap.dedent(f"""
        import time
        from quizgen.writers import apkg
        from quizgen.cli import main
        real = apkg.write_package
        def slow(path, collection, media):
            real(path, collection, media)
            print("written", flush=True)
            # short naps, as a real build keeps running code: a signal the kernel hands to
            # another thread (numpy's) is noticed between two naps, not inside one long sleep
            for _ in range(600):
                time.sleep(0.1)
        apkg.write_package = slow
        import sys
        sys.argv = ["quizgen", "build", {str(deck)!r}, "-o", {str(out)!r}]
        main()
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    assert proc.stdout.readline().strip() == "written"
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code and "Traceback" not in err
    assert names(out) == []


def test_file_size_limit_is_a_one_line_error(tmp_path):
    """`ulimit -f`: the write fails with EFBIG (Python ignores SIGXFSZ)."""
    deck = tmp_path / "d.toml"
    deck.write_text(DECK)
    out = tmp_path / "out"
    code = ("import resource; resource.setrlimit(resource.RLIMIT_FSIZE, (5000, 5000)); "
            "from quizgen.cli import main; main()")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", code, "build", str(deck), "-o", str(out)],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 2 and proc.stderr.splitlines()[-1] == f"Error: cannot write {out}/d.apkg: File too large"
    assert "Traceback" not in proc.stderr and names(out) == []  # the manifest, which fits, is not written alone


def test_build_leaves_nothing_in_tmpdir(tmp_path):
    """genanki's own write_to_file leaves its temporary collection in $TMPDIR; the build does not use it."""
    deck = tmp_path / "d.toml"
    deck.write_text(DECK)
    tmpdir = tmp_path / "tmpdir"
    tmpdir.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmpdir)}
    proc = subprocess.run([sys.executable, "-c", "from quizgen.cli import main; main()", "build", str(deck),
                           "-o", str(tmp_path / "out"), "--timestamp", "1800000000"],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert names(tmpdir) == []


def test_full_tmpdir_is_a_one_line_error(tmp_path):
    """A full $TMPDIR (a 64 KB tmpfs, nearly filled): mounting needs root, so elsewhere this is skipped."""
    tmpdir = tmp_path / "tmpdir"
    tmpdir.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(tmpdir)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        # nearly full: Python's tempfile moves to /tmp when it cannot write a few bytes in $TMPDIR
        (tmpdir / "fill").write_bytes(b"\0" * 60_000)
        deck = tmp_path / "d.toml"
        deck.write_text(DECK)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmpdir)}
        proc = subprocess.run([sys.executable, "-c", "from quizgen.cli import main; main()", "build", str(deck),
                               "-o", str(tmp_path / "out")], capture_output=True, text=True, env=env)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr
        assert proc.stderr.splitlines()[-1].startswith("Error: ") and "No space left on device" in proc.stderr
        assert names(tmpdir) == ["fill"]
        assert not [n for n in names(tmp_path / "out") if n.endswith(".tmp")]
    finally:
        subprocess.run(["umount", str(tmpdir)], check=True)


@pytest.mark.parametrize("value, message", [
    ("nan", "whole Unix seconds"), ("inf", "whole Unix seconds"), ("1.5", "whole Unix seconds"),
    ("-5", "between 315532800"), ("1800000000000", "milliseconds?"), ("4102444800", "between"),
])
def test_bad_timestamps_are_refused(tmp_path, value, message):
    deck = tmp_path / "d.toml"
    deck.write_text(DECK)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(deck), "-o", str(out), "--timestamp", value])
    assert result.exit_code == 2 and message in result.output and result.output.count("\n") == 1
    assert not out.exists()


@pytest.mark.parametrize("value", ["1.5", "abc", "1800000000000", "-1"])
def test_bad_source_date_epoch_is_refused(tmp_path, monkeypatch, value):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(QuizgenError, match="SOURCE_DATE_EPOCH"):
        output.build_timestamp(None)


def test_default_timestamp_is_whole_seconds_now():
    assert abs(output.build_timestamp(None) - time.time()) < 5 and isinstance(output.build_timestamp(None), int)


def two_decks(tmp_path: Path) -> list[str]:
    paths = []
    for name, deck_id in (("a", 1), ("b", 2)):
        path = tmp_path / f"{name}.toml"
        path.write_text(DECK.replace("id = 99", f"id = {deck_id}").replace('"D"', f'"{name.upper()}"'))
        paths.append(str(path))
    return paths


def test_a_build_replaces_all_its_files_or_none(tmp_path, monkeypatch):
    from quizgen.writers import apkg, sheets

    decks = two_decks(tmp_path)
    out = tmp_path / "out"
    first = CliRunner().invoke(cli, ["build", *decks, "-o", str(out), "--timestamp", "1800000000"])
    assert first.exit_code == 0, first.output
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert len(before) == 8  # per deck: .apkg, manifest, sheet, key

    def full_disk(path, collection, media):
        if path.name.startswith(".b.apkg"):
            raise OSError(28, "No space left on device")
        real(path, collection, media)

    real = apkg.write_package
    monkeypatch.setattr(apkg, "write_package", full_disk)
    failed = CliRunner().invoke(cli, ["build", *decks, "-o", str(out), "--timestamp", "1800000001"])
    assert failed.exit_code == 2 and "No space left on device (no file of this run was replaced)" in failed.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # deck a untouched too
    monkeypatch.setattr(apkg, "write_package", real)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(sheets, "compile_pdf", interrupted)  # Ctrl-C while the first sheet compiles
    Path(decks[0]).write_text(Path(decks[0]).read_text().replace("count = 2", "count = 3"))
    stopped = CliRunner().invoke(cli, ["build", *decks, "-o", str(out), "--timestamp", "1800000002"])
    assert stopped.exit_code == 1
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # a.apkg was complete, yet not replaced


@pytest.mark.parametrize("make", [os.mkfifo, lambda p: p.write_text("a file")])
def test_build_into_something_that_is_not_a_folder(tmp_path, make):
    deck = tmp_path / "d.toml"
    deck.write_text(DECK)
    target = tmp_path / "out"
    make(target)
    result = CliRunner().invoke(cli, ["build", str(deck), "-o", str(target)])
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert "is a file" in result.output or f"cannot write into {target}: it is not a folder" in result.output
    assert names(tmp_path) == ["d.toml", "out"]
