"""MathML written from the math nodes (the practice page and HTML sheets): what each node
becomes, that every formula of every family is well-formed MathML Core, and that a
browser lays it out."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from quizgen.families import FAMILIES
from quizgen.model.content import (
    Delim, Frac, Mat, Num, Sqrt, Sym, Word, call, mat, num, seq, sym, weight,
)
from quizgen.model.family import make_problem
from quizgen.render.html import HtmlWriter
from quizgen.render.mathml import mathml, mathml_display, mathml_inline

OPEN = '<mo fence="true" form="prefix" stretchy="true">'  # brackets around a matrix of rows, a fraction
CLOSE = '<mo fence="true" form="postfix" stretchy="true">'
OPEN_LINE = '<mo fence="true" form="prefix" stretchy="false">'  # brackets around one line keep their size
CLOSE_LINE = '<mo fence="true" form="postfix" stretchy="false">'


@pytest.mark.parametrize("node, expected", [
    (sym("Q", "j"), "<msub><mi>Q</mi><mi>j</mi></msub>"),
    (Sym("alpha"), "<mi>α</mi>"),
    (Sym("emb"), "<mi>emb</mi>"),  # several letters: upright, as MathML draws such an mi
    (sym("W", "net1"), "<msub><mi>W</mi><mrow><mi>net</mi><mn>1</mn></mrow></msub>"),
    (sym("S", "r+1"), "<msub><mi>S</mi><mrow><mi>r</mi><mo>+</mo><mn>1</mn></mrow></msub>"),
    (sym("e", "p-2"), "<msub><mi>e</mi><mrow><mi>p</mi><mo>−</mo><mn>2</mn></mrow></msub>"),  # the true minus
    (sym("e", sup="-1.5"), "<msup><mi>e</mi><mrow><mo>−</mo><mn>1.5</mn></mrow></msup>"),  # one number
    (Sym("K", "i", None, "tilde"),
     '<msub><mover accent="true"><mi>K</mi><mo stretchy="false">~</mo></mover><mi>i</mi></msub>'),
    (sym("x", "j", "T"), "<msubsup><mi>x</mi><mi>j</mi><mo>⊤</mo></msubsup>"),
    (sym("d", "k", 2), "<msubsup><mi>d</mi><mi>k</mi><mn>2</mn></msubsup>"),
    (num(2.5), "<mn>2.5</mn>"),
    (num(-1.5), "<mrow><mo>−</mo><mn>1.5</mn></mrow>"),  # a prefix minus, in a row of its own
    (weight(3e-5), "<mrow><mo>&lt;</mo><mn>0.001</mn></mrow>"),
    (Word("a_b{c}&<>"), "<mtext>a_b{c}&amp;&lt;&gt;</mtext>"),
    (seq(sym("a"), "cdot", 2, "=", -3),
     "<mrow><mi>a</mi><mo>·</mo><mn>2</mn><mo>=</mo><mrow><mo>−</mo><mn>3</mn></mrow></mrow>"),
    (seq(sym("A"), ",", sym("B")), '<mrow><mi>A</mi><mo>,</mo><mspace width="1em"/><mi>B</mi></mrow>'),
    (Frac(num(1), Sqrt(sym("d", "k"))),
     "<mfrac><mrow><mn>1</mn></mrow><mrow><msqrt><msub><mi>d</mi><mi>k</mi></msub></msqrt></mrow></mfrac>"),
    (Delim(seq(1, "comma", 2), "brace"),
     f"<mrow>{OPEN_LINE}{{</mo><mrow><mn>1</mn><mo>,</mo><mn>2</mn></mrow>{CLOSE_LINE}}}</mo></mrow>"),
    (Delim(Sym("L"), "norm", "F"),
     f"<msub><mrow>{OPEN_LINE}‖</mo><mi>L</mi>{CLOSE_LINE}‖</mo></mrow><mi>F</mi></msub>"),
    (Delim(Sym("x"), "ceil"), f"<mrow>{OPEN_LINE}⌈</mo><mi>x</mi>{CLOSE_LINE}⌉</mo></mrow>"),
    (Delim(Frac(num(1), num(2))), f"<mrow>{OPEN}(</mo><mfrac><mrow><mn>1</mn></mrow><mrow><mn>2</mn></mrow></mfrac>"
                                  f"{CLOSE})</mo></mrow>"),
    # a matrix in its shared format: every entry with three decimals once one has decimals
    (mat([[1, -2], [0.5, 3]]), f"<mrow>{OPEN}[</mo><mtable><mtr><mtd><mn>1.000</mn></mtd><mtd><mrow><mo>−</mo>"
                               f"<mn>2.000</mn></mrow></mtd></mtr><mtr><mtd><mn>0.500</mn></mtd><mtd><mn>3.000</mn>"
                               f"</mtd></mtr></mtable>{CLOSE}]</mo></mrow>"),
    (Mat(((Num(1.0), Num(-0.5)),)), f"<mrow>{OPEN_LINE}[</mo><mtable><mtr><mtd><mn>1.000</mn></mtd><mtd><mrow>"
                                    f"<mo>−</mo><mn>0.500</mn></mrow></mtd></mtr></mtable>{CLOSE_LINE}]</mo></mrow>"),
    (call("softmax", sym("z")), f"<mrow><mtext>softmax</mtext><mrow>{OPEN_LINE}(</mo><mrow><mi>z</mi></mrow>"
                                f"{CLOSE_LINE})</mo></mrow></mrow>"),
    # a call on a matrix of rows: both brackets stretch
    (call("f", mat([[1], [2]])), f"<mrow><mtext>f</mtext><mrow>{OPEN}(</mo><mrow><mrow>{OPEN}[</mo><mtable><mtr><mtd>"
                                 f"<mn>1</mn></mtd></mtr><mtr><mtd><mn>2</mn></mtd></mtr></mtable>{CLOSE}]</mo></mrow>"
                                 f"</mrow>{CLOSE})</mo></mrow></mrow>"),
])
def test_each_node_becomes_its_mathml(node, expected) -> None:
    assert mathml(node) == expected


def test_inline_and_display_formulas() -> None:
    assert mathml_inline(sym("Q", "j")) == "<math><msub><mi>Q</mi><mi>j</mi></msub></math>"
    assert mathml_display(num(3)) == '<math display="block"><mn>3</mn></math>'


# --------------------------------------------------------------------------- every family

CORE = {"math", "mrow", "mi", "mn", "mo", "mtext", "mspace", "msub", "msup", "msubsup", "mover", "mfrac",
        "msqrt", "mtable", "mtr", "mtd"}
ARITY = {"msub": 2, "msup": 2, "msubsup": 3, "mover": 2, "mfrac": 2}
TOKENS = {"mi", "mn", "mo", "mtext"}
NUMBER = re.compile(r"\d+(\.\d+)?")
SEEDS_PER_LEVEL = 12


def problems():
    for family in FAMILIES.values():
        for level in family.levels:
            for seed in range(SEEDS_PER_LEVEL):
                yield make_problem(family, seed, level)


def shown_html(problem) -> str:
    """Everything the practice page shows of a problem, with MathML maths."""
    writer = HtmlWriter(inline_math=mathml_inline, display_math=mathml_display, inline_svg=True)
    s = problem.solution
    runs = [s.question, s.choice, *(d.choice for d in s.distractors),
            *((d.mistake.explanation,) for d in s.distractors), *((st.title,) for st in s.steps)]
    blocks = (*s.prompt, *s.task, *s.answer, *(b for st in s.steps for b in st.blocks))
    return writer.blocks(blocks) + "".join(writer.pieces(run) for run in runs)


def faults(element: ET.Element) -> list[str]:
    """What is not well-formed MathML Core in a formula's tree."""
    found = []
    for e in element.iter():
        children = list(e)
        if e.tag not in CORE:
            found.append(f"<{e.tag}> is not MathML Core")
        if e.tag in ARITY and len(children) != ARITY[e.tag]:
            found.append(f"<{e.tag}> has {len(children)} children, not {ARITY[e.tag]}")
        if e.tag in TOKENS and (children or not (e.text or "").strip()):
            found.append(f"<{e.tag}> is not a token with text")
        if e.tag == "mn" and not NUMBER.fullmatch(e.text or ""):
            found.append(f"<mn>{e.text}</mn> is not a number")
        if e.tag in ("mtable", "mtr") and any(c.tag != {"mtable": "mtr", "mtr": "mtd"}[e.tag] for c in children):
            found.append(f"<{e.tag}> holds other than {'rows' if e.tag == 'mtable' else 'cells'}")
    return found


