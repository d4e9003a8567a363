"""Upper bounds on how wide Typst sets content, worked out from the content tree.

The sheet template's ``fits`` measures every display and table in Typst before setting
it (a display that is too wide for the line takes a narrower form). Measuring costs
about as much as setting the content again, so the Typst writer asks this module
first: when a display, table or inline matrix is surely narrower than the line, it is
set without being measured.

Every bound is deliberately generous: each glyph counts as wide as the widest glyph of
its kind in the fonts Typst ships (Libertinus Serif for text, New Computer Modern Math
for maths, at any weight), every operator as the widest one with its spacing, and every
matrix, fraction, root and bracket with more room than it takes. A bound that is too
large only costs a measurement; tests/test_typst_width.py checks against Typst that no
bound is ever too small.
"""

from __future__ import annotations

from quizgen.model.content import (
    GREEK, MINUS, Delim, Frac, Inline, Mat, Math, Num, Op, Seq, Sqrt, Sym, Word, number_text, shared_format,
    with_identifiers,
)

# Advances in em, rounded up from Typst's fonts.
DIGIT_EM = 0.52  # widest digit: 0.465 in text, 0.514 in bold, 0.513 in maths
SPACE_EM = 0.4  # a word space (0.25 in Libertinus Serif)
ASCII_EM = 1.1  # any other ASCII glyph; the widest are maths italic capitals (W: 1.076)
OTHER_EM = 1.2  # any other glyph, e.g. → (1.13) or ⊕ (0.56)
MINUS_EM = 1.3  # the minus sign (0.78) with the space of a binary operator around it
OP_EM = 1.6  # an operator or relation with its spacing; the widest is → (1.56)
SEQ_GAP_EM = 0.2  # room for the thin space Typst may add between two items of a formula
SCRIPT_SCALE = 0.8  # sub- and superscripts are set at 70 % size, plus a script space
SCRIPT_SPACE_EM = 0.2
FRAC_EM = 0.3  # a fraction bar's overhang (0.1)
SQRT_EM = 1.2  # the radical sign (0.83)
DELIM_EM = 2.0  # a pair of brackets that may grow with their body (1.75 around a 5-row matrix)
MAT_GAP_EM = 0.85  # between matrix columns (the template sets column-gap: 0.8em)

TABLE_TEXT_PT = 9.0  # the template's table text size
TABLE_STROKE_PT = 0.5
DISPLAY_TEXT_PT = 10.0  # the sheet's largest text size around a display


def text_em(text: str) -> float:
    """A bound on the width of a run of text (or of a string in a formula), in em; a
    no-break space (``prose`` puts them around operators) is a space."""
    return sum(DIGIT_EM if c.isdigit() and c.isascii() else SPACE_EM if c in " \u00a0" else
               MINUS_EM if c == MINUS else ASCII_EM if c.isascii() else OTHER_EM for c in text)


def _script_em(script: str | None) -> float:
    return 0.0 if script is None else SCRIPT_SPACE_EM + SCRIPT_SCALE * text_em(script)


def math_em(node: Math) -> float:
    """A bound on the width of a formula, in em of the surrounding text."""
    match node:
        case Sym():
            base = ASCII_EM if node.name in GREEK else text_em(node.name)
            return base + _script_em(node.sub) + _script_em(node.sup)
        case Num():
            return text_em(number_text(node))
        case Word():
            return text_em(node.text)
        case Op():
            return OP_EM
        case Seq():
            return sum(math_em(item) + SEQ_GAP_EM for item in node.items)
        case Frac():
            return max(math_em(node.num), math_em(node.den)) + FRAC_EM
        case Sqrt():
            return math_em(node.body) + SQRT_EM
        case Delim():
            return math_em(node.body) + DELIM_EM + _script_em(node.sub)
        case Mat():
            columns = zip(*shared_format(node).rows)
            widths = [max(math_em(entry) for entry in column) for column in columns]
            return sum(widths) + MAT_GAP_EM * (len(widths) - 1) + DELIM_EM
    raise TypeError(f"not math: {node!r}")


def pieces_em(pieces: tuple[Inline, ...]) -> float:
    """A bound on the width of text and inline maths set on one line, in em."""
    return sum(text_em(q) if isinstance(q, str) else math_em(q) for q in with_identifiers(pieces))


def display_pt(node: Math) -> float:
    """A bound on the width of a displayed formula, in points."""
    return math_em(node) * DISPLAY_TEXT_PT


def table_pt(columns: list[list[float]], inset_pt: float) -> float:
    """A bound on the width of a table, in points, from bounds in em on every cell of
    each column (the header's included), set at the template's table text size."""
    cells = sum(max(column) * TABLE_TEXT_PT + 2 * inset_pt for column in columns)
    return cells + TABLE_STROKE_PT * (len(columns) + 1)
