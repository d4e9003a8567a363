"""A printed command wraps between its words, never at a hyphen inside one (render/command.py):
a line that ends in ``--`` or ``week-7-`` reads as a hyphenated word, and the command is
typed wrong from the page."""

from __future__ import annotations

import io
import shlex

import pypdf
import pytest
import typst

from quizgen.decks import Section
from quizgen.render.command import KEPT_WHOLE, html, printed_groups, typst_markup
from quizgen.render.typst import string
from quizgen.writers.practice import plan_practice, pool_payloads, practice_page
from quizgen.writers.sheets import make_sheet, write_sheet

STAMP = 1_800_000_000

COMMAND = shlex.join(["quizgen", "sheet", "--deck", "week-7-circuits.toml", "--difficulty", "medium", "--kind",
                      "choice", "--seed", "123", "--students", "30", "--names", "names.txt", "--title",
                      "Week 7: it's circuits"])


def test_an_option_keeps_its_value_and_the_groups_give_back_the_command():
    groups = printed_groups(COMMAND)
    assert groups == ["quizgen", "sheet", "--deck week-7-circuits.toml", "--difficulty medium", "--kind choice",
                      "--seed 123", "--students 30", "--names names.txt", "--title 'Week 7: it'\"'\"'s circuits'"]
    assert " ".join(groups) == COMMAND
    assert shlex.split(groups[-1]) == ["--title", "Week 7: it's circuits"]


def test_a_flag_stays_alone_and_a_group_too_long_for_a_line_is_not_made():
    assert printed_groups("quizgen build --quiet -o out") == ["quizgen", "build", "--quiet", "-o out"]
    path = "a/" * KEPT_WHOLE + "deck.toml"
    assert printed_groups(f"quizgen sheet --deck {path} --seed 1") == ["quizgen", "sheet", "--deck", path, "--seed 1"]
    assert f"#{string(path)}" in typst_markup(f"quizgen sheet --deck {path}")  # too long to keep whole: may wrap
    assert f'<span class="word">{path}</span>' not in html(f"quizgen sheet --deck {path}")


def test_html_escapes_each_group_and_marks_it():
    shown = html("quizgen sheet --title '<b>&'")
    assert str(shown) == ('<span class="word">quizgen</span> <span class="word">sheet</span> '
                          '<span class="word">--title &#39;&lt;b&gt;&amp;&#39;</span>')


def _lines(body: str, width_cm: float) -> list[str]:
    """The lines Typst sets ``body`` (markup) in, on a page ``width_cm`` wide, at the footer's 7 pt."""
    source = f"#set page(width: {width_cm}cm, height: auto, margin: 0.2cm)\n#set text(size: 7pt)\n{body}"
    pdf = typst.compile(source.encode(), format="pdf", ignore_system_fonts=True)
    return [line.strip() for line in pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines()]


WIDTHS_CM = [w / 10 for w in range(60, 176, 2)]  # from a narrow column to a full A4 footer


@pytest.mark.parametrize("width", WIDTHS_CM)
def test_typst_wraps_the_command_between_groups_only(width):
    lines = [line for line in _lines(f"#text()[{typst_markup(COMMAND)}]", width) if line]
    assert not [line for line in lines if line.endswith("-")], lines
    assert " ".join(lines) == COMMAND


def test_the_check_sees_a_plain_string_wrap_at_a_hyphen():
    """Without the groups, Typst ends lines at hyphens at many of these widths."""
    broken = [w for w in WIDTHS_CM if any(line.endswith("-") for line in _lines(f"#{string(COMMAND)}", w))]
    assert len(broken) >= 5


def test_a_sheet_and_the_practice_page_keep_each_group_on_one_line(browser, tmp_path):
    """The shipped pages' own style, in Chromium, on a phone-wide screen."""
    sheet = make_sheet("T", 1, [Section("qk.softmax", 1)], COMMAND)
    (sheet_file,) = write_sheet(sheet, tmp_path, "sheet", key="none", formats=("html",), timestamp=STAMP)
    plan = plan_practice(("qk.softmax",), None, 1, "easy", 3)
    practice_file = tmp_path / "practice.html"
    practice_file.write_text(practice_page(plan, pool_payloads(plan), COMMAND), encoding="utf-8")
    for path in (sheet_file, practice_file):
        with browser.fresh_page(viewport={"width": 360, "height": 800}) as page:
            page.goto(path.as_uri())
            tops = page.evaluate("[...document.querySelectorAll('.meta .word')]"
                                 ".map(w => [...new Set([...w.getClientRects()].map(r => r.top))])")
        assert [len(t) for t in tops] == [1] * len(printed_groups(COMMAND)), path.name
        assert len({t[0] for t in tops}) > 2, path.name  # the command did wrap, between its groups
