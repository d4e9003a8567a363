"""ablation.threshold's and ablation.effect's mistakes, recomputed from the inputs with plain loops."""

from __future__ import annotations

THRESHOLD = "ablation.threshold"
EFFECT = "ablation.effect"


def edges_of(matrix, tau, masked=False):
    """[source, target] for each cell ≥ τ, row = target; ``masked`` skips cells above the diagonal."""
    n = len(matrix)
    return [[i, j] for j in range(n) for i in range(n) if not (masked and i > j) and matrix[j][i] >= tau]


def keep_of(edges, end):
    sources = sorted({s for s, t in edges if t == end})
    return sorted(set(sources) | {end}) if sources else []


def with_keep(edges, n):
    return [edges, keep_of(edges, n - 1)]


def transposed(inp):
    p, n = inp["pattern"], len(inp["pattern"])
    edges = [[j, i] for i in range(n) for j in range(n) if p[j][i] >= inp["tau"]]  # cell (row i, col j) read as j → i
    edges = [[s, t] for s, t in sorted(edges, key=lambda e: (e[1], e[0]))]
    return with_keep(edges, n)


def no_self(inp):
    n = len(inp["pattern"])
    return with_keep([e for e in edges_of(inp["pattern"], inp["tau"]) if e[0] != e[1]], n)


def strongest(inp):
    """Each row's top weight, every source that has it (a tie keeps them all)."""
    p = inp["pattern"]
    edges = [[i, j] for j, row in enumerate(p) for i, w in enumerate(row) if w == max(row)]
    return with_keep(edges, len(p))


def on_scores(inp):
    return with_keep(edges_of(inp["scores"], inp["tau"], masked=True), len(inp["scores"]))


def keeps_end_anyway(inp):
    n = len(inp["pattern"])
    edges = edges_of(inp["pattern"], inp["tau"])
    return [edges, sorted({s for s, t in edges if t == n - 1} | {n - 1})]


def no_end(inp):
    n = len(inp["pattern"])
    edges = edges_of(inp["pattern"], inp["tau"])
    return [edges, sorted(s for s, t in edges if t == n - 1)]


def important(inp):
    return inp["logit_before"] - inp["logit_after"] > inp["margin"] + 1e-9


def recovery(inp):
    return (inp["patched"] - inp["corrupted"]) / (inp["clean"] - inp["corrupted"])


def drop(inp):
    return inp["logit_before"] - inp["logit_after"]


CHECKS = {
    (THRESHOLD, "rows-columns-swapped"): transposed,
    (THRESHOLD, "drops-self-edges"): no_self,
    (THRESHOLD, "strongest-only"): strongest,
    (THRESHOLD, "threshold-scores"): on_scores,
    (THRESHOLD, "always-keeps-end"): keeps_end_anyway,
    (THRESHOLD, "forgets-end-position"): no_end,
    (EFFECT, "ignores-corrupted-baseline"): lambda i: [100 * i["patched"] / i["clean"], important(i)],
    (EFFECT, "recovery-complement"): lambda i: [
        100 * (i["clean"] - i["patched"]) / (i["clean"] - i["corrupted"]), important(i)],
    (EFFECT, "clamps-recovery"): lambda i: [100 * min(1, max(0, recovery(i))), important(i)],
    (EFFECT, "any-change-matters"): lambda i: [100 * recovery(i), abs(drop(i)) > 1e-9],
    (EFFECT, "margin-backwards"): lambda i: [100 * recovery(i), not important(i)],
    (EFFECT, "change-size-counts"): lambda i: [100 * recovery(i), abs(drop(i)) > i["margin"] + 1e-9],
}
