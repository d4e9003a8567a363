"""The practice page: its data, its command, and what a student sees in a real browser.

The browser tests drive the system's Chromium through the ``browser`` fixture
(tests/conftest.py, tests/browser.py); in CI they fail, not skip, when it is missing.
"""

from __future__ import annotations

import base64
import gzip
import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from terminal import on_a_terminal

from quizgen.batch import available_cores
from quizgen.cli import cli
from quizgen.families import FAMILIES
from quizgen.model.family import make_problem, printed
from quizgen.model.mistakes import FORGOT_SCALE, ROWS_COLUMNS_SWAPPED
from quizgen.model.answers import answer_form, solution_form
from quizgen.writers.practice import (PracticePlan, encode, payload, pool_chunks, pool_payloads, practice_jobs,
                                      practice_page)

PHONE = {"width": 400, "height": 800}
KINDS = {"number", "vector", "matrix", "set", "yesno", "text", "choice", "fields"}
# ------------------------------------------------------------------ the page's data


def test_answer_form_fits_the_shape_of_the_answer():
    assert answer_form(0.25, 3) == {"kind": "number"}
    assert answer_form([0.1, 0.9], 3) == {"kind": "vector", "size": 2}
    assert answer_form([[1, 0], [0, 1], [1, 1]], None) == {"kind": "matrix", "rows": 3, "cols": 2}
    assert answer_form([2, 5, 9], None) == {"kind": "vector", "size": 3}
    assert answer_form(True, None) == {"kind": "yesno"}
    assert answer_form("4 × 16", None) == {"kind": "choice"}
    assert answer_form([2.5, True], None) == {"kind": "choice"}
    assert answer_form({"3": [6], "6": [2, 3]}, None) == {"kind": "fields", "list": False, "fields": [
        {"label": "3", "form": {"kind": "vector", "size": 1}}, {"label": "6", "form": {"kind": "vector", "size": 2}}]}


def test_a_family_says_how_its_answer_is_typed():
    assert answer_form([2, 5, 9], None, "set") == {"kind": "set"}
    assert answer_form({"3": [6], "6": []}, None, {"each": "set"}) == {"kind": "fields", "list": False, "fields": [
        {"label": "3", "form": {"kind": "set"}}, {"label": "6", "form": {"kind": "set"}}]}
    assert answer_form([0.35, False], 3, [["score", "number"], ["dependency", "yesno"]]) == {
        "kind": "fields", "list": True,
        "fields": [{"label": "score", "form": {"kind": "number"}}, {"label": "dependency", "form": {"kind": "yesno"}}]}
    assert answer_form([4, "sat"], None, [["position", "number"], ["token", "text"]])["fields"][1]["form"] == {
        "kind": "text"}
    with pytest.raises(ValueError):
        answer_form([1, 2, 3], None, [["only", "number"]])


def test_every_family_answer_can_be_entered():
    """Every problem of every family gets an entry form that fits its value."""
    for fid, family in FAMILIES.items():
        for level in family.levels:
            for seed in range(20):
                s = make_problem(family, seed, level).solution
                form = solution_form(s)
                assert form["kind"] in KINDS, (fid, level, seed, form)


def pool_problems(plan: PracticePlan) -> list:
    """The problems of the plan's pool, in the page's order."""
    return [problem for chunk in pool_chunks(plan) for problem in chunk.problems()]


def test_pool_is_reproducible_and_covers_every_level():
    plan = PracticePlan(("qk.softmax", "circuits.induction"), ("easy", "medium", "hard"), 4, 11)
    first, again = pool_problems(plan), pool_problems(plan)
    assert [p.id for p in first] == [p.id for p in again]
    assert len(first) == 2 * 3 * 4
    assert {(p.family, p.difficulty) for p in first} == {(f, lv) for f in plan.family_ids for lv in plan.levels}
    assert len({p.id for p in first}) == len(first)


def test_the_pool_decodes_to_the_problems_and_hides_the_answers_from_a_glance():
    plan = PracticePlan(("qk.softmax",), ("medium",), 3, 5)
    problems = pool_problems(plan)
    page = practice_page(plan, pool_payloads(plan), "quizgen practice")
    blob = re.search(r'<script id="pool"[^>]*>([^<]+)</script>', page).group(1)
    data = json.loads(gzip.decompress(base64.b64decode(blob)))
    assert [p["id"] for p in data["problems"]] == [p.id for p in problems]
    assert data["problems"][0] == json.loads(json.dumps(payload(problems[0])))
    for p in problems:  # neither a mistake's explanation nor a worked step is in the page as text
        for d in p.solution.distractors:
            assert d.mistake.explanation not in page
        assert p.solution.steps[0].title not in page
    assert "http://" not in page and "https://" not in page  # nothing to fetch: works offline


