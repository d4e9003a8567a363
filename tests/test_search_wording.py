"""search.tokens: the prompt's definition of the lookahead, followed literally as a student
would on the layer/tag table, gives the generator's number (truth["lookahead"]) in every problem.

The readings below work from the problem's inputs only (edges, start, goal); they share no code
with quizgen.families.search.
"""

from __future__ import annotations

import pytest

from quizgen.families import FAMILIES
from quizgen.model.family import make_problem
from quizgen.render import text

FAMILY = FAMILIES["search.tokens"]
SEEDS = range(300)
LEVELS = ("easy", "medium", "hard")

PROCEDURE = ("Then check the layers d = 1, 2, 3, … in order: if every vertex of layer d carries n₁'s tag, "
             "L = d − 1; otherwise, if layer d holds the goal, L = d; otherwise go on to layer d + 1.")
FORMULA = ("Equivalently, L = min(|P|, M): |P| is the length of the shortest path (the goal's distance) and "
           "M the greatest distance from the start of a vertex not tagged n₁ (one that no shortest path "
           "through n₁ reaches; 0 if there is none).")
OLD_SENTENCE = ("L counts the steps until the goal is reached or every vertex of the layer carries n₁'s tag, "
                "whichever comes first.")


def distances(edges, source):
    """Edges from ``source`` to each vertex it reaches, breadth-first."""
    dist, frontier = {source: 0}, [source]
    while frontier:
        nxt = []
        for u in frontier:
            for a, b in edges:
                if a == u and b not in dist:
                    dist[b] = dist[u] + 1
                    nxt.append(b)
        frontier = nxt
    return dist


def table(edges, start, goal):
    """n₁ and the whole layer/tag table: layer d = the vertices at distance d from the start, in
    the order first reached; each tagged with the child of the start it was first reached
    through, or n₁'s tag when a vertex of the layer before that carries it also reaches it."""
    dist = distances(edges, start)
    shortest = dist[goal]
    n1s = [b for a, b in edges if a == start and distances(edges, b).get(goal) == shortest - 1]
    assert len(n1s) == 1, "the problems draw one shortest first step"
    n1 = n1s[0]
    layers = [[(b, b) for a, b in edges if a == start]]
    while layers[-1]:
        d = len(layers) + 1
        tags: dict[int, int] = {}
        for u, tag in layers[-1]:
            for a, b in edges:
                if a == u and dist[b] == d:
                    if b not in tags or tag == n1:
                        tags[b] = tag
        layers.append(list(tags.items()))
    return n1, shortest, dist, layers[:-1]


def stop(edges, start, goal):
    """Where the prompt's procedure stops: (d, "tags") when every vertex of layer d carries n₁'s
    tag, else (d, "goal") when layer d holds the goal; the layers d = 1, 2, … in order."""
    n1, _, _, layers = table(edges, start, goal)
    for d, layer in enumerate(layers, start=1):
        if all(tag == n1 for _, tag in layer):
            return d, "tags"
        if any(v == goal for v, _ in layer):
            return d, "goal"
    raise AssertionError("the goal is reachable, so the procedure stops")


def new_reading(edges, start, goal):
    """The prompt's procedure: L = d − 1 on all tags n₁, L = d on the goal."""
    d, why = stop(edges, start, goal)
    return d - 1 if why == "tags" else d


def formula(edges, start, goal):
    """L = min(|P|, M), M the greatest distance of a vertex not tagged n₁ (0 if none)."""
    n1, shortest, _, layers = table(edges, start, goal)
    m = max((d for d, layer in enumerate(layers, start=1) if any(tag != n1 for _, tag in layer)), default=0)
    return min(shortest, m)


def formula_by_paths(edges, start, goal):
    """The same M read as: the vertices that no shortest path through n₁ reaches."""
    n1, shortest, dist, _ = table(edges, start, goal)
    from_n1 = distances(edges, n1)
    outside = [v for v in dist if v != start and dist[v] != 1 + from_n1.get(v, -2)]
    return min(shortest, max((dist[v] for v in outside), default=0))


