"""search.tokens: the search paper's input encoding, the useful next vertices and the lookahead."""

from __future__ import annotations

from typing import Any

import numpy as np

from quizgen.model import mistakes
from quizgen.model.content import braces, para, step, table
from quizgen.model.family import Family
from quizgen.families.common import graph_figure
from quizgen.math.graphs import Dag
from quizgen.model.problem import Distractor, Solution

# per level: length of the path to the goal, length of each dead-end branch, how many
# branches, extra leaves, padding tokens
SEARCH_LEVELS = {
    "easy": ((1, 2), (1, 2), (1, 1), (0, 2), (0, 6)),
    "medium": ((2, 4), (1, 3), (1, 2), (0, 2), (3, 6)),
    "hard": ((3, 5), (2, 5), (1, 2), (0, 2), (3, 8)),
}


def special_tokens(n: int) -> dict[str, int]:
    """The paper's token ids for a context of length n."""
    v_max = (n - 5) // 3
    return {"V_max": v_max, "PATH": v_max + 1, "EDGE": v_max + 2, "PAD": v_max + 3, "QUERY": v_max + 4}


def encode(edges: list[list[int]], start: int, goal: int, n: int) -> list[int]:
    """Left padding, ``EDGE u v`` per edge in the given order, ``QUERY s g``, ``PATH s``."""
    t = special_tokens(n)
    body = [x for u, v in edges for x in (t["EDGE"], u, v)] + [t["QUERY"], start, goal, t["PATH"], start]
    if len(body) > n:
        raise ValueError(f"{len(edges)} edges need a context of at least {len(body)} tokens, not {n}")
    return [t["PAD"]] * (n - len(body)) + body


def useful_children(dag: Dag, start: int, goal: int) -> list[int]:
    """Children of the start from which the goal can be reached (the goal itself included)."""
    return [c for c in dag.children(start) if c == goal or goal in dag.reachable(c)]


def first_step(dag: Dag, start: int, goal: int) -> int:
    """n₁, the first vertex of the shortest path from start to goal (the problems draw
    graphs where it is unique)."""
    distance = dag.distances(start)[goal]
    steps = [c for c in dag.children(start) if dag.distances(c).get(goal) == distance - 1]
    if len(steps) != 1:
        raise ValueError(f"the shortest paths from {start} to {goal} leave through {steps}, not one vertex")
    return steps[0]


def lookahead_search(dag: Dag, start: int, goal: int) -> tuple[int, list[list[tuple[int, int]]]]:
    """The paper's ``lookahead_depth(start, n₁, goal)`` (generator.cpp), and the layers it looked at.

    Breadth-first from the start's children, one layer per step; each vertex carries the
    child of the start it was first reached through, except that a vertex reached in the same
    step through n₁ counts for n₁. The search stops when every vertex of the layer came
    through n₁ (nothing left to rule out) or when the goal is in the layer being expanded;
    the lookahead is the number of steps taken. Each layer is a list of (vertex, branch).
    """
    following = first_step(dag, start, goal)
    layer = [(c, c) for c in dag.children(start)]
    visited = set(dag.children(start))
    layers, steps = [], 0
    while layer:
        layers.append(layer)
        if all(branch == following for _, branch in layer):
            return steps, layers
        steps += 1
        if any(v == goal for v, _ in layer):
            return steps, layers
        reached: dict[int, int] = {}  # vertex -> branch, in the order first reached
        for v, branch in layer:
            for child in dag.children(v):
                if child not in visited:
                    visited.add(child)
                    reached[child] = branch
                elif branch == following and child in reached:
                    reached[child] = following
        layer = list(reached.items())
    return steps, layers


def lookahead(dag: Dag, start: int, goal: int) -> int:
    """The paper's lookahead for the first step from ``start`` towards ``goal``."""
    return lookahead_search(dag, start, goal)[0]


# ----------------------------------------------------------------- the mistakes, one function each


def all_children(dag: Dag, start: int) -> list[int]:
    """Counts every child of the start as useful, dead ends included."""
    return dag.children(start)


def goal_parents(dag: Dag, goal: int) -> list[int]:
    """Answers with the vertices that have an edge into the goal."""
    return dag.parents(goal)


