"""SVG figures drawn by our own layout code (no graphviz binary).

A DAG is drawn as a layered (Sugiyama-style) drawing: one row per depth, an edge that
skips rows passes through a bend point in each row it crosses, the order within each row
is chosen to keep crossings few, and rows are pulled apart until every edge stays clear
of every vertex that is not its own endpoint.

Colours are mid-tones with dark labels inside light node discs, so a figure reads on a
white page and in a dark-mode card alike without relying on colour inversion.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from typing import Sequence

import numpy as np

from quizgen.math.graphs import Dag
from quizgen.model.content import mat, number_text


NODE_R = 17
COL_GAP = 78          # centre to centre of two vertices in a row
BEND_GAP = 26         # centre to centre of two bend points in a row
ROW_GAP = 74          # first try at the distance between rows
ROW_STEP = 10         # how much a row gap grows while an edge runs too close to a vertex
MAX_ROW_GAP = 8 * ROW_GAP
CLEARANCE = 6         # free space between an edge's stroke and a disc it does not touch
CORNER = 14           # radius of the rounding at a bend point
PORT_GAP = 8          # horizontal spacing of the points that edges into one vertex aim at
MARGIN = 26
EDGE = "#8a94a6"
HIGHLIGHT = "#e8590c"
NODE_FILL = "#e7eefc"
NODE_STROKE = "#3b5bdb"
LABEL = "#111111"
EDGE_WIDTH, HOT_WIDTH = 2, 3
SWEEPS = 8

Point = tuple[float, float]
Node = tuple[int, ...]    # (v,) for a vertex, (u, v, k) for the k-th bend point of edge u -> v


@dataclass(frozen=True)
class GraphLayout:
    """Where a DAG is drawn: vertex centres, each edge's route (vertex centre, bend
    points, vertex centre), how far right of its target's centre each edge aims (so the
    arrowheads into one vertex sit side by side), the rows in their chosen order with the
    legs between them, and the size of the picture."""

    centres: dict[int, Point]
    routes: dict[tuple[int, int], tuple[Point, ...]]
    aims: dict[tuple[int, int], float]
    rows: tuple[tuple[Node, ...], ...]
    legs: tuple[tuple[Node, Node], ...]
    width: float
    height: float


def _rows_with_bends(dag: Dag) -> tuple[list[list[Node]], list[tuple[Node, Node]]]:
    """Rows by depth, with a bend point in every row an edge skips; and the legs joining
    nodes of consecutive rows."""
    rows: list[list[Node]] = [[] for _ in range(dag.longest_path + 1)]
    for v in sorted(dag.vertices, key=dag.slot):
        rows[dag.depth[v]].append((v,))
    legs: list[tuple[Node, Node]] = []
    for u, v in sorted(dag.edges, key=lambda e: (dag.slot(e[0]), dag.slot(e[1]))):
        chain: list[Node] = [(u,)]
        for k, depth in enumerate(range(dag.depth[u] + 1, dag.depth[v])):
            rows[depth].append((u, v, k))
            chain.append((u, v, k))
        chain.append((v,))
        legs.extend(zip(chain, chain[1:]))
    return rows, legs


def _crossings(upper: list[Node], lower: list[Node], legs: list[tuple[Node, Node]]) -> int:
    """Pairs of legs between two consecutive rows that cross (``legs`` may hold others)."""
    top = {n: k for k, n in enumerate(upper)}
    bottom = {n: k for k, n in enumerate(lower)}
    pairs = [(top[a], bottom[b]) for a, b in legs if a in top and b in bottom]
    return sum(1 for k, (a1, b1) in enumerate(pairs) for a2, b2 in pairs[k + 1:] if (a1 - a2) * (b1 - b2) < 0)


def total_crossings(rows: Sequence[Sequence[Node]], legs: list[tuple[Node, Node]]) -> int:
    return sum(_crossings(list(a), list(b), legs) for a, b in zip(rows, rows[1:]))


def _legs_below(rows: list[list[Node]], legs: list[tuple[Node, Node]]) -> list[list[tuple[Node, Node]]]:
    """The legs leaving each row (to the next), so a crossing count looks at those only."""
    row_of = {n: r for r, row in enumerate(rows) for n in row}
    below: list[list[tuple[Node, Node]]] = [[] for _ in rows]
    for a, b in legs:
        below[row_of[a]].append((a, b))
    return below


def _barycentre_sort(row: list[Node], fixed: list[Node], legs: list[tuple[Node, Node]]) -> list[Node]:
    """``row`` ordered by the mean position of each node's neighbours in the ``fixed``
    row; a node without neighbours there keeps its place."""
    where = {n: k for k, n in enumerate(fixed)}
    linked: dict[Node, list[int]] = {n: [] for n in row}
    for a, b in legs:
        if a in linked and b in where:
            linked[a].append(where[b])
        elif b in linked and a in where:
            linked[b].append(where[a])
    keys = [(sum(linked[n]) / len(linked[n]) if linked[n] else float(k), k) for k, n in enumerate(row)]
    return [row[k] for _, k in sorted(keys)]


def _sift(rows: list[list[Node]], below: list[list[tuple[Node, Node]]]) -> int:
    """Move single nodes to the place in their row with the fewest crossings (adjacent
    swaps are the special case of a move by one), until no move removes a crossing; returns
    the crossings left."""
    # the crossings between each row and the next, counted again only when a row changes
    between = [_crossings(upper, lower, legs) for upper, lower, legs in zip(rows, rows[1:], below)]

    def local(r: int) -> int:
        return (between[r - 1] if r > 0 else 0) + (between[r] if r + 1 < len(rows) else 0)

    improved = True
    while improved:
        improved = False
        for r, row in enumerate(rows):
            upper = (rows[r - 1], below[r - 1]) if r > 0 else None
            lower = (rows[r + 1], below[r]) if r + 1 < len(rows) else None
            before = local(r)
            order = list(row)
            for n in order:
                if before == 0:
                    break  # nothing in this row to improve
                at = row.index(n)
                row.remove(n)
                moved = crossings_by_place(n, row, upper, lower)
                # only crossings with a leg of n change as n moves: the others keep their order
                counts = [before - moved[at] + m for m in moved]
                best = counts.index(min(counts))  # the first best place, which lets a node move along a plateau
                row.insert(best, n)
                improved |= counts[best] < before
                before = counts[best]  # the row's crossings now
            if row != order:
                if upper is not None:
                    between[r - 1] = _crossings(rows[r - 1], row, below[r - 1])
                if lower is not None:
                    between[r] = _crossings(row, rows[r + 1], below[r])
    return sum(between)


def crossings_by_place(n: Node, others: list[Node], upper: tuple[list[Node], list[tuple[Node, Node]]] | None,
                       lower: tuple[list[Node], list[tuple[Node, Node]]] | None) -> list[int]:
    """For each place ``k`` of ``n`` among ``others`` (the rest of its row, in order), how
    many crossings the legs of ``n`` make with the other legs to the row above (``upper``:
    that row and the legs into ``n``'s row) and below (``lower``: that row and the legs out
    of ``n``'s row). Two legs of ``n`` never cross, sharing an end."""
    place = {m: j for j, m in enumerate(others)}
    steps = [0] * (len(others) + 1)  # how the count changes from the place before to each place
    sides = []  # (the far row, its legs, the index of the far and of the near end in a leg)
    if upper is not None:
        sides.append((*upper, 0, 1))
    if lower is not None:
        sides.append((*lower, 1, 0))
    for far_row, legs, far_end, near_end in sides:
        far = {m: j for j, m in enumerate(far_row)}
        mine = [far[leg[far_end]] for leg in legs if leg[near_end] == n]
        for leg in legs:
            if leg[near_end] == n:
                continue
            j, other = place[leg[near_end]], far[leg[far_end]]
            for end in mine:
                if end > other:  # crosses while n is left of the other leg's node: places 0..j
                    steps[0] += 1
                    steps[j + 1] -= 1
                elif end < other:  # crosses once n is right of it: places j+1 on
                    steps[j + 1] += 1
    return list(itertools.accumulate(steps))


def order_rows(rows: list[list[Node]], legs: list[tuple[Node, Node]]) -> list[list[Node]]:
    """Orders within rows with few crossings: barycentre sweeps down and up, each
    polished by moving single nodes; the best order seen wins (the first on ties)."""
    current = [list(r) for r in rows]
    best = [list(r) for r in current]
    best_count = total_crossings(best, legs)
    if best_count == 0:
        return best
    below = _legs_below(rows, legs)
    best_count = _sift(best, below)
    starts = [[list(r) for r in current]]  # the order each sweep so far began with
    for sweep in range(SWEEPS):
        if best_count == 0:
            break
        if sweep % 2 == 0:
            for r in range(1, len(current)):
                current[r] = _barycentre_sort(current[r], current[r - 1], below[r - 1])
        else:
            for r in range(len(current) - 2, -1, -1):
                current[r] = _barycentre_sort(current[r], current[r + 1], below[r])
        count = _sift(current, below)
        if count < best_count:
            best, best_count = [list(r) for r in current], count
        if len(starts) >= 2 and current == starts[-2]:
            break  # ended where the sweep before began: from here on they alternate between two orders seen
        starts.append([list(r) for r in current])
    return best


def _half_width(n: Node) -> float:
    return COL_GAP / 2 if len(n) == 1 else BEND_GAP / 2


def _offsets(row: list[Node]) -> list[float]:
    """Each node's distance from the row's first node when the row is packed tight."""
    offsets = [0.0]
    for a, b in zip(row, row[1:]):
        offsets.append(offsets[-1] + _half_width(a) + _half_width(b))
    return offsets


def _fit_in_order(offsets: list[float], wanted: list[float]) -> list[float]:
    """Positions as close as possible (least squares) to ``wanted`` that keep a row's
    order and spacing (its ``_offsets``): pool-adjacent-violators on the positions minus
    their offsets."""
    blocks: list[list[float]] = []  # [mean, count]
    for w, off in zip(wanted, offsets):
        blocks.append([w - off, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            (m1, c1), (m2, c2) = blocks[-2], blocks[-1]
            blocks[-2:] = [[(m1 * c1 + m2 * c2) / (c1 + c2), c1 + c2]]
    shifted = [m for m, c in blocks for _ in range(int(c))]
    return [s + off for s, off in zip(shifted, offsets)]


def _place_columns(rows: list[list[Node]], legs: list[tuple[Node, Node]]) -> dict[Node, float]:
    """x of every node: rows packed, then each node pulled towards the mean x of its
    neighbours in the rows above and below, keeping order and spacing."""
    offsets = [_offsets(row) for row in rows]
    x: dict[Node, float] = {}
    for row, row_offsets in zip(rows, offsets):
        x.update(zip(row, _fit_in_order(row_offsets, [0.0] * len(row))))  # packed, centred on 0
    neighbours: dict[Node, list[Node]] = {n: [] for row in rows for n in row}
    for a, b in legs:
        neighbours[a].append(b)
        neighbours[b].append(a)
    for sweep in range(SWEEPS):
        before = dict(x)
        order = zip(rows, offsets) if sweep % 2 == 0 else zip(rows[::-1], offsets[::-1])
        for row, row_offsets in order:
            wanted = [sum(x[m] for m in neighbours[n]) / len(neighbours[n]) if neighbours[n] else x[n] for n in row]
            x.update(zip(row, _fit_in_order(row_offsets, wanted)))
        if x == before:
            break  # every row sits where its neighbours pull it, so no later sweep moves it
    return x


def edge_path(route: Sequence[Point], aim: float = 0.0) -> list[tuple[str, tuple[Point, ...]]]:
    """An edge's drawing as path commands: from the rim of its first disc, straight legs
    through the bend points (rounded), to just outside the rim of its last disc, where
    the arrowhead sits; the last leg heads for the point ``aim`` right of that disc's
    centre."""
    start = _towards(route[0], route[1], NODE_R)
    end = _rim_hit(route[-2], (route[-1][0] + aim, route[-1][1]), route[-1], NODE_R + 1)
    points = [start, *route[1:-1], end]
    commands: list[tuple[str, tuple[Point, ...]]] = [("M", (start,))]
    for k in range(1, len(points) - 1):
        before, bend, after = points[k - 1], points[k], points[k + 1]
        cut = min(CORNER, 0.4 * _distance(before, bend), 0.4 * _distance(bend, after))
        commands.append(("L", (_towards(bend, before, cut),)))
        commands.append(("Q", (bend, _towards(bend, after, cut))))
    commands.append(("L", (end,)))
    return commands


def path_samples(commands: list[tuple[str, tuple[Point, ...]]], per_piece: int = 24) -> list[Point]:
    """Points along a path made of M, L and Q commands."""
    steps = _sample_steps(per_piece)
    points: list[Point] = []
    pen: Point = (0.0, 0.0)
    for name, args in commands:
        if name == "M":
            points.append(args[0])
        elif name == "L":
            (x1, y1), (x2, y2) = pen, args[0]
            points.extend([(x1 + (x2 - x1) * t, y1 + (y2 - y1) * t) for t, _, _, _ in steps])
        else:
            (x0, y0), (cx, cy), (x2, y2) = pen, args[0], args[1]
            points.extend([(a * x0 + b * cx + c * x2, a * y0 + b * cy + c * y2) for _, a, b, c in steps])
        pen = args[-1]
    return points


@lru_cache(maxsize=None)
def _sample_steps(per_piece: int) -> tuple[tuple[float, float, float, float], ...]:
    """Where the samples of one piece of a path fall: each one's share ``t`` of the way,
    and the weights of a quadratic curve's start, control and end point there."""
    shares = [k / per_piece for k in range(1, per_piece + 1)]
    return tuple((t, (1 - t) ** 2, 2 * t * (1 - t), t * t) for t in shares)


def _aims(dag: Dag, x: dict[Node, float]) -> dict[tuple[int, int], float]:
    """Edges into one vertex aim at points side by side, in the order they arrive from
    left to right, so their arrowheads do not pile up."""
    def arrives_from(u: int, v: int) -> Node:
        skipped = dag.depth[v] - dag.depth[u] - 1
        return (u, v, skipped - 1) if skipped else (u,)

    arrivals: dict[int, list[tuple[float, int]]] = {v: [] for v in dag.vertices}  # (x it comes from, source)
    for u, v in dag.edges:
        arrivals[v].append((x[arrives_from(u, v)], u))
    aims: dict[tuple[int, int], float] = {}
    for v, incoming in arrivals.items():
        incoming.sort()
        gap = min(PORT_GAP, 1.2 * NODE_R / max(1, len(incoming) - 1))
        for k, (_, u) in enumerate(incoming):
            aims[(u, v)] = (k - (len(incoming) - 1) / 2) * gap
    return aims


def _near_route(centres: dict[int, Point], edge: tuple[int, int], route: Sequence[Point], reach: float) -> list[Point]:
    """The centres of the vertices other than an edge's ends within ``reach`` of the box
    around its route. The drawn edge stays within the box widened by less than a disc's
    radius (its last leg aims a little aside), so only these vertices can be too close."""
    xs, ys = [px for px, _ in route], [py for _, py in route]
    left, right, top, bottom = min(xs) - reach, max(xs) + reach, min(ys) - reach, max(ys) + reach
    return [c for v, c in centres.items() if v not in edge and left <= c[0] <= right and top <= c[1] <= bottom]


def _too_close(others: list[Point], samples: list[Point], width: float) -> list[float]:
    """The heights of the sample points of an edge that run within the clearance of one of
    the vertex centres ``others``."""
    xs, ys = np.array(samples).T
    close = np.zeros(len(samples), dtype=bool)
    for cx, cy in others:  # mostly one or two
        close |= np.hypot(xs - cx, ys - cy) < NODE_R + CLEARANCE + width / 2
    return ys[close].tolist()


def dag_layout(dag: Dag, highlight: frozenset[tuple[int, int]] = frozenset()) -> GraphLayout:
    """The layered drawing of ``dag``: rows by depth, bend points for edges that skip
    rows, few crossings, and every edge clear of every vertex it does not join."""
    rows, legs = _rows_with_bends(dag)
    rows = order_rows(rows, legs)
    x = _place_columns(rows, legs)
    left = min(x.values())
    x = {n: xv - left + MARGIN + NODE_R for n, xv in x.items()}
    aims = _aims(dag, x)
    gaps = [float(ROW_GAP)] * (len(rows) - 1)
    while True:
        y_of_row = [MARGIN + NODE_R + sum(gaps[:r]) for r in range(len(rows))]
        at = {n: (x[n], y_of_row[r]) for r, row in enumerate(rows) for n in row}
        centres = {v: at[(v,)] for v in dag.vertices}
        routes = {(u, v): (at[(u,)], *(at[(u, v, k)] for k in range(dag.depth[v] - dag.depth[u] - 1)), at[(v,)])
                  for u, v in dag.edges}
        crowded: set[int] = set()
        for edge, route in routes.items():
            width = HOT_WIDTH if edge in highlight else EDGE_WIDTH
            near = _near_route(centres, edge, route, 2 * NODE_R + CLEARANCE + width)
            for py in _too_close(near, path_samples(edge_path(route, aims[edge])), width) if near else ():
                crowded.add(max(0, min(len(gaps) - 1, sum(1 for y in y_of_row[1:] if y <= py))))
        if not crowded or all(gaps[r] >= MAX_ROW_GAP for r in crowded):
            break
        for r in crowded:
            gaps[r] = min(MAX_ROW_GAP, gaps[r] + ROW_STEP)
    width = max(px for px, _ in at.values()) + NODE_R + MARGIN
    height = y_of_row[-1] + NODE_R + MARGIN
    return GraphLayout(centres, routes, aims, tuple(tuple(r) for r in rows), tuple(legs), width, height)


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _path_data(commands: list[tuple[str, tuple[Point, ...]]]) -> str:
    return " ".join(name + " ".join(f"{_fmt(px)},{_fmt(py)}" for px, py in args) for name, args in commands)


def dag_svg(dag: Dag, highlight: frozenset[tuple[int, int]] = frozenset(), title: str = "graph") -> str:
    """The DAG as a standalone SVG document; ``highlight`` edges are drawn in orange."""
    layout = dag_layout(dag, highlight)
    width, height = _fmt(layout.width), _fmt(layout.height)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="14">',
        f"<title>{escape(title)}</title>",
        "<defs>",
        *(
            f'<marker id="arrow-{name}" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="12" '
            f'markerHeight="12" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
            for name, colour in (("plain", EDGE), ("hot", HIGHLIGHT))
        ),
        "</defs>",
    ]
    # highlighted edges last, so no plain edge is drawn over them
    for u, v in sorted(dag.edges, key=lambda e: (e in highlight, dag.slot(e[0]), dag.slot(e[1]))):
        colour, marker, stroke = (HIGHLIGHT, "hot", HOT_WIDTH) if (u, v) in highlight else (EDGE, "plain", EDGE_WIDTH)
        parts.append(
            f'<path d="{_path_data(edge_path(layout.routes[(u, v)], layout.aims[(u, v)]))}" fill="none" '
            f'stroke="{colour}" stroke-width="{stroke}" marker-end="url(#arrow-{marker})"/>'
        )
    for v in dag.vertices:
        cx, cy = layout.centres[v]
        parts.append(
            f'<circle cx="{_fmt(cx)}" cy="{_fmt(cy)}" r="{NODE_R}" fill="{NODE_FILL}" '
            f'stroke="{NODE_STROKE}" stroke-width="2"/>'
            f'<text x="{_fmt(cx)}" y="{_fmt(cy + 5)}" text-anchor="middle" fill="{LABEL}">{v}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def _distance(p: Point, q: Point) -> float:
    return math.hypot(q[0] - p[0], q[1] - p[1])


def _rim_hit(p: Point, q: Point, centre: Point, radius: float) -> Point:
    """Where the segment from p (outside the circle) to q (inside it) crosses the circle."""
    dx, dy = q[0] - p[0], q[1] - p[1]
    fx, fy = p[0] - centre[0], p[1] - centre[1]
    a, b, c = dx * dx + dy * dy, 2 * (fx * dx + fy * dy), fx * fx + fy * fy - radius * radius
    t = (-b - math.sqrt(max(0.0, b * b - 4 * a * c))) / (2 * a)
    return p[0] + t * dx, p[1] + t * dy


def _towards(p: Point, q: Point, distance: float) -> Point:
    """The point ``distance`` from p on the way to q."""
    dx, dy = q[0] - p[0], q[1] - p[1]
    length = math.hypot(dx, dy) or 1.0
    return p[0] + dx / length * distance, p[1] + dy / length * distance


CELL = 44
LABEL_W = 56


def heatmap_svg(matrix: Sequence[Sequence[float]], row_labels: Sequence[str], col_labels: Sequence[str],
                title: str, digits: int = 3, corner: str = "target \\ source") -> str:
    """An attention pattern as a grid of shaded cells with the weights printed in them.

    Rows are targets, columns sources. Shade runs from white (0) to deep blue (the
    largest weight); the printed value switches to white on dark cells.
    """
    rows, cols = len(row_labels), len(col_labels)
    top = 40
    width = LABEL_W + cols * CELL + MARGIN
    height = top + rows * CELL + MARGIN
    peak = max(max(abs(v) for v in row) for row in matrix) or 1.0
    texts = cell_texts(matrix, digits)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="#ffffff" rx="6"/>',
        f'<text x="4" y="14" fill="#555b66" font-size="10">{escape(corner)}</text>',
    ]
    centres = [f"{LABEL_W + c * CELL + CELL / 2:.0f}" for c in range(cols)]  # of each column's texts
    for label, centre in zip(col_labels, centres):
        parts.append(f'<text x="{centre}" y="{top - 8}" text-anchor="middle" '
                     f'fill="{LABEL}">{escape(str(label))}</text>')
    for r, label in enumerate(row_labels):
        y = top + r * CELL
        baseline = f"{y + CELL / 2 + 4:.0f}"  # of the row's texts
        parts.append(f'<text x="{LABEL_W - 8}" y="{baseline}" text-anchor="end" '
                     f'fill="{LABEL}">{escape(str(label))}</text>')
        for c, (value, text, centre) in enumerate(zip(matrix[r], texts[r], centres)):
            share = abs(float(value)) / peak
            ink = "#ffffff" if share > 0.55 else LABEL
            parts.append(f'<rect x="{LABEL_W + c * CELL}" y="{y}" width="{CELL}" height="{CELL}" '
                         f'fill="{_blend(share)}" stroke="#c3c9d4" stroke-width="1"/>')
            parts.append(f'<text x="{centre}" y="{baseline}" text-anchor="middle" fill="{ink}">{text}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


@lru_cache(maxsize=4096)  # most cells of a pattern are 0 or the peak, and rows repeat
def _blend(share: float) -> str:
    """White to #1c4fa8 in proportion to ``share``."""
    low, high = (255, 255, 255), (28, 79, 168)
    return "#" + "".join(f"{round(a + (b - a) * share):02x}" for a, b in zip(low, high))


def cell_texts(matrix: Sequence[Sequence[float]], digits: int = 3) -> list[list[str]]:
    """The printed values of a heatmap, in the format a matrix of them prints in."""
    m = mat(matrix, digits)
    return [[number_text(e) for e in row] for row in m.rows]
