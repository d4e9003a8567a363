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
    "easy": ((1, 2), (1, 2), (1, 1), (0, 1), (0, 2)),
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


def lookahead(dag: Dag, start: int, goal: int) -> int:
    """The paper's lookahead L = min(|P|, max_i |S_i|): P is a shortest path to the goal and
    the S_i are the paths that leave the start through a child that cannot reach the goal
    (dead ends). It is how far one must search before the first move is safe; with no dead
    end there is nothing to rule out and L = 0."""
    path = dag.distances(start)[goal]
    useful = useful_children(dag, start, goal)
    dead_ends = [1 + dag.height[c] for c in dag.children(start) if c not in useful]
    return min(path, max(dead_ends)) if dead_ends else 0


class SearchTokens(Family):
    """Encode a search problem in the paper's token format and name the useful next vertices."""

    id = "search.tokens"
    version = 1
    title = "Search input encoding"
    tags = ("topic::search", "seed::001")
    levels = {
        "easy": "the goal 1-2 edges away, one dead-end branch, little padding",
        "medium": "the goal 2-4 edges away, one or two dead ends up to 3 deep, more padding",
        "hard": "the goal 3-5 edges away, dead ends up to 5 deep, sometimes a second useful branch",
    }
    input_keys = ("edges", "start", "goal", "n")
    truth_keys = ("tokens", "useful", "lookahead")

    def draw(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        (p_lo, p_hi), (b_lo, b_hi), (k_lo, k_hi), (x_lo, x_hi), (pad_lo, pad_hi) = SEARCH_LEVELS[difficulty]
        length = int(rng.integers(p_lo, p_hi + 1))
        branches = [int(rng.integers(b_lo, b_hi + 1)) for _ in range(int(rng.integers(k_lo, k_hi + 1)))]
        extras = int(rng.integers(x_lo, x_hi + 1))
        second_route = difficulty == "hard" and rng.random() < 0.5
        vertices = length + 1 + sum(branches) + extras + second_route
        n = 3 * (vertices - 1 + second_route) + 5 + int(rng.integers(pad_lo, pad_hi + 1))
        ids = iter(int(v) for v in rng.choice(special_tokens(n)["V_max"] + 1, size=vertices, replace=False))
        path = [next(ids) for _ in range(length + 1)]
        start, goal = path[0], path[-1]
        edges = list(zip(path, path[1:]))
        for branch in branches:  # dead ends: start → b1 → … → bk
            chain = [start] + [next(ids) for _ in range(branch)]
            edges += zip(chain, chain[1:])
        if second_route:  # start → r → path[2]: a second useful child, the goal no nearer
            r = next(ids)
            edges += [(start, r), (r, path[min(2, length)])]
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
        tokens = encode(edges, start, goal, n)
        useful = useful_children(dag, start, goal)
        shortest = dag.distances(start)[goal]
        dead_ends = {c: 1 + dag.height[c] for c in dag.children(start) if c not in useful}
        ahead = lookahead(dag, start, goal)
        truth = {"tokens": tokens, "useful": useful, "lookahead": ahead}

        edge_list = ", ".join(f"{u} → {v}" for u, v in edges)
        prompt = (
            para(f"A graph has the edges {edge_list} (in this order). Start: {start}; goal: {goal}."),
            graph_figure(dag),
            para(f"The context length is n = {n}. Token ids: V_max = (n − 5) // 3, PATH = V_max + 1, "
                 "EDGE = V_max + 2, PAD = V_max + 3, QUERY = V_max + 4. The input is left padding, then "
                 "EDGE u v for each edge in the order given, then QUERY start goal, then PATH start."),
        )
        task = (
            para("(a) Write the token sequence. (b) Which next vertices are useful (children of the start that "
                 "reach the goal)? (c) What is the lookahead L = min(|P|, max |S_i|), where |P| is the length of a "
                 "shortest path from start to goal and the S_i are the paths that leave the start through a child "
                 "that cannot reach the goal (lengths in edges)?"),
        )
        reach = dag.reachable(start)
        distractors = (
            Distractor((braces(dag.children(start)),), mistakes.ALL_CHILDREN_USEFUL),
            Distractor((braces(dag.parents(goal)),), mistakes.GOAL_PARENTS),
            Distractor((braces(reach),), mistakes.ALL_REACHABLE),
        )
        pad = n - (3 * len(edges) + 5)
        checks = "; ".join(
            f"{c}: " + ("is the goal" if c == goal else "reaches the goal" if c in useful else "cannot reach the goal")
            for c in dag.children(start)
        )
        steps = (
            step("Special tokens.", para(", ".join(f"{k} = {v}" for k, v in special.items()) + ".")),
            step("Count and pad.", para(f"{len(edges)} edges × 3 + QUERY s g (3) + PATH s (2) = {3 * len(edges) + 5} "
                                        f"tokens, so {pad} PAD token(s) on the left.")),
            step("The sequence, twelve positions a row.", table(
                ["positions", "tokens"],
                [[f"{a}–{min(a + 11, n - 1)}", " ".join(map(str, tokens[a:a + 12]))] for a in range(0, n, 12)],
            )),
            step("Useful next vertices.", para(f"Children of {start}: {checks}.")),
            step("Lookahead.", para(
                f"|P| = {shortest}; dead-end branches from {start}: "
                + (", ".join(f"via {c}, {d} edge(s) deep" for c, d in dead_ends.items()) or "none")
                + f"; L = min({shortest}, {max(dead_ends.values(), default=0)}) = {ahead}."
                + ("" if ahead < shortest else " Reaching the goal settles it no later than ruling out the dead ends.")
            )),
        )
        answer = (
            para("Tokens: " + " ".join(map(str, tokens))),
            para("Useful next vertices: ", braces(useful), f"; lookahead {ahead}."),
        )
        return Solution(truth, prompt, task, answer, steps, (f"Which next vertices from {start} are useful?",),
                        (braces(useful),), distractors)
