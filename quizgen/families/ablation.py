"""ablation.threshold and ablation.effect: finding circuit edges and judging ablations (seed 004)."""

from __future__ import annotations

from typing import Any

import numpy as np

from quizgen.model import mistakes
from quizgen.math.attention import softmax
from quizgen.model.content import Frac, heatmap, Word, fixed, format_number, format_percent, mat, para, seq, step
from quizgen.model.family import Family, Redraw
from quizgen.model.problem import Distractor, Solution

THRESHOLD_LEVELS = {"easy": (4, (0.5,)), "medium": (5, (0.2, 0.3)), "hard": (6, (0.15, 0.2, 0.25))}
WORDS = ("When", "Mary", "and", "John", "went", "to", "the", "store", "gave", "a")
NONE_ABOVE = "none-above-threshold"  # the last row attends to nothing at ≥ τ: nothing is kept
NONE_SHARE = 0.15
CASE_TRIES = 50


def circuit_edges(pattern: np.ndarray, tau: float) -> list[list[int]]:
    """[source, target] for every cell with weight ≥ τ (row = target, column = source)."""
    return [[int(i), int(j)] for j in range(len(pattern)) for i in range(len(pattern)) if pattern[j, i] >= tau]


def keep_from_edges(edges: list[list[int]], end: int) -> list[int]:
    """What the last query row needs (seed 004): when it has at least one edge, its sources and
    the end position itself; when it has none, nothing."""
    sources = [s for s, t in edges if t == end]
    return sorted({*sources, end}) if sources else []


def edge_text(edges: list[list[int]]) -> str:
    return ", ".join(f"{s} → {t}" for s, t in edges) or "none"


def keep_text(keep: list[int]) -> str:
    return f"keep positions {keep}" if keep else "keep nothing"


# ----------------------------------------------------------------- the mistakes, one function each


def rows_columns_swapped(pattern: np.ndarray, tau: float) -> list:
    """Reads each row as a source and each column as a target: everything from the transpose."""
    edges = circuit_edges(pattern.T, tau)
    return [edges, keep_from_edges(edges, len(pattern) - 1)]


def drops_self_edges(pattern: np.ndarray, tau: float) -> list:
    """Leaves out every token attending to itself, then keeps by the edges that are left."""
    edges = [e for e in circuit_edges(pattern, tau) if e[0] != e[1]]
    return [edges, keep_from_edges(edges, len(pattern) - 1)]


def strongest_only(pattern: np.ndarray) -> list:
    """Keeps only each row's strongest source (every one of a tie), ignoring τ."""
    edges = [[int(i), j] for j, row in enumerate(pattern) for i in np.flatnonzero(row == row.max())]
    return [edges, keep_from_edges(edges, len(pattern) - 1)]


def threshold_scores(scores: np.ndarray, tau: float) -> list:
    """Applies τ to the pre-softmax scores instead of the attention pattern."""
    edges = circuit_edges(scores, tau)
    return [edges, keep_from_edges(edges, len(scores) - 1)]


def always_keeps_end(pattern: np.ndarray, tau: float) -> list:
    """Keeps the end position even when the last row attends to nothing at ≥ τ."""
    edges = circuit_edges(pattern, tau)
    end = len(pattern) - 1
    return [edges, sorted({s for s, t in edges if t == end} | {end})]


def forgets_end(pattern: np.ndarray, tau: float) -> list:
    """Keeps the last row's sources but not the end position itself."""
    edges = circuit_edges(pattern, tau)
    return [edges, sorted(s for s, t in edges if t == len(pattern) - 1)]


