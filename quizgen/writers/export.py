"""The JSON export: one record per problem, as the export contract defines it."""

from __future__ import annotations

import json
from typing import Any, Iterable

from quizgen.model.problem import Problem
from quizgen.render import text


def export_record(problem: Problem) -> dict[str, Any]:
    """One problem as the export contract's JSON object."""
    s = problem.solution
    return {
        "id": problem.id,
        "family": problem.family,
        "version": problem.version,
        "seed": problem.seed,
        "tags": list(problem.tags),
        "difficulty": problem.difficulty,
        "prompt": text.blocks(s.prompt + s.task),
        "answer": text.blocks(s.answer),
        "steps": [text.step(st) for st in s.steps],
        "inputs": problem.inputs,
        "truth": s.truth,
        "question": text.inline(s.question),
        "choice": text.inline(s.choice),
        "distractors": [
            {"choice": text.inline(d.choice), "mistake": d.mistake.name, "explanation": d.mistake.explanation}
            for d in s.distractors
        ],
    }


def export_json(problems: Iterable[Problem]) -> bytes:
    """The export file's bytes: a JSON list with one compact record per line, UTF-8."""
    lines = [json.dumps(export_record(p), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
             for p in problems]
    return ("[\n" + ",\n".join(lines) + "\n]\n").encode("utf-8")
