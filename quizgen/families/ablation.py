"""ablation.threshold and ablation.effect: finding circuit edges and judging ablations (seed 004)."""

from __future__ import annotations

from typing import Any

import numpy as np

from quizgen.model import mistakes
from quizgen.math.attention import softmax
from quizgen.model.content import Frac, heatmap, Word, format_percent, mat, para, seq, step
from quizgen.model.family import Family, Redraw
from quizgen.model.problem import Distractor, Solution

THRESHOLD_LEVELS = {"easy": (4, (0.5,)), "medium": (5, (0.2, 0.3)), "hard": (6, (0.15, 0.2, 0.25))}
WORDS = ("When", "Mary", "and", "John", "went", "to", "the", "store", "gave", "a")


def circuit_edges(pattern: np.ndarray, tau: float) -> list[list[int]]:
    """[source, target] for every cell with weight ≥ τ (row = target, column = source)."""
    return [[int(i), int(j)] for j in range(len(pattern)) for i in range(len(pattern)) if pattern[j, i] >= tau]


def kept_positions(pattern: np.ndarray, tau: float) -> list[int]:
    """What the last query row needs: the sources it attends to at ≥ τ, and the end position itself."""
    end = len(pattern) - 1
    sources = [i for i in range(len(pattern)) if pattern[end, i] >= tau]
    return sorted({*sources, end}) if sources else []


def edge_text(edges: list[list[int]]) -> str:
    return ", ".join(f"{s} → {t}" for s, t in edges) or "none"


class AblationThreshold(Family):
    """Read circuit edges off an attention pattern with a threshold τ, and the positions to keep."""

    id = "ablation.threshold"
    version = 1
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
        raw = rng.integers(-2, 4, size=(n, n)).astype(float)
        raw[np.triu_indices(n, 1)] = -np.inf  # causal: a token sees only itself and earlier tokens
        pattern = np.round(softmax(raw), 2)
        tau = float(rng.choice(taus))
        if np.any(np.abs(pattern - tau) < 0.015):
            raise Redraw("a weight too close to τ to judge after rounding")
        inputs = {"pattern": pattern.tolist(), "tau": tau, "labels": list(WORDS[:n])}
        if difficulty == "hard":
            inputs["scores"] = np.where(np.isinf(raw), 0.0, raw).tolist()
        return inputs

    def solve(self, inputs: dict[str, Any]) -> Solution:
        pattern, tau, labels = np.array(inputs["pattern"], dtype=float), inputs["tau"], inputs["labels"]
        edges = circuit_edges(pattern, tau)
        keep = kept_positions(pattern, tau)
        truth = {"edges": edges, "keep": keep}
        rows = [f"{j} {w}" for j, w in enumerate(labels)]
        prompt = [
            para(f"A head's attention pattern over {len(labels)} tokens (rows are targets/queries, columns are "
                 f"sources/keys, causal). An edge source → target belongs to the circuit when its weight is ≥ "
                 f"τ = {tau:g}."),
            heatmap(pattern, rows, "attention pattern"),
            para("Pattern: ", mat(pattern, 2)),
        ]
        if "scores" in inputs:
            prompt.append(para("The pre-softmax scores were ", mat(np.array(inputs["scores"])),
                               " (0 above the diagonal is masked)."))
        task = (para("List the circuit edges (source → target, by position) and the positions the last query row "
                     "needs kept (its sources at ≥ τ and the end position itself)."),)
        distractors = [
            Distractor((edge_text([[t, s] for s, t in edges]),), mistakes.ROWS_COLUMNS_SWAPPED),
            Distractor((edge_text([e for e in edges if e[0] != e[1]]),), mistakes.DROPS_SELF_EDGES),
            Distractor((edge_text([[int(np.argmax(row)), j] for j, row in enumerate(pattern)]),),
                       mistakes.STRONGEST_ONLY),
        ]
        if "scores" in inputs:
            scores = np.array(inputs["scores"], dtype=float)
            scores[np.triu_indices(len(labels), 1)] = -np.inf
            distractors.insert(0, Distractor((edge_text(circuit_edges(scores, tau)),), mistakes.THRESHOLD_SCORES))
        steps = (
            step("Scan each row (target) for cells ≥ τ; a cell (j, i) is the edge i → j.",
                 para(" ".join(f"row {j}: sources {[i for i in range(len(labels)) if pattern[j, i] >= tau]};"
                               for j in range(len(labels))))),
            step("Edges.", para(edge_text(edges))),
            step("The last query row.", para(f"Keep positions {keep}." if keep else
                                             "The last row attends to nothing at ≥ τ: nothing to keep for it.")),
        )
        answer = (para(f"Edges: {edge_text(edges)}. Keep: {keep}."),)
        return Solution(truth, tuple(prompt), task, answer, steps, ("Which edges does the circuit keep?",),
                        (edge_text(edges),), tuple(distractors))


