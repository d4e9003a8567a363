"""Typst markup for printed sheets.

All text goes in as Typst string literals (``#"..."``), so no label or title can be read
as markup. Figures are written as SVG files next to the source and set beside the
paragraphs around them; heatmaps become shaded tables drawn by Typst itself.

Nothing may run into the page margin: displays and tables are given to the sheet
template's ``fits`` function in several forms, widest first (a formula broken at its
relations, wide matrices in column blocks, a wide table in column parts); Typst picks the
first that fits the line and shrinks the last one if none does. Text with inline matrices
goes through ``fits-text``, which lets it wrap and shrinks it only when a matrix is wider
than the line. Measuring in Typst costs as much as setting the content, so when the
writer knows the line's width and a bound from ``typst_width`` shows that the first form
fits, it goes to ``fitted`` instead, which sets it in the same kind of block unmeasured
(the PDF is the same either way).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from quizgen.model.content import (
    DELIMITERS, GREEK, OPERATORS, Block, Delim, Display, Figure, Frac, Heatmap, Inline, Mat, Math, Num, Op, Para, Seq, Sqrt,
    Step, Sym, Table, Word, number_text, shared_format, shared_row_format, tied_runs, typeset_pieces,
)
from quizgen.render import typst_width as width
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


def math(node: Math, block_cols: int | None = None) -> str:
    """Typst math source (without the surrounding ``$``). With ``block_cols``, a matrix
    wider than that many columns is shown as a stack of labelled column blocks."""
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
            return " ".join(math(i).strip() if isinstance(i, Op) else math(i, block_cols) for i in node.items)
        case Frac():
            return f"frac({math(node.num, block_cols)}, {math(node.den, block_cols)})"
        case Sqrt():
            return f"sqrt({math(node.body, block_cols)})"
        case Delim():
            left, right = _DELIMS[node.kind]
            sub = "" if node.sub is None else f"_({_script(node.sub)})"
            return f"{left}{math(node.body, block_cols)}{right}{sub}"
        case Mat():
            node = shared_format(node)
            width = len(node.rows[0])
            if block_cols is None or width <= block_cols:
                return _mat(node.rows)
            return _column_blocks(node, block_cols)
    raise TypeError(f"not math: {node!r}")


def _mat(rows: tuple[tuple[Math, ...], ...]) -> str:
    return 'mat(delim: "[", ' + "; ".join(", ".join(math(e) for e in row) for row in rows) + ")"


def _column_blocks(node: Mat, size: int) -> str:
    """A wide matrix as its column blocks stacked top to bottom, each labelled with the
    columns (or, for a row vector, the entries) it holds, counted from 1."""
    width = len(node.rows[0])
    what = "entries" if len(node.rows) == 1 else "columns"
    size = -(-width // -(-width // size))  # blocks of even width: 9 columns by 8 become 5 + 4
    blocks = []
    for start in range(0, width, size):
        stop = min(start + size, width)
        part = tuple(row[start:stop] for row in node.rows)
        label = string(f"{what} {start + 1}–{stop}")
        blocks.append(f"[#text(size: 7pt, fill: luma(90), {label}) $ {_mat(part)} $]")
    return f"#box(stack(dir: ttb, spacing: 0.4em, {', '.join(blocks)}))"


_RELATIONS = {"=", "approx", "<", "<=", ">", ">=", "neq", "mapsto"}
Formula = list[tuple[str | None, Seq]]  # its sides: (None, left-hand side), then (relation, right-hand side)


def _formulas(node: Math) -> list[Formula] | None:
    """The formulas of a display (``","`` sets two side by side), each split before its
    top-level relations. None when there is nothing to split."""
    if not isinstance(node, Seq):
        return None
    formulas: list[list[tuple[str | None, list[Math]]]] = [[(None, [])]]
    for item in node.items:
        if isinstance(item, Op) and item.name == "," and formulas[-1][-1][1]:
            formulas.append([(None, [])])
        elif isinstance(item, Op) and item.name in _RELATIONS and formulas[-1][-1][1]:
            formulas[-1].append((item.name, []))
        else:
            formulas[-1][-1][1].append(item)
    if len(formulas) == 1 and len(formulas[0]) == 1:
        return None
    return [[(rel, Seq(tuple(items))) for rel, items in formula] for formula in formulas]


def _line(node: Math, block_cols: int | None) -> str:
    """One line of a display; with ``block_cols``, its wide matrices (those standing at the
    top of the line, not inside brackets) become column blocks."""
    if isinstance(node, Seq):
        return " ".join(math(i).strip() if isinstance(i, Op) else
                        math(i, block_cols) if isinstance(i, Mat) else math(i) for i in node.items)
    return math(node, block_cols if isinstance(node, Mat) else None)


def display_forms(node: Math, line_pt: float | None = None) -> list[str]:
    """Typst forms of a displayed formula, widest first: on one line; one formula per line
    (of several set side by side), aligned on their first relations; one relation per
    line, aligned; then unaligned, one relation per line, with wide matrices whole and in
    column blocks of 8 and of 5. A formula that surely fits a line ``line_pt`` wide (when
    known) is never split: ``sum = 1.106`` stays whole under a long formula broken apart."""
    forms = [f"$ {math(node)} $"]
    formulas = _formulas(node)
    if formulas is None:
        forms += [f"$ {_line(node, size)} $" for size in (8, 5)]
        return list(dict.fromkeys(forms))

    def side(rel: str | None, part: Seq, size: int | None = None) -> str:
        return _line(part, size) if rel is None else f"{_OPS[rel]} {_line(part, size)}"

    def whole(formula: Formula, size: int | None = None) -> str:
        return " ".join(side(*part, size) for part in formula)

    def short(formula: Formula) -> bool:
        items = [i for rel, part in formula for i in ((Op(rel),) if rel else ()) + part.items]
        return _surely_fits(width.display_pt(Seq(tuple(items))), line_pt)

    def aligned(formula: Formula, split: bool) -> list[str]:
        (_, left), *rest = formula
        if not rest:
            return [f"{_line(left, None)} &"]
        if not split or short(formula):
            return [f"{_line(left, None)} & {' '.join(side(*part) for part in rest)}"]
        return [f"{_line(left, None)} & {side(*rest[0])}", *(f"& {side(*part)}" for part in rest[1:])]

    def unaligned(formula: Formula, size: int | None) -> list[str]:
        return [whole(formula, size)] if short(formula) else [side(*part, size) for part in formula]

    if len(formulas) > 1:
        forms.append("$ " + " \\ ".join(line for f in formulas for line in aligned(f, split=False)) + " $")
    forms.append("$ " + " \\ ".join(line for f in formulas for line in aligned(f, split=True)) + " $")
    for size in (None, 8, 5):
        forms.append("$ " + " \\ ".join(line for f in formulas for line in unaligned(f, size)) + " $")
    return list(dict.fromkeys(forms))


def _boxed_runs(split: list[Inline]) -> list[str]:
    """Text and inline maths as Typst; a math piece and the text tied to it (``tied_runs``)
    in one box: Typst may break a line beside an inline equation whatever the text there
    says, but never inside a box."""
    out = []
    for run in tied_runs(split):
        if isinstance(run, str):
            out.append(text(run))
            continue
        before, node, after = run
        equation = f"${_inline(node)}$"
        out.append(f"#box[{text(before)}{equation}{text(after)}]" if before or after else equation)
    return out


def _inline(node: Math) -> str:
    source = math(node)
    return f"display({source})" if "mat(" in source else source


def fits(*forms: str) -> str:
    """Content that takes the first of ``forms`` (Typst content, widest first) that fits
    the line, or shrinks the last one to fit (the ``fits`` function of the sheet template)."""
    return f"#fits({', '.join(f'[{f}]' for f in forms)})\n"


def fitted(form: str) -> str:
    """A form known to fit the line, set as ``fits`` would set it but without measuring."""
    return f"#fitted([{form}])\n"


FIGURE_PT_PER_PX = 0.55
FIGURE_MAX_PT = (230.0, 260.0)  # width, height
FIGURE_GUTTER_PT = 12.0  # 1.2em at the sheet's 10pt, between a figure and the text beside it
TABLE_INSET_PT = 4.0
UNBROKEN_TABLE_ROWS = 14  # a table of at most this many rows (of all its parts) is never split across pages
HEATMAP_INSET_PT = 5.0


@dataclass
class TypstWriter:
    """Renders blocks to Typst; ``files`` collects the SVG figures it referenced.

    ``line_pt`` is the width of the text block in points, when the writer is told it:
    displays, tables and inline matrices that are surely narrower are then set without
    being measured by Typst."""

    line_pt: float | None = None
    files: dict[str, str] = field(default_factory=dict)

    def pieces(self, pieces: tuple[Inline, ...]) -> str:
        """Text and inline math; identifiers in the text (``W_Q``) are typeset as math, and a
        matrix inline keeps display size, so it stays legible."""
        return "".join(_boxed_runs(typeset_pieces(pieces)))

    def fitted_pieces(self, pieces: tuple[Inline, ...], line_pt: float | None = None) -> str:
        """Pieces that wrap as text does, shrunk as a whole only when one of their matrices
        (which cannot break) is wider than the line (``fits-text`` in the sheet template),
        which is ``line_pt`` wide when known."""
        text_ = self.pieces(pieces)
        matrices = [p for p in pieces if not isinstance(p, str) and "mat(" in math(p)]
        if not matrices:
            return text_
        if _surely_fits(max(width.math_em(m) * width.DISPLAY_TEXT_PT for m in matrices), line_pt):
            return f"#fitted([{text_}])"
        return f"#fits-text([{text_}], {', '.join(f'[${_inline(m)}$]' for m in matrices)})"

    def block(self, b: Block, line_pt: float | None = None) -> str:
        """One block, on a line ``line_pt`` wide (when known)."""
        match b:
            case Para():
                return self.fitted_pieces(b.pieces, line_pt) + "\n"
            case Display():
                if _surely_fits(width.display_pt(b.math), line_pt):
                    return fitted(f"$ {math(b.math)} $")
                return fits(*display_forms(b.math, line_pt))
            case Table():
                b = shared_row_format(b)
                columns = [[width.pieces_em(cell) for cell in column] for column in zip(b.header, *b.rows)]
                if _surely_fits(width.table_pt(columns, TABLE_INSET_PT), line_pt):
                    return fitted(self._table(b.header, b.rows, None))
                return fits(*dict.fromkeys(self._table(b.header, b.rows, size) for size in (None, 12, 8, 6)))
            case Figure():
                return f"#align(center, {self._image(b)})\n"
            case Heatmap():
                return self._heatmap(b, line_pt)
        raise TypeError(f"not a block: {b!r}")

    def _table(self, header: tuple, rows: tuple, size: int | None) -> str:
        """A table with its header repeated after a page break; with ``size``, a wide one is
        cut into parts of ``size`` columns, each repeating the first column."""
        width = len(header)
        if size is not None and width <= size:
            return self._table(header, rows, None)
        spans = [(1, width)] if size is None else [(s, min(s + size - 1, width)) for s in range(1, width, size - 1)]
        parts = []
        for lo, hi in spans:
            keep = [0, *range(lo, hi)] if size is not None else list(range(width))
            head = ", ".join(f"[{self.pieces(header[c])}]" for c in keep)
            body = ", ".join(f"[{self.pieces(row[c])}]" for row in rows for c in keep)
            parts.append(f"table(columns: {len(keep)}, align: center + horizon, inset: 4pt, "
                         f"stroke: 0.5pt + luma(150), fill: (x, y) => if y == 0 {{ luma(235) }}, "
                         f"table.header({head}), {body})")
        stacked = "stack(dir: ttb, spacing: 0.6em, " + ", ".join(parts) + ")"
        if len(rows) * len(parts) <= UNBROKEN_TABLE_ROWS:  # moved whole to the next page rather than split
            stacked = f"block(breakable: false, {stacked})"
        return f"#align(center, {stacked})"

    def _image(self, b: Figure) -> str:
        """A figure at a common scale, smaller when it is very wide or tall."""
        name = media_name(b.svg)
        self.files[name] = b.svg
        return f"image({string(name)}, width: {self._image_width_pt(b):.0f}pt, alt: {string(b.alt)})"

    @staticmethod
    def _image_width_pt(b: Figure) -> float:
        """How wide a figure is printed, in points."""
        w, h = _svg_size(b.svg)
        return round(w * min(FIGURE_PT_PER_PX, FIGURE_MAX_PT[0] / w, FIGURE_MAX_PT[1] / h))

    def _heatmap(self, b: Heatmap, line_pt: float | None) -> str:
        peak = max(max(abs(v) for v in row) for row in b.values) or 1.0
        head = ["[]"] + [f"[*{text(c)}*]" for c in b.col_labels]
        shown_rows = cell_texts(b.values, b.digits)
        cells = []
        for label, row, printed in zip(b.row_labels, b.values, shown_rows):
            cells.append(f"[*{text(label)}*]")
            for v, shown in zip(row, printed):
                share = abs(v) / peak
                ink = "white" if share > 0.55 else "black"
                cells.append(f"table.cell(fill: rgb(\"#1c4fa8\").transparentize({100 - share * 100:.0f}%), "
                             f"text(fill: {ink}, {string(shown)}))")
        table = (f"table(columns: {len(b.col_labels) + 1}, align: center + horizon, inset: 5pt, "
                 f"stroke: 0.5pt + luma(170), table.header({', '.join(head)}), {', '.join(cells)})")
        columns = [[width.text_em(label) for label in b.row_labels]]
        columns += [[width.text_em(c), *(width.text_em(row[k]) for row in shown_rows)]
                    for k, c in enumerate(b.col_labels)]
        place = fitted if _surely_fits(width.table_pt(columns, HEATMAP_INSET_PT), line_pt) else fits
        return (place(f"#align(center, {table})") +
                f"#align(center, text(size: 8pt, {string(b.title + ' (rows: targets, columns: sources)')}))\n")

    def blocks(self, bs: tuple[Block, ...]) -> str:
        """Blocks in order; a figure goes to the right of the paragraphs around it, which
        saves the height it would take on its own."""
        line = self.line_pt
        figures = [k for k, b in enumerate(bs) if isinstance(b, Figure)]
        if len(figures) != 1:
            return "\n".join(self.block(b, line) for b in bs)
        k = figures[0]
        lo, hi = k, k + 1
        while lo > 0 and isinstance(bs[lo - 1], Para):
            lo -= 1
        while hi < len(bs) and isinstance(bs[hi], Para):
            hi += 1
        if (lo, hi) == (k, k + 1):
            return "\n".join(self.block(b, line) for b in bs)
        image, image_pt = self._image(bs[k]), self._image_width_pt(bs[k])
        beside_pt = None if line is None else line - image_pt - FIGURE_GUTTER_PT
        beside = "\n".join(self.block(b, beside_pt) for b in (*bs[lo:k], *bs[k + 1:hi]))
        grid = (f"#grid(columns: (1fr, auto), column-gutter: 1.2em, align: (left + top, center + top), "
                f"[\n{beside}\n], {image})\n")
        return "\n".join([*(self.block(b, line) for b in bs[:lo]), grid, *(self.block(b, line) for b in bs[hi:])])

    def step(self, s: Step) -> dict[str, str]:
        return {"title": self.pieces((s.title,)), "body": self.blocks(s.blocks)}


def _surely_fits(bound_pt: float, line_pt: float | None) -> bool:
    """Whether content at most ``bound_pt`` wide fits a line of ``line_pt`` (unknown: no)."""
    return line_pt is not None and bound_pt <= line_pt


def _svg_size(svg: str) -> tuple[float, float]:
    head = svg[: svg.index(">")]
    return (float(head.split('width="', 1)[1].split('"', 1)[0]), float(head.split('height="', 1)[1].split('"', 1)[0]))
