"""HTML for card fields and screen sheets, with the math left to a pluggable writer.

Anki fields carry MathJax source (``\\( \\)`` and ``\\[ \\]``, HTML-escaped so ``&`` in a
matrix is ``&amp;``); figures become media files named by the hash of their content.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from typing import Callable

from markupsafe import Markup

from quizgen.model.content import (
    Block, Delim, Display, Figure, Heatmap, Inline, Mat, Math, Op, Para, Seq, Step, Table, shared_row_format,
    tied_runs, typeset_pieces, with_identifiers,
)
from quizgen.render.figures import heatmap_svg
from quizgen.render.latex import breakable, cloze_safe, latex
from quizgen.render.text import inline as plain_inline


def _mathjax(source: str, display: bool) -> str:
    return escape(r"\(" + (r"\displaystyle " if display else "") + cloze_safe(source) + r"\)", quote=False)


def _wrapping(pieces: list[str], display: bool) -> str:
    """Pieces of one formula typeset apart, so a narrow screen wraps between them."""
    return '<span class="wrap">' + " ".join(_mathjax(p, display) for p in pieces) + "</span>"


# The MathJax of a formula is remembered: equal formulas recur, within a note (a matrix in
# the prompt, the steps and the answer) and across notes (symbols such as Q_j). The caches
# are kept small: thousands of formula trees held alive slow the garbage collector down
# more than the extra hits save.
@lru_cache(maxsize=256)
def mathjax_inline(node: Math) -> str:
    """Inline MathJax; a long row vector inside is cut into chunks the line may wrap between."""
    pieces = breakable(node)
    return _mathjax(latex(node), False) if pieces is None else _wrapping(pieces, False)


@lru_cache(maxsize=256)
def mathjax_display(node: Math) -> str:
    """Display MathJax. A list of formulas (``W_Q = …, W_K = …``) becomes one part each,
    side by side where they fit and stacked on a phone; a part too wide for the screen
    scrolls inside its own box; long row vectors wrap in chunks."""
    parts = _display_parts(node)
    cuts = [breakable(part) for part in parts]
    if cuts == [None]:
        return escape(r"\[" + cloze_safe(latex(node)) + r"\]", quote=False)
    html = []
    for i, (part, cut) in enumerate(zip(parts, cuts)):
        pieces = cut or [latex(part)]
        if i < len(parts) - 1:
            pieces[-1] += ","
        html.append(f'<span class="part">{_wrapping(pieces, True)}</span>')
    return '<span class="parts">' + "".join(html) + "</span>"


def _display_parts(node: Math) -> list[Math]:
    """A display's formulas, split where it lists them with a comma-and-space."""
    if not isinstance(node, Seq):
        return [node]
    parts: list[list[Math]] = [[]]
    for item in node.items:
        if isinstance(item, Op) and item.name == ",":
            parts.append([])
        else:
            parts[-1].append(item)
    return [Seq(tuple(p)) if len(p) != 1 else p[0] for p in parts if p]


@lru_cache(maxsize=256)  # a table's header recurs in each of its blocks and problem after problem
def _data_label(header: tuple[Inline, ...]) -> str:
    """The attribute by which a card's cell names its column: the header in plain text,
    the identifiers in it (``S_0``) typeset as math (S₀), so a table can stack its rows on
    a narrow screen."""
    return f' data-label="{escape(plain_inline(tuple(with_identifiers(header))))}"'


@lru_cache(maxsize=1024)
def _pieces_html(pieces: tuple[Inline, ...], inline_math: Callable[[Math], str]) -> Markup:
    """Text and inline math as HTML, identifiers in the text typeset as math, and a math
    piece with the text tied to it (``tied_runs``: "1/" before √d_k) in a span that does
    not wrap; remembered, Markup already, since the same sentences, step titles and table
    cells recur note after note."""
    html = []
    for run in tied_runs(typeset_pieces(pieces)):
        if isinstance(run, str):
            html.append(escape(run, quote=False))
        else:
            before, node, after = run
            math = inline_math(node)
            html.append(f'<span style="white-space: nowrap">{escape(before, quote=False)}{math}'
                        f'{escape(after, quote=False)}</span>' if before or after else math)
    return Markup("".join(html))


def _holds_records(b: Table) -> bool:
    """Whether a table's rows are wide records rather than a grid of numbers: vectors or
    matrices in its cells (a vertex with its embedding), or sets in more than one column
    (a vertex with its reachable set round by round; one column of sets wraps as it is)."""
    items = [i for row in b.rows for cell in row for p in cell for i in (p.items if isinstance(p, Seq) else (p,))]
    sets = any(isinstance(i, Delim) and i.kind == "brace" for i in items)
    return any(isinstance(i, Mat) for i in items) or (sets and len(b.header) > 2)


WRAP_ROWS = 3  # tables with at most this many rows (under the header) may wrap
WRAP_COLUMNS = 4  # data columns per block of a wrapped table, at most
BLOCK_CHARS = 39  # and at most about this many characters across a block (fits a phone)


