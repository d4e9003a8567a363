"""Structured problem content: text, math, tables and figures, before any rendering.

A problem's prompt, answer and worked steps are built from these values once. Each
renderer (plain text for the terminal and JSON export, LaTeX/MathJax for Anki, Typst for
print) walks the same tree, so no renderer ever parses another renderer's output.

Math is a small expression tree. Blocks hold paragraphs of inline pieces, where a piece
is either a plain ``str`` (text) or a math node (inline math).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence, Union

import numpy as np

# --------------------------------------------------------------------------- math


@dataclass(frozen=True)
class Sym:
    """An identifier such as ``Q_j`` or ``alpha``; greek names are spelled out.
    ``accent`` is None or ``"tilde"`` (a perturbed quantity, K̃)."""

    name: str
    sub: str | None = None
    sup: str | None = None
    accent: str | None = None


@dataclass(frozen=True)
class Num:
    """A number, shown rounded to ``digits`` decimals (integers exactly)."""

    value: float
    digits: int = 3


@dataclass(frozen=True)
class Word:
    """Upright text inside a formula, e.g. ``softmax`` or ``nobody``."""

    text: str


@dataclass(frozen=True)
class Op:
    """A binary operator or relation, by name: see ``OPERATORS``. ``","`` separates two
    formulas shown side by side (with a wide gap); ``"comma"`` separates list items."""

    name: str


@dataclass(frozen=True)
class Seq:
    """Pieces written one after another."""

    items: tuple["Math", ...]


@dataclass(frozen=True)
class Frac:
    num: "Math"
    den: "Math"


@dataclass(frozen=True)
class Sqrt:
    body: "Math"


@dataclass(frozen=True)
class Delim:
    """A bracketed expression; ``kind`` is one of ``DELIMITERS``."""

    body: "Math"
    kind: str = "paren"


@dataclass(frozen=True)
class Mat:
    """A matrix (or a row/column vector) of math entries, in square brackets."""

    rows: tuple[tuple["Math", ...], ...]


Math = Union[Sym, Num, Word, Op, Seq, Frac, Sqrt, Delim, Mat]
MATH_TYPES = (Sym, Num, Word, Op, Seq, Frac, Sqrt, Delim, Mat)

OPERATORS = {
    "=": "=", "+": "+", "-": "−", "cdot": "·", "times": "×", "approx": "≈",
    "to": "→", "cup": "∪", "in": "∈", "oplus": "⊕", ",": ",", "comma": ",", ">": ">", ">=": "≥",
    "<": "<", "<=": "≤", "neq": "≠", "mapsto": "↦",
}
DELIMITERS = ("paren", "brace", "bracket", "ceil", "floor", "norm", "abs")
GREEK = {
    "alpha": "α", "beta": "β", "lambda": "λ", "tau": "τ", "theta": "θ", "Sigma": "Σ",
}

# --------------------------------------------------------------------------- blocks

Inline = Union[str, Math]


@dataclass(frozen=True)
class Para:
    """A paragraph: text and inline math."""

    pieces: tuple[Inline, ...]


@dataclass(frozen=True)
class Display:
    """A displayed formula on its own line."""

    math: Math


@dataclass(frozen=True)
class Table:
    """A table whose cells are paragraphs' worth of inline pieces."""

    header: tuple[tuple[Inline, ...], ...]
    rows: tuple[tuple[tuple[Inline, ...], ...], ...]


@dataclass(frozen=True)
class Figure:
    """A picture (SVG source) with a text alternative for screen readers and terminals."""

    svg: str
    alt: str


@dataclass(frozen=True)
class Heatmap:
    """An attention pattern to look at rather than read: rows are targets, columns sources.
    Anki and screens show it as a shaded SVG grid, print as a shaded table."""

    values: tuple[tuple[float, ...], ...]
    row_labels: tuple[str, ...]
    col_labels: tuple[str, ...]
    title: str


