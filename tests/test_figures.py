"""Graph figures never lie: every edge is drawn from its source disc to its target disc and
stays clear of every other vertex, measured on the SVG itself (parsed here, independently
of the layout code), over 1,000 graphs per level of every family that draws a graph."""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET
from functools import lru_cache

import numpy as np
import pytest

from quizgen.families import FAMILIES
from quizgen.math.graphs import Dag, random_dag
from quizgen.model.content import Figure
from quizgen.model.family import make_problem
from quizgen.model.problem import Problem
from quizgen.render.figures import crossings_by_place, dag_layout, dag_svg, total_crossings

SVG = "{http://www.w3.org/2000/svg}"
GRAPHS_PER_LEVEL = 1000
MARGIN = 4.0  # free space required between an edge's stroke and a disc it does not join


def figures_of(problem: Problem) -> list[Figure]:
    s = problem.solution
    blocks = [*s.prompt, *s.task, *s.answer, *(b for st in s.steps for b in st.blocks)]
    return [b for b in blocks if isinstance(b, Figure) and "<circle" in b.svg]


@lru_cache(maxsize=None)
def graph_families() -> tuple[str, ...]:
    """Families whose problems carry a graph figure (found, not listed by hand)."""
    found = []
    for fid, family in FAMILIES.items():
        if any(figures_of(make_problem(family, seed, level)) for level in family.levels for seed in range(5)):
            found.append(fid)
    return tuple(found)


def sample(points: list[tuple[float, float]], t: float) -> tuple[float, float]:
    """De Casteljau: a point on the Bézier curve with these control points."""
    while len(points) > 1:
        points = [((1 - t) * a[0] + t * b[0], (1 - t) * a[1] + t * b[1]) for a, b in zip(points, points[1:])]
    return points[0]


def path_points(d: str, steps: int = 40) -> list[tuple[float, float]]:
    """Points along an SVG path with absolute M, L, Q and C commands."""
    out: list[tuple[float, float]] = []
    pen = (0.0, 0.0)
    for name, args in re.findall(r"([MLQC])([^MLQC]*)", d):
        numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", args)]
        pts = list(zip(numbers[::2], numbers[1::2]))
        if name == "M":
            pen = pts[-1]
            out.append(pen)
            continue
        size = {"L": 1, "Q": 2, "C": 3}[name]
        for k in range(0, len(pts), size):
            control = [pen, *pts[k:k + size]]
            out.extend(sample(control, i / steps) for i in range(1, steps + 1))
            pen = control[-1]
    return out


def parse(svg: str) -> tuple[dict[str, tuple[float, float, float]], list[tuple[list[tuple[float, float]], float]]]:
    """Vertex label -> (cx, cy, r), and each edge path as (points, stroke width)."""
    root = ET.fromstring(svg)
    circles = root.findall(f"{SVG}circle")
    labels = [t.text for t in root.findall(f"{SVG}text")]
    assert len(circles) == len(labels)
    discs = {}
    for c, label in zip(circles, labels):
        discs[label] = (float(c.get("cx")), float(c.get("cy")), float(c.get("r")))
    paths = [(path_points(p.get("d")), float(p.get("stroke-width"))) for p in root.findall(f"{SVG}path")]
    return discs, paths


def nearest(discs: dict[str, tuple[float, float, float]], p: tuple[float, float]) -> str:
    return min(discs, key=lambda v: math.hypot(discs[v][0] - p[0], discs[v][1] - p[1]))


def check_figure(svg: str, edges: set[tuple[str, str]]) -> list[str]:
    """What is wrong with a graph figure: an edge through a vertex it does not join, an
    edge drawn between the wrong vertices, or a missing one."""
    discs, paths = parse(svg)
    problems, drawn = [], set()
    for points, stroke in paths:
        u, v = nearest(discs, points[0]), nearest(discs, points[-1])
        for end, p in ((u, points[0]), (v, points[-1])):
            cx, cy, r = discs[end]
            if abs(math.hypot(p[0] - cx, p[1] - cy) - r) > 2.5:
                problems.append(f"edge {u} -> {v} does not start/end on the rim of {end}")
        drawn.add((u, v))
        for w, (cx, cy, r) in discs.items():
            if w in (u, v):
                continue
            gap = min(math.hypot(px - cx, py - cy) for px, py in points) - stroke / 2 - r
            if gap < MARGIN:
                problems.append(f"edge {u} -> {v} passes {gap:.1f} px from vertex {w}")
    if drawn != edges:
        problems.append(f"edges drawn {sorted(drawn)} but the graph has {sorted(edges)}")
    return problems


def edges_from_alt(alt: str) -> set[tuple[str, str]]:
    return set(re.findall(r"(\d+) → (\d+)", alt))


def test_the_reported_figures_are_clear() -> None:
    """The two figures of the issue: 16 -> 6 read as 16 -> 10, 9 -> 18 hidden behind 13."""
    for fid, seed, level in (("qk.scores", 2899818751, "easy"), ("graph.embeddings", 1267962925, "hard")):
        (figure,) = figures_of(make_problem(FAMILIES[fid], seed, level))[:1]
        assert check_figure(figure.svg, edges_from_alt(figure.alt)) == []


