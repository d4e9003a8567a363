"""The practice page: one self-contained HTML file that checks typed answers.

A pool of problems (some per family and level) is rendered once, with MathML maths and
inline SVG figures, and embedded in the page as gzip-compressed, base64-encoded JSON: the
page needs no server and no network, and the answers are not readable at a glance in its
source (encoded, not encrypted: this is self-study). For each problem the page knows the
right value and the value every named mistake computes, so a wrong answer that equals a
mistake's value is named and explained.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Callable

from markupsafe import Markup

from quizgen import catalog
from quizgen.batch import Chunk, check_request, jobs_for_tasks, parallel_map
from quizgen.decks import DeckDefinition
from quizgen.errors import QuizgenError
from quizgen.model.answers import solution_form
from quizgen.model.choices import lettered_options
from quizgen.model.problem import Mistake, Problem
from quizgen.render.html import HtmlWriter
from quizgen.render.mathml import mathml_display, mathml_inline
from quizgen.resources import jinja_env

MAX_POOL = 50
PAYLOADS_PER_JOB = 250  # a problem's payload takes ~2.5 ms: for fewer, starting a worker (~0.3 s) costs more


@dataclass(frozen=True)
class PracticePlan:
    """What a practice page holds: families, levels, problems per family and level, seed."""

    family_ids: tuple[str, ...]
    levels: tuple[str, ...]
    count: int
    seed: int


def plan_practice(family_ids: tuple[str, ...], deck: DeckDefinition | None, count: int, difficulty: str | None,
                  seed: int | None) -> PracticePlan:
    """A checked plan: the named families (or the deck's, or all), ``count`` problems of each
    at the given level (or at all three), from ``seed`` (else the deck's seed, else 0)."""
    if not 1 <= count <= MAX_POOL:
        raise QuizgenError(f"count must be between 1 and {MAX_POOL}, not {count}")
    if deck is not None:
        if not deck.sections:
            raise QuizgenError(f"{deck.path}: the deck has only facts; a practice page needs a section of problems")
        family_ids = tuple(s.family for s in deck.sections)
    families = check_request(family_ids or catalog.family_ids(), count, difficulty)
    base = seed if seed is not None else (deck.seed if deck is not None else 0)
    if base < 0:
        raise QuizgenError(f"seed must be non-negative, not {base}")
    levels = (difficulty,) if difficulty else tuple(families[0].levels)
    return PracticePlan(tuple(f.id for f in families), levels, count, base)


def pool_chunks(plan: PracticePlan) -> list[Chunk]:
    """The pool as chunks of ``plan.count`` problems, one per family and level, each level
    its own seed stream."""
    known = catalog.families()  # the plan's families are checked by plan_practice
    return [Chunk(fid, plan.seed, plan.count, list(known[fid].levels).index(level), 0, plan.count, level)
            for fid in plan.family_ids for level in plan.levels]


def practice_jobs(wanted: int | None, plan: PracticePlan) -> int:
    """How many processes make a pool: one family and level per task (``jobs_for_tasks``)."""
    tasks = len(plan.family_ids) * len(plan.levels)
    return jobs_for_tasks(wanted, tasks, tasks * plan.count, PAYLOADS_PER_JOB)


def pool_payloads(plan: PracticePlan, jobs: int = 1, progress: Callable[[int], None] | None = None) -> list[dict]:
    """The pool's problems as the page's payloads, in order, made on ``jobs`` processes (the
    same for any number); ``progress`` is told how many are done as they are."""
    payloads: list[dict] = []
    for part in parallel_map(chunk_payloads, pool_chunks(plan), jobs):
        payloads += part
        if progress is not None:
            progress(len(part))
    return payloads


def chunk_payloads(chunk: Chunk) -> list[dict]:
    """A chunk's problems as payloads: one task for a worker process."""
    return [payload(problem) for problem in chunk.problems()]


def payload(problem: Problem) -> dict[str, Any]:
    """Everything the page needs for one problem, as JSON: content as HTML, the right value,
    and each option with its value and, for a wrong one, the mistake behind it."""
    writer = HtmlWriter(inline_math=mathml_inline, display_math=mathml_display, inline_svg=True)
    s = problem.solution
    options = [
        {"letter": o.letter, "html": str(writer.pieces(o.pieces)), "value": o.value,
         "mistake": None if o.right else mistake(o.mistake, writer)}
        for o in lettered_options(problem)
    ]
    return {
        "id": problem.id,
        "family": problem.family,
        "level": problem.difficulty,
        "prompt": str(writer.blocks(s.prompt)),
        "question": str(writer.pieces(s.question)),
        "form": solution_form(s),
        "value": s.value,
        "decimals": s.decimals,
        "percent": s.percent,
        "options": options,
        "mistakes": [{**mistake(d.mistake, writer), "value": d.value} for d in s.distractors],
        "answer": str(writer.blocks(s.answer)),
        "steps": [{"title": str(writer.pieces((st.title,))), "body": str(writer.blocks(st.blocks))}
                  for st in s.steps],
    }


def mistake(m: Mistake, writer: HtmlWriter) -> dict[str, str]:
    """A mistake as the page names it: its name, and its explanation as HTML with the maths
    in it typeset (``√d_k`` as MathML, as on cards and sheets)."""
    return {"name": m.name, "explanation": str(writer.pieces((m.explanation,)))}


def encode(data: Any) -> str:
    """JSON, gzip-compressed (no timestamp, so the page is byte-stable) and base64-encoded."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=9, mtime=0)).decode("ascii")


def practice_page(plan: PracticePlan, payloads: list[dict], command: str) -> str:
    """The whole page as one HTML string, around the pool's ``payloads``."""
    titles = {fid: catalog.families()[fid].title for fid in plan.family_ids}
    data = {"families": titles, "levels": list(plan.levels), "problems": payloads}
    blob = encode(data)
    return jinja_env().get_template("practice/practice.html").render(
        pool=Markup(blob),
        pool_id=hashlib.sha256(blob.encode("ascii")).hexdigest()[:16],
        count=plan.count,
        seed=plan.seed,
        total=len(payloads),
        families=len(titles),
        command=command,
    )