def heatmap(values: "np.ndarray", labels: Sequence[str], title: str) -> Heatmap:
    """A square pattern with the same labels on both axes."""
    rows = tuple(tuple(float(v) for v in row) for row in np.asarray(values, dtype=float))
    return Heatmap(rows, tuple(labels), tuple(labels), title)


Block = Union[Para, Display, Table, Figure, Heatmap]


@dataclass(frozen=True)
class Step:
    """One worked step: a title and the blocks that show its intermediate objects."""

    title: str
    blocks: tuple[Block, ...]


# --------------------------------------------------------------------------- builders
# Short helpers so that family code reads like the formulas it writes.


def as_math(x: "Math | str | int | float | np.number") -> Math:
    """Coerce a Python value into math: numbers become ``Num``, operator names ``Op``,
    other strings ``Sym``."""
    if isinstance(x, MATH_TYPES):
        return x
    if isinstance(x, str):
        if x in OPERATORS:
            return Op(x)
        if not x.isalnum():
            raise ValueError(f"{x!r} is neither an operator name nor an identifier; build it from nodes")
        return Sym(x)
    if isinstance(x, (bool, np.bool_)):
        raise TypeError("booleans are not math")
    return Num(float(x))


def seq(*parts: "Math | str | int | float") -> Seq:
    """Juxtapose pieces: ``seq(sym('Q', 'j'), 'cdot', sym('K', 'i'), '=', 1)``."""
    return Seq(tuple(as_math(p) for p in parts))


def sym(name: str, sub: object = None, sup: object = None, accent: str | None = None) -> Sym:
    return Sym(name, None if sub is None else str(sub), None if sup is None else str(sup), accent)


def num(value: float, digits: int = 3) -> Num:
    return Num(float(value), digits)


def mat(array: "Sequence[Sequence[float]] | np.ndarray", digits: int = 3) -> Mat:
    """A matrix of numbers; a 1-D array becomes a row vector."""
    a = np.asarray(array, dtype=float)
    if a.ndim == 1:
        a = a[None, :]
    return Mat(tuple(tuple(Num(float(v), digits) for v in row) for row in a))


def call(name: str, *args: "Math | str | int | float") -> Seq:
    """A named function applied to its arguments: ``softmax(z)``."""
    return Seq((Word(name), Delim(seq(*args), "paren")))


def braces(items: Iterable[object]) -> Delim:
    """A set ``{a, b, c}`` of vertex ids or numbers (empty set shown as ``{}``)."""
    pieces: list[Math | str] = []
    for k, item in enumerate(items):
        if k:
            pieces.append(Op("comma"))
        pieces.append(as_math(item) if not isinstance(item, str) else Word(item))
    return Delim(seq(*pieces), "brace")


def para(*pieces: Inline) -> Para:
    return Para(tuple(pieces))


def table(header: Sequence[Inline | Sequence[Inline]], rows: Sequence[Sequence[Inline | Sequence[Inline]]]) -> Table:
    """A table; a cell may be a single piece or a sequence of pieces."""

    def cell(c: Inline | Sequence[Inline]) -> tuple[Inline, ...]:
        if isinstance(c, (str, *MATH_TYPES)):
            return (c,)
        return tuple(c)

    return Table(tuple(cell(c) for c in header), tuple(tuple(cell(c) for c in row) for row in rows))


def step(title: str, *blocks: Block) -> Step:
    return Step(title, tuple(blocks))


def format_number(value: float, digits: int = 3) -> str:
    """The one rounding rule: integers exactly, others to ``digits`` decimals without
    trailing zeros; a tiny non-zero value keeps three significant digits so that it does
    not read as 0; ``-0`` is shown as ``0``."""
    if abs(value) < 1e-12:
        return "0"  # floating-point noise such as cos(90°) = 6e-17
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    if abs(value) < 10.0**-digits:
        return f"{value:.3g}" if abs(value) >= 1e-4 else f"{value:.2e}"
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_percent(fraction: float) -> str:
    """A share as a percentage with one decimal, e.g. ``94.8 %``."""
    return f"{fraction * 100:.1f} %"
