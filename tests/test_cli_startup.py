"""Start-up: the commands that only describe things import nothing heavy (issue 13)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
HEAVY = ("numpy", "genanki", "typst", "jinja2", "markupsafe", "yaml", "asyncio",
         "quizgen.families", "quizgen.model", "quizgen.render", "quizgen.writers")

PROBE = """
import sys
from quizgen.cli import main
sys.argv = ["quizgen", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
sys.stderr.write("\\nMODULES " + " ".join(sorted(sys.modules)) + "\\n")
"""


def imported_by(*args: str, **env: str) -> set[str]:
    """The modules a fresh ``quizgen ARGS`` process has imported when it exits."""
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO), **env})
    return set(result.stderr.split("\nMODULES ")[1].split())


@pytest.mark.parametrize("args", [("--help",), (), ("--version",), ("list",), ("describe", "qk.softmax"),
                                  ("show", "--help")])
def test_describing_commands_import_nothing_heavy(args):
    modules = imported_by(*args)
    assert "click" in modules
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY or m.startswith(HEAVY))
    assert heavy == [], f"quizgen {' '.join(args)} imported {heavy}"


def test_completion_imports_nothing_heavy():
    modules = imported_by(_QUIZGEN_COMPLETE="bash_complete", COMP_WORDS="quizgen show qk.", COMP_CWORD="2")
    assert not [m for m in modules if m.startswith(HEAVY)]


def test_a_command_that_works_imports_what_it_needs():
    modules = imported_by("show", "qk.softmax")
    assert "numpy" in modules and "quizgen.families" in modules
    assert not {"genanki", "typst", "jinja2"} & modules  # showing a problem builds no deck and no sheet