def test_checker_sees_an_edge_through_a_vertex() -> None:
    """The checker itself can fail: a straight edge 1 -> 3 across vertex 2 is caught."""
    svg = ('<svg xmlns="http://www.w3.org/2000/svg">'
           '<circle cx="20" cy="20" r="17"/><text>1</text><circle cx="20" cy="90" r="17"/><text>2</text>'
           '<circle cx="20" cy="160" r="17"/><text>3</text>'
           '<path d="M20,37 L20,73" stroke-width="2"/><path d="M20,107 L20,142" stroke-width="2"/>'
           '<path d="M20,37 L20,142" stroke-width="2"/></svg>')
    found = check_figure(svg, {("1", "2"), ("2", "3"), ("1", "3")})
    assert any("passes" in f and "vertex 2" in f for f in found)


CHECKED = ("graph.embeddings", "qk.scores", "perturb.source_target", "merge.reachable", "merge.position",
           "search.tokens")


def test_every_family_with_a_graph_is_checked() -> None:
    assert set(graph_families()) <= set(CHECKED), "a new family draws graphs: add it to CHECKED"
    assert {"graph.embeddings", "qk.scores", "perturb.source_target", "search.tokens"} <= set(graph_families())


@pytest.mark.parametrize("family_id", CHECKED)
@pytest.mark.parametrize("level", ["easy", "medium", "hard"])
def test_no_edge_runs_through_a_vertex(family_id: str, level: str) -> None:
    if family_id not in graph_families():
        pytest.skip(f"{family_id} draws no graph")
    family = FAMILIES[family_id]
    if level not in family.levels:
        pytest.skip(f"{family_id} has no level {level}")
    bad, graphs = [], 0
    for seed in range(GRAPHS_PER_LEVEL):
        for figure in figures_of(make_problem(family, seed, level)):
            graphs += 1
            found = check_figure(figure.svg, edges_from_alt(figure.alt))
            if found:
                bad.append((seed, found[0]))
    assert graphs >= GRAPHS_PER_LEVEL
    assert bad == [], f"{len(bad)} of {graphs} figures: {bad[:5]}"


def random_graphs(count: int, sizes: tuple[int, int], p: float) -> list[Dag]:
    rng = np.random.default_rng(20261124)
    return [random_dag(rng, int(rng.integers(sizes[0], sizes[1] + 1)), p) for _ in range(count)]


def test_dense_random_graphs_are_clear() -> None:
    """Denser and larger graphs than any level draws today, so a new level cannot break it."""
    for dag in random_graphs(300, (6, 12), 0.45):
        if dag.edges:
            edges = {(str(u), str(v)) for u, v in dag.edges}
            assert check_figure(dag_svg(dag), edges) == []


def brute_force_crossings(rows: tuple[tuple, ...], legs: list) -> int:
    """The fewest crossings any order of the rows gives (rows small enough to try all)."""
    best = None
    for orders in itertools.product(*(itertools.permutations(r) for r in rows)):
        count = total_crossings([list(o) for o in orders], legs)
        best = count if best is None else min(best, count)
    return best


def test_crossings_by_place_are_those_a_recount_finds() -> None:
    """Moving one node along its row changes only the crossings of its own legs: for every
    place, the recount of all crossings minus those of the other legs alone."""
    rng = np.random.default_rng(11)
    for _ in range(300):
        sizes = rng.integers(1, 6, size=3)
        above, row, below = ([(r, k) for k in range(size)] for r, size in enumerate(sizes))

        def some_legs(top: list, bottom: list) -> list:
            pairs = [(a, b) for a in top for b in bottom]
            return [pairs[k] for k in sorted(rng.choice(len(pairs), size=rng.integers(0, len(pairs) + 1),
                                                        replace=False))]

        legs_in, legs_out = some_legs(above, row), some_legs(row, below)
        n = row[int(rng.integers(len(row)))]
        others = [m for m in row if m != n]
        upper = (above, legs_in) if rng.random() < 0.8 else None  # a first or last row has no neighbour row
        lower = (below, legs_out) if rng.random() < 0.8 else None
        got = crossings_by_place(n, others, upper, lower)

        def recount(nodes: list, without_n: bool) -> int:
            count = 0
            for far, legs, top_first in ((upper, legs_in, True), (lower, legs_out, False)):
                if far is None:
                    continue
                kept = [leg for leg in legs if not (without_n and n in leg)]
                count += total_crossings([far[0], nodes] if top_first else [nodes, far[0]], kept)
            return count

        alone = recount(others, without_n=True)
        assert got == [recount(others[:k] + [n] + others[k:], without_n=False) - alone
                       for k in range(len(others) + 1)]


def test_crossings_are_few() -> None:
    """Where the rows are small enough to try every order, the layout's order has the
    fewest crossings in nearly every graph, and never more than one above the minimum."""
    tried = optimal = 0
    for dag in random_graphs(400, (5, 9), 0.35):
        if not dag.edges:
            continue
        layout = dag_layout(dag)
        legs = list(layout.legs)
        if math.prod(math.factorial(len(r)) for r in layout.rows) > 3000:
            continue
        tried += 1
        best = brute_force_crossings(layout.rows, legs)
        got = total_crossings(layout.rows, legs)
        assert got <= best + 1
        optimal += got == best
    assert tried >= 200
    assert optimal >= 0.98 * tried
