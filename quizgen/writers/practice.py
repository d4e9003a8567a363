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
from typing import Any

from markupsafe import Markup

from quizgen.batch import check_request
from quizgen.model.answers import solution_form
from quizgen.model.choices import lettered_options
from quizgen.model.family import make_problem
from quizgen.model.problem import Problem
from quizgen.model.seeding import derive_seeds
from quizgen.render.html import HtmlWriter
from quizgen.resources import jinja_env
from quizgen.writers.sheets import mathml_display, mathml_inline

DEFAULT_POOL = 20
MAX_POOL = 50


@dataclass(frozen=True)
class PracticePlan:
    """What a practice page holds: families, levels, problems per family and level, seed."""

    family_ids: tuple[str, ...]
    levels: tuple[str, ...]
    count: int
    seed: int


def pool(plan: PracticePlan) -> list[Problem]:
    """``plan.count`` problems of each family at each level, each level its own seed stream."""
    problems = []
    for family in check_request(plan.family_ids, plan.count, None):
        for level in plan.levels:
            stream = list(family.levels).index(level)
            for seed in derive_seeds(plan.seed, family.id, plan.count, stream=stream):
                problems.append(make_problem(family, seed, level))
    return problems


def payload(problem: Problem) -> dict[str, Any]:
    """Everything the page needs for one problem, as JSON: content as HTML, the right value,
    and each option with its value and, for a wrong one, the mistake behind it."""
    writer = HtmlWriter(inline_math=mathml_inline, display_math=mathml_display, inline_svg=True)
    s = problem.solution
    options = [
        {"letter": o.letter, "html": str(writer.pieces(o.pieces)), "value": o.value,
         "mistake": None if o.right else {"name": o.mistake.name, "explanation": o.mistake.explanation}}
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
        "options": options,
        "mistakes": [{"name": d.mistake.name, "explanation": d.mistake.explanation, "value": d.value}
                     for d in s.distractors],
        "answer": str(writer.blocks(s.answer)),
        "steps": [{"title": st.title, "body": str(writer.blocks(st.blocks))} for st in s.steps],
    }


def encode(data: Any) -> str:
    """JSON, gzip-compressed (no timestamp, so the page is byte-stable) and base64-encoded."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=9, mtime=0)).decode("ascii")


def practice_page(plan: PracticePlan, problems: list[Problem], command: str) -> str:
    """The whole page as one HTML string."""
    from quizgen.families import FAMILIES

    titles = {fid: FAMILIES[fid].title for fid in dict.fromkeys(p.family for p in problems)}
    data = {"families": titles, "levels": list(plan.levels), "problems": [payload(p) for p in problems]}
    blob = encode(data)
    return jinja_env().get_template("practice/practice.html").render(
        pool=Markup(blob),
        pool_id=hashlib.sha256(blob.encode("ascii")).hexdigest()[:16],
        count=plan.count,
        seed=plan.seed,
        total=len(problems),
        families=len(titles),
        command=command,
    )
