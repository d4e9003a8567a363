"""Shared test helpers: problems over many seeds, and the headless browser."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

import quizgen

# The tests must test this working tree, not a copy installed elsewhere: pyproject.toml
# puts the repository first on sys.path (pytest's ``pythonpath``), and this stops the run
# loudly if quizgen still comes from somewhere else.
REPO = Path(__file__).resolve().parent.parent
if Path(quizgen.__file__).resolve().parent != REPO / "quizgen":
    pytest.exit(f"the tests imported quizgen from {Path(quizgen.__file__).parent}, not from this working tree "
                f"{REPO}; run pytest from the repository root (see README, Development)", returncode=4)

from quizgen.families import FAMILIES  # noqa: E402  (after the check above)
from quizgen.model.family import make_problem
from quizgen.model.problem import Problem

SEEDS_PER_FAMILY = 1000


def many(family_id: str, count: int = SEEDS_PER_FAMILY) -> Iterator[Problem]:
    """``count`` problems of a family, the difficulty levels taking turns."""
    family = FAMILIES[family_id]
    levels = list(family.levels)
    for seed in range(count):
        yield make_problem(family, seed, levels[seed % len(levels)])


@pytest.fixture(scope="session")
def browser():
    """The system's headless Chromium with MathJax 3 at hand (see tests/browser.py).

    Without a browser the browser tests skip on a developer's machine, but fail in CI
    (CI=true), where ``tests/install-browser`` must have installed one."""
    from browser import Browser, chromium_path, mathjax_script

    missing = []
    executable = chromium_path()
    if executable is None:
        missing.append("Chromium (/usr/bin/chromium; run tests/install-browser)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing.append("Playwright for Python (pip install '.[test]')")
    try:
        mathjax_script()
    except (ImportError, FileNotFoundError):
        missing.append("MathJax 3 (django-static-mathjax; pip install '.[test]')")
    if missing:
        message = "browser tests need " + ", ".join(missing)
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    session = Browser(executable)
    yield session
    session.close()