def test_every_formula_of_every_family_is_well_formed_mathml_core() -> None:
    bad, formulas = [], 0
    for problem in problems():
        for formula in re.findall(r"<math[ >].*?</math>", shown_html(problem), flags=re.S):
            formulas += 1
            found = faults(ET.fromstring(formula))
            if found:
                bad.append((problem.id, problem.difficulty, found[0], formula[:200]))
    assert formulas > 10_000
    assert bad == [], bad[:5]


def test_the_checks_find_faults() -> None:
    """The well-formedness checks above catch what they look for."""
    assert faults(ET.fromstring("<math><msub><mi>x</mi></msub></math>"))
    assert faults(ET.fromstring("<math><mn>1e-06</mn></math>"))
    assert faults(ET.fromstring("<math><mtable><mtd><mn>1</mn></mtd></mtable></math>"))
    assert faults(ET.fromstring("<math><mstyle><mi>x</mi></mstyle></math>"))
    assert faults(ET.fromstring("<math><mi></mi></math>"))
    assert not faults(ET.fromstring(mathml_inline(mat([[1, -2], [0.5, 3]]))))


# --------------------------------------------------------------------------- in a browser


def test_the_browser_lays_the_formulas_out(browser, tmp_path) -> None:
    """Chromium draws the MathML itself: a matrix's rows stacked, a subscript lowered.
    (Brackets stretch around a matrix only with a maths font, which the test machine
    need not have; the page's font list names the common ones.)"""
    tall = mathml_display(mat([[1, 2], [3, 4], [5, 6]]))
    flat = mathml_display(mat([1, 2]))
    page_file = tmp_path / "maths.html"
    page_file.write_text(f'<!doctype html><meta charset="utf-8"><div id="tall">{tall}</div><div id="flat">{flat}</div>'
                         f'<p id="inline">score {mathml_inline(seq(sym("Q", "j"), "cdot", sym("K", "i")))}</p>',
                         encoding="utf-8")
    with browser.fresh_page() as page:
        page.goto(page_file.as_uri())

        def box(selector: str) -> dict[str, float]:
            return page.locator(selector).first.bounding_box()

        assert box("#inline math")["width"] > 20
        assert box("#tall mtable")["height"] > 2.5 * box("#flat mtable")["height"]
        q, j = box("#inline msub > mi:first-child"), box("#inline msub > mi:last-child")
        assert j["y"] + j["height"] / 2 > q["y"] + q["height"] / 2  # j sits below Q's middle
