"""Benchmark: building an N-note Anki deck, against writing N bare genanki notes.

Usage: python bench/deck.py [--notes 1000 3000 10000]
For each N: quizgen's build of a deck with N problem notes (every family in turn, basic
and multiple choice), and, in the same run, genanki writing N notes with two short text
fields. Prints both times and their ratio.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import genanki

from quizgen.errors import QuizgenError
from quizgen.writers.apkg import write_deck
from quizgen.decks import load_deck
from quizgen.families import FAMILIES


def deck_file(folder: Path, notes: int, families: list[str] | None = None) -> Path:
    """A deck file with ``notes`` problems spread over the families (every family unless
    told), basic and choice. A deck never holds one problem twice, so a family with too few
    distinct problems for its share is left out."""
    families = list(FAMILIES) if families is None else families
    sections = [(fid, kind) for fid in families for kind in ("basic", "choice")]
    counts = [notes // len(sections)] * len(sections)
    counts[0] += notes - sum(counts)
    lines = ['name = "Bench"', "id = 1764000009999", "seed = 1"]
    for (fid, kind), count in zip(sections, counts):
        lines += ["", "[[section]]", f'family = "{fid}"', f"count = {count}", f'kind = "{kind}"']
    path = folder / "bench.toml"
    path.write_text("\n".join(lines) + "\n")
    for fid in families:
        try:
            load_deck(_one_family(path, fid)).problems()
        except QuizgenError:
            return deck_file(folder, notes, [f for f in families if f != fid])
    return path


def _one_family(path: Path, family: str) -> Path:
    """The deck file cut down to one family's sections, to probe whether it can fill them."""
    head, *sections = path.read_text().split("\n\n")
    probe = path.with_name("probe.toml")
    probe.write_text("\n\n".join([head, *(s for s in sections if f'family = "{family}"' in s)]) + "\n")
    return probe


def bare_genanki(folder: Path, notes: int) -> None:
    model = genanki.Model(1607392999, "bench", fields=[{"name": "Front"}, {"name": "Back"}],
                          templates=[{"name": "c", "qfmt": "{{Front}}", "afmt": "{{Back}}"}])
    deck = genanki.Deck(1607392998, "bare")
    for k in range(notes):
        deck.add_note(genanki.Note(model=model, fields=[f"question {k}", f"answer {k}"], guid=genanki.guid_for(k)))
    genanki.Package(deck).write_to_file(str(folder / "bare.apkg"), timestamp=1_800_000_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, nargs="+", default=[1000, 3000, 10000])
    args = parser.parse_args()
    print(f"{'notes':>6} {'quizgen s':>9} {'bare genanki s':>14} {'ratio':>6} {'apkg MB':>8}")
    for notes in args.notes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            definition = load_deck(deck_file(folder, notes))
            assert definition.size == notes
            start = time.perf_counter()
            write_deck(definition, folder / "out", 1_800_000_000)
            ours = time.perf_counter() - start
            start = time.perf_counter()
            bare_genanki(folder, notes)
            bare = time.perf_counter() - start
            size = (folder / "out" / "bench.apkg").stat().st_size / 1e6
            print(f"{notes:>6} {ours:>9.1f} {bare:>14.2f} {ours / bare:>6.0f} {size:>8.1f}")


if __name__ == "__main__":
    main()
