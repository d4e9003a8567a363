"""Typst markup for printed sheets.

All text goes in as Typst string literals (``#"..."``), so no label or title can be read
as markup. Figures are written as SVG files next to the source; heatmaps become shaded
tables drawn by Typst itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from quizgen.model.content import (
    DELIMITERS, GREEK, OPERATORS, Block, Delim, Display, Figure, Frac, Heatmap, Inline, Mat, Math, Num, Op, Para, Seq, Sqrt,
    Step, Sym, Table, Word, number_text, prose, shared_format, shared_row_format,
)
from quizgen.render.figures import cell_texts
from quizgen.render.html import media_name

_OPS = {
    "=": "=", "+": "+", "-": "-", "cdot": "dot.op", "times": "times", "approx": "approx", "to": "arrow.r",
    "cup": "union", "in": "in", "oplus": "plus.o", ",": ", quad", "comma": ",", ">": ">", ">=": ">=", "<": "<",
    "<=": "<=", "neq": "!=", "mapsto": "arrow.r.bar",
}
_DELIMS = {
    "paren": ("lr((", "))"), "brace": ("lr({", "})"), "bracket": ("lr([", "])"),
    "ceil": ("ceil(", ")"), "floor": ("floor(", ")"), "norm": ("norm(", ")"), "abs": ("abs(", ")"),
}
PX_TO_PT = 0.75
MAX_FIGURE_PT = 400.0
assert set(_DELIMS) == set(DELIMITERS) and set(_OPS) == set(OPERATORS)


def string(text: str) -> str:
    """A Typst string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def text(s: str) -> str:
    """Plain text for markup, as a string literal so nothing in it is markup."""
    return f"#{string(s)}" if s else ""


def _script(s: str) -> str:
    """A sub- or superscript: ``j``, ``15`` and ``r+1`` stay math; a word such as ``net1``
    becomes a string, since Typst would read it as an unknown variable; in ``O1`` the
    letter and the digits are set apart for the same reason."""
    if re.search(r"[A-Za-z]{2,}", s):
        return string(s)
    return re.sub(r"([A-Za-z])(?=\d)", r"\1 ", s)


def math(node: Math) -> str:
    """Typst math source (without the surrounding ``$``)."""
    match node:
        case Sym():
            base = node.name if node.name in GREEK or len(node.name) == 1 else string(node.name)
            if node.accent == "tilde":
                base = f"tilde({base})"
            if node.sub is not None:
                base += f"_({_script(node.sub)})"
            if node.sup is not None:
                base += "^T" if node.sup == "T" else f"^({_script(node.sup)})"
            return base
        case Num():
            return number_text(node)
        case Word():
            return string(node.text)
        case Op():
            return f" {_OPS[node.name]} "
        case Seq():
            return " ".join(math(i).strip() if isinstance(i, Op) else math(i) for i in node.items)
        case Frac():
            return f"frac({math(node.num)}, {math(node.den)})"
        case Sqrt():
            return f"sqrt({math(node.body)})"
        case Delim():
            left, right = _DELIMS[node.kind]
            sub = "" if node.sub is None else f"_({_script(node.sub)})"
            return f"{left}{math(node.body)}{right}{sub}"
        case Mat():
            rows = "; ".join(", ".join(math(e) for e in row) for row in shared_format(node).rows)
            return f'mat(delim: "[", {rows})'
    raise TypeError(f"not math: {node!r}")


def _inline(node: Math) -> str:
    source = math(node)
    return f"display({source})" if "mat(" in source else source


@dataclass
class TypstWriter:
    """Renders blocks to Typst; ``files`` collects the SVG figures it referenced."""

    files: dict[str, str] = field(default_factory=dict)

    def pieces(self, pieces: tuple[Inline, ...]) -> str:
        """Text and inline math; identifiers in the text (``W_Q``) are typeset as math, and a
        matrix inline keeps display size, so it stays legible."""
        split = [q for p in pieces for q in (prose(p) if isinstance(p, str) else (p,))]
        return "".join(text(p) if isinstance(p, str) else f"${_inline(p)}$" for p in split)

    def block(self, b: Block) -> str:
        match b:
            case Para():
                return self.pieces(b.pieces) + "\n"
            case Display():
                return f"$ {math(b.math)} $\n"
            case Table():
                b = shared_row_format(b)
                cells = [f"[{self.pieces(c)}]" for c in b.header]
                cells += [f"[{self.pieces(c)}]" for row in b.rows for c in row]
                return (f"#align(center, table(columns: {len(b.header)}, align: center + horizon, "
                        f"inset: 4pt, stroke: 0.5pt + luma(150), fill: (x, y) => if y == 0 {{ luma(235) }}, "
                        f"{', '.join(cells)}))\n")
            case Figure():
                name = media_name(b.svg)
                self.files[name] = b.svg
                width = min(_svg_width(b.svg) * PX_TO_PT, MAX_FIGURE_PT)
                return f"#align(center, image({string(name)}, width: {width:.0f}pt, alt: {string(b.alt)}))\n"
            case Heatmap():
                return self._heatmap(b)
        raise TypeError(f"not a block: {b!r}")

    def _heatmap(self, b: Heatmap) -> str:
        peak = max(max(abs(v) for v in row) for row in b.values) or 1.0
        cells = ["[]"] + [f"[*{text(c)}*]" for c in b.col_labels]
        for label, row, printed in zip(b.row_labels, b.values, cell_texts(b.values)):
            cells.append(f"[*{text(label)}*]")
            for v, shown in zip(row, printed):
                share = abs(v) / peak
                ink = "white" if share > 0.55 else "black"
                cells.append(f"table.cell(fill: rgb(\"#1c4fa8\").transparentize({100 - share * 100:.0f}%), "
                             f"text(fill: {ink}, {string(shown)}))")
        return (f"#align(center, table(columns: {len(b.col_labels) + 1}, align: center + horizon, inset: 5pt, "
                f"stroke: 0.5pt + luma(170), {', '.join(cells)}))\n"
                f"#align(center, text(size: 8pt, {string(b.title + ' (rows: targets, columns: sources)')}))\n")

    def blocks(self, bs: tuple[Block, ...]) -> str:
        return "\n".join(self.block(b) for b in bs)

    def step(self, s: Step) -> dict[str, str]:
        return {"title": self.pieces((s.title,)), "body": self.blocks(s.blocks)}


def _svg_width(svg: str) -> float:
    head = svg[: svg.index(">")]
    return float(head.split('width="', 1)[1].split('"', 1)[0])
