"""merge.reachable and merge.position: path-merging by reachable sets, and by positions."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from quizgen.model import mistakes
from quizgen.model.content import Display, braces, mat, para, seq, step, sym, table
from quizgen.model.family import Family, Redraw
from quizgen.families.common import dag_from, describe_graph, draw_dag, graph_figure, labelled_matrix, max_children
from quizgen.math.graphs import Dag, branching_dag, merge_rounds, rounds_needed
from quizgen.model.problem import Distractor, Solution

REACH_LEVELS = {
    "easy": ((4, 5), (3, 4)),
    "medium": ((5, 7), (4, 5)),
    "hard": ((6, 11), (5, 9)),
}


def has_no_shortcut(dag: Dag) -> bool:
    """Whether some pair of vertices is L edges apart at the shortest, so that the sets
    really keep growing until round ceil(log2 L) and BFS really needs L − 1 rounds."""
    return max(max(dag.distances(v).values()) for v in dag.vertices) == dag.longest_path


class MergeReachable(Family):
    """Follow path-merging round by round: reachable sets double their reach, so ceil(log2 L) rounds suffice."""

    id = "merge.reachable"
    version = 1
    title = "Path-merging rounds"
    tags = ("topic::merging", "seed::000", "seed::001")
    levels = {
        "easy": "4-5 vertices, longest path 3-4",
        "medium": "5-7 vertices with a branching vertex, longest path 4-5",
        "hard": "6-10 vertices, longest path 5-9, where ceil(log2 L) and L − 1 far apart",
    }
    input_keys = ("vertices", "edges")
    truth_keys = ("rounds", "rounds_needed", "longest_path")

    def draw(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        (lo, hi), (l_lo, l_hi) = REACH_LEVELS[difficulty]
        length = int(rng.integers(l_lo, l_hi + 1))
        size = int(rng.integers(max(lo, length + 1), max(hi, length + 1) + 1))
        dag, _ = branching_dag(rng, length, size - length - 1)
        if not (l_lo <= dag.longest_path <= l_hi and has_no_shortcut(dag)
                and (difficulty == "easy" or max_children(dag) >= 2)):
            raise Redraw("graph does not fit the level")
        return {"vertices": list(dag.vertices), "edges": [list(e) for e in dag.edges]}

    def solve(self, inputs: dict[str, Any]) -> Solution:
        dag = dag_from(inputs["vertices"], inputs["edges"])
        rounds = merge_rounds(dag)
        length = dag.longest_path
        needed = rounds_needed(length)
        truth = {
            "rounds": [{str(v): sorted(s) for v, s in r.items()} for r in rounds],
            "rounds_needed": needed,
            "longest_path": length,
        }
        prompt = (
            describe_graph(dag), graph_figure(dag),
            para("Path-merging keeps a reachable set per vertex. Round 0: ", sym("S", "0"), "(v) = {v} ∪ children(v). "
                 "Each round every vertex merges the sets of the vertices it already reaches: ",
                 sym("S", "r+1"), "(v) = ∪ over w ∈ ", sym("S", "r"), "(v) of ", sym("S", "r"), "(w)."),
        )
        task = (
            para("(a) Write the sets of every round until each set holds everything reachable. "
                 "(b) How many merge rounds after round 0 are needed? "
                 "(c) How many would frontier-only BFS (one edge per round) need after round 0?"),
        )
        path = dag.longest_path_vertices()

        def count(value: int) -> tuple:
            return (f"{value} round" + ("" if value == 1 else "s"),)

        distractors = (
            Distractor(count(length - 1), mistakes.FRONTIER_BFS),
            Distractor(count(length), mistakes.ONE_ROUND_PER_EDGE),
            Distractor(count(math.floor(math.log2(length))), mistakes.FLOOR_LOG),
            Distractor(count(rounds_needed(length + 1)), mistakes.COUNTS_VERTICES),
        )
        steps = [
            step("Longest path.", para(" → ".join(map(str, path)) + f": L = {length} edges.")),
        ]
        for r, sets in enumerate(rounds):
            reach = "1 edge" if r == 0 else f"paths of up to {2 ** r} edges"
            steps.append(step(
                f"Round {r}: the sets cover {reach}.",
                table(["vertex", f"S_{r}(v)"], [[str(v), braces(s)] for v, s in sets.items()]),
            ))
        steps.append(step(
            "Count the rounds.",
            para(f"Round r covers paths of 2^r edges, so we need 2^r ≥ L = {length}: r = ⌈log₂ {length}⌉ = {needed}. "
                 f"Frontier-only BFS grows by one edge per round and needs L − 1 = {length - 1}."),
        ))
        answer = (
            para(f"{needed} merge round" + ("" if needed == 1 else "s") + f" after round 0 (L = {length}, ⌈log₂ L⌉ = {needed}); "
                 f"frontier-only BFS needs L − 1 = {length - 1}."),
            table(["vertex", "reachable (final set)"], [[str(v), braces(s)] for v, s in rounds[-1].items()]),
        )
        return Solution(truth, prompt, task, answer, tuple(steps),
                        ("How many merge rounds after round 0 are needed?",), count(needed), distractors)


POSITION_LEVELS = {
    "easy": ((2, 3), (-1,), 1),
    "medium": ((3, 3), (-1, 1), 2),
    "hard": ((3, 4), (-2, -1, 1, 2), 3),
}


class MergePosition(Family):
    """Position-based matching: a query points at position p + offset and the key there answers."""

    id = "merge.position"
    version = 1
    title = "Position-based matching"
    tags = ("topic::merging", "seed::000")
    levels = {
        "easy": "2-3 edge triples, a previous-token query (offset −1), one query",
        "medium": "3 edge triples, offset ±1, two queries, the score rows written out",
        "hard": "3-4 edge triples, offset ±1 or ±2, three queries, one may point past the sequence",
    }
    input_keys = ("tokens", "offset", "queries")
    truth_keys = ("pointed", "answers", "scores")

    def draw(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        (lo, hi), offsets, n_queries = POSITION_LEVELS[difficulty]
        dag = draw_dag(rng, (lo + 1, hi + 1), 0.6, lambda d: lo <= len(d.edges) <= hi, max_id=9)
        tokens = [t for u, v in dag.edges for t in ("EDGE", str(u), str(v))]
        offset = int(rng.choice(offsets))
        vertex_positions = [p for p, t in enumerate(tokens) if t != "EDGE"]
        candidates = vertex_positions if difficulty != "hard" else list(range(len(tokens)))
        queries = sorted(rng.choice(candidates, size=n_queries, replace=False).tolist())
        if difficulty != "hard" and any(not 0 <= q + offset < len(tokens) for q in queries):
            raise Redraw("query points outside the sequence")
        return {"tokens": tokens, "offset": offset, "queries": [int(q) for q in queries]}

    def solve(self, inputs: dict[str, Any]) -> Solution:
        tokens, offset, queries = inputs["tokens"], inputs["offset"], inputs["queries"]
        n = len(tokens)
        keys = np.eye(n)
        shift = np.eye(n, k=-offset)  # row p + offset has its 1 in column p: Q_p = e_(p+offset)
        q = (shift @ np.eye(n)[:, queries]).T
        s = q @ keys.T

        def target(p: int) -> int | None:
            return p + offset if 0 <= p + offset < n else None

        pointed = {str(p): target(p) for p in queries}
        truth = {
            "pointed": pointed,
            "answers": {str(p): None if t is None else tokens[t] for p, t in zip(queries, pointed.values())},
            "scores": s.astype(int).tolist(),
        }
        prompt = (
            para("An input sequence of edge triples, with each token's position:"),
            table(["position", *map(str, range(n))], [["token", *tokens]]),
            para("Each token's embedding holds a one-hot of its position. W_K copies it, so ", sym("K", "i"),
                 " = ", sym("e", "i"), "; W_Q shifts it, so the query of the token at position p is ",
                 sym("Q", "p"), " = ", sym("e", f"p{offset:+d}"), ". Scores are ", sym("Q", "p"), " · ", sym("K", "i"),
                 " over all positions i."),
        )
        task = (
            para("For each query position " + ", ".join(map(str, queries)) + ": which position does the query point at, "
                 "and which token answers it?"),
        )
        first = queries[0]

        def read(position: int | None) -> tuple:
            if position is None or not 0 <= position < n:
                return ("no position answers (an all-zero score row)",)
            return (f"position {position} (token {tokens[position]})",)

        distractors = (
            Distractor(read(first - offset), mistakes.SHIFT_WRONG_WAY),
            Distractor(read(first), mistakes.ATTENDS_TO_SELF),
            Distractor(read(first + offset - 1), mistakes.POSITIONS_FROM_ONE),
        )
        steps = (
            step("Shift matrix: W_Q moves the one-hot of position p to p" + f"{offset:+d}.",
                 Display(seq(sym("W", "Q"), "=", mat(shift)))),
            step("Score rows of the queries (columns are key positions).",
                 labelled_matrix(s, [f"Q_{p}" for p in queries], range(n), "query \\ key")),
            step("Read the matches.", table(
                ["query position", "points at", "answering token"],
                [[str(p), "outside" if t is None else str(t), "none (uniform after softmax)" if t is None else tokens[t]]
                 for p, t in pointed.items()],
            )),
        )
        answer = (para("; ".join(
            f"{p} → " + ("nothing (points outside)" if t is None else f"position {t}, token {tokens[t]}")
            for p, t in pointed.items()) + "."),)
        return Solution(truth, prompt, task, answer, steps,
                        (f"Which position answers the query at position {first}?",), read(target(first)), distractors)
