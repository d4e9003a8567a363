"""Every registered family is complete: documented, levelled, with distractors and the export keys."""

from __future__ import annotations

import json

import numpy as np

import pytest

from quizgen.model.content import Figure
from quizgen.families import FAMILIES
from quizgen.model.family import LEVELS, make_case, make_problem
from quizgen.render import text

SPINE = {"graph.embeddings", "qk.scores", "qk.softmax", "merge.reachable", "merge.position",
         "perturb.source_target", "search.tokens"}


SYLLABUS = SPINE | {"attention.shapes", "attention.forward", "attention.sharp", "circuits.qk_ov",
                    "circuits.virtual_head", "circuits.rotation", "circuits.induction", "circuits.composition",
                    "ablation.threshold", "ablation.effect"}


def test_every_family_of_the_syllabus_is_registered():
    assert set(FAMILIES) == SYLLABUS


@pytest.mark.parametrize("family_id", list(FAMILIES))
def test_family_is_complete(family_id):
    family = FAMILIES[family_id]
    assert family.__doc__ and family.__doc__.strip()
    assert family.summary
    assert tuple(family.levels) == LEVELS and all(family.levels.values())
    assert family.tags and all("::" in t for t in family.tags)
    for level in family.levels:
        for seed in range(20):
            p = make_problem(family, seed, level)
            assert set(family.input_keys) - {"positions"} <= set(p.inputs), p.id
            assert set(family.truth_keys) <= set(p.truth), p.id
            json.dumps(p.inputs, allow_nan=False)
            json.dumps(p.truth, allow_nan=False)
            s = p.solution
            assert len(s.distractors) >= 2
            options = [text.inline(s.choice)] + [text.inline(d.choice) for d in s.distractors]
            assert len(set(options)) == len(options), p.id
            assert all(d.mistake.name and d.mistake.explanation for d in s.distractors)
            assert s.steps and all(st.blocks for st in s.steps)
            assert text.blocks(s.prompt) and text.blocks(s.task) and text.blocks(s.answer)
    for name in family.cases:
        assert make_case(family, name).truth


@pytest.mark.parametrize("family_id", sorted(SPINE - {"qk.softmax", "merge.position"}))
def test_graph_families_draw_the_graph(family_id):
    p = make_problem(FAMILIES[family_id], 3, "medium")
    figures = [b for b in p.solution.prompt if isinstance(b, Figure)]
    assert figures and figures[0].svg.startswith("<svg") and "<circle" in figures[0].svg


def test_levels_change_the_work():
    """The levels differ in structure, not only in numbers."""
    def stat(family_id, level, f):
        return {f(make_problem(FAMILIES[family_id], s, level)) for s in range(40)}

    assert stat("graph.embeddings", "hard", lambda p: "position" in p.inputs["blocks"]) == {True}
    assert stat("graph.embeddings", "easy", lambda p: "position" in p.inputs["blocks"]) == {False}
    assert stat("qk.scores", "medium", lambda p: p.inputs["convention"]) == {"row"}
    assert max(stat("merge.reachable", "hard", lambda p: p.truth["longest_path"])) >= 7
    assert max(stat("merge.reachable", "easy", lambda p: p.truth["longest_path"])) <= 5
    assert None in stat("qk.softmax", "medium", lambda p: p.truth["attended"])  # a split row
    assert stat("qk.softmax", "hard", lambda p: any(p.inputs["scores"])) == {True, False}  # zero rows
    assert False in stat("perturb.source_target", "medium", lambda p: p.truth["target_dependency"])
    assert stat("circuits.qk_ov", "medium", lambda p: p.inputs["convention"]) == {"row"}
    assert max(stat("circuits.virtual_head", "hard", lambda p: int(np.linalg.matrix_rank(p.truth["two_token"])))) == 2
    assert "scores" in make_problem(FAMILIES["ablation.threshold"], 1, "hard").inputs
    assert stat("attention.sharp", "hard", lambda p: "min_strength" in p.truth) == {True}
