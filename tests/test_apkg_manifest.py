"""The manifest beside each .apkg: retired notes kept until forgotten, damaged manifests
refused before anything is written, and byte-identical packages."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from anki_helpers import fresh_collection, import_apkg
from quizgen.cli import cli
from quizgen.decks import load_deck
from quizgen.errors import QuizgenError
from quizgen.writers import apkg

T1 = 1_800_000_000
T2 = T1 + 86_400


def deck_file(folder: Path, count: int, name: str = "d.toml") -> Path:
    path = folder / name
    path.write_text(f"""
name = "Deck"
id = 4242
seed = 3

[[section]]
family = "qk.scores"
count = {count}
""")
    return path


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_retired_notes_are_kept_until_forgotten(tmp_path):
    out = tmp_path / "out"
    apkg.write_deck(load_deck(deck_file(tmp_path, 4)), out, T1)
    col = fresh_collection(tmp_path / "anki")
    try:
        import_apkg(col, out / "d.apkg")
        first = apkg.write_deck(load_deck(deck_file(tmp_path, 2)), out, T2)
        assert len(first.retired) == 2
        again = apkg.write_deck(load_deck(deck_file(tmp_path, 2)), out, T2)  # a build that retires nothing new
        assert again.retired == first.retired and "2 retired" in again.summary()

        listed = run("retired", str(tmp_path / "d.toml"), "-o", str(out))
        assert listed.exit_code == 0 and listed.stdout.splitlines() == list(first.retired)
        found = col.find_notes(" OR ".join(f"({s})" for s in first.retired))
        assert len(found) == 2
        col.remove_notes(found)

        forgot = run("retired", str(tmp_path / "d.toml"), "-o", str(out), "--forget")
        assert forgot.exit_code == 0 and "forgot 2 retired notes" in forgot.output
        assert apkg.write_deck(load_deck(deck_file(tmp_path, 2)), out, T2).retired == ()
    finally:
        col.close()


def test_a_retired_note_that_returns_is_live_again(tmp_path):
    out = tmp_path / "out"
    apkg.write_deck(load_deck(deck_file(tmp_path, 3)), out, T1)
    apkg.write_deck(load_deck(deck_file(tmp_path, 2)), out, T1)
    back = apkg.write_deck(load_deck(deck_file(tmp_path, 3)), out, T1)
    assert back.retired == () and back.new == 1 and back.stamp == T1 + 1


def test_report_is_announced_before_the_manifest_is_replaced(tmp_path):
    out = tmp_path / "out"
    apkg.write_deck(load_deck(deck_file(tmp_path, 3)), out, T1)
    old = (out / "d.manifest.json").read_bytes()
    seen = []

    def announce(report: apkg.BuildReport) -> None:
        seen.append(((out / "d.manifest.json").read_bytes(), len(report.retired)))

    apkg.write_deck(load_deck(deck_file(tmp_path, 1)), out, T2, announce=announce)
    assert seen == [(old, 2)] and (out / "d.manifest.json").read_bytes() != old


@pytest.mark.parametrize("change, message", [
    (lambda m: "not json", "damaged manifest"),
    (lambda m: json.dumps([1, 2]), "damaged manifest (format must be 2)"),
    (lambda m: json.dumps({**m, "notes": {"g": {"hash": "x"}}}), "damaged manifest (a note hash must be 64 hex"),
    (lambda m: json.dumps({**m, "notes": {"g": {"hash": "0" * 64, "deck": "D", "search": "s"}}}),
     "damaged manifest (missing key 'mtime')"),
    (lambda m: json.dumps({**m, "timestamp": 1800000000000}), "damaged manifest (time 1800000000000 out of range)"),
    (lambda m: json.dumps({**m, "retired": {"g": 5}}), "damaged manifest (search must be a non-empty string)"),
    (lambda m: json.dumps({**m, "retired": {"g": "\x1b[2J"}}), "damaged manifest (search holds a control character)"),
    (lambda m: json.dumps({**m, "deck_id": 7}), "belongs to the deck with id 7, but the deck file says 4242"),
    (lambda m: json.dumps({"deck": "Deck", "deck_id": 4242, "timestamp": 1.0, "notes": {"g": "h"}, "searches": {}}),
     "damaged manifest (missing key 'g')"),
])
def test_damaged_manifest_is_refused_before_anything_is_written(tmp_path, change, message):
    deck = deck_file(tmp_path, 2)
    out = tmp_path / "out"
    assert run("build", str(deck), "-o", str(out), "--timestamp", str(T1)).exit_code == 0
    manifest = out / "d.manifest.json"
    manifest.write_text(change(json.loads(manifest.read_text())))
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    result = run("build", str(deck_file(tmp_path, 3)), "-o", str(out), "--timestamp", str(T2))
    assert result.exit_code == 2 and message in result.output and result.output.count("\n") == 1
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_manifest_of_an_older_quizgen_retires_its_notes(tmp_path):
    """Notes of builds before deck-scoped identities: retired, found by a search that spares the new ones."""
    out = tmp_path / "out"
    out.mkdir()
    old_guid = "abcdefghij"
    (out / "d.manifest.json").write_text(json.dumps({
        "deck": "Deck", "deck_id": 4242, "timestamp": 1767225600.0, "notes": {old_guid: "0" * 64},
        "searches": {old_guid: '"ProblemId:qk.scores/1/1"'}}))
    report = apkg.write_deck(load_deck(deck_file(tmp_path, 2)), out, T1)
    assert report.new == 2 and report.retired == ('"ProblemId:qk.scores/1/1" -tag:quizgen::deck::*',)


def test_same_inputs_and_timestamp_give_the_same_bytes(tmp_path):
    deck = load_deck(deck_file(tmp_path, 3))
    apkg.write_deck(deck, tmp_path / "a", T1)
    apkg.write_deck(deck, tmp_path / "b", T1)
    assert (tmp_path / "a" / "d.apkg").read_bytes() == (tmp_path / "b" / "d.apkg").read_bytes()
    with zipfile.ZipFile(tmp_path / "a" / "d.apkg") as package:
        assert {i.date_time for i in package.infolist()} == {apkg.ZIP_DATE}
    # an unchanged rebuild at a later time is the same package: every note keeps its time
    apkg.write_deck(deck, tmp_path / "a", T2)
    assert (tmp_path / "a" / "d.apkg").read_bytes() == (tmp_path / "b" / "d.apkg").read_bytes()


def test_retired_command_errors(tmp_path):
    result = run("retired", str(deck_file(tmp_path, 2)), "-o", str(tmp_path / "nowhere"))
    assert result.exit_code == 2 and "has not been built into" in result.output
    with pytest.raises(QuizgenError, match="has not been built"):
        apkg.forget_retired(load_deck(tmp_path / "d.toml"), tmp_path / "nowhere")


def test_legacy_search_finds_the_old_note_and_spares_the_new(tmp_path):
    out = tmp_path / "out"
    report = apkg.write_deck(load_deck(deck_file(tmp_path, 1)), out, T1)
    col = fresh_collection(tmp_path / "anki")
    try:
        import_apkg(col, report.path)
        live = col.get_note(col.find_notes("")[0])
        old = col.new_note(live.note_type())  # a note as an older quizgen made it: same id, no deck tag
        for name in ("Front", "Back", "ProblemId", "Source"):
            old[name] = live[name]
        old.tags = [t for t in live.tags if not t.startswith("quizgen::deck::")]
        col.add_note(old, col.decks.id_for_name("Deck"))
        legacy = f"{apkg.search_term('ProblemId', live['ProblemId'])} -tag:quizgen::deck::*"
        assert col.find_notes(legacy) == [old.id]
        current = json.loads((out / "d.manifest.json").read_text())["notes"][live.guid]["search"]
        assert col.find_notes(current) == [live.id]
    finally:
        col.close()
