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
from quizgen.model.problem import Distractor, Mistake, Solution

# per level: the longest path L, and how many vertices hang off it
REACH_LEVELS = {
    "easy": ((3, 5), (0, 1)),
    "medium": ((4, 6), (1, 2)),
    "hard": ((5, 9), (1, 3)),
}


def has_no_shortcut(dag: Dag) -> bool:
    """Whether some pair of vertices is L edges apart at the shortest, so that the sets
    really keep growing until round ceil(log2 L) and BFS really needs L − 1 rounds."""
    return max(max(dag.distances(v).values()) for v in dag.vertices) == dag.longest_path


def merge_and_bfs(length: int) -> list[int]:
    """[path-merging rounds, frontier-only BFS rounds] after round 0 for a longest path of L edges."""
    return [rounds_needed(length), length - 1]


# ----------------------------------------------------------------- the mistakes, one function each


def frontier_bfs(length: int) -> list[int]:
    """Counts merging like frontier-only BFS, one edge per round: L − 1 for both."""
    return [length - 1, length - 1]


def one_round_per_edge(length: int) -> list[int]:
    """Counts one round per edge of the longest path: L for both."""
    return [length, length]


def floor_log(length: int) -> list[int]:
    """Rounds log₂ L down instead of up."""
    return [math.floor(math.log2(length)), length - 1]


def counts_vertices(length: int) -> list[int]:
    """Measures the longest path in vertices (L + 1) instead of edges."""
    return merge_and_bfs(length + 1)


class MergeReachable(Family):
    """Follow path-merging round by round: reachable sets double their reach, so ceil(log2 L) rounds suffice."""

    id = "merge.reachable"
    version = 2
    title = "Path-merging rounds"
    tags = ("topic::merging", "seed::000", "seed::001")
    levels = {
        "easy": "a path of 3-5 edges with at most one vertex hanging off it",
        "medium": "a longest path of 4-6 edges with a branching vertex",
        "hard": "a longest path of 5-9 edges: L − 1 grows well past ceil(log2 L) (4 against 3 at L = 5, 8 against 4 at L = 9)",
    }
    input_keys = ("vertices", "edges")
    truth_keys = ("rounds", "rounds_needed", "longest_path")

    def draw(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        (l_lo, l_hi), (x_lo, x_hi) = REACH_LEVELS[difficulty]
        length = int(rng.integers(l_lo, l_hi + 1))
        dag, _ = branching_dag(rng, length, int(rng.integers(x_lo, x_hi + 1)))
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
        made = (
            (frontier_bfs(length), mistakes.FRONTIER_BFS),
            (one_round_per_edge(length), mistakes.ONE_ROUND_PER_EDGE),
            (floor_log(length), mistakes.FLOOR_LOG),
            (counts_vertices(length), mistakes.COUNTS_VERTICES),
        )
        distractors = tuple(Distractor(rounds_option(value), mistake, value) for value, mistake in made)
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
            para("(a) The reachable sets, round by round (the last column holds everything reachable):"),
            table(["vertex", *(f"S_{r}(v)" for r in range(len(rounds)))],
                  [[str(v), *(braces(r[v]) for r in rounds)] for v in dag.vertices]),
            para(f"(b) {plural(needed)} of path-merging after round 0 (L = {length}, ⌈log₂ L⌉ = {needed}). "
                 f"(c) {plural(length - 1)} of frontier-only BFS (L − 1)."),
        )
        return Solution(truth, prompt, task, answer, tuple(steps),
                        ("How many rounds after round 0 do path-merging and frontier-only BFS need?",),
                        rounds_option(merge_and_bfs(length)), distractors, value=merge_and_bfs(length),
                        entry=[["path-merging rounds", "number"], ["frontier-only BFS rounds", "number"]])


def plural(rounds: int) -> str:
    return f"{rounds} round" + ("" if rounds == 1 else "s")


def rounds_option(value: list[int]) -> tuple[str]:
    return (f"path-merging {plural(value[0])}, frontier-only BFS {plural(value[1])}",)


