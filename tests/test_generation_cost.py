"""The shortcuts that make problems cheap (issue 13) change nothing a student sees: a figure
is drawn only when an output shows it, matrices and tables built in their shared number
format read as if formatted at render time, the fairness gate's fast paths compare values
as the plain rule does, and the parallel export's main process takes back queued work."""

from __future__ import annotations

import pickle
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest

from quizgen.families import FAMILIES, common
from quizgen.model.content import (
    Delim, Figure, Mat, Num, Seq, Sym, Table, format_number, mat, number_text, shared_format, shared_row_format,
    table,
)
from quizgen.model.family import make_problem, printed
from quizgen.render import text
from quizgen.render.figures import dag_svg
from quizgen.writers.export import export_record

GRAPH_FAMILY = "merge.reachable"


def figure_of(problem) -> Figure:
    return next(b for b in problem.solution.prompt if isinstance(b, Figure))


def test_an_export_never_draws_a_figure(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the export drew an SVG figure")

    monkeypatch.setattr(common, "dag_svg", refuse)  # what graph_figure hands to each Figure
    problem = make_problem(FAMILIES[GRAPH_FAMILY], 3, "medium")
    record = export_record(problem)
    assert "[figure: directed graph with edges" in record["prompt"]
    with pytest.raises(AssertionError, match="drew an SVG"):
        figure_of(problem).svg  # noqa: B018  (the drawing is only put off, and happens on use)


def test_a_figure_draws_the_same_svg_on_use_once():
    problem = make_problem(FAMILIES["perturb.source_target"], 8, "hard")
    figure = figure_of(problem)
    dag, highlight, title = figure.args
    assert highlight  # this family highlights the perturbed edge
    assert figure.svg == dag_svg(dag, highlight, title=title)
    assert figure.svg is figure.svg  # kept after the first drawing


def test_figures_compare_and_pickle_by_what_they_show():
    family = FAMILIES[GRAPH_FAMILY]
    first, again = make_problem(family, 5, "hard"), make_problem(family, 5, "hard")
    assert figure_of(first) == figure_of(again) and hash(figure_of(first)) == hash(figure_of(again))
    assert figure_of(first) != figure_of(make_problem(family, 6, "hard"))
    assert first.solution == again.solution
    copy = pickle.loads(pickle.dumps(first))
    assert figure_of(copy) == figure_of(first) and figure_of(copy).svg == figure_of(first).svg


@pytest.mark.parametrize("values", [
    [[0.0, 1.0], [1.0, 0.0]],                     # whole: stays whole
    [[0.5, -1.0, 2.25], [-0.0, 3.0, 1e-10]],      # decimals: every entry fixed, -0 and noise as 0
    [[1.0 + 1e-12, 2.0], [3.0, 4.0]],             # whole within the tolerance
    [0.1, 0.1, 0.2],                              # a vector with a repeated value
])
def test_mat_builds_what_shared_format_would_make(values):
    built = mat(values)
    rows = np.atleast_2d(np.asarray(values, dtype=float))
    plain = Mat(tuple(tuple(Num(float(v)) for v in row) for row in rows))  # not flagged: formatted on the spot
    assert built == shared_format(plain)
    assert text.inline_math(built) == text.inline_math(plain)
    assert text.display_math(built) == text.display_math(plain)


def test_a_flag_spares_only_the_check():
    plain = Mat(((Num(0.5), Num(2.0)),))
    flagged = Mat(plain.rows, formatted=True)
    assert plain == flagged  # the flag is not part of what a matrix is
    assert text.inline_math(plain) == "[0.500, 2.000]"
    assert text.inline_math(flagged) == "[0.5, 2]"  # a flag that lied would show, so only builders set it
    rows = [["a", Num(0.25), Num(1.0)], ["b", Num(2.0), Num(3.0)]]
    built = table(["row", "x", "y"], rows)
    assert built.formatted and shared_row_format(built) is built
    unflagged = Table(built.header, tuple(tuple((c,) for c in row) for row in rows))
    assert shared_row_format(unflagged) == built
    assert text.block(unflagged) == text.block(built)


def test_remembered_number_texts_follow_the_rule():
    rng = np.random.default_rng(13)
    values = [*(rng.normal(size=200) * 10.0 ** rng.integers(-4, 4, size=200)).tolist(), 0.0, -0.0, 1.0, 1, -2, 1e-13, 0.0004]
    for value in values:
        for digits in (0, 1, 3):
            for fixed in (False, True):
                for bound in (False, True):
                    node = Num(value, digits, fixed, bound)
                    expected = format_number(value, digits, fixed=fixed, bound=bound)
                    assert number_text(node) == expected
                    assert number_text(node) == expected  # and again, from memory


def reference_printed(value, decimals):
    """The rule written plainly: numbers rounded (when decimals are given) a half up, as
    the decimal a student reads (0.5 -> 1, 0.0375 -> 0.038), -0 as 0, sequences as tuples,
    mappings as sorted pairs; other values as they are."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value) if decimals is None else float(
            Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
        return 0.0 if number == 0 else number
    if isinstance(value, dict):
        return tuple(sorted((k, reference_printed(v, decimals)) for k, v in value.items()))
    return tuple(reference_printed(v, decimals) for v in value)


@pytest.mark.parametrize("value", [
    [[0.12345, -0.00001, 2.0], [1.0, -1.5, 3.25]],
    [1.0, 2, True, None, "x", np.float64(-0.0004)],
    (0.5, [0.25, (1, 2)]),
    {"b": [0.1, 0.2], "a": 3},
    np.array([[0.33333, -0.0]]),
    -0.0,
    [],
    [0.0375, -0.3125, 2.5, 0.0625],  # halves, and a binary value just below one (0.0375)
])
@pytest.mark.parametrize("decimals", [None, 0, 3])
def test_printed_fast_paths_agree_with_the_plain_rule(value, decimals):
    got, want = printed(value, decimals), reference_printed(value, decimals)
    assert got == want
    assert repr(got) == repr(want)  # also the sign of zero and int versus float


def test_inline_math_refuses_what_is_not_math():
    with pytest.raises(TypeError, match="not math"):
        text.inline_math("x")


def test_a_bracket_around_one_line_reads_as_inline_and_around_a_matrix_grows():
    body = Seq((Sym("W", "Q"), Sym("x", "j", "T"), Sym("d", "model"), Sym("W", "net1"), Num(2.0)))
    assert text.display_math(Delim(body, "norm", "F")) == text.inline_math(Delim(body, "norm", "F"))
    assert text.inline_math(Delim(body, "norm", "F")) == "‖W_Qxⱼᵀd_(model)Wₙₑₜ₁2‖_F"
    tall = text.display_math(Delim(mat([[1, 2], [3, 4]]), "paren"))
    assert tall.splitlines() == ["(⎡ 1  2 ⎤)", "(⎣ 3  4 ⎦)"]
