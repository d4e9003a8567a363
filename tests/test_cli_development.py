"""Contributors: the tests test this working tree, and say so loudly when they would not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import quizgen

REPO = Path(__file__).resolve().parent.parent


def test_quizgen_comes_from_this_working_tree():
    assert Path(quizgen.__file__).resolve() == REPO / "quizgen" / "__init__.py"


def test_pytest_stops_when_quizgen_comes_from_elsewhere(tmp_path):
    elsewhere = tmp_path / "site-packages" / "quizgen"
    elsewhere.mkdir(parents=True)
    (elsewhere / "__init__.py").write_text('__version__ = "0.0.0"\n')
    # without pyproject's ``pythonpath``, an installed copy on the path would win
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-c", str(REPO / "pyproject.toml"),
         "-o", "pythonpath=", str(REPO / "tests" / "test_registry.py")],
        cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(elsewhere.parent)})
    assert result.returncode != 0
    assert f"the tests imported quizgen from {elsewhere}, not from this working tree" in result.stdout + result.stderr


def test_with_pyproject_the_working_tree_wins_over_an_installed_copy(tmp_path):
    elsewhere = tmp_path / "site-packages" / "quizgen"
    elsewhere.mkdir(parents=True)
    (elsewhere / "__init__.py").write_text('__version__ = "0.0.0"\n')
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", str(REPO / "pyproject.toml"),
         str(REPO / "tests" / "test_cli_development.py::test_quizgen_comes_from_this_working_tree")],
        cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(elsewhere.parent)})
    assert result.returncode == 0, result.stdout + result.stderr
