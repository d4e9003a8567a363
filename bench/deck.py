"""Benchmark: building an N-note Anki deck, against genanki writing the same notes and media.

Usage: python bench/deck.py [--notes 1000 3000 10000] [--jobs N]
For each N: quizgen's build of a deck with N problem notes (every family in turn, basic and
multiple choice), on ``--jobs`` processes (default: as ``quizgen build`` chooses, every
core for a deck this large). The floor: genanki writing the *same* package, read back from
quizgen's .apkg (the same note types, decks, final field text, tags, GUIDs and media files;
the media are put on disk beforehand, untimed, because genanki reads them from files).
Prints both times, the time per note, the ratios (wall time, and CPU time of every process,
workers included, which a busy machine disturbs less) and the peak memory of this process
and of the largest worker so far (the sizes run in increasing order). Goal (issue 13):
10,000 notes at most 5× the floor.
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import tempfile
import time
import zipfile
from pathlib import Path

import genanki
from measure import machine  # (also puts this working tree first on sys.path)

from quizgen.decks import load_deck
from quizgen.families import FAMILIES
from quizgen.writers.apkg import deck_jobs, write_deck

STAMP = 1_800_000_000


def deck_file(folder: Path, notes: int) -> Path:
    """A deck file with ``notes`` problems spread over every family, basic and choice."""
    sections = [(fid, kind) for fid in FAMILIES for kind in ("basic", "choice")]
    counts = [notes // len(sections)] * len(sections)
    counts[0] += notes - sum(counts)
    lines = ['name = "Bench"', "id = 1764000009999", "seed = 1"]
    for (fid, kind), count in zip(sections, counts):
        lines += ["", "[[section]]", f'family = "{fid}"', f"count = {count}", f'kind = "{kind}"']
    path = folder / "bench.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def read_package(apkg: Path, media_dir: Path) -> tuple[dict, dict, list[tuple], list[Path]]:
    """The note types, decks, notes and media of an .apkg; the media files go to ``media_dir``."""
    with zipfile.ZipFile(apkg) as package:
        package.extract("collection.anki2", media_dir)
        media_map = json.loads(package.read("media"))
        media = []
        for number, name in media_map.items():
            path = media_dir / name
            path.write_bytes(package.read(number))
            media.append(path)
    db = sqlite3.connect(media_dir / "collection.anki2")
    models_json, decks_json = db.execute("select models, decks from col").fetchone()
    notes = db.execute("select n.guid, n.mid, c.did, n.flds, n.tags from notes n "
                       "join cards c on c.nid = n.id group by n.id order by n.id").fetchall()
    db.close()
    (media_dir / "collection.anki2").unlink()
    return json.loads(models_json), json.loads(decks_json), notes, media


def genanki_floor(apkg: Path, folder: Path) -> tuple[float, float]:
    """Seconds (wall and CPU) genanki takes to write the package ``apkg`` holds, from its
    final content."""
    media_dir = folder / "media"
    media_dir.mkdir()
    models_json, decks_json, notes, media = read_package(apkg, media_dir)
    start, cpu = time.perf_counter(), time.process_time()
    models = {
        int(mid): genanki.Model(
            int(mid), m["name"], fields=[{"name": f["name"]} for f in m["flds"]],
            templates=[{"name": t["name"], "qfmt": t["qfmt"], "afmt": t["afmt"]} for t in m["tmpls"]],
            css=m["css"], model_type=genanki.Model.CLOZE if m["type"] == 1 else genanki.Model.FRONT_BACK)
        for mid, m in models_json.items()
    }
    decks = {int(did): genanki.Deck(int(did), d["name"]) for did, d in decks_json.items() if int(did) != 1}
    for guid, mid, did, fields, tags in notes:
        decks[did].add_note(genanki.Note(model=models[mid], fields=fields.split("\x1f"), guid=guid,
                                         tags=tags.split()))
    genanki.Package(list(decks.values()), media_files=[str(p) for p in media]).write_to_file(
        str(folder / "floor.apkg"), timestamp=STAMP)
    return time.perf_counter() - start, time.process_time() - cpu


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the build's workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, nargs="+", default=[1000, 3000, 10000])
    parser.add_argument("--jobs", type=int, default=None, help="processes (default: as quizgen build chooses)")
    args = parser.parse_args()
    print(machine())
    print(f"{'notes':>6} {'jobs':>4} {'quizgen s':>9} {'ms/note':>7} {'genanki s':>9} {'ms/note':>7} "
          f"{'× floor':>7} {'CPU s':>6} {'genanki CPU s':>13} {'× floor (CPU)':>13} {'apkg MB':>7} "
          f"{'peak MB':>7} {'worker MB':>9}")
    for notes in args.notes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            definition = load_deck(deck_file(folder, notes))
            assert definition.size == notes
            jobs = deck_jobs(definition, args.jobs)
            start, cpu = time.perf_counter(), cpu_seconds()
            write_deck(definition, folder / "out", STAMP, jobs=jobs)
            ours, ours_cpu = time.perf_counter() - start, cpu_seconds() - cpu
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
            worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1e3
            apkg = folder / "out" / "bench.apkg"
            floor, floor_cpu = genanki_floor(apkg, folder)
            print(f"{notes:>6} {jobs:>4} {ours:>9.2f} {ours / notes * 1e3:>7.2f} {floor:>9.2f} "
                  f"{floor / notes * 1e3:>7.2f} {ours / floor:>7.1f} {ours_cpu:>6.2f} {floor_cpu:>13.2f} "
                  f"{ours_cpu / floor_cpu:>13.1f} {apkg.stat().st_size / 1e6:>7.1f} {peak:>7.0f} "
                  f"{worker_peak:>9.0f}", flush=True)
    print(machine())


if __name__ == "__main__":
    main()
