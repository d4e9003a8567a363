"""Counts read right in messages and on pages: ``1 family``, never ``1 families``."""

from __future__ import annotations

import pytest

from quizgen.words import counted


@pytest.mark.parametrize("n, noun, plural, shown", [
    (0, "note", None, "0 notes"), (1, "note", None, "1 note"), (2, "note", None, "2 notes"),
    (1, "family", "families", "1 family"), (17, "family", "families", "17 families"),
    (1, "retired note", None, "1 retired note"), (3, "retired note", None, "3 retired notes"),
])
def test_counted(n, noun, plural, shown):
    assert counted(n, noun, plural) == shown
