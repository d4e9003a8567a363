"""The width bounds that let the Typst writer skip measuring are never too small: every
form a sheet sets with ``fitted`` (unmeasured) is measured here by Typst where it sits on
the page, for every family at every level and in both kinds, and must fit its line."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import typst

from quizgen.decks import Section
from quizgen.families import FAMILIES
from quizgen.model.family import LEVELS
from quizgen.render import typst_width
from quizgen.writers.sheets import make_sheet, typst_source, typst_workspace

FITTED = "#let fitted(form) = layout(_ => form)"  # as in templates/sheet/sheet.typ
# The same, but reporting how much of its line each form takes.
PROBE = "#let fitted(form) = layout(size => [#metadata(measure(form).width / size.width) <fitted> #form])"


def fitted_shares(level: str, seed: int) -> list[float]:
    """The share of its line that each form set with ``fitted`` takes, on a sheet with its
    key of every family at ``level``, basic and multiple choice."""
    sections = [Section(f, 1, kind, level) for f in FAMILIES for kind in ("basic", "choice")]
    sheet = make_sheet("Widths", seed, sections, "x")
    source, files = typst_source(sheet, "both", dt.date(2027, 1, 1))
    assert FITTED in source
    with typst_workspace(source.replace(FITTED, PROBE), files) as main:
        found = typst.query(str(main), "<fitted>", field="value", root=str(main.parent), ignore_system_fonts=True)
    return json.loads(found)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("seed", [27, 1001])
def test_every_unmeasured_form_fits_its_line(level, seed):
    shares = fitted_shares(level, seed)
    assert len(shares) > 40  # most displays and tables skip the measuring
    assert max(shares) <= 1, f"{level} seed {seed}: a form set unmeasured takes {max(shares):.0%} of its line"


def test_the_check_sees_a_bound_that_is_too_small(monkeypatch):
    """The test above can fail: with digits and operators counted far too narrow, forms
    that do not fit are set unmeasured, and the probe sees them."""
    monkeypatch.setattr(typst_width, "DIGIT_EM", 0.05)
    monkeypatch.setattr(typst_width, "OP_EM", 0.05)
    monkeypatch.setattr(typst_width, "MAT_GAP_EM", 0.0)
    assert max(fitted_shares("hard", 27)) > 1
