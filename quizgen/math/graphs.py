"""Small directed acyclic graphs: drawing them at random and the facts families ask about.

Vertices carry arbitrary integer ids (as in the paper, where a vertex is a token id);
``vertices`` is the slot order in which one-hot blocks list them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np


@dataclass(frozen=True)
class Dag:
    """A DAG with vertex ids in slot order and directed edges ``(u, v)`` meaning u -> v."""

    vertices: tuple[int, ...]
    edges: tuple[tuple[int, int], ...]

    def slot(self, v: int) -> int:
        return self.vertices.index(v)

    def children(self, v: int) -> list[int]:
        """Direct successors of ``v``, in slot order."""
        return list(self._children.get(v, ()))

    @cached_property
    def _children(self) -> dict[int, tuple[int, ...]]:
        """Each vertex's direct successors in slot order, found once: searches over the
        graph ask for them many times."""
        targets: dict[int, set[int]] = {}
        for a, b in self.edges:
            targets.setdefault(a, set()).add(b)
        return {v: tuple(w for w in self.vertices if w in found) for v, found in targets.items()}

    def parents(self, v: int) -> list[int]:
        """Direct predecessors of ``v``, in slot order."""
        return list(self._parents.get(v, ()))

    @cached_property
    def _parents(self) -> dict[int, tuple[int, ...]]:
        """Each vertex's direct predecessors in slot order, found once (as ``_children``)."""
        sources: dict[int, set[int]] = {}
        for a, b in self.edges:
            sources.setdefault(b, set()).add(a)
        return {v: tuple(w for w in self.vertices if w in found) for v, found in sources.items()}

    @cached_property
    def topological_order(self) -> tuple[int, ...]:
        """Vertices with every edge pointing forward (Kahn's algorithm, slot order on ties)."""
        indegree = {v: len(self._parents.get(v, ())) for v in self.vertices}
        order: list[int] = []
        ready = [v for v in self.vertices if indegree[v] == 0]
        while ready:
            v = ready.pop(0)
            order.append(v)
            for w in self._children.get(v, ()):
                indegree[w] -= 1
                if indegree[w] == 0:
                    ready.append(w)
        if len(order) != len(self.vertices):
            raise ValueError("graph has a cycle")
        return tuple(order)

    @cached_property
    def depth(self) -> dict[int, int]:
        """Length (in edges) of the longest path from any vertex to each vertex."""
        depth = {v: 0 for v in self.vertices}
        for v in self.topological_order:
            for w in self._children.get(v, ()):
                depth[w] = max(depth[w], depth[v] + 1)
        return depth

    @cached_property
    def height(self) -> dict[int, int]:
        """Length (in edges) of the longest path starting at each vertex."""
        height = {v: 0 for v in self.vertices}
        for v in reversed(self.topological_order):
            for w in self._children.get(v, ()):
                height[v] = max(height[v], height[w] + 1)
        return height

    @property
    def longest_path(self) -> int:
        """L: the number of edges on the longest path in the graph."""
        return max(self.depth.values())

    def longest_path_vertices(self) -> list[int]:
        """One longest path, as its vertices from start to end."""
        path = [max(self.vertices, key=lambda v: (self.depth[v], -self.slot(v)))]
        while self.depth[path[-1]] > 0:
            path.append(next(p for p in self.parents(path[-1]) if self.depth[p] == self.depth[path[-1]] - 1))
        return path[::-1]

    def reachable(self, v: int) -> list[int]:
        """Vertices reachable from ``v`` by one or more edges, in slot order."""
        seen: set[int] = set()
        stack = list(self._children.get(v, ()))
        while stack:
            w = stack.pop()
            if w not in seen:
                seen.add(w)
                stack.extend(self._children.get(w, ()))
        return [w for w in self.vertices if w in seen]

    def closure(self) -> "Dag":
        """The same vertices with an edge from each vertex to everything it reaches."""
        return Dag(self.vertices, tuple((v, w) for v in self.vertices for w in self.reachable(v)))

    def adjacency(self) -> np.ndarray:
        """A[u, v] = 1 for each edge u -> v, rows and columns in slot order."""
        out = np.zeros((len(self.vertices), len(self.vertices)))
        for u, v in self.edges:
            out[self.slot(u), self.slot(v)] = 1.0
        return out

    def distances(self, v: int) -> dict[int, int]:
        """Shortest number of edges from ``v`` to each vertex it reaches (BFS)."""
        dist = {v: 0}
        frontier = [v]
        while frontier:
            nxt = []
            for u in frontier:
                for w in self._children.get(u, ()):
                    if w not in dist:
                        dist[w] = dist[u] + 1
                        nxt.append(w)
            frontier = nxt
        return dist


