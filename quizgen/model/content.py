"""Structured problem content: text, math, tables and figures, before any rendering.

A problem's prompt, answer and worked steps are built from these values once. Each
renderer (plain text for the terminal and JSON export, LaTeX/MathJax for Anki, Typst for
print) walks the same tree, so no renderer ever parses another renderer's output.

Math is a small expression tree. Blocks hold paragraphs of inline pieces, where a piece
is either a plain ``str`` (text) or a math node (inline math).
"""

from __future__ import annotations

import math
import re
from dataclasses import MISSING, dataclass, field, fields
from functools import cached_property, lru_cache
from typing import Any, Callable, Iterable, Sequence, Union

import numpy as np

# --------------------------------------------------------------------------- nodes


def _node(cls: type) -> type:
    """A frozen dataclass with slots, whose ``__init__`` stores each field through its
    slot directly.

    Content nodes are immutable (they are shared between trees) and made by the hundred
    for every problem; the ``__init__`` a frozen dataclass gets goes through
    ``object.__setattr__`` by name for each field and takes about twice as long. Fields,
    defaults, comparison, hashing, ``repr``, pickling and the refusal to change a field
    are the dataclass's own."""
    cls = dataclass(frozen=True, slots=True)(cls)
    scope: dict[str, Any] = {}
    params, body = [], []
    for f in fields(cls):
        scope[f"_set_{f.name}"] = getattr(cls, f.name).__set__  # the slot's own setter
        if f.default is MISSING:
            params.append(f.name)
        else:
            scope[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        body.append(f"    _set_{f.name}(self, {f.name})\n")
    exec(f"def __init__(self, {', '.join(params)}):\n{''.join(body)}", scope)
    init = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init
    return cls


# --------------------------------------------------------------------------- math


@_node
class Sym:
    """An identifier such as ``Q_j`` or ``alpha``; greek names are spelled out.
    ``accent`` is None or ``"tilde"`` (a perturbed quantity, K̃)."""

    name: str
    sub: str | None = None
    sup: str | None = None
    accent: str | None = None


@_node
class Num:
    """A number, shown rounded to ``digits`` decimals (integers exactly) by
    ``format_number``. ``fixed`` keeps trailing zeros (the entries of a matrix share one
    format); ``bound`` shows a positive value too small for ``digits`` decimals as
    "< 0.001" rather than "0.000" (a tiny weight that matters)."""

    value: float
    digits: int = 3
    fixed: bool = False
    bound: bool = False


@_node
class Word:
    """Upright text inside a formula, e.g. ``softmax`` or ``nobody``."""

    text: str


@_node
class Op:
    """A binary operator or relation, by name: see ``OPERATORS``. ``","`` separates two
    formulas shown side by side (with a wide gap); ``"comma"`` separates list items."""

    name: str


@_node
class Seq:
    """Pieces written one after another."""

    items: tuple["Math", ...]


@_node
class Frac:
    num: "Math"
    den: "Math"


@_node
class Sqrt:
    body: "Math"


@_node
class Delim:
    """A bracketed expression; ``kind`` is one of ``DELIMITERS``; ``sub`` an optional
    subscript after the closing bracket (the F of a Frobenius norm ‖L‖_F)."""

    body: "Math"
    kind: str = "paren"
    sub: str | None = None


@_node
class Mat:
    """A matrix (or a row/column vector) of math entries, in square brackets. Renderers
    show its numbers through ``shared_format``, so they read alike; ``formatted`` says
    they are in that format already (``mat`` builds them so), which spares the check."""

    rows: tuple[tuple["Math", ...], ...]
    formatted: bool = field(default=False, compare=False, repr=False)


Math = Union[Sym, Num, Word, Op, Seq, Frac, Sqrt, Delim, Mat]
MATH_TYPES = (Sym, Num, Word, Op, Seq, Frac, Sqrt, Delim, Mat)
_MATH_KINDS = frozenset(MATH_TYPES)

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
_PIECE_TYPES = (str, *MATH_TYPES)
_PIECE_KINDS = frozenset(_PIECE_TYPES)


@_node
class Para:
    """A paragraph: text and inline math."""

    pieces: tuple[Inline, ...]


@_node
class Display:
    """A displayed formula on its own line."""

    math: Math


@_node
class Table:
    """A table whose cells are paragraphs' worth of inline pieces. ``formatted`` says the
    numbers of each row are in one format already (see ``shared_row_format``; ``table``
    builds them so), which spares renderers the check."""

    header: tuple[tuple[Inline, ...], ...]
    rows: tuple[tuple[tuple[Inline, ...], ...], ...]
    formatted: bool = field(default=False, compare=False, repr=False)


@dataclass(frozen=True)
class Figure:
    """A picture with a text alternative for screen readers and terminals.

    Its SVG source is drawn on first use, as ``draw(*args)``, and kept. Only some outputs
    show the picture (cards, sheets, the practice page), and laying out a graph costs
    more than the rest of a problem, so the JSON export, which writes only ``alt``, never
    draws it. ``draw`` is a module-level function and ``args`` plain values, so a figure
    compares, hashes and pickles by what it shows."""

    alt: str
    draw: Callable[..., str]
    args: tuple[Any, ...] = ()

    @cached_property
    def svg(self) -> str:
        """The SVG document."""
        return self.draw(*self.args)


@_node
class Heatmap:
    """An attention pattern to look at rather than read: rows are targets, columns sources.
    Anki and screens show it as a shaded SVG grid, print as a shaded table."""

    values: tuple[tuple[float, ...], ...]
    row_labels: tuple[str, ...]
    col_labels: tuple[str, ...]
    title: str
    digits: int = 3  # decimals printed in the cells, as ``mat`` prints the same pattern


def heatmap(values: "np.ndarray", labels: Sequence[str], title: str, digits: int = 3) -> Heatmap:
    """A square pattern with the same labels on both axes."""
    rows = tuple(tuple(float(v) for v in row) for row in np.asarray(values, dtype=float))
    return Heatmap(rows, tuple(labels), tuple(labels), title, digits)


Block = Union[Para, Display, Table, Figure, Heatmap]


@_node
class Step:
    """One worked step: a title and the blocks that show its intermediate objects."""

    title: str
    blocks: tuple[Block, ...]


# --------------------------------------------------------------------------- builders
# Short helpers so that family code reads like the formulas it writes.


def as_math(x: "Math | str | int | float | np.number") -> Math:
    """Coerce a Python value into math: numbers become ``Num``, operator names ``Op``,
    other strings ``Sym``."""
    kind = type(x)
    if kind is int or kind is float:  # the usual number first (a bool is not of type int)
        return Num(float(x))
    if kind in _MATH_KINDS:  # a node, found by exact type
        return x
    if isinstance(x, str):
        if x in _OPERATOR_NODES:
            return _OPERATOR_NODES[x]
        if not x.isalnum():
            raise ValueError(f"{x!r} is neither an operator name nor an identifier; build it from nodes")
        return Sym(x)
    if isinstance(x, MATH_TYPES):
        return x
    if isinstance(x, (bool, np.bool_)):
        raise TypeError("booleans are not math")
    return Num(float(x))


# one node per operator, shared (nodes are immutable): formulas name operators all the time
_OPERATOR_NODES = {name: Op(name) for name in OPERATORS}


def seq(*parts: "Math | str | int | float") -> Seq:
    """Juxtapose pieces: ``seq(sym('Q', 'j'), 'cdot', sym('K', 'i'), '=', 1)``."""
    return Seq(tuple([as_math(p) for p in parts]))


@lru_cache(maxsize=1024, typed=True)  # typed: a subscript 1 and 1.0 print differently
def sym(name: str, sub: object = None, sup: object = None, accent: str | None = None) -> Sym:
    """An identifier, remembered: nodes are immutable, and a family names the same few
    (Q_j, K_i, W_Q) in its prompt, its steps and every option."""
    return Sym(name, None if sub is None else str(sub), None if sup is None else str(sup), accent)


def num(value: float, digits: int = 3) -> Num:
    return Num(float(value), digits)


def weight(value: float, digits: int = 3) -> Num:
    """A weight where a tiny share matters: below 0.0005 it prints as "< 0.001", not 0.000."""
    return Num(float(value), digits, bound=True)


def mat(array: "Sequence[Sequence[float]] | np.ndarray", digits: int = 3) -> Mat:
    """A matrix of numbers; a 1-D array becomes a row vector. Integers stay integers;
    otherwise every entry shows ``digits`` decimals."""
    a = np.asarray(array, dtype=float)
    rows = (tuple(a.tolist()),) if a.ndim == 1 else tuple(map(tuple, a.tolist()))
    return _remembered_mat(rows, digits)


@lru_cache(maxsize=1024)  # 70 % of the matrices an export asks for (4,096 would hold 72 %, for 8 MB more)
def _remembered_mat(rows: tuple[tuple[float, ...], ...], digits: int) -> Mat:
    """``mat``, remembered: nodes are immutable, so one node serves every matrix with the
    same numbers, and the same rows recur in every problem (one-hot embedding blocks,
    selector matrices, small score matrices). A zero and a negative zero count as the same
    number, as they do within one matrix: both print as 0."""
    values = {v for row in rows for v in row}
    # Built in the form shared_format gives, so that renderers find nothing to change, and
    # with one node per distinct value: a one-hot embedding of a hundred entries needs two.
    fixed = any(abs(v - round(v)) >= 1e-9 for v in values)  # not all _whole, written out: hot
    node = {v: Num(v, digits, fixed) for v in values}
    return Mat(tuple([tuple([node[v] for v in row]) for row in rows]), formatted=True)


def shared_format(m: Mat) -> Mat:
    """The matrix with its numbers in one format: when any entry is not a whole number,
    every number shows its decimals, trailing zeros kept (0.500 beside 1.425). A matrix
    already in that form is returned as it is."""
    if m.formatted:
        return m
    numbers = [e for row in m.rows for e in row if isinstance(e, Num)]
    if all(_whole(e.value) for e in numbers):
        return m
    digits = max(e.digits for e in numbers)
    if all(e.fixed and e.digits == digits for e in numbers):
        return m
    return Mat(tuple(tuple(Num(e.value, digits, True, e.bound) if isinstance(e, Num) else e for e in row)
                     for row in m.rows), formatted=True)


def shared_row_format(t: Table) -> Table:
    """The table with the numbers of each row in one format (a row is a vector: −1.000,
    −0.707, 0.000), so a row of whole numbers such as angles stays whole."""
    if t.formatted:
        return t

    def number(cell: tuple[Inline, ...]) -> Num | None:
        return cell[0] if len(cell) == 1 and isinstance(cell[0], Num) else None

    rows = []
    for row in t.rows:
        found = [number(cell) for cell in row]  # a cell's number, or None
        numbers = [n for n in found if n is not None]
        if all(_whole(n.value) for n in numbers):
            rows.append(row)
            continue
        digits = max(n.digits for n in numbers)
        rows.append(tuple([cell if n is None else (Num(n.value, digits, True, n.bound),)
                           for cell, n in zip(row, found)]))
    return Table(t.header, tuple(rows), formatted=True)


def _whole(value: float) -> bool:
    return abs(value - round(value)) < 1e-9


def call(name: str, *args: "Math | str | int | float") -> Seq:
    """A named function applied to its arguments: ``softmax(z)``."""
    return Seq((Word(name), Delim(seq(*args), "paren")))


def braces(items: Iterable[object]) -> Delim:
    """A set ``{a, b, c}`` of vertex ids or numbers (empty set shown as ``{}``)."""
    return _remembered_braces(tuple(items))


@lru_cache(maxsize=1024)
def _remembered_braces(items: tuple[object, ...]) -> Delim:
    """``braces``, remembered: nodes are immutable, and the same small sets of vertex ids
    recur in every graph problem (a merge round's sets repeat those of the round before)."""
    pieces: list[Math] = []
    for item in items:
        if pieces:
            pieces.append(_COMMA)
        pieces.append(Word(item) if isinstance(item, str) else as_math(item))
    return Delim(Seq(tuple(pieces)), "brace")


_COMMA = _OPERATOR_NODES["comma"]


def para(*pieces: Inline) -> Para:
    return Para(tuple(pieces))


def table(header: Sequence[Inline | Sequence[Inline]], rows: Sequence[Sequence[Inline | Sequence[Inline]]]) -> Table:
    """A table; a cell may be a single piece or a sequence of pieces. The numbers of each
    row share one format (``shared_row_format``)."""

    def cell(c: Inline | Sequence[Inline]) -> tuple[Inline, ...]:
        if type(c) in _PIECE_KINDS or isinstance(c, _PIECE_TYPES):  # a piece, found by exact type first
            return (c,)
        return tuple(c)

    # formatted here as well as in the renderers, so a renderer that splits a table keeps it
    return shared_row_format(Table(tuple([cell(c) for c in header]),
                                   tuple([tuple([cell(c) for c in row]) for row in rows])))


def step(title: str, *blocks: Block) -> Step:
    return Step(title, tuple(blocks))


# --------------------------------------------------------------------------- numbers

MINUS = "\u2212"  # the true minus sign; a hyphen-minus is for words such as "pre-softmax"


def _half_up_units(magnitude: float, digits: int) -> int:
    """``magnitude`` (≥ 0) in units of the last decimal, a half rounded up, as by hand:
    0.3125 → 313 thousandths (Python's rounding gives 312, to even). A value within
    floating-point noise of a half counts as the half: 0.0375, stored as 0.03749999…, and
    2.675 (2.67499999…) round up as a student rounds them."""
    scaled = magnitude * 10 ** digits
    return math.floor(scaled + 0.5 + max(1e-9, 1e-12 * scaled))


def _decimals(magnitude: float, digits: int) -> str:
    """``magnitude`` (≥ 0) with exactly ``digits`` decimals, a half rounded up."""
    units = str(_half_up_units(magnitude, digits)).rjust(digits + 1, "0")
    return units if digits == 0 else f"{units[:-digits]}.{units[-digits:]}"


def round_half_up(value: float, digits: int) -> float:
    """``value`` rounded to ``digits`` decimals as ``format_number`` prints it (a half away
    from zero): two numbers print alike exactly when their rounded values are equal."""
    units = _half_up_units(abs(value), digits)
    return (-units if value < 0 else units) / 10 ** digits + 0.0


def format_number(value: float, digits: int = 3, *, fixed: bool = False, bound: bool = False) -> str:
    """The one rule for printing a number, in every output.

    Whole numbers print exactly (``3``, ``−2``); others with ``digits`` decimals, trailing
    zeros dropped unless ``fixed`` (``0.5``, or ``0.500`` in a matrix that has decimals).
    Never e-notation: a non-zero value too small for ``digits`` decimals prints as
    ``0.000`` (so it does not read as an exact 0), or as ``< 0.001`` with ``bound``.
    Negative numbers take the true minus sign; ``−0`` prints as ``0``. A half rounds away
    from zero, as by hand (0.3125 → 0.313).
    """
    if not math.isfinite(value):
        raise ValueError(f"cannot print {value!r} as a number")
    if -1e-12 < value < 1e-12:
        value = 0.0  # floating-point noise such as cos(90°) = 6e-17
    if not fixed:
        whole = round(value)
        if abs(value - whole) < 1e-9:  # _whole, written out: this runs for every number printed
            whole = int(whole)
            return f"{MINUS}{-whole}" if whole < 0 else str(whole)
    text = _decimals(abs(value), digits)
    if not text.strip("0."):  # every digit is 0
        if bound and value > 0:
            return f"< 0.{'0' * (digits - 1)}1" if digits > 0 else "< 1"
        return text  # 0.000: zero at this precision, whatever its sign
    if not fixed and "." in text:
        text = text.rstrip("0").rstrip(".")
    return MINUS + text if value < 0 else text


def fixed(value: float, digits: int = 3) -> str:
    """``value`` with exactly ``digits`` decimals, trailing zeros kept (``0.500``): prose's
    counterpart of a number in a matrix, by the same rule as every printed number."""
    return format_number(value, digits, fixed=True)


def format_percent(fraction: float, *, bound: bool = False) -> str:
    """A share as a percentage with one decimal, e.g. ``94.8 %``; with ``bound`` a share
    too small to show prints as ``< 0.1 %``."""
    return format_number(fraction * 100, 1, fixed=True, bound=bound) + " %"


def number_text(node: Num) -> str:
    """How a ``Num`` node prints (the renderers' single entry to ``format_number``)."""
    return _remembered_number_text(node.value, node.digits, node.fixed, node.bound)


@lru_cache(maxsize=4096)
def _remembered_number_text(value: float, digits: int, fixed: bool, bound: bool) -> str:
    """``format_number``, remembered: a few numbers fill most matrices (half of all the
    numbers an export prints are the zeros of one-hot blocks and selectors)."""
    return format_number(value, digits, fixed=fixed, bound=bound)


# --------------------------------------------------------------------------- maths in prose
# Family prose is written as plain strings ("scale by 1/√d_k", "‖L‖_F"). Renderers pass
# each string through ``prose``: a hyphen-minus before a digit becomes the true minus
# sign, and, for outputs that typeset maths, identifiers with a subscript become math.
# An identifier is a short name (at most 3 letters: W, d, emb) with a short subscript, so
# code names such as lookahead_depth or RESERVED_INDICES stay text.

_HYPHEN_MINUS = re.compile(r"(?<![\w.\-])-(?=\d)")
_SUPERSCRIPTS = {"ᵀ": "T", "¹": "1", "²": "2", "³": "3"}
_PROSE_MATH = re.compile(
    r"‖(?P<norm>[A-Za-z]+(?:·[A-Za-z]+)*)‖_(?P<norm_sub>[A-Za-z])(?![\w])"
    r"|(?<![\w‖])(?P<root>√)?(?P<name>[A-Za-z]{1,3})(?P<tilde>\u0303?)_(?P<sub>[A-Za-z]{1,6}\d*|\d+)(?P<sup>[ᵀ¹²³]?)(?![\w])"
    r"|(?<![\w.^])(?P<base>[A-Za-z0-9])\^(?P<power>-?\d+(?:\.\d+)?|[A-Za-z])(?![\w^(]|\.\d)"
)


def prose_text(text: str) -> str:
    """Prose with the true minus sign in negative numbers (``-0.9`` -> ``−0.9``); hyphens
    in words and ranges (``pre-softmax``, ``dims 0-3``) stay."""
    return _HYPHEN_MINUS.sub(MINUS, text) if "-" in text else text


# a binary operator between two terms in prose ("n − 1", "n × d_model", "13 → 8"), whose
# spaces a typeset line must not break at; both patterns start with the space and look
# back past it, so a search jumps from space to space rather than trying every character
_SPACED_OPERATOR = re.compile(r" (?<=\S )([−×·+→/]) (?=\S)")
_SPACED_PERCENT = re.compile(r" (?<=\d )%")  # 100 %: a number and its unit stay together


@lru_cache(maxsize=2048)  # the same sentences and step titles recur problem after problem
def prose(text: str) -> tuple[Inline, ...]:
    """Prose split into text and math: ``W_Q``, ``d_k``, ``W_net1``, ``x_jᵀ``, ``K̃_i``,
    ``√d_k``, ``‖L·R‖_F`` and a power with a plain exponent (``e^0``, ``2^r``,
    ``e^-1.5``) become math nodes, everything else stays text (with ``prose_text``). A
    power of a bracketed exponent (``e^(c/√d)``) stays text. The spaces around a binary
    operator become no-break spaces, so a line never ends in "n −" with "1" on the next."""
    # (a function rather than the template "\u00a0\\1\u00a0", which re expands in Python, slowly)
    text = _SPACED_PERCENT.sub("\u00a0%", _SPACED_OPERATOR.sub(lambda m: f"\u00a0{m[1]}\u00a0", text))
    if "_" not in text and "^" not in text:  # every maths piece has one (most prose has none)
        return (prose_text(text),) if text else ()
    pieces: list[Inline] = []
    at = 0
    for m in _PROSE_MATH.finditer(text):
        if m.start() > at:
            pieces.append(prose_text(text[at:m.start()]))
        if m.group("norm"):
            factors = [_letters(f) for f in m.group("norm").split("·")]
            body = factors[0] if len(factors) == 1 else seq(*_interleave(factors, Op("cdot")))
            pieces.append(Delim(body, "norm", m.group("norm_sub")))
        elif m.group("base"):
            pieces.append(Sym(m.group("base"), sup=m.group("power")))
        else:
            node: Math = Sym(m.group("name"), m.group("sub"), _SUPERSCRIPTS.get(m.group("sup")),
                             "tilde" if m.group("tilde") else None)
            pieces.append(Sqrt(node) if m.group("root") else node)
        at = m.end()
    if at < len(text):
        pieces.append(prose_text(text[at:]))
    return tuple(pieces)


def with_identifiers(pieces: "Sequence[Inline]") -> list[Inline]:
    """Pieces with the identifiers in their text (``S_0``, ``W_Q``) as maths (``prose``),
    as every typeset output shows them."""
    return [q for p in pieces for q in (prose(p) if isinstance(p, str) else (p,))]


def typeset_pieces(pieces: "Sequence[Inline]") -> list[Inline]:
    """Pieces as the typesetting writers (HTML, Typst) set them: the identifiers in their
    text as maths (``with_identifiers``), and text that touches maths marked with a word
    joiner (``joined``), ready for ``tied_runs``."""
    return joined(with_identifiers(pieces))


WORD_JOINER = "\u2060"


def tied_runs(pieces: "Sequence[Inline]") -> list["str | tuple[str, Math, str]"]:
    """Typeset pieces (``typeset_pieces``) as runs to set: free text, or a math
    piece with the text a word joiner ties to it, up to the nearest space ("1/" before
    √d_k, "(w)." after S_r), which a writer keeps on one line (a box, a no-wrap span).
    A matrix is never tied: a line must stay free to wrap beside it."""
    runs: list[str | tuple[str, Math, str]] = []
    rest = list(pieces)
    for k, piece in enumerate(rest):
        if isinstance(piece, str):
            if piece:
                runs.append(piece)
            continue
        before = after = ""
        if not _holds_matrix(piece):
            if runs and isinstance(runs[-1], str) and runs[-1].endswith(WORD_JOINER):
                head, space, before = runs.pop().rpartition(" ")
                if head or space:
                    runs.append(head + space)
            if k + 1 < len(rest) and isinstance(rest[k + 1], str) and rest[k + 1].startswith(WORD_JOINER):
                after, space, tail = rest[k + 1].partition(" ")
                rest[k + 1] = space + tail
        runs.append((before.replace(WORD_JOINER, ""), piece, after.replace(WORD_JOINER, "")))
    return [r.replace(WORD_JOINER, "") if isinstance(r, str) else r for r in runs]


def _holds_matrix(node: Math) -> bool:
    return isinstance(node, Mat) or (isinstance(node, Seq) and any(isinstance(i, Mat) for i in node.items))


def joined(pieces: "Sequence[Inline]") -> list[Inline]:
    """Text that touches a math piece without a space ("1/" before √d_k, "(w)" after S_r)
    gets a word joiner on that side (once): a typeset line may break between a word and a
    math piece, and there it would cut one expression in two."""
    out = list(pieces)
    for k, piece in enumerate(out):
        if not isinstance(piece, str) or not piece:
            continue
        if k + 1 < len(out) and not isinstance(out[k + 1], str) and not piece[-1].isspace() \
                and not piece.endswith(WORD_JOINER):
            piece += WORD_JOINER
        if k > 0 and not isinstance(out[k - 1], str) and not piece[0].isspace() and not piece.startswith(WORD_JOINER):
            piece = WORD_JOINER + piece
        out[k] = piece
    return out


def _letters(word: str) -> Math:
    """``L`` as one symbol, ``LR`` as the product of single-letter symbols."""
    return Sym(word) if len(word) == 1 else Seq(tuple(Sym(c) for c in word))


def _interleave(items: list[Math], between: Math) -> list[Math]:
    out: list[Math] = []
    for k, item in enumerate(items):
        out.extend([between, item] if k else [item])
    return out
