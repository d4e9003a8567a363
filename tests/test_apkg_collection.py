"""Decks as a student meets them in one real Anki collection: every shipped deck side by side,
decks sharing families and seeds, rebuilds with old timestamps, and the student's own tags
and edits across re-imports."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from anki_helpers import fresh_collection, import_apkg
from quizgen.cli import cli
from quizgen.decks import deck_files, load_deck
from quizgen.facts import FACTS, Cloze
from quizgen.resources import shipped
from quizgen.writers import apkg

T1 = 1_700_000_000  # before "now", so a student's edit in the test is later than the build
T2 = T1 + 86_400


def expected_cards(definition) -> int:
    gaps = sum(len({p.index for p in f.pieces if isinstance(p, Cloze)}) for f in FACTS if f.topic in definition.facts)
    return definition.size + gaps


def deck_text(name: str, deck_id: int, seed: int = 7, count: int = 3, subdeck: str = "Scores") -> str:
    return f"""
name = "{name}"
id = {deck_id}
seed = {seed}
facts = ["qk"]

[[section]]
family = "qk.scores"
count = {count}
subdeck = "{subdeck}"

[[section]]
family = "qk.softmax"
count = 2
kind = "choice"
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_every_shipped_deck_in_one_collection_keeps_every_card(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", "-o", str(out), "--timestamp", str(T1)])
    assert result.exit_code == 0, result.output
    definitions = [load_deck(p) for p in deck_files(shipped("decks"))]
    col = fresh_collection(tmp_path / "anki")
    try:
        for definition in definitions:
            log = import_apkg(col, out / f"{definition.stem}.apkg")
            assert not log.duplicate and not log.conflicting and not log.updated
        assert col.card_count() == sum(expected_cards(d) for d in definitions)
        for definition in definitions:
            for name in definition.deck_names:
                deck_id = col.decks.id_for_name(name)
                assert deck_id is not None, name
                own = name != definition.name  # the top deck may hold only subdecks
                assert col.decks.card_count(deck_id, include_subdecks=not own) > 0, f"{name} is empty"
    finally:
        col.close()


def test_two_decks_with_one_family_and_seed_keep_apart(tmp_path):
    a = load_deck(write(tmp_path / "a.toml", deck_text("Deck A", 101)))
    b = load_deck(write(tmp_path / "b.toml", deck_text("Deck B", 102)))
    out = tmp_path / "out"
    apkg.write_deck(a, out, T1)
    apkg.write_deck(b, out, T1)
    col = fresh_collection(tmp_path / "anki")
    try:
        import_apkg(col, out / "a.apkg")
        import_apkg(col, out / "b.apkg")
        assert col.card_count() == 2 * expected_cards(a)
        # the same problems, as two decks' own notes
        assert len(col.find_notes('"ProblemId:qk.scores/1/*"')) == 2 * 3

        # deck A shrinks and changes: the rebuild and its retired list touch only A's notes
        a2 = load_deck(write(tmp_path / "a.toml", deck_text("Deck A", 101, count=2)))
        report = apkg.write_deck(a2, out, T2)
        assert len(report.retired) == 1
        found = col.find_notes(report.retired[0])
        assert len(found) == 1 and col.get_note(found[0]).cards()[0].did == col.decks.id_for_name("Deck A::Scores")
        before_b = {nid: col.get_note(nid).mod for nid in col.find_notes('"deck:Deck B"')}
        import_apkg(col, out / "a.apkg")
        assert {nid: col.get_note(nid).mod for nid in col.find_notes('"deck:Deck B"')} == before_b
    finally:
        col.close()


def test_unchanged_rebuild_keeps_the_students_tags_and_edits(tmp_path):
    deck = write(tmp_path / "d.toml", deck_text("Deck", 103))
    out = tmp_path / "out"
    apkg.write_deck(load_deck(deck), out, T1)
    col = fresh_collection(tmp_path / "anki")
    try:
        import_apkg(col, out / "d.apkg")
        nid = col.find_notes('"ProblemId:qk.scores/1/*"')[0]
        note = col.get_note(nid)
        note.tags += ["marked", "mine::tricky"]
        note["Source"] = note["Source"] + " my own remark"
        col.update_note(note)

        second = apkg.write_deck(load_deck(deck), out, T2)  # nothing changed
        assert (second.new, second.changed) == (0, 0)
        log = import_apkg(col, out / "d.apkg")
        assert not log.updated and not log.new
        note = col.get_note(nid)
        assert {"marked", "mine::tricky"} <= set(note.tags) and note["Source"].endswith(" my own remark")
    finally:
        col.close()


def test_changed_note_update_replaces_the_students_edits_of_that_note(tmp_path, monkeypatch):
    """What the README says an update does: fields and tags of a changed note are replaced."""
    deck = write(tmp_path / "d.toml", deck_text("Deck", 104))
    out = tmp_path / "out"
    apkg.write_deck(load_deck(deck), out, T1)
    col = fresh_collection(tmp_path / "anki")
    try:
        import_apkg(col, out / "d.apkg")
        nid = col.find_notes('"ProblemId:qk.scores/1/*"')[0]
        note = col.get_note(nid)
        note.tags += ["marked"]
        note["Back"] = note["Back"] + " my own remark"
        col.update_note(note)
        original = apkg._source
        monkeypatch.setattr(apkg, "_source", lambda p: original(p) + " (revised)")
        apkg.write_deck(load_deck(deck), out, 2_000_000_000)  # later than the student's edit
        import_apkg(col, out / "d.apkg")
        note = col.get_note(nid)
        assert note["Source"].endswith("(revised)")
        assert "my own remark" not in note["Back"] and "marked" not in note.tags
    finally:
        col.close()


def test_rebuild_with_an_old_timestamp_is_moved_past_and_applied(tmp_path, monkeypatch):
    deck = write(tmp_path / "d.toml", deck_text("Deck", 105))
    out = tmp_path / "out"
    apkg.write_deck(load_deck(deck), out, T2)
    col = fresh_collection(tmp_path / "anki")
    try:
        import_apkg(col, out / "d.apkg")
        original = apkg._source
        monkeypatch.setattr(apkg, "_source", lambda p: original(p) + " (revised)")
        report = apkg.write_deck(load_deck(deck), out, T1)  # earlier than the first build
        assert report.stamp == T2 + 1 and report.changed == 5
        assert f"the build time {T1} is not later than the previous build's" in report.summary()
        log = import_apkg(col, out / "d.apkg")
        assert len(log.updated) == 5 and not log.new
        assert all(col.get_note(n)["Source"].endswith("(revised)") for n in col.find_notes('"ProblemId:*"'))
        manifest = json.loads((out / "d.manifest.json").read_text())
        assert manifest["timestamp"] == T2 + 1
        facts = [r for r in manifest["notes"].values() if r["search"].startswith('"Source:fact')]
        assert facts and all(r["mtime"] == T2 for r in facts)  # unchanged notes keep their time
    finally:
        col.close()


def test_same_timestamp_rebuild_is_moved_past_through_the_cli(tmp_path, monkeypatch):
    deck = write(tmp_path / "d.toml", deck_text("Deck", 106))
    out = tmp_path / "out"
    run = CliRunner()
    assert run.invoke(cli, ["build", str(deck), "-o", str(out), "--timestamp", str(T1)]).exit_code == 0
    grown = write(tmp_path / "d.toml", deck_text("Deck", 106, count=4))
    result = run.invoke(cli, ["build", str(grown), "-o", str(out), "--timestamp", str(T1)])
    assert result.exit_code == 0 and "1 new" in result.output and f"notes get {T1 + 1}" in result.output


def test_renamed_subdeck_is_reported_as_a_move_anki_will_not_make(tmp_path):
    deck = write(tmp_path / "d.toml", deck_text("Deck", 107))
    out = tmp_path / "out"
    apkg.write_deck(load_deck(deck), out, T1)
    col = fresh_collection(tmp_path / "anki")
    try:
        import_apkg(col, out / "d.apkg")
        renamed = write(tmp_path / "d.toml", deck_text("Deck", 107, subdeck="Score matrices"))
        report = apkg.write_deck(load_deck(renamed), out, T2)
        assert (report.changed, report.new) == (0, 0)
        assert [(m.old, m.new, m.notes) for m in report.moves] == [("Deck::Scores", "Deck::Score matrices", 3)]
        assert "rename 'Deck::Scores' to 'Deck::Score matrices' in Anki" in report.summary()
        assert len(col.find_cards(report.moves[0].search(107))) == 3
        assert report.moves[0].search(107) in report.summary()
        top = apkg.Move("Deck", "Elsewhere", 2).search(107)  # the deck's own cards, not its subdecks'
        assert len(col.find_cards(top)) == 2 < len(col.find_cards('"deck:Deck"'))
        # the advice works: rename in Anki, then import
        col.decks.rename(col.decks.id_for_name("Deck::Scores"), "Deck::Score matrices")
        import_apkg(col, out / "d.apkg")
        moved = col.decks.id_for_name("Deck::Score matrices")
        assert col.decks.card_count(moved, include_subdecks=False) == 3
        assert col.decks.id_for_name("Deck::Scores") is None
    finally:
        col.close()


def test_description_is_escaped_text(tmp_path):
    text = deck_text("Deck", 108).replace('seed = 7', 'seed = 7\ndescription = "a < b & <script>x</script>\\nline two"')
    out = tmp_path / "out"
    apkg.write_deck(load_deck(write(tmp_path / "d.toml", text)), out, T1)
    col = fresh_collection(tmp_path / "anki")
    try:
        import_apkg(col, out / "d.apkg")
        desc = col.decks.get(col.decks.id_for_name("Deck"))["desc"]
        assert desc == "a &lt; b &amp; &lt;script&gt;x&lt;/script&gt;<br>line two"
    finally:
        col.close()


def test_renamed_deck_is_one_rename_in_anki(tmp_path):
    deck = write(tmp_path / "d.toml", deck_text("Old::Deck", 109))
    out = tmp_path / "out"
    apkg.write_deck(load_deck(deck), out, T1)
    col = fresh_collection(tmp_path / "anki")
    try:
        import_apkg(col, out / "d.apkg")
        renamed = write(tmp_path / "d.toml", deck_text("New deck", 109, subdeck="Score matrices"))
        report = apkg.write_deck(load_deck(renamed), out, T2)
        assert [(m.old, m.new, m.notes) for m in report.moves] == [
            ("Old::Deck", "New deck", report.notes), ("New deck::Scores", "New deck::Score matrices", 3)]
        col.decks.rename(col.decks.id_for_name("Old::Deck"), "New deck")
        col.decks.rename(col.decks.id_for_name("New deck::Scores"), "New deck::Score matrices")
        import_apkg(col, out / "d.apkg")
        assert col.decks.card_count(col.decks.id_for_name("New deck::Score matrices"), include_subdecks=False) == 3
        assert col.decks.card_count(col.decks.id_for_name("New deck"), include_subdecks=True) == col.card_count()
    finally:
        col.close()
