"""HTML for card fields and screen sheets, with the math left to a pluggable writer.

Anki fields carry MathJax source (``\\( \\)`` and ``\\[ \\]``, HTML-escaped so ``&`` in a
matrix is ``&amp;``); figures become media files named by the hash of their content.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from html import escape
from typing import Callable

from markupsafe import Markup

from quizgen.model.content import Block, Display, Figure, Heatmap, Inline, Math, Para, Step, Table, prose, shared_row_format
from quizgen.render.figures import heatmap_svg
from quizgen.render.latex import cloze_safe, latex


def mathjax_inline(node: Math) -> str:
    return escape(r"\(" + cloze_safe(latex(node)) + r"\)", quote=False)


def mathjax_display(node: Math) -> str:
    return escape(r"\[" + cloze_safe(latex(node)) + r"\]", quote=False)


def media_name(svg: str) -> str:
    """A figure's file name: the hash of its content, so a changed figure gets a new file."""
    return "quizgen-" + hashlib.sha256(svg.encode("utf-8")).hexdigest()[:20] + ".svg"


@dataclass
class HtmlWriter:
    """Renders blocks to HTML; ``media`` collects the figure files it referenced."""

    inline_math: Callable[[Math], str] = mathjax_inline
    display_math: Callable[[Math], str] = mathjax_display
    inline_svg: bool = False
    media: dict[str, str] = field(default_factory=dict)

    def pieces(self, pieces: tuple[Inline, ...]) -> Markup:
        """Text and inline math; identifiers in the text (``W_Q``) are typeset as math."""
        split = [q for p in pieces for q in (prose(p) if isinstance(p, str) else (p,))]
        return Markup("".join(escape(p, quote=False) if isinstance(p, str) else self.inline_math(p) for p in split))

    def block(self, b: Block) -> Markup:
        match b:
            case Para():
                return Markup(f"<p>{self.pieces(b.pieces)}</p>")
            case Display():
                return Markup(f'<div class="display">{self.display_math(b.math)}</div>')
            case Table():
                b = shared_row_format(b)
                head = "".join(f"<th>{self.pieces(c)}</th>" for c in b.header)
                body = "".join("<tr>" + "".join(f"<td>{self.pieces(c)}</td>" for c in row) + "</tr>" for row in b.rows)
                return Markup(f'<table class="grid"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')
            case Figure():
                return self.figure(b.svg, b.alt)
            case Heatmap():
                svg = heatmap_svg(b.values, b.row_labels, b.col_labels, b.title)
                return self.figure(svg, f"{b.title}: heatmap, rows are targets, columns are sources")
        raise TypeError(f"not a block: {b!r}")

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
