"""MathML for self-contained pages (the practice page, HTML sheets), written from the
math nodes themselves, as every other renderer is.

Only MathML Core is used (``mi``, ``mn``, ``mo``, ``mtext``, ``mrow``, scripts, ``mfrac``,
``msqrt``, ``mover``, ``mtable`` and ``mspace``), which current browsers draw without a
script. A formula's MathML is remembered: a page shows some 25 formulas per problem, most
of them seen before (symbols, small numbers and matrices).
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

from quizgen.model.content import (
    DELIMITERS, GREEK, MINUS, OPERATORS, Delim, Frac, Mat, Math, Num, Op, Seq, Sqrt, Sym, Word, number_text,
    shared_format,
)

_FENCES = {
    "paren": ("(", ")"), "brace": ("{", "}"), "bracket": ("[", "]"), "ceil": ("⌈", "⌉"),
    "floor": ("⌊", "⌋"), "norm": ("‖", "‖"), "abs": ("|", "|"),
}
_TRANSPOSE = "<mo>⊤</mo>"  # the superscript of xᵀ, as LaTeX's ^\top
_SCRIPT_TOKENS = re.compile(r"[A-Za-z]+|\d+(?:\.\d+)?|\S")
assert set(_FENCES) == set(DELIMITERS)


@lru_cache(maxsize=8192)
def mathml_inline(node: Math) -> str:
    """A formula inside a line of text."""
    return f"<math>{mathml(node)}</math>"


@lru_cache(maxsize=8192)
def mathml_display(node: Math) -> str:
    """A formula on a line of its own."""
    return f'<math display="block">{mathml(node)}</math>'


def mathml(node: Math) -> str:
    """The MathML of a formula, without the enclosing ``<math>``."""
    match node:
        case Sym():
            return _sym(node)
        case Num():
            return _number(number_text(node))
        case Word():
            return f"<mtext>{escape(node.text, quote=False)}</mtext>"
        case Op():
            sign = f"<mo>{escape(OPERATORS[node.name], quote=False)}</mo>"
            # "," sets two formulas side by side, a quad apart, as LaTeX's ",\quad"
            return sign + '<mspace width="1em"/>' if node.name == "," else sign
        case Seq():
            return "<mrow>" + "".join(mathml(i) for i in node.items) + "</mrow>"
        case Frac():
            return f"<mfrac>{_row(node.num)}{_row(node.den)}</mfrac>"
        case Sqrt():
            return f"<msqrt>{mathml(node.body)}</msqrt>"
        case Delim():
            left, right = _FENCES[node.kind]
            fenced = _fenced(left, mathml(node.body), right, _tall(node.body))
            return fenced if node.sub is None else f"<msub>{fenced}{_script(node.sub)}</msub>"
        case Mat():
            rows = "".join("<mtr>" + "".join(f"<mtd>{mathml(e)}</mtd>" for e in row) + "</mtr>"
                           for row in shared_format(node).rows)
            return _fenced("[", f"<mtable>{rows}</mtable>", "]", _tall(node))
    raise TypeError(f"not math: {node!r}")


def _tall(node: Math) -> bool:
    """Whether a formula is taller than a line of text (a matrix of several rows, a
    fraction), so that brackets around it stretch; around a line they keep their size,
    whatever a comma's tail or a subscript adds below it."""
    match node:
        case Mat():
            return len(node.rows) > 1 or any(_tall(e) for row in node.rows for e in row)
        case Frac():
            return True
        case Seq():
            return any(_tall(i) for i in node.items)
        case Delim() | Sqrt():
            return _tall(node.body)
    return False


def _sym(node: Sym) -> str:
    """An identifier: one letter italic, a longer name (``emb``) upright, as MathML draws
    an ``mi`` of several letters; a tilde above it, then its scripts."""
    base = f"<mi>{escape(GREEK.get(node.name, node.name), quote=False)}</mi>"
    if node.accent == "tilde":
        base = f'<mover accent="true">{base}<mo stretchy="false">~</mo></mover>'
    sub = None if node.sub is None else _script(node.sub)
    sup = None if node.sup is None else _TRANSPOSE if node.sup == "T" else _script(node.sup)
    if sub is not None and sup is not None:
        return f"<msubsup>{base}{sub}{sup}</msubsup>"
    if sub is not None:
        return f"<msub>{base}{sub}</msub>"
    if sup is not None:
        return f"<msup>{base}{sup}</msup>"
    return base


def _script(text: str) -> str:
    """A sub- or superscript as one row: letters as identifiers (a word such as ``net``
    upright), numbers as numbers, anything else as an operator (``r+1``, ``p−2``, with
    the true minus sign)."""
    tokens = []
    for token in _SCRIPT_TOKENS.findall(text):
        tag = "mi" if token[0].isalpha() else "mn" if token[0].isdigit() else "mo"
        tokens.append(f"<{tag}>{escape(MINUS if token == '-' else token, quote=False)}</{tag}>")
    return tokens[0] if len(tokens) == 1 else "<mrow>" + "".join(tokens) + "</mrow>"


def _number(text: str) -> str:
    """A printed number: the digits as ``mn``, a leading minus sign or "<" as a prefix
    operator in a row of their own, so the minus sits close after an "=" rather than
    spaced as a binary minus."""
    for sign in (MINUS, "< "):
        if text.startswith(sign):
            return f"<mrow><mo>{escape(sign.strip(), quote=False)}</mo><mn>{text[len(sign):]}</mn></mrow>"
    return f"<mn>{text}</mn>"


def _row(node: Math) -> str:
    """A node as one row (the numerator or denominator of a fraction)."""
    inner = mathml(node)
    return inner if inner.startswith("<mrow>") else f"<mrow>{inner}</mrow>"


def _fenced(left: str, body: str, right: str, stretchy: bool) -> str:
    """A body between brackets, which stretch to its height if ``stretchy``."""
    stretch = "true" if stretchy else "false"
    return (f'<mrow><mo fence="true" form="prefix" stretchy="{stretch}">{escape(left, quote=False)}</mo>{body}'
            f'<mo fence="true" form="postfix" stretchy="{stretch}">{escape(right, quote=False)}</mo></mrow>')