def test_encoding_is_byte_stable():
    assert encode({"a": [1, 2.5, "x"]}) == encode({"a": [1, 2.5, "x"]})


# ------------------------------------------------------------------ the command


def test_practice_command_writes_one_page(tmp_path):
    out = tmp_path / "p.html"
    result = CliRunner().invoke(cli, ["practice", "--family", "qk.softmax", "--count", "2", "--seed", "3",
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "6 problems of 1 family" in result.output
    page = out.read_text(encoding="utf-8")
    assert "6 problems (2 per family and level, 1 family, seed 3)" in page
    shown = re.search(r"Regenerate: <code>(.*?)</code>", page).group(1)
    assert unescape(re.sub(r"<[^>]+>", "", shown)) == "quizgen practice --family qk.softmax --count 2 --seed 3 -o p.html"
    assert list(tmp_path.iterdir()) == [out]


def test_the_page_is_the_same_for_any_number_of_jobs(tmp_path):
    pages = []
    for jobs in ("1", "2"):
        out = tmp_path / jobs / "p.html"
        out.parent.mkdir()
        result = CliRunner().invoke(cli, ["practice", "--family", "qk.softmax", "--family", "qk.scores",
                                          "--count", "3", "--seed", "8", "-j", jobs, "-q", "-o", str(out)])
        assert result.exit_code == 0 and result.output == "", result.output
        pages.append(out.read_bytes())
    assert pages[0] == pages[1]


def test_a_large_pool_is_made_on_every_core_a_small_one_here():
    every = PracticePlan(tuple(FAMILIES), ("easy", "medium", "hard"), 20, 0)
    assert practice_jobs(None, every) == available_cores()
    assert practice_jobs(None, PracticePlan(("qk.softmax",), ("easy",), 50, 0)) == 1
    assert practice_jobs(4, PracticePlan(("qk.softmax",), ("easy", "hard"), 5, 0)) == 2  # never more than the chunks


def test_progress_shows_only_on_a_terminal(tmp_path):
    out = str(tmp_path / "p.html")
    shown, printed_out = on_a_terminal("practice", "--family", "qk.softmax", "--count", "2", "-j", "1", "-o", out)
    assert "drawing the pool" in shown and "6/6" in shown
    assert printed_out == f"{out}: 6 problems of 1 family\n"
    assert on_a_terminal("practice", "--family", "qk.softmax", "--count", "2", "-j", "1", "-q", "-o", out) == ("", "")


def test_practice_from_a_deck_takes_its_families(tmp_path):
    out = tmp_path / "p.html"
    deck = Path(__file__).parent.parent / "decks" / "ablation.toml"
    result = CliRunner().invoke(cli, ["practice", "--deck", str(deck), "--count", "1", "--difficulty", "easy",
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists()


@pytest.mark.parametrize("args,message", [
    (["--count", "0"], "count must be between 1 and 50"),
    (["--family", "nope"], "unknown family 'nope'"),
    (["--difficulty", "extreme"], "unknown difficulty 'extreme'"),
    (["--seed", "-1"], "seed must be non-negative"),
    (["--deck", "decks/ablation.toml", "--family", "qk.scores"], "--family does not go with --deck"),
])
def test_practice_errors_are_one_line(tmp_path, args, message):
    out = tmp_path / "p.html"
    result = CliRunner().invoke(cli, ["practice", *args, "-o", str(out)])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ in the browser


@pytest.fixture(scope="module")
def page_file(tmp_path_factory) -> tuple[Path, dict[str, Any]]:
    plan = PracticePlan(("qk.softmax", "qk.scores"), ("easy", "medium", "hard"), 6, 2026)
    problems = pool_problems(plan)
    path = tmp_path_factory.mktemp("practice") / "practice.html"
    path.write_text(practice_page(plan, pool_payloads(plan), "quizgen practice"), encoding="utf-8")
    return path, {p.id: p for p in problems}


def says(feedback: str, explanation: str) -> bool:
    """Whether the feedback holds every word of a mistake's explanation (its maths is
    typeset, so only the words are compared as text)."""
    return all(word in feedback for word in explanation.split() if word.isalpha())


def problem_with(problems: dict, family: str, mistake: str):
    """A problem of ``family`` that the page asks as typed input, with a distractor from ``mistake``."""
    for p in problems.values():
        form = solution_form(p.solution)
        if p.family == family and form["kind"] != "choice" and any(
                d.mistake.name == mistake for d in p.solution.distractors):
            return p, next(d for d in p.solution.distractors if d.mistake.name == mistake)
    raise AssertionError(f"no {family} problem with a {mistake} distractor in the pool")


def typed(value: float, decimals: int | None) -> str:
    """A number as a student types it: at the printed precision, with the true minus sign."""
    text = str(value) if decimals is None else f"{value:.{decimals}f}"
    return text.replace("-", "\u2212")


def fill(page, form: dict, value: Any, decimals: int | None, path: str = "a") -> None:
    """Type ``value`` into the inputs of ``form`` as a student would."""
    match form["kind"]:
        case "number":
            page.fill(f'[data-path="{path}"]', typed(value, decimals))
        case "vector":
            for i, v in enumerate(value):
                page.fill(f'[data-path="{path}/{i}"]', typed(v, decimals))
        case "matrix":
            for r, row in enumerate(value):
                for c, v in enumerate(row):
                    page.fill(f'[data-path="{path}/{r}/{c}"]', typed(v, decimals))
        case "set":
            page.fill(f'[data-path="{path}"]', ", ".join(str(v) for v in reversed(value)))
        case "text":
            page.fill(f'[data-path="{path}"]', value.upper())
        case "yesno":
            page.check(f'[data-path="{path}"][value="{"true" if value else "false"}"]')
        case "fields":
            for i, field in enumerate(form["fields"]):
                fill(page, field["form"], value[i if form["list"] else field["label"]], decimals, f"{path}/{i}")


def open_problem(browser_page, path: Path, problem) -> None:
    browser_page.goto(f"{path.as_uri()}#problem={problem.id}")
    browser_page.wait_for_selector("#check")
    assert problem.id in browser_page.inner_text("#problem")


def check(browser_page) -> str:
    browser_page.click("#check")
    return browser_page.inner_text("#feedback")


def test_right_answer_shows_the_worked_steps(page_file, browser):
    path, problems = page_file
    problem, _ = problem_with(problems, "qk.softmax", FORGOT_SCALE.name)
    with browser.fresh_page() as page:
        open_problem(page, path, problem)
        assert not page.is_visible(".worked")
        fill(page, solution_form(problem.solution), problem.solution.value,
             problem.solution.decimals)
        assert check(page).startswith("Right.")
        assert page.is_visible(".worked")
        assert says(page.inner_text(".worked"), problem.solution.steps[0].title)  # its maths typeset


def test_a_percentage_answer_says_so(tmp_path, browser):
    """The leak per token of attention.sharp (medium) is a percentage with 2 decimals: the
    hint says so, and the answer typed as printed, with or without the % sign, is right."""
    plan = PracticePlan(("attention.sharp",), ("medium",), 1, 3)
    problem = pool_problems(plan)[0]
    assert problem.solution.percent and payload(problem)["percent"] is True
    path = tmp_path / "practice.html"
    path.write_text(practice_page(plan, pool_payloads(plan), "quizgen practice"), encoding="utf-8")
    with browser.fresh_page() as page:
        open_problem(page, path, problem)
        assert "Percentages" in page.inner_text(".hint")
        page.fill('[data-path="a"]', typed(problem.solution.value, problem.solution.decimals) + " %")
        assert check(page).startswith("Right.")


def test_step_titles_typeset_their_maths(page_file, browser):
    """A step title such as "divide by √d_k" shows √d_k typeset, as on cards and sheets."""
    path, problems = page_file
    problem, k = next((p, k) for p in problems.values() for k, st in enumerate(p.solution.steps)
                      if "√d_k" in st.title)
    with browser.fresh_page() as page:
        open_problem(page, path, problem)
        page.evaluate("document.getElementById('worked').classList.add('shown')")
        title = page.locator(".step-title").nth(k)
        assert title.locator("msqrt").count() == 1
        assert "d_k" not in title.inner_text()


def test_forgetting_the_scale_is_named(page_file, browser):
    path, problems = page_file
    problem, distractor = problem_with(problems, "qk.softmax", FORGOT_SCALE.name)
    with browser.fresh_page() as page:
        open_problem(page, path, problem)
        fill(page, solution_form(problem.solution), distractor.value,
             problem.solution.decimals)
        feedback = check(page)
        assert feedback.startswith("Not right.")
        assert says(feedback, FORGOT_SCALE.explanation) and FORGOT_SCALE.name in feedback
        assert page.locator("#feedback .why math").count() == 1  # √d_k typeset, not printed raw
        assert "d_k" not in feedback
        assert page.is_visible(".worked")


def test_rows_and_columns_swapped_is_named(page_file, browser):
    path, problems = page_file
    problem, distractor = problem_with(problems, "qk.scores", ROWS_COLUMNS_SWAPPED.name)
    with browser.fresh_page() as page:
        open_problem(page, path, problem)
        fill(page, solution_form(problem.solution), distractor.value,
             problem.solution.decimals)
        feedback = check(page)
        assert says(feedback, ROWS_COLUMNS_SWAPPED.explanation)


def test_another_wrong_answer_points_at_the_first_wrong_entry(page_file, browser):
    path, problems = page_file
    problem, _ = problem_with(problems, "qk.softmax", FORGOT_SCALE.name)
    form = solution_form(problem.solution)
    wrong = list(problem.solution.value)
    wrong[1] = round(wrong[1] + 0.25, 3)
    assert all(printed(wrong, 3) != printed(d.value, 3) for d in problem.solution.distractors)
    with browser.fresh_page() as page:
        open_problem(page, path, problem)
        fill(page, form, wrong, problem.solution.decimals)
        feedback = check(page)
        assert "The first wrong entry is entry 2." in feedback


def test_choosing_a_wrong_option_names_its_mistake(page_file, browser):
    path, problems = page_file
    problem = next(iter(problems.values()))
    from quizgen.model.choices import lettered_options
    wrong = next(o for o in lettered_options(problem) if not o.right)
    with browser.fresh_page() as page:
        open_problem(page, path, problem)
        if page.is_visible("#swap"):
            page.click("#swap")
        page.check(f'input[name="option"][value="{"ABCD".index(wrong.letter)}"]')
        assert says(check(page), wrong.mistake.explanation)


def test_progress_counts_first_tries_per_family_and_finds_the_weakest(page_file, browser):
    path, problems = page_file
    problem, distractor = problem_with(problems, "qk.softmax", FORGOT_SCALE.name)
    form = solution_form(problem.solution)
    with browser.fresh_page() as page:
        open_problem(page, path, problem)
        fill(page, form, distractor.value, problem.solution.decimals)
        check(page)
        fill(page, form, problem.solution.value, problem.solution.decimals)
        assert check(page).startswith("Right.")  # a second try is not a first-time right
        row = page.inner_text('#stats tr[data-family="qk.softmax"]')
        assert re.search(r"\b1\s+0 %", row), row
        page.reload()
        page.wait_for_selector("#check")
        assert re.search(r"\b1\s+0 %", page.inner_text('#stats tr[data-family="qk.softmax"]'))
        page.click("#weakest")
        assert page.input_value("#family") == "qk.softmax"
        assert "qk.softmax/" in page.inner_text("#problem .meta")


def test_the_page_works_offline_and_fits_a_phone(page_file, browser):
    path, problems = page_file
    problem, _ = problem_with(problems, "qk.scores", ROWS_COLUMNS_SWAPPED.name)
    with browser.fresh_page(viewport=PHONE, offline=True) as page:
        open_problem(page, path, problem)
        fill(page, solution_form(problem.solution), problem.solution.value,
             problem.solution.decimals)
        assert check(page).startswith("Right.")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


# Visible text outside the maths that still reads as source: a maths name with its
# subscript written out (W_Q, d_k), a power (e^0), a LaTeX command, or MathML shown as
# text. Code names such as lookahead_depth may be quoted in prose.
RAW_MATHS = re.compile(r"(?<![\w\\])[A-Za-z]{1,3}_[A-Za-z0-9]|\^|\\[a-z]+|</?m[a-z]*[ >]")

_SHOWN = """
() => {
  const outside = [];
  const walker = document.createTreeWalker(document.getElementById("problem"), NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.parentElement.closest("math, svg, .meta")) outside.push(node.textContent);
  }
  const empty = [...document.querySelectorAll("#problem math")]
    .filter(m => { const r = m.getBoundingClientRect(); return r.width === 0 || r.height === 0; }).length;
  return {outside: outside.join(" "), maths: document.querySelectorAll("#problem math").length, empty: empty,
          sideways: document.documentElement.scrollWidth > document.documentElement.clientWidth};
}
"""


def test_every_family_shows_typeset_maths_on_a_phone(tmp_path, browser):
    """One problem of every family and level, its worked answer shown, at phone width:
    maths typeset (every formula drawn, no W_Q or LaTeX left in the text, the problem's id
    above it aside) and nothing that pushes the page sideways."""
    plan = PracticePlan(tuple(FAMILIES), ("easy", "medium", "hard"), 1, 3)
    path = tmp_path / "practice.html"
    path.write_text(practice_page(plan, pool_payloads(plan), "quizgen practice"), encoding="utf-8")
    bad, maths = [], 0
    with browser.fresh_page(viewport=PHONE) as page:
        for problem in pool_problems(plan):
            page.goto(f"{path.as_uri()}#problem={problem.id}")
            page.reload()  # the page reads the problem from the address as it loads
            page.wait_for_selector("#check")
            assert problem.id in page.inner_text("#problem .meta")
            page.evaluate("document.getElementById('worked').classList.add('shown')")
            shown = page.evaluate(_SHOWN)
            maths += shown["maths"]
            raw = RAW_MATHS.search(shown["outside"])
            if raw or shown["empty"] or shown["sideways"]:
                bad.append((problem.id, raw and raw.group(), shown["empty"], shown["sideways"]))
    assert maths > 500
    assert bad == [], bad[:5]