def _columns_per_block(b: Table) -> int:
    """How many data columns of a wrapped table fit ``BLOCK_CHARS``: each column counts its
    longest cell and two characters of padding; the label column only its longest word,
    since it may wrap between words."""
    def longest(cells, words: bool) -> int:
        texts = [plain_inline(c) for c in cells]
        return max((len(t) for text in texts for t in (text.split() if words else [text])), default=0) + 2

    label = longest([b.header[0], *(row[0] for row in b.rows)], words=True)
    widest = max(longest([b.header[i], *(row[i] for row in b.rows)], words=False) for i in range(1, len(b.header)))
    return max(1, min(WRAP_COLUMNS, (BLOCK_CHARS - label) // widest))


def media_name(svg: str) -> str:
    """A figure's file name: the hash of its content, so a changed figure gets a new file."""
    return "quizgen-" + hashlib.sha256(svg.encode("utf-8")).hexdigest()[:20] + ".svg"


@dataclass
class HtmlWriter:
    """Renders blocks to HTML; ``media`` collects the figure files it referenced."""

    inline_math: Callable[[Math], str] = mathjax_inline
    display_math: Callable[[Math], str] = mathjax_display
    inline_svg: bool = False
    card_tables: bool = False  # lay tables out for a phone: long few-row tables wrap, records stack
    media: dict[str, str] = field(default_factory=dict)

    def pieces(self, pieces: tuple[Inline, ...]) -> Markup:
        """Text and inline math; identifiers in the text (``W_Q``) are typeset as math."""
        return _pieces_html(tuple(pieces), self.inline_math)

    def fitted_pieces(self, pieces: tuple[Inline, ...]) -> Markup:
        """The same as ``pieces``: a page fits what is too wide with its own script."""
        return self.pieces(pieces)

    def block(self, b: Block) -> Markup:
        match b:
            case Para():
                return Markup(f"<p>{self.pieces(b.pieces)}</p>")
            case Display():
                return Markup(f'<div class="display">{self.display_math(b.math)}</div>')
            case Table():
                b = shared_row_format(b)
                if self.card_tables and len(b.rows) <= WRAP_ROWS and len(b.header) > WRAP_COLUMNS + 1:
                    return self.wrapped_table(b)
                if self.card_tables and _holds_records(b):
                    return self.table(b.header, b.rows, "grid stack")
                return self.table(b.header, b.rows)
            case Figure():
                return self.figure(b.svg, b.alt)
            case Heatmap():
                svg = heatmap_svg(b.values, b.row_labels, b.col_labels, b.title, b.digits)
                return self.figure(svg, f"{b.title}: heatmap, rows are targets, columns are sources")
        raise TypeError(f"not a block: {b!r}")

    def table(self, header: tuple[tuple[Inline, ...], ...], rows: tuple[tuple[tuple[Inline, ...], ...], ...],
              css: str = "grid") -> Markup:
        head = "".join(f"<th>{self.pieces(c)}</th>" for c in header)
        labels = [_data_label(c) if self.card_tables else "" for c in header]
        body = "".join("<tr>" + "".join(f"<td{label}>{self.pieces(c)}</td>"
                                        for label, c in zip(labels, row)) + "</tr>" for row in rows)
        return Markup(f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')

    def wrapped_table(self, b: Table) -> Markup:
        """A wide table of few rows (a token sequence, scores per position) as blocks of
        columns, each repeating the label column, that sit side by side where they fit and
        wrap into rows on a narrow screen. A block has ``WRAP_COLUMNS`` columns, fewer when
        its cells are long (``BLOCK_CHARS``)."""
        blocks = []
        per_block = _columns_per_block(b)
        for start in range(1, len(b.header), per_block):
            cols = slice(start, start + per_block)
            header = (b.header[0], *b.header[cols])
            rows = tuple((row[0], *row[cols]) for row in b.rows)
            blocks.append(self.table(header, rows, "grid block"))
        return Markup('<div class="table-blocks">' + "".join(blocks) + "</div>")

    def figure(self, svg: str, alt: str) -> Markup:
        """A figure as a media file (Anki) or, with ``inline_svg``, the SVG itself (a
        self-contained page)."""
        if self.inline_svg:
            return Markup(f'<div class="figure" role="img" aria-label="{escape(alt)}">{svg}</div>')
        name = media_name(svg)
        self.media[name] = svg
        return Markup(f'<div class="figure"><img src="{name}" alt="{escape(alt)}"></div>')

    def blocks(self, bs: tuple[Block, ...]) -> Markup:
        return Markup("".join(self.block(b) for b in bs))

    def step(self, s: Step) -> dict[str, object]:
        """A step as a title and a body, both HTML (the title may hold math)."""
        return {"title": self.pieces((s.title,)), "body": self.blocks(s.blocks)}
