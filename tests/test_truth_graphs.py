"""Each graph family's truth against an independent computation, over 1,000 seeds each.

The oracles here use networkx or plain loops over the edge list, never quizgen's own
helpers, so a bug in the shared math cannot hide in both places.
"""

from __future__ import annotations

import math

import networkx as nx
import pytest

from conftest import many


def digraph(vertices, edges) -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(vertices)
    g.add_edges_from(tuple(e) for e in edges)
    return g


def children_loop(v, edges) -> list:
    return [b for a, b in edges if a == v]


def test_graph_embeddings_rows_built_by_loops():
    for p in many("graph.embeddings"):
        slots, edges = p.inputs["slots"], p.inputs["edges"]
        n = len(slots)
        positions = p.inputs.get("positions")
        width = max(positions.values()) + 1 if positions else 0
        for k, v in enumerate(slots):
            row = [0] * (2 * n + width)
            row[k] = 1
            for child in children_loop(v, edges):
                row[n + slots.index(child)] = 1
            if positions:
                row[2 * n + positions[str(v)]] = 1
            assert p.truth["embeddings"][k] == row, p.id


def test_qk_scores_equal_adjacency_and_explicit_dot_products():
    for p in many("qk.scores"):
        slots, edges = p.inputs["slots"], p.inputs["edges"]
        emb, w_q, w_k = p.inputs["embeddings"], p.inputs["W_Q"], p.inputs["W_K"]
        column = p.inputs["convention"] == "column"

        def apply(w, x):
            if column:  # W · x
                return [sum(w[r][c] * x[c] for c in range(len(x))) for r in range(len(w))]
            return [sum(x[r] * w[r][c] for r in range(len(x))) for c in range(len(w[0]))]  # x · W

        q = [apply(w_q, x) for x in emb]
        k = [apply(w_k, x) for x in emb]
        adjacency = nx.to_numpy_array(digraph(slots, edges), nodelist=slots)
        for j in range(len(slots)):
            for i in range(len(slots)):
                dot = sum(a * b for a, b in zip(q[j], k[i]))
                assert p.truth["scores"][j][i] == dot == adjacency[j, i], p.id
            expected = sorted(slots[i] for i in range(len(slots)) if adjacency[j, i] == 1)
            assert sorted(p.truth["attends_to"][str(slots[j])]) == expected, p.id


def test_qk_softmax_against_math_exp():
    for p in many("qk.softmax"):
        c, scale = p.inputs["magnitude"], p.inputs["scale"]
        logits = [c * scale * s for s in p.inputs["scores"]]
        exps = [math.exp(z) for z in logits]
        weights = [e / sum(exps) for e in exps]
        assert p.truth["weights"] == pytest.approx(weights, rel=1e-12, abs=1e-15), p.id
        assert math.isclose(sum(p.truth["weights"]), 1.0, rel_tol=1e-12)
        top = max(weights)
        winners = [i for i, w in enumerate(weights) if math.isclose(w, top, rel_tol=1e-9)]
        assert p.truth["attended"] == (winners[0] if len(winners) == 1 else None), p.id
        if d_k := p.inputs["d_k"]:
            assert scale == pytest.approx(1 / math.sqrt(d_k))


def test_merge_rounds_are_distance_balls_and_closure():
    for p in many("merge.reachable"):
        g = digraph(p.inputs["vertices"], p.inputs["edges"])
        closure = nx.transitive_closure_dag(g)
        length = nx.dag_longest_path_length(g)
        assert p.truth["longest_path"] == length
        assert p.truth["rounds_needed"] == (math.ceil(math.log2(length)) if length > 1 else 0)
        for r, sets in enumerate(p.truth["rounds"]):
            for v in g.nodes:
                ball = nx.single_source_shortest_path_length(g, v, cutoff=2 ** r)
                assert sets[str(v)] == sorted(ball), (p.id, r, v)
        for v in g.nodes:
            assert p.truth["rounds"][-1][str(v)] == sorted({v, *closure.successors(v)}), p.id
        # the level draws graphs where the last round is really needed
        if p.truth["rounds_needed"] > 0:
            assert p.truth["rounds"][-1] != p.truth["rounds"][-2], p.id


def test_merge_position_pointer_arithmetic():
    for p in many("merge.position"):
        tokens, offset = p.inputs["tokens"], p.inputs["offset"]
        for row, q in enumerate(p.inputs["queries"]):
            aim = q + offset
            inside = 0 <= aim < len(tokens)
            assert p.truth["pointed"][str(q)] == (aim if inside else None)
            assert p.truth["answers"][str(q)] == (tokens[aim] if inside else None)
            assert p.truth["scores"][row] == [1 if i == aim else 0 for i in range(len(tokens))]


def test_perturbation_from_the_graph_definition():
    for p in many("perturb.source_target"):
        inp = p.inputs
        j, i, zeroed, w = inp["target"], inp["source"], inp["zeroed_frontier"], inp["q_weight"]
        kids = children_loop(j, inp["edges"])
        edge = i in kids  # the trap variant picks a cell whose source is a parent of the target
        assert edge or j in children_loop(i, inp["edges"])
        baseline = w * 1.0 if edge else 0.0
        source_perturbed = 0.0  # the fresh id is in nobody's frontier
        target_perturbed = 0.0 if zeroed == i else baseline
        # the paper's d is the width of the attention input: identity ⊕ frontier over slots + fresh id
        d = 2 * (len(inp["slots"]) + 1)
        assert all(len(row) == d for row in inp["embeddings"])
        threshold = math.sqrt(d) / 10
        assert p.truth["baseline"] == pytest.approx(baseline)
        assert p.truth["source_perturbed"] == pytest.approx(source_perturbed)
        assert p.truth["target_perturbed"] == pytest.approx(target_perturbed)
        assert p.truth["source_dependency"] == (baseline - source_perturbed > threshold)
        assert p.truth["target_dependency"] == (baseline - target_perturbed > threshold)
        assert inp["fresh_id"] not in inp["slots"]


def test_search_tokens_encoding_useful_and_lookahead():
    for p in many("search.tokens"):
        edges, s, goal, n = p.inputs["edges"], p.inputs["start"], p.inputs["goal"], p.inputs["n"]
        v_max = (n - 5) // 3
        body = []
        for u, v in edges:
            body += [v_max + 2, u, v]
        body += [v_max + 4, s, goal, v_max + 1, s]
        assert p.truth["tokens"] == [v_max + 3] * (n - len(body)) + body
        assert len(p.truth["tokens"]) == n
        assert all(1 <= x <= v_max for e in edges for x in e)  # the paper reserves id 0
        g = digraph([x for e in edges for x in e], edges)
        assert sorted(p.truth["useful"]) == sorted(c for c in g.successors(s) if nx.has_path(g, c, goal))
        # lookahead as generator.cpp's lookahead_depth: min(|P|, M), M the farthest vertex (from the
        # start) that no shortest path through the first step n1 reaches
        dist = nx.single_source_shortest_path_length(g, s)
        firsts = [c for c in g.successors(s)
                  if nx.has_path(g, c, goal) and nx.shortest_path_length(g, c, goal) == dist[goal] - 1]
        assert len(firsts) == 1, p.id
        from_first = nx.single_source_shortest_path_length(g, firsts[0])
        outside = [d for v, d in dist.items() if v != s and from_first.get(v, -10) + 1 != d]
        assert outside, p.id  # every drawn problem has a wrong branch to rule out
        assert p.truth["lookahead"] == min(dist[goal], max(outside)), p.id
        assert len(list(g.successors(s))) >= 2
