"""Making many problems at once, and exporting them as JSON (FAMILIES.md export contract)."""

from __future__ import annotations

import json
from typing import Any, Iterable, Iterator

from quizgen.errors import QuizgenError
from quizgen.families import get_family
from quizgen.family import Family, make_problem
from quizgen.problem import Problem
from quizgen.render import text
from quizgen.seeding import derive_seeds

MAX_COUNT = 100_000


def check_request(family_ids: Iterable[str], count: int, difficulty: str | None) -> list[Family]:
    """Validate a batch request; raise ``QuizgenError`` with the valid choices."""
    families = []
    for fid in family_ids:
        try:
            families.append(get_family(fid))
        except KeyError as exc:
            raise QuizgenError(exc.args[0]) from None
    if not 1 <= count <= MAX_COUNT:
        raise QuizgenError(f"count must be between 1 and {MAX_COUNT:,}, not {count}")
    for family in families:
        if difficulty is not None and difficulty not in family.levels:
            raise QuizgenError(
                f"unknown difficulty {difficulty!r} for {family.id}; choose from {', '.join(family.levels)}"
            )
    return families


def generate(families: list[Family], count: int, base_seed: int, difficulty: str | None,
             *, stream: int = 0) -> Iterator[Problem]:
    """``count`` problems per family; without a difficulty, the levels take turns."""
    for family in families:
        levels = list(family.levels)
        for k, seed in enumerate(derive_seeds(base_seed, family.id, count, stream=stream)):
            yield make_problem(family, seed, difficulty or levels[k % len(levels)])


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
