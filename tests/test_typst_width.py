"""The width bounds that let the Typst writer skip measuring are never too small: every
form a sheet sets with ``fitted`` (unmeasured) is measured here by Typst where it sits on
the page, for every family at every level and in both kinds, and must fit its line."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
import typst

from quizgen.decks import Section
from quizgen.families import FAMILIES
from quizgen.model.content import Word, call, mat, num, seq, sym
from quizgen.model.family import LEVELS
from quizgen.render import typst_width
from quizgen.render.typst import display_forms, math as typst_math
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


def test_a_broken_display_keeps_each_formula_with_its_relation():
    """scores = M, A ≈ M, Z ≈ M too wide for one line: one formula per line, aligned on the
    relations. It used to set "A" alone on a line and "≈ M" under it (attention.forward's
    hard key); a formula that surely fits the line (sum = 1.106) is never split."""
    m = mat(np.arange(16).reshape(4, 4) / 7)
    node = seq(Word("scores"), "=", m, ",", sym("A"), "approx", m, ",", sym("Z"), "approx", m)
    matrix = typst_math(m)
    assert display_forms(node)[1] == (f'$ "scores" & = {matrix} \\ A & approx {matrix} \\ Z & approx {matrix} $')
    aligned = [form for form in display_forms(node) if "&" in form]
    assert aligned and all(not {"& A", "& Z"} & set(form.strip("$ ").split(" \\ ")) for form in aligned)
    long = seq(call("exp", mat(np.arange(8) / 3 - 3)), "=", mat(np.arange(8) / 9), ",", Word("sum"), "=", num(1.106))
    for form in display_forms(long, line_pt=450.0)[1:]:
        assert '"sum" = 1.106' in form or '"sum" & = 1.106' in form, form


@pytest.mark.parametrize("rows, split", [(8, False), (40, True)])
def test_a_short_table_moves_whole_to_the_next_page(rows, split, tmp_path):
    """A table near the foot of a page went on with one row under its repeated header on
    the next page; a table of up to 14 rows now moves whole, a long one still breaks."""
    import pypdf

    from quizgen.render.typst import TypstWriter
    body = tuple((f"row{k}", str(k)) for k in range(rows))
    table = TypstWriter()._table(("name", "value"), tuple(tuple((c,) for c in r) for r in body), None)
    source = '#set page(paper: "a4")\n#v(22cm)\n' + table + "\n"
    (tmp_path / "t.pdf").write_bytes(typst.compile(source.encode(), format="pdf"))
    pages = [page.extract_text() for page in pypdf.PdfReader(tmp_path / "t.pdf").pages]
    on_first = [k for k in range(rows) if f"row{k}" in pages[0].split()]
    assert (0 < len(on_first) < rows) == split, (len(pages), on_first)