def all_reachable(dag: Dag, start: int) -> list[int]:
    """Answers with every vertex reachable from the start."""
    return dag.reachable(start)


class SearchTokens(Family):
    """Encode a search problem in the paper's token format and name the useful next vertices."""

    id = "search.tokens"
    version = 2
    title = "Search input encoding"
    tags = ("topic::search", "seed::001")
    levels = {
        "easy": "the goal 1-2 edges away, one dead-end branch, little padding",
        "medium": "the goal 2-4 edges away, one or two dead ends up to 3 deep, more padding",
        "hard": "the goal 3-5 edges away, dead ends up to 5 deep, in about half the problems a second, longer useful branch",
    }
    input_keys = ("edges", "start", "goal", "n")
    truth_keys = ("tokens", "useful", "lookahead")

    def draw(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        (p_lo, p_hi), (b_lo, b_hi), (k_lo, k_hi), (x_lo, x_hi), (pad_lo, pad_hi) = SEARCH_LEVELS[difficulty]
        length = int(rng.integers(p_lo, p_hi + 1))
        branches = [int(rng.integers(b_lo, b_hi + 1)) for _ in range(int(rng.integers(k_lo, k_hi + 1)))]
        extras = int(rng.integers(x_lo, x_hi + 1))
        second_route = difficulty == "hard" and rng.random() < 0.5
        vertices = length + 1 + sum(branches) + extras + 2 * second_route
        edge_count = vertices - 1 + second_route
        # ids run over 1..V_max (the paper reserves 0), so V_max = (n − 5) // 3 must cover every vertex
        n = 3 * max(vertices, edge_count) + 5 + int(rng.integers(pad_lo, pad_hi + 1))
        v_max = special_tokens(n)["V_max"]
        ids = iter(int(v) for v in rng.choice(np.arange(1, v_max + 1), size=vertices, replace=False))
        path = [next(ids) for _ in range(length + 1)]
        start, goal = path[0], path[-1]
        edges = list(zip(path, path[1:]))
        for branch in branches:  # dead ends: start → b1 → … → bk
            chain = [start] + [next(ids) for _ in range(branch)]
            edges += zip(chain, chain[1:])
        if second_route:  # start → r → r2 → path[2]: a second useful child, one edge longer
            r, r2 = next(ids), next(ids)
            edges += [(start, r), (r, r2), (r2, path[2])]
        placed = sorted({v for e in edges for v in e} - {start})
        for leaf in ids:  # leaves hung anywhere but the start
            edges.append((placed[int(rng.integers(len(placed)))], leaf))
            placed.append(leaf)
        order = rng.permutation(len(edges))
        return {"edges": [list(edges[k]) for k in order], "start": start, "goal": goal, "n": n}

    def solve(self, inputs: dict[str, Any]) -> Solution:
        edges, start, goal, n = inputs["edges"], inputs["start"], inputs["goal"], inputs["n"]
        vertices = sorted({v for e in edges for v in e})
        dag = Dag(tuple(vertices), tuple((u, v) for u, v in edges))
        special = special_tokens(n)
        if not all(1 <= v <= special["V_max"] for v in vertices):
            raise ValueError(f"vertex ids must lie in 1..V_max = {special['V_max']}")
        tokens = encode(edges, start, goal, n)
        useful = useful_children(dag, start, goal)
        following = first_step(dag, start, goal)
        from_start, from_following = dag.distances(start), dag.distances(following)
        shortest = from_start[goal]
        ahead, layers = lookahead_search(dag, start, goal)
        truth = {"tokens": tokens, "useful": useful, "lookahead": ahead}

        edge_list = ", ".join(f"{u} → {v}" for u, v in edges)
        prompt = (
            para(f"A graph has the edges {edge_list} (in this order). Start: {start}; goal: {goal}."),
            graph_figure(dag),
            para(f"The context length is n = {n}. Token ids: V_max = (n − 5)/3 rounded down, vertices are 1..V_max "
                 "(0 is reserved), PATH = V_max + 1, EDGE = V_max + 2, PAD = V_max + 3, QUERY = V_max + 4. The "
                 "input is left padding, then EDGE u v for each edge in the order given, then QUERY start goal, "
                 "then PATH start."),
            para("The lookahead L is what the paper's generator computes (lookahead_depth): search breadth-first "
                 "from the start, one layer of vertices per step (layer d: the vertices at distance d from the "
                 "start), each vertex tagged with the child of the start it was first reached through (a vertex "
                 "reached in the same step through n₁, the first vertex of the shortest path, takes n₁'s tag). "
                 "Then check the layers d = 1, 2, 3, … in order: if every vertex of layer d carries n₁'s tag, "
                 "L = d − 1; otherwise, if layer d holds the goal, L = d; otherwise go on to layer d + 1. "
                 "Equivalently, L = min(|P|, M): |P| is the length of the shortest path (the goal's distance) and "
                 "M the greatest distance from the start of a vertex not tagged n₁ (one that no shortest path "
                 "through n₁ reaches; 0 if there is none)."),
        )
        task = (
            para("(a) Write the token sequence. (b) Which next vertices are useful (children of the start that "
                 "reach the goal)? (c) What is the lookahead L?"),
        )
        distractors = (
            Distractor((braces(all_children(dag, start)),), mistakes.ALL_CHILDREN_USEFUL, all_children(dag, start)),
            Distractor((braces(goal_parents(dag, goal)),), mistakes.GOAL_PARENTS, goal_parents(dag, goal)),
            Distractor((braces(all_reachable(dag, start)),), mistakes.ALL_REACHABLE, all_reachable(dag, start)),
        )
        pad = n - (3 * len(edges) + 5)
        checks = "; ".join(
            f"{c}: " + ("is the goal" if c == goal else "reaches the goal" if c in useful else "cannot reach the goal")
            for c in dag.children(start)
        )
        outside = [v for v in dag.reachable(start) if from_start[v] != 1 + from_following.get(v, -2)]
        deepest = max((from_start[v] for v in outside), default=0)
        rounded = "" if (n - 5) % 3 == 0 else " rounded down"
        others = ", ".join(f"{k} = {v}" for k, v in special.items() if k != "V_max")
        steps = (
            step("Special tokens.", para(f"V_max = ({n} − 5)/3{rounded} = {special['V_max']}, {others}.")),
            step("Count and pad.", para(f"{len(edges)} edges × 3 + QUERY s g (3) + PATH s (2) = {3 * len(edges) + 5} "
                                        f"tokens, so {pad} PAD token{'' if pad == 1 else 's'} on the left.")),
            step("The sequence, twelve positions a row.", table(
                ["positions", "tokens"],
                [[f"{a}–{min(a + 11, n - 1)}" if a < n - 1 else str(a), " ".join(map(str, tokens[a:a + 12]))]
                 for a in range(0, n, 12)],
            )),
            step("Useful next vertices.", para(f"Children of {start}: {checks}.")),
            step(f"Lookahead: n₁ = {following}; breadth-first layers, each vertex with its tag.", table(
                ["distance from the start", "layer (vertex:tag)"],
                [[str(k + 1), " ".join(f"{v}:{b}" for v, b in layer)] for k, layer in enumerate(layers)],
            ), para(
                (f"Layer {len(layers)} is the first in which every vertex carries {following}'s tag, so "
                 f"L = {len(layers)} − 1 = {ahead}. " if all(b == following for _, b in layers[-1])
                 else f"Layer {len(layers)} holds the goal and a vertex with another tag, so L = {ahead}. ")
                + f"Equivalently, |P| = {shortest}; the vertices no shortest path through {following} reaches are "
                + (", ".join(map(str, outside)) or "none")
                + f", the farthest {deepest} edge{'' if deepest == 1 else 's'} from the start, so M = {deepest}; "
                f"L = min({shortest}, {deepest}) = {ahead}."
            )),
        )
        answer = (
            para("(a) Tokens: " + " ".join(map(str, tokens))),
            para("(b) Useful next vertices: ", braces(useful), "."),
            para(f"(c) Lookahead L = {ahead}."),
        )
        return Solution(truth, prompt, task, answer, steps, (f"Which next vertices from {start} are useful?",),
                        (braces(useful),), distractors, value=useful, entry="set")
