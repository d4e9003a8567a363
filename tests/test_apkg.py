"""Decks built by ``quizgen build`` imported into a real Anki collection, rendered card by
card, then rebuilt and re-imported as updates that keep review history."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from anki_helpers import TEMPLATE_ERRORS, fresh_collection, import_apkg, visible_text
from quizgen.writers import apkg
from quizgen.cli import cli
from quizgen.decks import deck_files, load_deck
from quizgen.facts import FACTS, Cloze
from quizgen.families import FAMILIES
from quizgen.resources import shipped

T1 = 1_800_000_000
T2 = T1 + 86_400


def build(args: list[str]) -> None:
    result = CliRunner().invoke(cli, ["build", *args])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    build(["-o", str(out), "--timestamp", str(T1)])
    return out


def expected_cards(definition) -> int:
    facts = [f for f in FACTS if f.topic in definition.facts]
    gaps = sum(len({p.index for p in f.pieces if isinstance(p, Cloze)}) for f in facts)
    return definition.size + gaps


@pytest.mark.parametrize("deck_file", deck_files(shipped("decks")), ids=lambda p: p.stem)
def test_every_shipped_deck_imports_and_renders(built, deck_file, tmp_path):
    definition = load_deck(deck_file)
    package = built / f"{definition.stem}.apkg"
    manifest = json.loads((built / f"{definition.stem}.manifest.json").read_text())
    col = fresh_collection(tmp_path / "anki")
    try:
        log = import_apkg(col, package)
        n_notes = len(manifest["notes"])
        assert len(log.new) == n_notes and not log.duplicate and not log.conflicting
        assert col.note_count() == n_notes
        assert col.card_count() == expected_cards(definition)

        names = {d.name for d in col.decks.all_names_and_ids()}
        wanted = {definition.name} | {f"{definition.name}::{s.subdeck}" for s in definition.sections if s.subdeck}
        assert wanted <= names
        tags = set(col.tags.all())
        assert {f"quizgen::family::{s.family}" for s in definition.sections} <= tags
        assert any(t.startswith("quizgen::difficulty::") for t in tags)

        media = set(Path(col.media.dir()).iterdir())
        media_names = {p.name for p in media}
        for cid in col.find_cards(""):
            card = col.get_card(cid)
            out = card.render_output()
            for html in (out.question_text, out.answer_text):
                assert not any(marker in html for marker in TEMPLATE_ERRORS), html[:300]
                assert html.count(r"\(") == html.count(r"\)") and html.count(r"\[") == html.count(r"\]")
                for formula in re.findall(r"\\\((.*?)\\\)", html, flags=re.S):
                    # one line, and every & escaped (a matrix's column separator is &amp;)
                    assert "\n" not in formula and "&" not in re.sub(r"&(amp|lt|gt|#\d+);", "", formula), formula
                for src in re.findall(r'<img src="([^"]+)"', html):
                    assert src in media_names, src
            assert visible_text(out.question_text), f"blank front: {card.note().guid}"
            assert "night_mode" in out.css and "nightMode" in out.css and "max-width: 100%" in out.css
        assert not col.get_empty_cards().notes
    finally:
        col.close()


def write_deck_file(path: Path, count: int, with_perturb: bool = True) -> Path:
    text = f"""
name = "Test deck"
id = 1234567890123
seed = 7
facts = ["merging"]

[[section]]
family = "qk.scores"
count = {count}
subdeck = "Scores"

