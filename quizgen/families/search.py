"""search.tokens: the search paper's input encoding, the useful next vertices and the lookahead."""

from __future__ import annotations

from typing import Any

import numpy as np

from quizgen import mistakes
from quizgen.content import braces, para, step, table
from quizgen.family import Family, Redraw
from quizgen.families.common import graph_figure
from quizgen.graphs import Dag, branching_dag
from quizgen.problem import Distractor, Solution

SEARCH_LEVELS = {
    "easy": ((4, 5), (1, 2), (0, 2)),
    "medium": ((5, 7), (2, 3), (3, 6)),
    "hard": ((6, 8), (3, 5), (3, 8)),
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


class SearchTokens(Family):
    """Encode a search problem in the paper's token format and name the useful next vertices."""

    id = "search.tokens"
    version = 1
    title = "Search input encoding"
    tags = ("topic::search", "seed::001")
    levels = {
        "easy": "4-5 vertices, the goal 1-2 edges away, little padding",
        "medium": "5-7 vertices, lookahead 2-3, more padding",
        "hard": "6-8 vertices, lookahead 3-5, often two useful branches",
    }
    input_keys = ("edges", "start", "goal", "n")
    truth_keys = ("tokens", "useful", "lookahead")

    def draw(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        (lo, hi), (la_lo, la_hi), (pad_lo, pad_hi) = SEARCH_LEVELS[difficulty]
        lookahead = int(rng.integers(la_lo, la_hi + 1))
        size = int(rng.integers(max(lo, lookahead + 2), max(hi, lookahead + 2) + 1))
        second_route = difficulty == "hard" and rng.random() < 0.6
        edges_count = size - 1 + second_route
        n = 3 * edges_count + 5 + int(rng.integers(pad_lo, pad_hi + 1))
        v_max = special_tokens(n)["V_max"]
        dag, path = branching_dag(rng, lookahead, size - lookahead - 1, ids=list(range(v_max + 1)))
        start, goal = path[0], path[-1]
        side = [c for c in dag.children(start) if c != path[1]]
        if not side:
            raise Redraw("the start needs a second branch to choose against")
        edges = [list(e) for e in dag.edges]
        if second_route:
            # a second useful branch: start → c → path[2] keeps the goal `lookahead` edges away
            join = path[2] if lookahead >= 2 else goal
            if [side[0], join] in edges:
                raise Redraw("the join edge is there already")
            edges.insert(int(rng.integers(len(edges) + 1)), [side[0], join])
        return {"edges": edges, "start": start, "goal": goal, "n": n}

    def solve(self, inputs: dict[str, Any]) -> Solution:
        edges, start, goal, n = inputs["edges"], inputs["start"], inputs["goal"], inputs["n"]
        vertices = sorted({v for e in edges for v in e})
        dag = Dag(tuple(vertices), tuple((u, v) for u, v in edges))
        special = special_tokens(n)
        tokens = encode(edges, start, goal, n)
        useful = useful_children(dag, start, goal)
        lookahead = dag.distances(start)[goal]
        truth = {"tokens": tokens, "useful": useful, "lookahead": lookahead}

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
                 "reach the goal)? (c) What is the lookahead (edges on the shortest path from start to goal)?"),
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
            step("Lookahead.", para(f"The shortest path from {start} to {goal} has {lookahead} edge(s).")),
        )
        answer = (
            para("Tokens: " + " ".join(map(str, tokens))),
            para("Useful next vertices: ", braces(useful), f"; lookahead {lookahead}."),
        )
        return Solution(truth, prompt, task, answer, steps, (f"Which next vertices from {start} are useful?",),
                        (braces(useful),), distractors)