def random_dag(rng: np.random.Generator, n_vertices: int, edge_probability: float, *, max_id: int = 20) -> Dag:
    """A random DAG: distinct ids from 1..max_id in a random slot order, and each forward
    pair of a hidden random topological order joined with ``edge_probability``.

    Isolated vertices are allowed here; families reject the draws they cannot use.
    """
    ids = rng.choice(np.arange(1, max_id + 1), size=n_vertices, replace=False).tolist()
    topo = rng.permutation(ids).tolist()
    pairs = [(topo[a], topo[b]) for a in range(n_vertices) for b in range(a + 1, n_vertices)]
    # one uniform per pair, in pair order: the same numbers as one rng.random() per pair
    edges = [pair for pair, u in zip(pairs, rng.random(len(pairs)).tolist()) if u < edge_probability]
    order = rng.permutation(len(edges)).tolist()
    return Dag(tuple(ids), tuple([edges[k] for k in order]))  # plain ints already, from tolist


def branching_dag(rng: np.random.Generator, path_length: int, extra_vertices: int, *,
                  ids: list[int] | None = None, max_id: int = 20) -> tuple[Dag, list[int]]:
    """A path of ``path_length`` edges with ``extra_vertices`` hung off it one by one, each
    as the child of a vertex already placed; returns the DAG and the path. No edge can
    shortcut the path, so its ends stay ``path_length`` edges apart. Vertex ids come from
    ``ids`` (in a random order) or are drawn from 1..max_id."""
    n = path_length + 1 + extra_vertices
    pool = np.arange(1, max_id + 1) if ids is None else np.asarray(ids)
    ids = [int(v) for v in rng.choice(pool, size=n, replace=False)]
    path, rest = ids[: path_length + 1], ids[path_length + 1:]
    edges = list(zip(path, path[1:]))
    placed = list(path)
    for v in rest:
        edges.append((placed[int(rng.integers(len(placed)))], v))
        placed.append(v)
    order = rng.permutation(len(edges))
    return Dag(tuple(int(v) for v in rng.permutation(ids)), tuple(edges[k] for k in order)), path


def is_connected(dag: Dag) -> bool:
    """Whether the graph is weakly connected (one piece when edge directions are ignored)."""
    seen = {dag.vertices[0]}
    stack = [dag.vertices[0]]
    while stack:
        v = stack.pop()
        for w in dag.children(v) + dag.parents(v):
            if w not in seen:
                seen.add(w)
                stack.append(w)
    return len(seen) == len(dag.vertices)


def merge_rounds(dag: Dag) -> list[dict[int, list[int]]]:
    """Reachable sets per round of path-merging, until they cover every path.

    S_0(v) = {v} ∪ children(v); S_{r+1}(v) = ∪ over w in S_r(v) of S_r(w). Round r covers
    paths of up to 2^r edges, so ceil(log2 L) merge rounds follow S_0.
    """
    current = {v: sorted({v, *dag.children(v)}) for v in dag.vertices}
    rounds = [current]
    for _ in range(rounds_needed(dag.longest_path)):
        current = {v: sorted(set().union(*(current[w] for w in current[v]))) for v in dag.vertices}
        rounds.append(current)
    return rounds


def rounds_needed(longest_path: int) -> int:
    """Merge rounds after S_0 that cover a path of ``longest_path`` edges: ceil(log2 L)."""
    return math.ceil(math.log2(longest_path)) if longest_path > 1 else 0
