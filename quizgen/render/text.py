"""Plain-text rendering for terminals and the JSON export.

Displayed math is laid out in two dimensions (matrices as bracketed columns side by
side with the symbols around them); inline math stays on one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, TypeVar

from quizgen.model.content import (
    DELIMITERS, GREEK, MATH_TYPES, OPERATORS, Block, Delim, Display, Figure, Frac, Heatmap, Inline, Mat, Math,
    Num, Op, Para, Seq, Sqrt, Step, Sym, Table, Word, number_text, prose_text, shared_format, shared_row_format,
)

_SUBSCRIPTABLE = "0123456789+-=()aehijklmnoprstuvx"
_SUBSCRIPTS = str.maketrans(_SUBSCRIPTABLE, "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")
_OPEN = {"paren": "(", "brace": "{", "bracket": "[", "ceil": "⌈", "floor": "⌊", "norm": "‖", "abs": "|"}
_CLOSE = {"paren": ")", "brace": "}", "bracket": "]", "ceil": "⌉", "floor": "⌋", "norm": "‖", "abs": "|"}
assert set(_OPEN) == set(DELIMITERS)
# both commas read the same in plain text
_OPERATOR_TEXT = {name: ", " if sym == "," else f" {sym} " for name, sym in OPERATORS.items()}


@dataclass(slots=True)
class _Box:
    """Lines of equal width and the index of the line that carries the baseline. A box
    is never changed once made: the box of a matrix is remembered and shared."""

    lines: tuple[str, ...]
    baseline: int

    @property
    def width(self) -> int:
        return len(self.lines[0]) if self.lines else 0


def _line(text: str) -> _Box:
    return _Box((text,), 0)


def _hcat(boxes: list[_Box]) -> _Box:
    """Place boxes side by side, aligning their baselines."""
    above = max(b.baseline for b in boxes)
    below = max(len(b.lines) - b.baseline - 1 for b in boxes)
    rows = []
    for r in range(-above, below + 1):
        parts = []
        for b in boxes:
            k = b.baseline + r
            parts.append(b.lines[k] if 0 <= k < len(b.lines) else " " * b.width)
        rows.append("".join(parts))
    return _Box(tuple(rows), above)


def _symbol(node: Sym) -> str:
    return _symbol_text(node.name, node.sub, node.sup, node.accent)


@lru_cache(maxsize=1024)
def _symbol_text(name: str, sub: str | None, sup: str | None, accent: str | None) -> str:
    """How a symbol prints, remembered: a few dozen symbols fill every problem."""
    text = GREEK.get(name, name) + ("\u0303" if accent == "tilde" else "")
    if sub is not None:
        if sub.strip(_SUBSCRIPTABLE) == "":  # every character has a subscript form
            text += sub.translate(_SUBSCRIPTS)
        else:
            text += f"_{sub}" if len(sub) == 1 else f"_({sub})"
    if sup is not None:
        text += "ᵀ" if sup == "T" else f"^{sup}"
    return text


def inline_math(node: Math) -> str:
    """One-line form of a formula (matrices as nested lists)."""
    try:
        render = _INLINE[type(node)]
    except KeyError:
        raise TypeError(f"not math: {node!r}") from None
    return render(node)


# The renderers below look up the items of a node in ``_INLINE`` themselves rather than
# through ``inline_math``: the pieces of a tree are math by construction (``as_math``), and
# this runs for every node of every exported problem.


def _seq(node: Seq) -> str:
    return "".join([_INLINE[type(i)](i) for i in node.items])


def _delim(node: Delim) -> str:
    sub = "" if node.sub is None else f"_{node.sub}"
    return f"{_OPEN[node.kind]}{inline_math(node.body)}{_CLOSE[node.kind]}{sub}"


_R = TypeVar("_R")


def _remembered_by_identity(render: Callable[[Mat], _R]) -> Callable[[Mat], _R]:
    """``render``, remembering what it gave for the last few hundred matrices, by the
    node's identity.

    Matrices recur: ``mat`` gives the same node for the same numbers, shown in the prompt
    and again in the steps, and one-hot blocks and selectors fill problem after problem.
    An ``lru_cache`` would hash the matrix, which visits every entry and costs about as
    much as printing it; an identity costs nothing. Each entry keeps its node alive, so
    no other object can take the node's id while the entry lasts."""
    remembered: dict[int, tuple[Mat, _R]] = {}

    def remembering(node: Mat) -> _R:
        hit = remembered.get(id(node))
        if hit is not None:
            return hit[1]
        result = render(node)
        if len(remembered) == 256:  # few enough to keep the garbage collector's work small
            remembered.clear()
        remembered[id(node)] = (node, result)
        return result

    return remembering


@_remembered_by_identity
def _mat(node: Mat) -> str:
    rows = ["[" + ", ".join([_INLINE[type(e)](e) for e in row]) + "]" for row in shared_format(node).rows]
    return rows[0] if len(rows) == 1 else "[" + ", ".join(rows) + "]"


def _grouped(node: Math) -> str:
    text = inline_math(node)
    return f"({text})" if isinstance(node, Seq) and len(node.items) > 1 else text


