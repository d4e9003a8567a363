"""Every card of every shipped deck on a phone: built with the real writer, imported into
a real Anki collection, rendered by Anki, typeset by MathJax 3 in headless Chromium at
400 px in light and night mode (worked steps opened). No card may be wider than the
screen, and only a matrix wider than the screen may hide content in a box that scrolls
sideways; those boxes are counted and reported.

The same measure as a report: ``python tests/card_layout.py`` (README, "Tests").
"""

from __future__ import annotations

from pathlib import Path

from card_layout import measure_decks, summarise
from browser import DESKTOP_WIDTH, PHONE_WIDTH


def _report(capsys, width: int, s) -> None:
    with capsys.disabled():
        print(f"\n{width} px: {s.cards} cards; {s.fronts_hiding} fronts and {s.backs_hiding} backs hide content "
              f"in a sideways-scrolling box ({s.not_matrix} of them hold no wide matrix); "
              f"{s.page_overflows} cards wider than the screen")


def test_no_card_is_wider_than_a_phone(browser, tmp_path: Path, capsys):
    sides = list(measure_decks(browser, tmp_path, PHONE_WIDTH))
    s = summarise(sides)
    _report(capsys, PHONE_WIDTH, s)
    assert s.cards > 250 and sum(side.layout.math for side in sides) > 1000
    assert s.math_errors == 0
    wide = sorted({f"{side.label} {side.side} ({side.layout.page_width} px)" for side in sides
                   if side.layout.page_overflow})
    assert not wide, wide
    # only a matrix wider than the screen may scroll, inside its own box
    hidden = sorted({f"{side.label} {side.side}: {box['cls'] or box['tag']} {box['width']} < {box['needs']} px"
                     for side in sides for box in side.layout.hidden if not box["matrix"]})
    assert not hidden, hidden


def test_no_card_is_wider_than_a_desktop_window(browser, tmp_path: Path, capsys):
    sides = list(measure_decks(browser, tmp_path, DESKTOP_WIDTH, night_modes=(False,)))
    s = summarise(sides)
    _report(capsys, DESKTOP_WIDTH, s)
    assert s.page_overflows == 0