class AblationThreshold(Family):
    """Read circuit edges off an attention pattern with a threshold τ, and the positions to keep."""

    id = "ablation.threshold"
    version = 2
    title = "Circuit edges by threshold"
    tags = ("topic::ablation", "seed::004")
    levels = {
        "easy": "4 tokens, τ = 0.5",
        "medium": "5 tokens, τ of 0.2 or 0.3",
        "hard": "6 tokens with the pre-softmax scores shown too (threshold the pattern, not the scores)",
    }
    input_keys = ("pattern", "tau", "labels")
    truth_keys = ("edges", "keep")

    def draw(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        n, taus = THRESHOLD_LEVELS[difficulty]
        wants_none = rng.random() < NONE_SHARE
        tau = float(rng.choice(taus))
        for _ in range(CASE_TRIES):  # keep the case drawn: redraw only the pattern until it fits
            raw = rng.integers(-2, 4, size=(n, n)).astype(float)
            if wants_none:  # a flat last row, so that it can stay below τ
                raw[-1] = rng.integers(0, 2, size=n)
            raw[np.triu_indices(n, 1)] = -np.inf  # causal: a token sees only itself and earlier tokens
            pattern = np.round(softmax(raw), 2)
            close = np.any(np.abs(pattern - tau) < 0.015)  # too close to τ to judge after rounding
            if not close and (pattern[-1].max() < tau) == wants_none:
                break
        else:
            raise Redraw("no pattern fits the case drawn")
        inputs = {"pattern": pattern.tolist(), "tau": tau, "labels": list(WORDS[:n])}
        if difficulty == "hard":
            inputs["scores"] = np.where(np.isinf(raw), 0.0, raw).tolist()
        return inputs

    def case(self, inputs: dict[str, Any], truth: dict[str, Any]) -> str:
        return NONE_ABOVE if not truth["keep"] else "typical"

    def solve(self, inputs: dict[str, Any]) -> Solution:
        pattern, tau, labels = np.array(inputs["pattern"], dtype=float), inputs["tau"], inputs["labels"]
        n, end = len(labels), len(labels) - 1
        edges = circuit_edges(pattern, tau)
        keep = keep_from_edges(edges, end)
        truth = {"edges": edges, "keep": keep}
        rows = [f"{j} {w}" for j, w in enumerate(labels)]
        prompt = [
            para(f"A head's attention pattern over {n} tokens (rows are targets/queries, columns are "
                 f"sources/keys, causal; weights rounded to 2 decimals, so a row may sum to a little more or "
                 f"less than 1). An edge source → target belongs to the circuit when its weight is ≥ τ = {tau:g}."),
            heatmap(pattern, rows, "attention pattern", digits=2),
            para("Pattern: ", mat(pattern, 2)),
        ]
        if "scores" in inputs:
            prompt.append(para("The pre-softmax scores were ", mat(np.array(inputs["scores"])),
                               " (0 above the diagonal is masked)."))
        task = (para("List the circuit edges (source → target, by position) and the positions to keep for the last "
                     f"query row (position {end}): when it attends to at least one source at ≥ τ, keep those "
                     "sources and the end position itself; when it attends to none, keep nothing for it."),)
        made = [
            (always_keeps_end(pattern, tau), mistakes.ALWAYS_KEEPS_END),
            (forgets_end(pattern, tau), mistakes.FORGETS_END_POSITION),
            (rows_columns_swapped(pattern, tau), mistakes.ROWS_COLUMNS_SWAPPED),
            (drops_self_edges(pattern, tau), mistakes.DROPS_SELF_EDGES),
            (strongest_only(pattern), mistakes.STRONGEST_ONLY),
        ]
        if "scores" in inputs:
            scores = np.array(inputs["scores"], dtype=float)
            scores[np.triu_indices(n, 1)] = -np.inf
            made.insert(0, (threshold_scores(scores, tau), mistakes.THRESHOLD_SCORES))
        distractors = tuple(Distractor(self._option(*value), mistake, value) for value, mistake in made)
        above = [[i for i in range(n) if pattern[j, i] >= tau] for j in range(n)]
        last = above[end]
        steps = [
            step("Scan each row (target) for cells ≥ τ; a cell (j, i) is the edge i → j.",
                 para("; ".join(f"row {j}: sources {row}" if row else f"row {j}: none" for j, row in enumerate(above))
                      + ".")),
            step("Edges.", para(edge_text(edges))),
        ]
        if "scores" in inputs:
            steps.append(step("Trap: the pre-softmax scores are not the pattern.", para(
                "τ applies to attention weights, which sum to 1 in each row (up to rounding); the raw scores are "
                "logits on another scale, so thresholding them gives different edges.")))
        if keep:
            steps.append(step("The last query row.", para(
                f"Row {end} attends to {last} at ≥ τ: keep those sources and the end position {end}: {keep}.")))
        else:
            steps.append(step("Trap: the last query row attends to nothing at ≥ τ.", para(
                f"Its largest weight is {fixed(pattern[end].max(), 2)} < τ = {tau:g}: nothing is kept for it, "
                f"not even the end position {end} (keeping it is conditional).")))
        answer = (para(f"Edges: {edge_text(edges)}. Last query row: {keep_text(keep)}."),)
        return Solution(truth, tuple(prompt), task, answer, tuple(steps),
                        ("Which edges does the circuit keep, and which positions does the last row need kept?",),
                        self._option(edges, keep), distractors, value=[edges, keep])

    @staticmethod
    def _option(edges: list[list[int]], keep: list[int]) -> tuple[str]:
        return (f"edges {edge_text(edges)}; {keep_text(keep)}",)


def recovery_of(clean: float, corrupted: float, patched: float) -> float:
    """Where the patched run sits between corrupted (0) and clean (1)."""
    return (patched - corrupted) / (clean - corrupted)


def effect(recovery: float, important: bool) -> list:
    """[recovery in percent, important]: the form every option's value takes."""
    return [recovery * 100, important]


def ignores_corrupted_baseline(clean: float, patched: float, important: bool) -> list:
    """Divides patched by clean, ignoring the corrupted baseline."""
    return effect(patched / clean, important)


def subtracted(value: float) -> str:
    """A number written after a minus sign, in brackets when it is negative:
    1.83 − (−0.9), not 1.83 − −0.9."""
    return f"({value:g})" if value < 0 else f"{value:g}"


def recovery_complement(clean: float, corrupted: float, patched: float, important: bool) -> list:
    """Measures what is still missing: (clean − patched)/(clean − corrupted)."""
    return effect((clean - patched) / (clean - corrupted), important)


def clamps_recovery(recovery: float, important: bool) -> list:
    """Clips the recovery to 0-100 %, as if patching could neither overshoot nor hurt."""
    return effect(min(max(recovery, 0.0), 1.0), important)


def any_change_matters(recovery: float, drop: float) -> list:
    """Calls any change in the logit important, ignoring the margin."""
    return effect(recovery, drop != 0)


def margin_backwards(recovery: float, important: bool) -> list:
    """Reads the margin rule backwards."""
    return effect(recovery, not important)


def change_size_counts(recovery: float, drop: float, margin: float) -> list:
    """Judges the size of the change, so a logit that rises by more than the margin counts too."""
    return effect(recovery, abs(drop) > margin)


def on_rounding_boundary(percent: float) -> bool:
    """Whether a percentage lies halfway between two one-decimal values, where rounding by hand
    and by machine may disagree."""
    return abs((percent * 10) % 1 - 0.5) < 1e-6


class AblationEffect(Family):
    """Judge an ablation by the margin rule and compute how much activation patching recovers."""

    id = "ablation.effect"
    version = 2
    title = "Ablation and patching"
    tags = ("topic::ablation", "seed::004")
    levels = {
        "easy": "a corrupted run at 0 (recovery = patched/clean, a round share) and a drop far from the margin",
        "medium": "a corrupted run away from 0, so the baseline must be subtracted; drops near the 0.4 margin",
        "hard": "patching that overshoots (recovery above 100 %) or hurts (below 0 %), logits that rise",
    }
    input_keys = ("clean", "corrupted", "patched", "logit_before", "logit_after", "margin")
    truth_keys = ("recovery", "important")

    def draw(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        before = float(rng.integers(10, 40)) / 10
        if difficulty == "easy":
            clean, corrupted = float(rng.integers(2, 7)), 0.0
            patched = clean * int(rng.integers(1, 10)) / 10
            drop = float(rng.choice([0.1, 0.2, 0.8, 0.9, 1.0, 1.2]))
        else:
            clean = float(rng.integers(20, 60)) / 10
            corrupted = float(rng.choice([c for c in range(-10, 10) if c != 0])) / 10
            if difficulty == "medium":
                share = float(rng.uniform(0.05, 0.95))
                drop = float(rng.choice([0.1, 0.2, 0.3, 0.35, 0.45, 0.5, 0.6, 0.8, 1.0]))
            else:
                share = float(rng.uniform(-0.4, -0.05) if rng.random() < 0.5 else rng.uniform(1.05, 1.4))
                drop = float(rng.choice([-0.6, -0.5, -0.2, 0.3, 0.35, 0.45, 0.5]))
            patched = corrupted + share * (clean - corrupted)
            if clean - corrupted < 1.0:
                raise Redraw("no gap to recover")
        # + 0.0: a value rounded from just below zero is -0.0, which would print as "−0"
        return {"clean": clean, "corrupted": corrupted, "patched": round(patched, 2) + 0.0, "logit_before": before,
                "logit_after": round(before - drop, 2) + 0.0, "margin": 0.4}

    def solve(self, inputs: dict[str, Any]) -> Solution:
        clean, corrupted, patched = inputs["clean"], inputs["corrupted"], inputs["patched"]
        before, after, margin = inputs["logit_before"], inputs["logit_after"], inputs["margin"]
        recovery = recovery_of(clean, corrupted, patched)
        drop = round(before - after, 10)
        important = drop > margin
        truth = {"recovery": recovery, "important": important}
        prompt = (
            para(f"Logit differences: clean run {clean:g}, corrupted run {corrupted:g}, corrupted run with one "
                 f"activation patched in from the clean run {patched:g}."),
            para(f"Zeroing one attention operation moves the answer's logit from {before:g} to {after:g}. The paper "
                 f"calls an operation important when the logit drops by more than {margin:g}."),
        )
        task = (para("Compute the recovery (patched − corrupted)/(clean − corrupted) as a percentage with one "
                     "decimal, and say whether the operation is important."),)
        made = (
            (ignores_corrupted_baseline(clean, patched, important), mistakes.IGNORES_CORRUPTED_BASELINE),
            (clamps_recovery(recovery, important), mistakes.CLAMPS_RECOVERY),
            (change_size_counts(recovery, drop, margin), mistakes.CHANGE_SIZE_COUNTS),
            (recovery_complement(clean, corrupted, patched, important), mistakes.RECOVERY_COMPLEMENT),
            (any_change_matters(recovery, drop), mistakes.ANY_CHANGE_MATTERS),
            (margin_backwards(recovery, important), mistakes.MARGIN_BACKWARDS),
        )
        if any(on_rounding_boundary(value[0]) for value, _ in made) or on_rounding_boundary(recovery * 100):
            raise Redraw("a percentage halfway between two printed values")
        distractors = tuple(Distractor(self._option(*value), mistake, value) for value, mistake in made)
        steps = [
            step("Recovery measures the patched run on the scale from corrupted (0) to clean (1).",
                 para(Frac(seq(Word("patched"), "-", Word("corrupted")), seq(Word("clean"), "-", Word("corrupted"))),
                      f" = ({patched:g} − {subtracted(corrupted)})/({clean:g} − {subtracted(corrupted)}) = "
                      f"{fixed(recovery, 3)} = "
                      f"{format_percent(recovery)}.")),
        ]
        if corrupted == 0:
            steps.append(step("With the corrupted run at 0 the baseline drops out: recovery = patched/clean.",
                              para(f"{patched:g}/{clean:g} = {format_percent(recovery)}.")))
        if not 0 <= recovery <= 1:
            steps.append(step("Trap: the recovery leaves 0–100 %.", para(
                "Patching can overshoot the clean run (above 100 %) or push the answer further from it than the "
                "corrupted run (below 0 %); the number is not clipped.")))
        rises = " (the logit rises)" if drop < 0 else ""
        verdict = f"more than {margin:g}: important." if important else f"not more than {margin:g}: not important."
        steps.append(step("Importance: compare the drop with the margin.", para(
            f"Drop = {before:g} − {subtracted(after)} = {format_number(drop, 2)}{rises}, {verdict}")))
        answer = (para("Recovery ", format_percent(recovery), "; the operation is ",
                       "important" if important else "not important",
                       f" (drop {format_number(drop, 2)} vs margin {margin:g})."),)
        return Solution(truth, prompt, task, answer, tuple(steps),
                        ("What is the recovery, and does the operation matter?",),
                        self._option(*effect(recovery, important)), distractors,
                        value=effect(recovery, important), decimals=1,
                        entry=[["recovery (%)", "number"], ["important", "yesno"]], percent=True)

    @staticmethod
    def _option(percent: float, important: bool) -> tuple[str]:
        return (f"recovery {format_percent(percent / 100)}; {'important' if important else 'not important'}",)