def old_reading(edges, start, goal):
    """The old sentence read literally, layer d reached at step d: "L counts the steps until the goal
    is reached or every vertex of the layer carries n₁'s tag, whichever comes first"."""
    n1, _, _, layers = table(edges, start, goal)
    for d, layer in enumerate(layers, start=1):
        if any(v == goal for v, _ in layer) or all(tag == n1 for _, tag in layer):
            return d
    raise AssertionError("the goal is reachable, so the procedure stops")


def problems(level):
    for seed in SEEDS:
        p = make_problem(FAMILY, seed, level)
        yield seed, p, ([tuple(e) for e in p.inputs["edges"]], p.inputs["start"], p.inputs["goal"])


def prompt_text(p) -> str:
    return " ".join(text.inline(b.pieces) for b in p.solution.prompt if hasattr(b, "pieces"))


@pytest.mark.parametrize("level", LEVELS)
def test_the_prompt_states_the_procedure_and_the_formula(level):
    for _, p, _ in problems(level):
        said = prompt_text(p)
        assert PROCEDURE in said and FORMULA in said and OLD_SENTENCE not in said


def written_reading(p):
    """The reading of the definition the prompt states (the new procedure or the old sentence)."""
    said = prompt_text(p)
    readings = [reading for sentence, reading in ((PROCEDURE, new_reading), (OLD_SENTENCE, old_reading))
                if sentence in said]
    assert len(readings) == 1, "the prompt states exactly one definition of L"
    return readings[0]


@pytest.mark.parametrize("level", LEVELS)
def test_the_procedure_as_written_gives_the_generators_lookahead(level):
    wrong = [(seed, written_reading(p)(*args), p.truth["lookahead"]) for seed, p, args in problems(level)
             if written_reading(p)(*args) != p.truth["lookahead"]]
    assert wrong == [], f"{len(wrong)}/{len(SEEDS)} {level} problems: (seed, as written, truth) {wrong[:5]}"


@pytest.mark.parametrize("level", LEVELS)
def test_the_formula_gives_the_generators_lookahead(level):
    wrong = [(seed, formula(*args), formula_by_paths(*args), p.truth["lookahead"]) for seed, p, args in problems(level)
             if not formula(*args) == formula_by_paths(*args) == p.truth["lookahead"]]
    assert wrong == []


@pytest.mark.parametrize("level", LEVELS)
def test_the_worked_step_names_the_layer_where_the_procedure_stops(level):
    for _, p, args in problems(level):
        n1, (d, why), L = table(*args)[0], stop(*args), p.truth["lookahead"]
        said = " ".join(text.inline(b.pieces) for st in p.solution.steps for b in st.blocks if hasattr(b, "pieces"))
        if why == "tags":
            assert f"Layer {d} is the first in which every vertex carries {n1}'s tag, so L = {d} − 1 = {L}." in said
        else:
            assert f"Layer {d} holds the goal and a vertex with another tag, so L = {L}." in said


def test_the_old_sentence_read_literally_disagreed():
    """The defect the new wording fixes: counting layer d as step d, the old sentence gave
    min(|P|, M + 1). Easy seed 0 (1 → 5, 1 → 2, 5 → 3; start 1, goal 3): layer 2 = {3:5} holds
    the goal and is all n₁'s, so the old reading said 2; the generator says 1. Medium seed 1:
    layer 3 = {4:9}, old reading 3, generator 2."""
    for level, seed, old, truth in (("easy", 0, 2, 1), ("medium", 1, 3, 2)):
        p = make_problem(FAMILY, seed, level)
        args = ([tuple(e) for e in p.inputs["edges"]], p.inputs["start"], p.inputs["goal"])
        assert (old_reading(*args), new_reading(*args), p.truth["lookahead"]) == (old, truth, truth)
    for level in LEVELS:
        assert any(old_reading(*args) != p.truth["lookahead"] for _, p, args in problems(level))