class AblationEffect(Family):
    """Judge an ablation by the margin rule and compute how much activation patching recovers."""

    id = "ablation.effect"
    version = 1
    title = "Ablation and patching"
    tags = ("topic::ablation", "seed::004")
    levels = {
        "easy": "round numbers: recovery between 0 and 100 %",
        "medium": "recovery and whether an operation matters by the 0.4 margin",
        "hard": "recovery beyond 0-100 % or a logit that rises, and drops near the margin",
    }
    input_keys = ("clean", "corrupted", "patched", "logit_before", "logit_after", "margin")
    truth_keys = ("recovery", "important")

    def draw(self, rng: np.random.Generator, difficulty: str) -> dict[str, Any]:
        clean = float(rng.integers(20, 60)) / 10
        corrupted = float(rng.integers(-10, 10)) / 10
        if difficulty == "hard":
            patched = float(rng.integers(int(corrupted * 10) - 8, int(clean * 10) + 9)) / 10
            before = float(rng.integers(10, 40)) / 10
            after = round(before - float(rng.choice([-0.2, 0.3, 0.35, 0.45, 0.5])), 2)
        else:
            step_count = int(rng.integers(1, 4))
            patched = corrupted + (clean - corrupted) * step_count / 4
            before = float(rng.integers(10, 40)) / 10
            after = round(before - float(rng.integers(0, 13)) / 10, 2)
        if clean - corrupted < 1.0 or abs((before - after) - 0.4) < 1e-9:
            raise Redraw("no gap to recover, or a drop exactly at the margin")
        return {"clean": clean, "corrupted": corrupted, "patched": round(patched, 3), "logit_before": before,
                "logit_after": after, "margin": 0.4}

    def solve(self, inputs: dict[str, Any]) -> Solution:
        clean, corrupted, patched = inputs["clean"], inputs["corrupted"], inputs["patched"]
        before, after, margin = inputs["logit_before"], inputs["logit_after"], inputs["margin"]
        recovery = (patched - corrupted) / (clean - corrupted)
        drop = before - after
        important = drop > margin
        truth = {"recovery": recovery, "important": important}
        prompt = (
            para(f"Logit differences: clean run {clean:g}, corrupted run {corrupted:g}, corrupted run with one "
                 f"activation patched in from the clean run {patched:g}."),
            para(f"Zeroing one attention operation moves the answer's logit from {before:g} to {after:g}. The paper "
                 f"calls an operation important when the logit drops by more than {margin:g}."),
        )
        task = (para("Compute the recovery (patched − corrupted)/(clean − corrupted) as a percentage, and say "
                     "whether the operation is important."),)

        def verdict(r: float, imp: bool) -> tuple[str]:
            return (f"recovery {format_percent(r)}; {'important' if imp else 'not important'}",)

        distractors = (
            Distractor(verdict(patched / clean, important), mistakes.IGNORES_CORRUPTED_BASELINE),
            Distractor(verdict((clean - patched) / (clean - corrupted), important), mistakes.RECOVERY_COMPLEMENT),
            Distractor(verdict(recovery, abs(drop) > 0), mistakes.ANY_CHANGE_MATTERS),
            Distractor(verdict(recovery, not important), mistakes.MARGIN_BACKWARDS),
        )
        steps = (
            step("Recovery measures the patched run on the scale from corrupted (0) to clean (1).",
                 para(Frac(seq(Word("patched"), "-", Word("corrupted")), seq(Word("clean"), "-", Word("corrupted"))),
                      f" = ({patched:g} − {corrupted:g})/({clean:g} − {corrupted:g}) = {recovery:.3f} = "
                      f"{format_percent(recovery)}.")),
            step("Importance: compare the drop with the margin.",
                 para(f"Drop = {before:g} − {after:g} = {drop:.2f}, " +
                      (f"more than {margin:g}: important." if important else f"not more than {margin:g}: not important."))),
        )
        answer = (para(*verdict(recovery, important), "."),)
        return Solution(truth, prompt, task, answer, steps, ("What is the recovery, and does the operation matter?",),
                        verdict(recovery, important), distractors)