# per level: edge triples, offsets, queries, the share of each pitfall
POSITION_LEVELS = {
    "easy": ((2, 3), (-1,), 1, {"marker-answers": 0.15}),
    "medium": ((3, 3), (-1, 1), 2, {"marker-answers": 0.15}),
    "hard": ((3, 4), (-2, -1, 1, 2), 3, {"marker-answers": 0.15, "points-outside": 0.15}),
}
MARKER = "EDGE"


def pointed(tokens: list[str], query: int, offset: int) -> int | None:
    """The position the query at ``query`` points at (p + offset), or None outside the sequence."""
    target = query + offset
    return target if 0 <= target < len(tokens) else None


def query_kind(tokens: list[str], query: int, offset: int) -> str:
    """"typical" (a vertex token answers), "marker-answers" or "points-outside"."""
    target = pointed(tokens, query, offset)
    if target is None:
        return "points-outside"
    return "marker-answers" if tokens[target] == MARKER else "typical"


def position_value(position: int | None) -> int | str:
    """An option's value: the answering position, or "none" when nothing answers."""
    return "none" if position is None else position


def shifted(position: int | str, offset: int) -> str:
    """``p + offset`` written out, e.g. ``4 − 1`` or ``p + 2``."""
    return f"{position} {'+' if offset > 0 else '−'} {abs(offset)}"


# ----------------------------------------------------------------- the mistakes, one function each


def shift_wrong_way(tokens: list[str], query: int, offset: int) -> int | str:
    """Shifts the position the other way: p − offset."""
    return position_value(pointed(tokens, query, -offset))


def attends_to_self(query: int) -> int:
    """Lets the query match its own position."""
    return query


def skips_markers(tokens: list[str], query: int, offset: int) -> int | str:
    """Steps |offset| vertex tokens from the query, as if the EDGE markers had no position."""
    vertex_positions = [p for p, t in enumerate(tokens) if t != MARKER]
    step = 1 if offset > 0 else -1
    ahead = [p for p in vertex_positions if (p - query) * step > 0]
    ahead.sort(key=lambda p: abs(p - query))
    return ahead[abs(offset) - 1] if len(ahead) >= abs(offset) else "none"


