"""Pieces that several graph families show the same way: drawing the graph, stating the
conventions, and tables of embeddings and score matrices."""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from quizgen.math.attention import block_selector
from quizgen.model.content import (
    Figure, Inline, Mat, Para, Table, Word, braces, mat, num, para, seq, sym, table,
)
from quizgen.model.family import Redraw
from quizgen.render.figures import dag_svg
from quizgen.math.graphs import Dag, is_connected, random_dag

CONVENTION = para(
    "Convention: rows are targets (the query token j, FROM), columns are sources (the key "
    "token i, TO), and ", sym("S"), "[j, i] = ", sym("Q", "j"), " · ", sym("K", "i"), "."
)


def dag_inputs(dag: Dag) -> dict[str, Any]:
    return {"slots": list(dag.vertices), "edges": [list(e) for e in dag.edges]}


def dag_from(slots: Sequence[int], edges: Sequence[Sequence[int]]) -> Dag:
    return Dag(tuple(int(v) for v in slots), tuple((int(u), int(v)) for u, v in edges))


def edge_text(dag: Dag) -> str:
    """``2 → 3, 3 → 6`` in the order the edges were drawn."""
    return ", ".join(f"{u} → {v}" for u, v in dag.edges)


def describe_graph(dag: Dag) -> Para:
    slots = ", ".join(str(v) for v in dag.vertices)
    return para(f"A directed graph has the vertices (in slot order) [{slots}] and the edges {edge_text(dag)}.")


def graph_figure(dag: Dag, highlight: frozenset[tuple[int, int]] = frozenset()) -> Figure:
    """The drawing of ``dag`` (``highlight`` edges in orange), laid out only when an
    output shows it."""
    alt = f"directed graph with edges {edge_text(dag)}"
    return Figure(alt, dag_svg, (dag, highlight, alt))


def draw_dag(
    rng: np.random.Generator,
    sizes: tuple[int, int],
    edge_probability: float,
    accept: Callable[[Dag], bool],
    *,
    max_id: int = 20,
) -> Dag:
    """A connected random DAG with between ``sizes[0]`` and ``sizes[1]`` vertices that
    ``accept`` likes; a rejected draw raises ``Redraw``."""
    n = int(rng.integers(sizes[0], sizes[1] + 1))
    dag = random_dag(rng, n, edge_probability, max_id=max_id)
    if not dag.edges or not is_connected(dag) or not accept(dag):
        raise Redraw("graph does not fit the level")
    return dag


def max_children(dag: Dag) -> int:
    return max(len(dag.children(v)) for v in dag.vertices)


def vertex_set(values: Sequence[int]) -> Inline:
    """A set of vertex ids, or the word "nobody" for the empty set."""
    return braces(values) if values else Word("nobody")


def labelled_matrix(matrix: np.ndarray, row_labels: Sequence[object], col_labels: Sequence[object],
                    corner: str, digits: int = 3) -> Table:
    """A matrix as a table with its row and column labels (e.g. target × source)."""
    header: list[Inline] = [corner] + [str(c) for c in col_labels]
    values = np.asarray(matrix, dtype=float).tolist()  # plain floats: quicker to read than numpy scalars
    rows = [[str(r)] + [num(v, digits) for v in row] for r, row in zip(row_labels, values)]
    return table(header, rows)


MAX_FULL_WIDTH = 12  # wider embeddings are shown block by block, so a printed page holds them


def embedding_rows(dag: Dag, emb: np.ndarray, names: Sequence[str], widths: Sequence[int]) -> Table:
    """Per vertex: each block of its embedding, then the whole row (when it is short)."""
    whole = sum(widths) <= MAX_FULL_WIDTH
    header = ["vertex", *names, *(["embedding"] if whole else [])]
    rows = []
    cuts = np.cumsum([0, *widths])
    for v, row in zip(dag.vertices, emb):
        rows.append([str(v), *(mat(row[a:b]) for a, b in zip(cuts[:-1], cuts[1:])), *([mat(row)] if whole else [])])
    return table(header, rows)


def selector_matrix(weights: np.ndarray, widths: Sequence[int], convention: str) -> Mat:
    """A weight matrix as numbers, or, when it is wide and is a (scaled) block selector,
    in block form such as [0  I₇  0] (a column of blocks in the row convention)."""
    column_form = weights if convention == "column" else weights.T
    if sum(widths) <= MAX_FULL_WIDTH:
        return mat(weights)
    for pick, width in enumerate(widths):
        selector = block_selector(widths, pick)
        if column_form.shape != selector.shape:
            continue
        scale = float(column_form[0, sum(widths[:pick])])
        if scale != 0 and np.array_equal(column_form, scale * selector):
            identity = sym("I", width) if scale == 1 else seq(num(scale), sym("I", width))
            blocks = [identity if k == pick else num(0) for k in range(len(widths))]
            return Mat((tuple(blocks),)) if convention == "column" else Mat(tuple((b,) for b in blocks))
    return mat(weights)
