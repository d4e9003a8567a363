"""SVG figures drawn by our own layout code (no graphviz binary).

Colours are mid-tones with dark labels inside light node discs, so a figure reads on a
white page and in a dark-mode card alike without relying on colour inversion.
"""

from __future__ import annotations

import math
from html import escape
from typing import Sequence

from quizgen.math.graphs import Dag

NODE_R = 17
COL_GAP = 78
ROW_GAP = 74
MARGIN = 26
EDGE = "#8a94a6"
HIGHLIGHT = "#e8590c"
NODE_FILL = "#e7eefc"
NODE_STROKE = "#3b5bdb"
LABEL = "#111111"


def dag_layout(dag: Dag) -> dict[int, tuple[float, float]]:
    """Vertex -> (x, y): one row per depth, each row ordered by the mean x of its parents."""
    rows: dict[int, list[int]] = {}
    for v in dag.topological_order:
        rows.setdefault(dag.depth[v], []).append(v)
    width = max(len(r) for r in rows.values())
    pos: dict[int, tuple[float, float]] = {}
    for depth in sorted(rows):
        row = rows[depth]
        if depth > 0:
            def parent_mean(v: int) -> float:
                xs = [pos[p][0] for p in dag.parents(v)]
                return sum(xs) / len(xs)

            row.sort(key=lambda v: (parent_mean(v), dag.slot(v)))
        offset = (width - len(row)) * COL_GAP / 2
        for k, v in enumerate(row):
            pos[v] = (MARGIN + NODE_R + offset + k * COL_GAP, MARGIN + NODE_R + depth * ROW_GAP)
    return pos


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def dag_svg(dag: Dag, highlight: frozenset[tuple[int, int]] = frozenset(), title: str = "graph") -> str:
    """The DAG as a standalone SVG document; ``highlight`` edges are drawn in orange."""
    pos = dag_layout(dag)
    width = max(x for x, _ in pos.values()) + NODE_R + MARGIN
    height = max(y for _, y in pos.values()) + NODE_R + MARGIN
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_fmt(width)}" height="{_fmt(height)}" '
        f'viewBox="0 0 {_fmt(width)} {_fmt(height)}" font-family="sans-serif" font-size="14">',
        f"<title>{escape(title)}</title>",
        "<defs>",
        *(
            f'<marker id="arrow-{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
            f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
            for name, colour in (("plain", EDGE), ("hot", HIGHLIGHT))
        ),
        "</defs>",
    ]
    for u, v in sorted(dag.edges, key=lambda e: (dag.slot(e[0]), dag.slot(e[1]))):
        hot = (u, v) in highlight
        parts.append(_edge_path(pos[u], pos[v], dag.depth[v] - dag.depth[u], hot))
    for v in dag.vertices:
        x, y = pos[v]
        parts.append(
            f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="{NODE_R}" fill="{NODE_FILL}" '
            f'stroke="{NODE_STROKE}" stroke-width="2"/>'
            f'<text x="{_fmt(x)}" y="{_fmt(y + 5)}" text-anchor="middle" fill="{LABEL}">{v}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def _edge_path(a: tuple[float, float], b: tuple[float, float], span: int, hot: bool) -> str:
    """An arrow from disc a to disc b; an edge that skips rows bends sideways so it does
    not run through the vertices in between."""
    (x1, y1), (x2, y2) = a, b
    bend = 0.0 if span <= 1 else 0.35 * ROW_GAP * (span - 1)
    mx, my = (x1 + x2) / 2, (y1 + y2) / 2
    dx, dy = x2 - x1, y2 - y1
    length = math.hypot(dx, dy)
    cx, cy = mx - dy / length * bend, my + dx / length * bend
    # start and end on the rims, aimed at the control point
    sx, sy = _towards((x1, y1), (cx, cy), NODE_R)
    ex, ey = _towards((x2, y2), (cx, cy), NODE_R + 1)
    colour, marker, width = (HIGHLIGHT, "hot", 3) if hot else (EDGE, "plain", 2)
    return (
        f'<path d="M{_fmt(sx)},{_fmt(sy)} Q{_fmt(cx)},{_fmt(cy)} {_fmt(ex)},{_fmt(ey)}" fill="none" '
        f'stroke="{colour}" stroke-width="{width}" marker-end="url(#arrow-{marker})"/>'
    )


def _towards(p: tuple[float, float], q: tuple[float, float], distance: float) -> tuple[float, float]:
    dx, dy = q[0] - p[0], q[1] - p[1]
    length = math.hypot(dx, dy) or 1.0
    return p[0] + dx / length * distance, p[1] + dy / length * distance


CELL = 44
LABEL_W = 56


def heatmap_svg(matrix: Sequence[Sequence[float]], row_labels: Sequence[str], col_labels: Sequence[str],
                title: str, corner: str = "target \\ source") -> str:
    """An attention pattern as a grid of shaded cells with the weights printed in them.

    Rows are targets, columns sources. Shade runs from white (0) to deep blue (the
    largest weight); the printed value switches to white on dark cells.
    """
    rows, cols = len(row_labels), len(col_labels)
    top = 40
    width = LABEL_W + cols * CELL + MARGIN
    height = top + rows * CELL + MARGIN
    peak = max(max(abs(v) for v in row) for row in matrix) or 1.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="#ffffff" rx="6"/>',
        f'<text x="4" y="14" fill="#555b66" font-size="10">{escape(corner)}</text>',
    ]
    for c, label in enumerate(col_labels):
        parts.append(f'<text x="{LABEL_W + c * CELL + CELL / 2:.0f}" y="{top - 8}" text-anchor="middle" '
                     f'fill="{LABEL}">{escape(str(label))}</text>')
    for r, label in enumerate(row_labels):
        y = top + r * CELL
        parts.append(f'<text x="{LABEL_W - 8}" y="{y + CELL / 2 + 4:.0f}" text-anchor="end" '
                     f'fill="{LABEL}">{escape(str(label))}</text>')
        for c in range(cols):
            value = float(matrix[r][c])
            share = abs(value) / peak
            shade = _blend(share)
            ink = "#ffffff" if share > 0.55 else LABEL
            x = LABEL_W + c * CELL
            parts.append(f'<rect x="{x}" y="{y}" width="{CELL}" height="{CELL}" fill="{shade}" '
                         f'stroke="#c3c9d4" stroke-width="1"/>')
            parts.append(f'<text x="{x + CELL / 2:.0f}" y="{y + CELL / 2 + 4:.0f}" text-anchor="middle" '
                         f'fill="{ink}">{cell_text(value)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _blend(share: float) -> str:
    """White to #1c4fa8 in proportion to ``share``."""
    low, high = (255, 255, 255), (28, 79, 168)
    return "#" + "".join(f"{round(a + (b - a) * share):02x}" for a, b in zip(low, high))


def cell_text(value: float) -> str:
    text = f"{value:.2f}"
    return text[1:] if text.startswith("0.") else text.replace("-0.", "-.")