# How each kind of math node prints on one line. A table rather than a ``match``: this
# runs for every node of every exported problem, and a lookup by type is one step where
# a ``match`` tries the cases in turn.
_INLINE: dict[type, Callable[[Any], str]] = {
    Sym: _symbol,
    Num: number_text,
    Word: lambda node: node.text,
    Op: lambda node: _OPERATOR_TEXT[node.name],
    Seq: _seq,
    Frac: lambda node: f"{_grouped(node.num)}/{_grouped(node.den)}",
    Sqrt: lambda node: f"√{_grouped(node.body)}",
    Delim: _delim,
    Mat: _mat,
}
assert set(_INLINE) == set(MATH_TYPES)


# Kinds of math whose displayed form is their one-line form.
_FLAT_KINDS = frozenset({Sym, Num, Word, Op, Frac, Sqrt})


def _display_box(node: Math) -> _Box:
    kind = type(node)
    if kind is Seq:
        return _seq_box(node)
    if kind is Mat and len(node.rows) > 1:
        return _matrix_box(node)
    if kind is Delim:
        inner = _display_box(node.body)
        if len(inner.lines) == 1:  # the body's one line is its inline form: no need to render it again
            sub = "" if node.sub is None else f"_{node.sub}"
            return _line(f"{_OPEN[node.kind]}{inner.lines[0]}{_CLOSE[node.kind]}{sub}")
        h = len(inner.lines)
        left = _Box(tuple(_OPEN[node.kind] for _ in range(h)), inner.baseline)
        right = _Box(tuple(_CLOSE[node.kind] for _ in range(h)), inner.baseline)
        return _hcat([left, inner, right])
    return _line(inline_math(node))


def _seq_box(node: Seq) -> _Box:
    """The items of a sequence side by side. Most items print on one line (symbols,
    operators, numbers), so each run of those becomes one line before the taller boxes
    (matrices) are placed beside them."""
    boxes: list[_Box] = []
    run: list[str] = []  # the one-line items since the last taller box
    for item in node.items:
        kind = type(item)
        if kind in _FLAT_KINDS:
            run.append(_INLINE[kind](item))
            continue
        box = _display_box(item)
        if len(box.lines) == 1:
            run.append(box.lines[0])
        else:
            if run:
                boxes.append(_line("".join(run)))
                run = []
            boxes.append(box)
    if run or not boxes:
        boxes.append(_line("".join(run)))
    return boxes[0] if len(boxes) == 1 else _hcat(boxes)


@_remembered_by_identity
def _matrix_box(node: Mat) -> _Box:
    cells = [[_INLINE[type(e)](e) for e in row] for row in shared_format(node).rows]
    widths = [max(map(len, column)) for column in zip(*cells)]
    body = ["  ".join([cell.rjust(w) for cell, w in zip(row, widths)]) for row in cells]
    n = len(body)
    lines = []
    for r, text in enumerate(body):
        left, right = ("⎡", "⎤") if r == 0 else ("⎣", "⎦") if r == n - 1 else ("⎢", "⎥")
        lines.append(f"{left} {text} {right}")
    return _Box(tuple(lines), (n - 1) // 2)


def display_math(node: Math) -> str:
    """Multi-line form of a formula, for a displayed equation."""
    return "\n".join(line.rstrip() for line in _display_box(node).lines)


# Prose as plain text. Only a hyphen can change (into a minus sign), and finding where
# takes a regular expression over the whole sentence (2 µs); the sentences that have one
# recur problem after problem, so their plain text is remembered.
_hyphenated_prose_text = lru_cache(maxsize=1024)(prose_text)


def inline(pieces: tuple[Inline, ...]) -> str:
    """One line of text and inline math (a paragraph, a table cell, an option)."""
    if len(pieces) == 1:  # most table cells: one number or word
        p = pieces[0]
        if type(p) is not str:
            return inline_math(p)
        return _hyphenated_prose_text(p) if "-" in p else p
    return "".join([
        inline_math(p) if type(p) is not str
        else _hyphenated_prose_text(p) if "-" in p
        else p
        for p in pieces
    ])


def _table(block: Table) -> str:
    rows = [[inline(c) for c in block.header]] + [[inline(c) for c in row] for row in block.rows]
    widths = [max(map(len, column)) for column in zip(*rows)]
    out = [" | ".join([cell.ljust(w) for cell, w in zip(r, widths)]).rstrip() for r in rows]
    out.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(out)


def block(b: Block) -> str:
    match b:
        case Para():
            return inline(b.pieces)
        case Display():
            return "\n".join(["    " + line.rstrip() for line in _display_box(b.math).lines])
        case Table():
            return _table(shared_row_format(b))
        case Figure():
            return f"[figure: {b.alt}]"
        case Heatmap():
            return f"[heatmap: {b.title}]"
    raise TypeError(f"not a block: {b!r}")


def blocks(bs: tuple[Block, ...]) -> str:
    return "\n\n".join(block(b) for b in bs)


def step(s: Step) -> str:
    return f"{prose_text(s.title)}\n{blocks(s.blocks)}"
