"""Every card of the shipped decks as a student sees it: built with the real writer,
imported into a real Anki collection, rendered by Anki, typeset by MathJax in headless
Chromium at a given screen width, and measured.

Run as a script for the report (and screenshots):
``python tests/card_layout.py [--width 400] [--shots DIR]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent))

from anki_helpers import fresh_collection, import_apkg  # noqa: E402
from browser import PHONE_WIDTH, Browser, Layout, chromium_path  # noqa: E402
from quizgen.decks import deck_files, load_deck  # noqa: E402
from quizgen.resources import shipped  # noqa: E402
from quizgen.writers import apkg  # noqa: E402

TIMESTAMP = 1_800_000_000


@dataclass(frozen=True)
class CardSide:
    """One side of one card, measured."""

    deck: str
    card: int  # the card's id in its deck's collection
    label: str  # ProblemId or "fact ..." (a cloze note has a card per gap)
    note_type: str
    side: str  # "front" or "back"
    night: bool
    layout: Layout


def _label(note) -> str:
    names = note.keys()
    if "ProblemId" in names:
        return note["ProblemId"]
    return note["Source"] if "Source" in names else str(note.id)


def measure_decks(browser: Browser, work: Path, width: int = PHONE_WIDTH, night_modes=(False, True),
                  shots: Path | None = None, only: str = "") -> Iterator[CardSide]:
    """Build every shipped deck into ``work``, import each into its own collection and
    measure both sides of every card at ``width`` in light and night mode, with the
    worked steps opened (only the cards whose label contains ``only``)."""
    browser.resize(width)
    for deck_file in deck_files(shipped("decks")):
        definition = load_deck(deck_file)
        apkg.write_deck(definition, work / "out", TIMESTAMP)
        col = fresh_collection(work / "anki" / definition.stem)
        try:
            import_apkg(col, work / "out" / f"{definition.stem}.apkg")
            media = Path(col.media.dir())
            for cid in sorted(col.find_cards("")):
                card = col.get_card(cid)
                out = card.render_output()
                note = card.note()
                label = _label(note)
                if only not in label:
                    continue
                for side, body in (("front", out.question_text), ("back", out.answer_text)):
                    for night in night_modes:
                        browser.show_card(body, out.css, night, media, open_details=True)
                        layout = browser.measure()
                        yield CardSide(definition.stem, cid, label, note.note_type()["name"], side, night, layout)
                        if shots is not None:
                            name = f"{definition.stem}-{label}{f'-c{card.ord + 1}' if card.ord else ''}-{side}-{'night' if night else 'light'}-{width}"
                            browser.screenshot(shots / (name.replace("/", "_").replace(" ", "_") + ".png"))
        finally:
            col.close()


@dataclass(frozen=True)
class Summary:
    cards: int
    fronts_hiding: int
    backs_hiding: int
    page_overflows: int  # cards (either side, either mode) wider than the screen
    not_matrix: int  # card sides hiding content in a box that holds no matrix
    math_errors: int
    hidden_boxes: Counter


def summarise(sides: list[CardSide]) -> Summary:
    cards = {(s.deck, s.card) for s in sides}
    hiding = {(s.deck, s.card, s.side) for s in sides if s.layout.hidden}
    overflow = {(s.deck, s.card) for s in sides if s.layout.page_overflow}
    boxes = Counter(f"{s.label.split('/')[0]}: {b['tag']}.{b['cls'].split()[0] if b['cls'] else ''}"
                    f"{' (matrix)' if b['matrix'] else ''}" for s in sides if not s.night
                    for b in s.layout.hidden)
    return Summary(len(cards), sum(1 for h in hiding if h[2] == "front"), sum(1 for h in hiding if h[2] == "back"),
                   len(overflow), len({(s.deck, s.card, s.side) for s in sides
                                       if any(not b["matrix"] for b in s.layout.hidden)}),
                   sum(s.layout.math_errors for s in sides), boxes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--width", type=int, default=PHONE_WIDTH)
    parser.add_argument("--shots", type=Path, help="write a PNG of every card side into this folder")
    parser.add_argument("--only", default="", help="only the cards whose id contains this text")
    parser.add_argument("--light", action="store_true", help="light mode only")
    parser.add_argument("--verbose", action="store_true", help="list every card that overflows or hides content")
    args = parser.parse_args()
    executable = chromium_path()
    if executable is None:
        sys.exit("Error: no Chromium found; run tests/install-browser")
    if args.shots:
        args.shots.mkdir(parents=True, exist_ok=True)
    browser = Browser(executable)
    try:
        with tempfile.TemporaryDirectory(prefix="quizgen-cards-") as work:
            sides = list(measure_decks(browser, Path(work), args.width, (False,) if args.light else (False, True),
                                       shots=args.shots, only=args.only))
    finally:
        browser.close()
    s = summarise(sides)
    print(f"{args.width} px: {s.cards} cards; {s.fronts_hiding} fronts and {s.backs_hiding} backs hide content "
          f"in a sideways-scrolling box; {s.page_overflows} cards wider than the screen; "
          f"{s.math_errors} MathJax errors; {s.not_matrix} card sides hide content that is not a wide matrix")
    for box, n in s.hidden_boxes.most_common():
        print(f"  {n:4d}  {box}")
    if args.verbose:
        for side in sides:
            if side.night:
                continue
            if side.layout.page_overflow or side.layout.hidden:
                print(f"{side.deck} {side.label} {side.side}: page {side.layout.page_width}/{side.layout.width}px, hidden "
                      + "; ".join(f"{b['cls'] or b['tag']} {b['width']}<{b['needs']} {b['text'][:40]!r}"
                                  for b in side.layout.hidden))


if __name__ == "__main__":
    main()
