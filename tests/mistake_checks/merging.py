"""merge.reachable's and merge.position's mistakes, recomputed from the inputs with plain loops."""

from __future__ import annotations

REACHABLE = "merge.reachable"
POSITION = "merge.position"


def longest_path(inp):
    """L by relaxing every edge |V| times (longest path in a DAG, in edges)."""
    depth = {v: 0 for v in inp["vertices"]}
    for _ in inp["vertices"]:
        for u, v in inp["edges"]:
            depth[v] = max(depth[v], depth[u] + 1)
    return max(depth.values())


def ceil_log2(x):
    r = 0
    while 2 ** r < x:
        r += 1
    return r


def floor_log2(x):
    r = 0
    while 2 ** (r + 1) <= x:
        r += 1
    return r


def inside(inp, position):
    return position if 0 <= position < len(inp["tokens"]) else "none"


def skipping_markers(inp):
    q, offset, tokens = inp["asked"], inp["offset"], inp["tokens"]
    step = 1 if offset > 0 else -1
    p, left = q, abs(offset)
    while left:
        p += step
        if not 0 <= p < len(tokens):
            return "none"
        if tokens[p] != "EDGE":
            left -= 1
    return p


CHECKS = {
    (REACHABLE, "frontier-bfs"): lambda inp: [longest_path(inp) - 1] * 2,
    (REACHABLE, "one-round-per-edge"): lambda inp: [longest_path(inp)] * 2,
    (REACHABLE, "floor-log"): lambda inp: [floor_log2(longest_path(inp)), longest_path(inp) - 1],
    (REACHABLE, "counts-vertices"): lambda inp: [ceil_log2(longest_path(inp) + 1), longest_path(inp)],
    (POSITION, "shift-wrong-way"): lambda inp: inside(inp, inp["asked"] - inp["offset"]),
    (POSITION, "attends-to-self"): lambda inp: inp["asked"],
    (POSITION, "skips-markers"): skipping_markers,
}
