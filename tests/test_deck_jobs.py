"""Building a deck on several processes (``quizgen build --jobs``): the same files as on one."""

from __future__ import annotations

import signal
import time
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from anki_helpers import TEMPLATE_ERRORS, fresh_collection, import_apkg
from quizgen import batch
from quizgen.cli import cli
from quizgen.decks import load_deck
from quizgen.render.html import HtmlWriter
from quizgen.writers import apkg
from terminal import signal_its_group

STAMP = "1800000000"

# Two families drawn twice at one difficulty, so that each skips inputs its other section
# already has (checked below), one family with figures (media files), a typed section,
# subdecks and facts.
DECK = """
name = "Jobs"
id = 1764000055555
seed = 2026
facts = ["qk", "circuits"]

[[section]]
family = "circuits.rotation"
count = 80
difficulty = "easy"
subdeck = "Rotation"

[[section]]
family = "circuits.rotation"
count = 80
kind = "choice"
difficulty = "easy"
subdeck = "Rotation"

[[section]]
family = "ablation.effect"
count = 80
difficulty = "easy"

[[section]]
family = "ablation.effect"
count = 80
kind = "choice"
difficulty = "easy"

[[section]]
family = "graph.embeddings"
count = 12
kind = "choice"
subdeck = "Embeddings"

[[section]]
family = "qk.softmax"
count = 10
kind = "typed"
"""


@pytest.fixture(scope="module")
def deck_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("decks") / "jobs.toml"
    path.write_text(DECK)
    return path


@pytest.fixture(scope="module")
def builds(deck_file, tmp_path_factory) -> dict[int, Path]:
    """The deck built with one job and with three (more than it has families to spare)."""
    out = {}
    for jobs in (1, 3):
        folder = tmp_path_factory.mktemp(f"jobs{jobs}")
        result = CliRunner().invoke(cli, ["build", str(deck_file), "-o", str(folder), "--timestamp", STAMP,
                                          "--jobs", str(jobs)])
        assert result.exit_code == 0, result.output
        out[jobs] = folder
    return out


def test_the_deck_skips_repeats_across_sections(deck_file):
    """Drawn alone, a section of each repeated family would draw other problems: the test
    deck exercises the skipping that forbids splitting a family over processes."""
    definition = load_deck(deck_file)
    drawn = dict(definition.problems())
    for family in ("circuits.rotation", "ablation.effect"):
        differ = [s for s in definition.sections if s.family == family
                  and [p.id for p in dict(replace(definition, sections=(s,)).problems())[s]]
                  != [p.id for p in drawn[s]]]
        assert differ, family


def test_several_jobs_write_the_same_files_as_one(builds):
    one, three = builds[1], builds[3]
    names = sorted(p.name for p in one.iterdir())
    assert "jobs.apkg" in names and "jobs.manifest.json" in names
    assert names == sorted(p.name for p in three.iterdir())
    for name in names:
        assert (one / name).read_bytes() == (three / name).read_bytes(), name


def test_a_deck_built_on_several_processes_imports_into_anki(builds, deck_file, tmp_path):
    definition = load_deck(deck_file)
    col = fresh_collection(tmp_path / "anki")
    try:
        log = import_apkg(col, builds[3] / "jobs.apkg")
        assert not log.duplicate and not log.conflicting
        assert col.note_count() == definition.size + sum(f.topic in definition.facts for f in apkg.FACTS)
        media = Path(col.media.dir())
        figures = 0
        for card_id in col.find_cards(""):
            card = col.get_card(card_id)
            html = card.question() + card.answer()
            assert not any(error in html for error in TEMPLATE_ERRORS), html[:300]
            for name in col.media.files_in_str(card.note().mid, html):
                assert (media / name).is_file(), name
                figures += 1
        assert figures, "the embeddings cards show their figures"
    finally:
        col.close()


def test_progress_counts_every_problem_note(deck_file):
    definition = load_deck(deck_file)
    ticks: list[int] = []
    notes = apkg.deck_notes(definition, HtmlWriter(card_tables=True), ticks.append, jobs=2)
    assert sum(ticks) == definition.size == len([n for n in notes if n.kind != "cloze"])
    assert len(ticks) == len({s.family for s in definition.sections})  # one tick per family done


def test_jobs_default_to_every_core_for_a_large_deck_only(deck_file, monkeypatch):
    definition = load_deck(deck_file)  # 342 problems of four families
    monkeypatch.setattr(batch, "available_cores", lambda: 8)
    assert apkg.deck_jobs(definition, None) == 1  # starting a worker would cost more than it saves
    assert apkg.deck_jobs(definition, 2) == 2
    assert apkg.deck_jobs(definition, 16) == 4  # one family per process at most
    large = replace(definition, sections=tuple(replace(s, count=s.count * 10) for s in definition.sections))
    assert apkg.deck_jobs(large, None) == 3  # 3,420 problems: a job per 1,000
    monkeypatch.setattr(batch, "available_cores", lambda: 1)
    assert apkg.deck_jobs(large, None) == 1


BIG_DECK = """
name = "Big"
id = 1764000055556
seed = 7
""" + "".join(f'[[section]]\nfamily = "{family}"\ncount = 1500\n'
              for family in ("qk.scores", "merge.reachable", "attention.shapes", "circuits.rotation"))


@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 1), (signal.SIGHUP, 128 + signal.SIGHUP)])
def test_a_parallel_build_signalled_with_its_workers_ends_at_once(tmp_path, signum, code):
    """Ctrl-C or a closed terminal while the workers draw large families: the build ends
    within a moment (not when the families are done, nor never), quietly, leaving no file
    and no process behind."""
    deck = tmp_path / "big.toml"
    deck.write_text(BIG_DECK)
    out = tmp_path / "out"
    out.mkdir()
    started = time.monotonic()
    status, err, took, running = signal_its_group(
        ("build", str(deck), "-o", str(out), "-q", "--timestamp", STAMP, "--jobs", "2"), signum,
        ready=lambda: time.monotonic() > started + 1.5)
    assert status == code and took < 3 and running == []
    assert ("Aborted." in err) == (signum == signal.SIGINT)
    assert "Traceback" not in err and "Warning" not in err
    assert list(out.iterdir()) == []