[[section]]
family = "qk.softmax"
count = 3
kind = "choice"
"""
    if with_perturb:
        text += '\n[[section]]\nfamily = "perturb.source_target"\ncount = 2\n'
    path.write_text(text)
    return path


MERGING_FACTS = sum(1 for f in FACTS if f.topic == "merging")  # the test deck's fact notes


def test_rebuild_updates_notes_and_keeps_scheduling(tmp_path, monkeypatch):
    deck = write_deck_file(tmp_path / "test.toml", count=4)
    out = tmp_path / "out"
    first = apkg.write_deck(load_deck(deck), out, T1)
    notes = 9 + MERGING_FACTS
    assert (first.new, first.changed, first.unchanged, first.retired) == (notes, 0, 0, ())

    col = fresh_collection(tmp_path / "anki")
    try:
        assert len(import_apkg(col, out / "test.apkg").new) == notes
        cid = col.find_cards('"deck:Test deck::Scores"')[0]
        col.sched.set_due_date([cid], "9!")
        before = col.get_card(cid)
        nid = before.nid
        scheduled = (before.type, before.queue, before.due, before.ivl)
        assert before.ivl == 9

        # change every problem note's content, then rebuild with a later timestamp
        original = apkg._source
        monkeypatch.setattr(apkg, "_source", lambda p: original(p) + " (revised)")
        second = apkg.write_deck(load_deck(deck), out, T2)
        assert (second.new, second.changed, second.unchanged, second.retired) == (0, 9, MERGING_FACTS, ())

        log = import_apkg(col, out / "test.apkg")  # the unchanged fact notes keep their time and are skipped
        assert len(log.updated) == 9 and not log.new and len(log.duplicate) == MERGING_FACTS
        assert col.note_count() == notes
        after = col.get_card(cid)
        assert after.nid == nid
        assert (after.type, after.queue, after.due, after.ivl) == scheduled
        assert "(revised)" in col.get_note(nid)["Source"]
    finally:
        col.close()


def test_growing_and_shrinking_a_deck(tmp_path):
    out = tmp_path / "out"
    apkg.write_deck(load_deck(write_deck_file(tmp_path / "test.toml", count=4)), out, T1)
    col = fresh_collection(tmp_path / "anki")
    import_apkg(col, out / "test.apkg")
    grown = apkg.write_deck(load_deck(write_deck_file(tmp_path / "test.toml", count=6)), out, T2)
    # seeds are prefix-stable: the first four problems keep their notes
    assert (grown.new, grown.changed, grown.unchanged, grown.retired) == (2, 0, 9 + MERGING_FACTS, ())
    shrunk = apkg.write_deck(load_deck(write_deck_file(tmp_path / "test.toml", count=6, with_perturb=False)), out, T2)
    assert len(shrunk.retired) == 2
    version = FAMILIES["perturb.source_target"].version
    assert all(s.startswith(f'"ProblemId:perturb.source\\_target/{version}/') for s in shrunk.retired)
    assert "cannot delete" in shrunk.summary() and " OR ".join(f"({s})" for s in shrunk.retired) in shrunk.summary()
    try:  # the searches the report gives find exactly the retired notes in Anki
        assert all(len(col.find_notes(search)) == 1 for search in shrunk.retired)
        assert len(col.find_notes(" OR ".join(shrunk.retired))) == 2
    finally:
        col.close()


def test_reordering_sections_keeps_identity(tmp_path):
    deck = write_deck_file(tmp_path / "test.toml", count=3)
    before = {n.guid for n in apkg.deck_notes(load_deck(deck), apkg.HtmlWriter())}
    text = deck.read_text()
    head, *sections = text.split("[[section]]")
    deck.write_text(head + "[[section]]" + "[[section]]".join(reversed(sections)))
    after = {n.guid for n in apkg.deck_notes(load_deck(deck), apkg.HtmlWriter())}
    assert before == after


def test_guid_comes_from_identity_not_text():
    guid = apkg.note_guid(7, "basic", "qk.scores", 1, 42)
    assert guid == apkg.note_guid(7, "basic", "qk.scores", 1, 42)
    assert guid != apkg.note_guid(7, "basic", "qk.scores", 2, 42)
    assert guid != apkg.note_guid(7, "choice", "qk.scores", 1, 42)
    assert guid != apkg.note_guid(8, "basic", "qk.scores", 1, 42)  # another deck, another note


def test_timestamp_from_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    from quizgen.writers.output import build_timestamp

    assert build_timestamp(None) == 1767225600
    assert build_timestamp(1800000000.0) == 1800000000


def test_shipped_decks_cover_the_whole_syllabus():
    from quizgen.families import FAMILIES

    definitions = [load_deck(p) for p in deck_files(shipped("decks"))]
    everything = next(d for d in definitions if d.stem == "everything")
    assert {s.family for s in everything.sections} == set(FAMILIES)
    assert set(everything.facts) == {f.topic for f in FACTS}
    topical = {s.family for d in definitions if d.stem != "everything" for s in d.sections}
    assert topical == set(FAMILIES)


def test_cloze_fields_keep_math_braces_apart():
    """Inside a gap, '}}' in LaTeX would end the cloze early; math must never contain it."""
    writer = apkg.HtmlWriter()
    for fact in FACTS:
        text = apkg.fact_note(fact, "D", 1, writer).fields[0]
        for segment in re.findall(r"\\\((.*?)\\\)", text):
            assert "}}" not in segment, (fact.id, segment)
        gaps = {int(n) for n in re.findall(r"\{\{c(\d+)::", text)}
        assert gaps == {p.index for p in fact.pieces if isinstance(p, Cloze)}
        assert text.count("{{c") == text.count("}}")
