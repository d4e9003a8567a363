"""The attention, circuit and ablation families against independent computations, 1,000 seeds each."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from conftest import many


def loop_softmax(row):
    m = max(row)
    exps = [math.exp(v - m) for v in row]
    return [e / sum(exps) for e in exps]


def loop_matmul(a, b):
    return [[sum(a[i][k] * b[k][j] for k in range(len(b))) for j in range(len(b[0]))] for i in range(len(a))]


def exact_rank(matrix) -> int:
    """Rank by Gaussian elimination over the rationals (no floating point, no SVD)."""
    rows = [[Fraction(v).limit_denominator(10**6) for v in row] for row in matrix]
    rank, cols = 0, len(rows[0])
    for c in range(cols):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][c] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for r in range(len(rows)):
            if r != rank and rows[r][c] != 0:
                f = rows[r][c] / rows[rank][c]
                rows[r] = [x - f * y for x, y in zip(rows[r], rows[rank])]
        rank += 1
    return rank


def test_attention_shapes_by_building_the_arrays():
    rng = np.random.default_rng(0)
    for p in many("attention.shapes"):
        n, d_model, d_k, h = (p.inputs[k] for k in ("n", "d_model", "d_k", "heads"))
        x = rng.normal(size=(n, d_model))
        w = rng.normal(size=(d_model, d_k))
        q = x @ w
        s = q @ q.T
        z = s @ q
        actual = {"X": x.shape, "W_Q": w.shape, "W_K": w.shape, "W_V": w.shape, "Q": q.shape, "K": q.shape,
                  "V": q.shape, "scores": s.shape, "A": s.shape, "Z": z.shape}
        assert {k: tuple(v) for k, v in p.truth["shapes"].items()} == actual
        assert p.truth["d_head"] * h == d_model
        assert p.truth["parameters"] == sum(w.size for _ in range(3 * h))
        assert p.truth["score_entries"] == h * s.size


def test_attention_forward_with_loops():
    for p in many("attention.forward"):
        x, wq, wk, wv, scale = (p.inputs[k] for k in ("X", "W_Q", "W_K", "W_V", "scale"))
        q, k, v = loop_matmul(x, wq), loop_matmul(x, wk), loop_matmul(x, wv)
        n = len(x)
        scores = [[scale * sum(a * b for a, b in zip(q[j], k[i])) for i in range(n)] for j in range(n)]
        a = [loop_softmax(row) for row in scores]
        z = loop_matmul(a, v)
        for key, want in (("Q", q), ("K", k), ("V", v), ("scores", scores), ("A", a), ("Z", z)):
            assert np.allclose(p.truth[key], want, atol=1e-12), (p.id, key)
        assert np.allclose(np.sum(p.truth["A"], axis=1), 1)


def test_attention_sharp_with_loops_and_search():
    for p in many("attention.sharp"):
        n, c, d_k = p.inputs["n"], p.inputs["strength"], p.inputs["d_k"]
        targets = {int(i): t for i, t in p.inputs["targets"].items()}
        for i, t in targets.items():
            row = loop_softmax([c / math.sqrt(d_k) if m == t else 0.0 for m in range(n)])
            assert p.truth["A"][i] == pytest.approx(row)
            assert p.truth["target_weight"] == pytest.approx(row[t])
            assert p.truth["other_weight"] == pytest.approx(row[next(m for m in range(n) if m != t)])
        if p.inputs["wanted"] is not None:
            c_min = next(c for c in range(1, 1000)
                         if loop_softmax([c / math.sqrt(d_k)] + [0.0] * (n - 1))[0] >= p.inputs["wanted"])
            assert p.truth["min_strength"] == c_min


def test_qk_ov_against_the_head_itself():
    rng = np.random.default_rng(1)
    for p in many("circuits.qk_ov"):
        wq, wk, wv, wo = (np.array(p.inputs[k], dtype=float) for k in ("W_Q", "W_K", "W_V", "W_O"))
        column = p.inputs["convention"] == "column"
        d_model = wq.shape[1] if column else wq.shape[0]
        xj, xi = rng.normal(size=d_model), rng.normal(size=d_model)
        if column:
            score, moved = (wq @ xj) @ (wk @ xi), wo @ (wv @ xi)
            assert moved == pytest.approx(np.array(p.truth["OV"]) @ xi)
        else:
            score, moved = (xj @ wq) @ (xi @ wk), (xi @ wv) @ wo
            assert moved == pytest.approx(xi @ np.array(p.truth["OV"]))
        assert score == pytest.approx(xj @ np.array(p.truth["QK"]) @ xi)
        assert p.truth["rank_QK"] == exact_rank(p.truth["QK"])
        assert p.truth["rank_OV"] == exact_rank(p.truth["OV"])
        assert p.truth["rank_QK"] <= min(wq.shape)


def test_virtual_head_by_running_two_layers():
    """Two previous-token layers on random residual streams: the output's sensitivity to
    the token two back is the two-token copy, to the token one back the one-token copy."""
    rng = np.random.default_rng(2)
    for p in many("circuits.virtual_head"):
        wv1, wo1, wv2, wo2 = (np.array(p.inputs[k], dtype=float) for k in ("W_V1", "W_O1", "W_V2", "W_O2"))

        def run(x):  # each head attends fully to the previous token
            r1 = x.copy()
            r1[1:] += (wo1 @ wv1 @ x[:-1].T).T
            out = r1.copy()
            out[1:] += (wo2 @ wv2 @ r1[:-1].T).T
            return out

        x = rng.normal(size=(5, 16))
        base = run(x)
        two_back = np.zeros((16, 16))
        one_back = np.zeros((16, 16))
        for d in range(16):
            bumped = x.copy()
            bumped[2, d] += 1.0
            delta = run(bumped) - base
            two_back[:, d] = delta[4]
            one_back[:, d] = delta[3]
        assert np.allclose(two_back, p.truth["two_token"]), p.id
        assert np.allclose(one_back, p.truth["one_token"]), p.id


def test_rotation_from_sinusoidal_embeddings():
    for p in many("circuits.rotation"):
        a, lam, n, c = p.inputs["alpha"], p.inputs["lam"], p.inputs["query_position"], p.inputs["magnitude"]
        embed = {m: lam * np.array([math.cos(a * m), math.sin(a * m)]) for m in p.inputs["positions"]}
        rotate = np.array([[math.cos(-a), -math.sin(-a)], [math.sin(-a), math.cos(-a)]])
        query = rotate @ embed[n]
        scores = [float(query @ embed[m]) for m in p.inputs["positions"]]
        assert p.truth["scores"] == pytest.approx(scores, abs=1e-12)
        weights = loop_softmax([c * s for s in scores])
        assert p.truth["weights"] == pytest.approx(weights)
        assert p.truth["attended"] == n - 1 == max(range(len(weights)), key=weights.__getitem__)


def test_induction_by_string_search():
    for p in many("circuits.induction"):
        tokens = p.inputs["tokens"]
        earlier = [i for i, t in enumerate(tokens[:-1]) if t == tokens[-1]]
        assert len(earlier) == 1
        assert p.truth["attended_position"] == earlier[0] + 1
        assert p.truth["predicted_token"] == tokens[earlier[0] + 1]


def test_composition_score_with_loops():
    kinds = {"W_Q": "Q", "W_K": "K", "W_V": "V"}
    for p in many("circuits.composition"):
        left, right = p.inputs["left"], p.inputs["right"]
        norm = lambda m: math.sqrt(sum(v * v for row in m for v in row))  # noqa: E731
        want = norm(loop_matmul(left, right)) / (norm(left) * norm(right))
        assert p.truth["score"] == pytest.approx(want)
        assert 0 <= p.truth["score"] <= 1 + 1e-12
        assert p.truth["kind"] == kinds[p.inputs["reads_via"]]


def test_ablation_threshold_with_loops():
    for p in many("ablation.threshold"):
        pattern, tau = p.inputs["pattern"], p.inputs["tau"]
        n = len(pattern)
        edges = sorted([i, j] for j in range(n) for i in range(n) if pattern[j][i] >= tau)
        assert sorted(p.truth["edges"]) == edges
        last = [i for i in range(n) if pattern[n - 1][i] >= tau]
        assert p.truth["keep"] == (sorted(set(last) | {n - 1}) if last else [])
        assert all(j >= i for i, j in edges)  # causal


def test_ablation_effect_formula():
    for p in many("ablation.effect"):
        i = p.inputs
        assert p.truth["recovery"] == pytest.approx((i["patched"] - i["corrupted"]) / (i["clean"] - i["corrupted"]))
        assert p.truth["important"] == (i["logit_before"] - i["logit_after"] > i["margin"])
