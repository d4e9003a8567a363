"""LaTeX for MathJax: each formula on one line, so it can sit inside an HTML field."""

from __future__ import annotations

import re

from quizgen.model.content import (
    DELIMITERS, GREEK, MINUS, OPERATORS, Delim, Frac, Mat, Math, Num, Op, Seq, Sqrt, Sym, Word, number_text,
    shared_format,
)

_OPS = {
    "=": "=", "+": "+", "-": "-", "cdot": r"\cdot", "times": r"\times", "approx": r"\approx",
    "to": r"\to", "cup": r"\cup", "in": r"\in", "oplus": r"\oplus", ",": r",\quad", "comma": ",", ">": ">",
    ">=": r"\geq", "<": "<", "<=": r"\leq", "neq": r"\neq", "mapsto": r"\mapsto",
}
_DELIMS = {
    "paren": (r"\left(", r"\right)"), "brace": (r"\left\{", r"\right\}"), "bracket": (r"\left[", r"\right]"),
    "ceil": (r"\left\lceil", r"\right\rceil"), "floor": (r"\left\lfloor", r"\right\rfloor"),
    "norm": (r"\left\lVert", r"\right\rVert"), "abs": (r"\left|", r"\right|"),
}
_TEXT_ESCAPES = {"\\": r"\backslash ", "{": r"\{", "}": r"\}", "_": r"\_", "^": r"\^{}", "#": r"\#",
                 "$": r"\$", "%": r"\%", "&": r"\&", "~": r"\~{}"}
assert set(_DELIMS) == set(DELIMITERS) and set(_OPS) == set(OPERATORS)


def _text(s: str) -> str:
    return "".join(_TEXT_ESCAPES.get(c, c) for c in s)


def _script(s: str) -> str:
    """A subscript; a word in it (``model``, ``net1``) is upright, as a label is."""
    return re.sub(r"[A-Za-z]{2,}", lambda m: rf"\mathrm{{{m.group()}}}", _text(s))


def latex(node: Math) -> str:
    """The LaTeX source of a formula (no surrounding delimiters)."""
    match node:
        case Sym():
            base = f"\\{node.name}" if node.name in GREEK else (
                node.name if len(node.name) == 1 else rf"\mathrm{{{_text(node.name)}}}")
            if node.accent == "tilde":
                base = rf"\tilde{{{base}}}"
            if node.sub is not None:
                base += f"_{{{_script(node.sub)}}}"
            if node.sup is not None:
                base += "^{\\top}" if node.sup == "T" else f"^{{{_text(node.sup)}}}"
            return base
        case Num():
            # TeX's minus sign is the hyphen in math mode (MathJax and MathML converters
            # draw it as U+2212); a literal U+2212 would become an identifier in MathML
            return number_text(node).replace(MINUS, "-")
        case Word():
            return rf"\text{{{_text(node.text)}}}"
        case Op():
            return f" {_OPS[node.name]} "
        case Seq():
            return "".join(latex(i) for i in node.items)
        case Frac():
            return rf"\frac{{{latex(node.num)}}}{{{latex(node.den)}}}"
        case Sqrt():
            return rf"\sqrt{{{latex(node.body)}}}"
        case Delim():
            left, right = _DELIMS[node.kind]
            sub = "" if node.sub is None else f"_{{{_text(node.sub)}}}"
            gap = " " if left[-1].isalpha() else ""  # \left\lVert L, not the unknown \lVertL
            return f"{left}{gap}{latex(node.body)}{right}{sub}"
        case Mat():
            rows = r" \\ ".join(" & ".join(latex(e) for e in row) for row in shared_format(node).rows)
            # \left[ ... \right] rather than bmatrix: MathML converters then stretch the brackets too
            return rf"\left[\begin{{matrix}} {rows} \end{{matrix}}\right]"
    raise TypeError(f"not math: {node!r}")


def cloze_safe(source: str) -> str:
    """Separate adjacent closing braces, which Anki would read as the end of a cloze."""
    while "}}" in source:
        source = source.replace("}}", "} }")
    return source