class MergePosition(Family):
    """Position-based matching: a query points at position p + offset and the key there answers."""

    id = "merge.position"
    version = 2
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
        (lo, hi), offsets, n_queries, pitfalls = POSITION_LEVELS[difficulty]
        roll, case = rng.random(), "typical"
        for name, share in pitfalls.items():
            if roll < share:
                case = name
                break
            roll -= share
        dag = draw_dag(rng, (lo + 1, hi + 1), 0.6, lambda d: lo <= len(d.edges) <= hi, max_id=9)
        tokens = [t for u, v in dag.edges for t in (MARKER, str(u), str(v))]
        offset = int(rng.choice(offsets))
        positions = range(len(tokens)) if difficulty == "hard" else [p for p, t in enumerate(tokens) if t != MARKER]
        typical = [p for p in positions if query_kind(tokens, p, offset) == "typical"]
        chosen = [] if case == "typical" else [p for p in positions if query_kind(tokens, p, offset) == case]
        if len(typical) < n_queries or (case != "typical" and not chosen):
            raise Redraw("too few queries of the kinds wanted")
        queries = [int(q) for q in rng.choice(typical, size=n_queries, replace=False)]
        asked = int(rng.integers(n_queries))
        if chosen:  # the pitfall query is the one the multiple-choice question asks about
            queries[asked] = int(rng.choice(chosen))
        return {"tokens": tokens, "offset": offset, "queries": sorted(queries), "asked": queries[asked]}

    def case(self, inputs: dict[str, Any], truth: dict[str, Any]) -> str:
        kinds = {query_kind(inputs["tokens"], q, inputs["offset"]) for q in inputs["queries"]}
        return next((k for k in ("points-outside", "marker-answers") if k in kinds), "typical")

    def solve(self, inputs: dict[str, Any]) -> Solution:
        tokens, offset, queries, asked = inputs["tokens"], inputs["offset"], inputs["queries"], inputs["asked"]
        n = len(tokens)
        keys = np.eye(n)
        shift = np.eye(n, k=-offset)  # row p + offset has its 1 in column p: Q_p = e_(p+offset)
        q = (shift @ np.eye(n)[:, queries]).T
        s = q @ keys.T
        targets = {p: pointed(tokens, p, offset) for p in queries}
        truth = {
            "pointed": {str(p): t for p, t in targets.items()},
            "answers": {str(p): None if t is None else tokens[t] for p, t in targets.items()},
            "scores": s.astype(int).tolist(),
        }
        prompt = (
            para("An input sequence of edge triples, with each token's position:"),
            table(["position", *map(str, range(n))], [["token", *tokens]]),
            para("Each token's embedding holds a one-hot of its position, as a column vector (a matrix W acts on "
                 "it as W·x). W_K copies it, so ", sym("K", "i"), " = ", sym("e", "i"),
                 "; W_Q shifts it, so the query of the token at position p is ", sym("Q", "p"), " = ",
                 sym("e", f"p{offset:+d}"), ", or the zero vector when ", shifted("p", offset),
                 " is not a position (the shift has nowhere to put it). Scores are ", sym("Q", "p"), " · ",
                 sym("K", "i"), " over all positions i; every position, markers included, has a key."),
        )
        task = (
            para(("For each query position " + ", ".join(map(str, queries)) if len(queries) > 1
                  else f"For the query at position {queries[0]}")
                 + ": which position does the query point at, and which token answers it?"),
        )

        def read(value: int | str) -> tuple:
            if value == "none":
                return ("no position answers (an all-zero score row)",)
            return (f"position {value} (token {tokens[value]})",)

        made = (
            (skips_markers(tokens, asked, offset), mistakes.SKIPS_MARKERS),
            (shift_wrong_way(tokens, asked, offset),
             Mistake(mistakes.SHIFT_WRONG_WAY.name,
                     f"shifts the position the other way ({shifted('p', -offset)} instead of {shifted('p', offset)})")),
            (attends_to_self(asked), mistakes.ATTENDS_TO_SELF),
        )
        distractors = tuple(Distractor(read(value), mistake, value) for value, mistake in made)
        steps = [
            step(f"Shift matrix: W_Q moves the one-hot of position p to {shifted('p', offset)}.",
                 Display(seq(sym("W", "Q"), "=", mat(shift)))),
            step("Score rows of the queries (columns are key positions).",
                 labelled_matrix(s, [f"Q_{p}" for p in queries], range(n), "query \\ key")),
            step("Read the matches.", table(
                ["query position", "points at", "answering token"],
                [[str(p), "outside" if t is None else str(t), "none (uniform after softmax)" if t is None else tokens[t]]
                 for p, t in targets.items()],
            )),
        ]
        for p, t in targets.items():
            if t is None:
                steps.append(step(f"Trap: the query at {p} points outside the sequence.", para(
                    f"{shifted(p, offset)} = {p + offset} is not a position: its score row is all zeros, so nothing "
                    "answers (softmax would spread the weight evenly).")))
            elif tokens[t] == MARKER:
                steps.append(step(f"Trap: the query at {p} is answered by an EDGE marker.", para(
                    f"{shifted(p, offset)} = {t} holds the marker {MARKER}. Matching by position counts every token, "
                    "markers included; skipping the markers would land on a vertex token, which is wrong here.")))
        answer = (para("; ".join(
            f"{p} → " + ("nothing (points outside)" if t is None else f"position {t}, token {tokens[t]}")
            for p, t in targets.items()) + "."),)
        right = position_value(targets[asked])
        return Solution(truth, prompt, task, answer, tuple(steps),
                        (f"Which position answers the query at position {asked}?",), read(right), distractors,
                        value=right)
