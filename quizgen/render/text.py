"""Plain-text rendering for terminals and the JSON export.

Displayed math is laid out in two dimensions (matrices as bracketed columns side by
side with the symbols around them); inline math stays on one line.
"""

from __future__ import annotations

from dataclasses import dataclass

from quizgen.model.content import (
    DELIMITERS, GREEK, OPERATORS, Block, Delim, Display, Figure, Frac, Heatmap, Inline, Mat, Math,
    Num, Op, Para, Seq, Sqrt, Step, Sym, Table, Word, number_text, prose_text, shared_format, shared_row_format,
)

_SUBSCRIPT_CHARS = dict(zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ"))
_OPEN = {"paren": "(", "brace": "{", "bracket": "[", "ceil": "⌈", "floor": "⌊", "norm": "‖", "abs": "|"}
_CLOSE = {"paren": ")", "brace": "}", "bracket": "]", "ceil": "⌉", "floor": "⌋", "norm": "‖", "abs": "|"}
assert set(_OPEN) == set(DELIMITERS)


@dataclass(frozen=True)
class _Box:
    """Lines of equal width and the index of the line that carries the baseline."""

    lines: tuple[str, ...]
    baseline: int

    @property
    def width(self) -> int:
        return len(self.lines[0]) if self.lines else 0


def _line(text: str) -> _Box:
    return _Box((text,), 0)


def _hcat(boxes: list[_Box]) -> _Box:
    """Place boxes side by side, aligning their baselines."""
    if not boxes:
        return _line("")
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
    text = GREEK.get(node.name, node.name) + ("\u0303" if node.accent == "tilde" else "")
    if node.sub is not None:
        if all(c in _SUBSCRIPT_CHARS for c in node.sub):
            text += "".join(_SUBSCRIPT_CHARS[c] for c in node.sub)
        else:
            text += f"_{node.sub}" if len(node.sub) == 1 else f"_({node.sub})"
    if node.sup is not None:
        text += "ᵀ" if node.sup == "T" else f"^{node.sup}"
    return text


def inline_math(node: Math) -> str:
    """One-line form of a formula (matrices as nested lists)."""
    match node:
        case Sym():
            return _symbol(node)
        case Num():
            return number_text(node)
        case Word():
            return node.text
        case Op():
            sym = OPERATORS[node.name]
            return ", " if sym == "," else f" {sym} "  # both commas read the same in plain text
        case Seq():
            return "".join(inline_math(i) for i in node.items)
        case Frac():
            return f"{_grouped(node.num)}/{_grouped(node.den)}"
        case Sqrt():
            return f"√{_grouped(node.body)}"
        case Delim():
            sub = "" if node.sub is None else f"_{node.sub}"
            return f"{_OPEN[node.kind]}{inline_math(node.body)}{_CLOSE[node.kind]}{sub}"
        case Mat():
            rows = ["[" + ", ".join(inline_math(e) for e in row) + "]" for row in shared_format(node).rows]
            return rows[0] if len(rows) == 1 else "[" + ", ".join(rows) + "]"
    raise TypeError(f"not math: {node!r}")


def _grouped(node: Math) -> str:
    text = inline_math(node)
    return f"({text})" if isinstance(node, Seq) and len(node.items) > 1 else text


def _display_box(node: Math) -> _Box:
    match node:
        case Seq():
            return _hcat([_display_box(i) for i in node.items])
        case Mat() if len(node.rows) > 1:
            return _matrix_box(node)
        case Delim() if len((inner := _display_box(node.body)).lines) > 1:
            h = len(inner.lines)
            left = _Box(tuple(_OPEN[node.kind] for _ in range(h)), inner.baseline)
            right = _Box(tuple(_CLOSE[node.kind] for _ in range(h)), inner.baseline)
            return _hcat([left, inner, right])
    return _line(inline_math(node))


def _matrix_box(node: Mat) -> _Box:
    cells = [[inline_math(e) for e in row] for row in shared_format(node).rows]
    widths = [max(len(row[c]) for row in cells) for c in range(len(cells[0]))]
    body = ["  ".join(cell.rjust(w) for cell, w in zip(row, widths)) for row in cells]
    n = len(body)
    lines = []
    for r, text in enumerate(body):
        left, right = ("⎡", "⎤") if r == 0 else ("⎣", "⎦") if r == n - 1 else ("⎢", "⎥")
        lines.append(f"{left} {text} {right}")
    return _Box(tuple(lines), (n - 1) // 2)


def display_math(node: Math) -> str:
    """Multi-line form of a formula, for a displayed equation."""
    return "\n".join(line.rstrip() for line in _display_box(node).lines)


def inline(pieces: tuple[Inline, ...]) -> str:
    return "".join(prose_text(p) if isinstance(p, str) else inline_math(p) for p in pieces)


def _table(block: Table) -> str:
    rows = [[inline(c) for c in block.header]] + [[inline(c) for c in row] for row in block.rows]
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    out = [" | ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in rows]
    out.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(out)


def block(b: Block) -> str:
    match b:
        case Para():
            return inline(b.pieces)
        case Display():
            return "\n".join("    " + line for line in display_math(b.math).splitlines())
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
