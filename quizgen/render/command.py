"""A shell command as a printed page shows it: wrapped between its words, never inside one.

A line that ended at the hyphen of ``--difficulty`` or ``week-7.toml`` would read as a
hyphenated word on paper, and whoever types the command from the page would type it
wrong. So each word is kept whole, an option stays with its value, and the line may only
wrap at the spaces between them.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from quizgen.render.typst import string

# A group longer than this (a very long path or title) would run off the narrowest line
# it is printed on (a 7-point footer holds about 130 characters), so it may wrap as usual.
KEPT_WHOLE = 60

_WORD = re.compile(r"""(?:[^\s'"]+|'[^']*'|"(?:[^"\\]|\\.)*")+""")


def printed_groups(command: str) -> list[str]:
    """The command's words as they stay together on a line: an option with its value,
    every other word alone. Joined by single spaces they give back a command whose words
    are single-spaced, as quizgen makes them (quoted words stay whole)."""
    groups: list[str] = []
    for word in _WORD.findall(command):
        previous = groups[-1] if groups else ""
        if (previous.startswith("-") and " " not in previous and not word.startswith("-")
                and _kept_whole(f"{previous} {word}")):
            groups[-1] = f"{previous} {word}"
        else:
            groups.append(word)
    return groups


def typst_markup(command: str) -> str:
    """The command as Typst markup: each group that fits a line in an unbreakable box."""
    return " ".join(f"#box({string(g)})" if _kept_whole(g) else f"#{string(g)}" for g in printed_groups(command))


def html(command: str) -> Markup:
    """The command as HTML: each group that fits a line in a ``<span class="word">``, which
    the page's style keeps on one line."""
    return Markup(" ").join(Markup('<span class="word">{}</span>').format(g) if _kept_whole(g) else escape(g)
                            for g in printed_groups(command))


def _kept_whole(group: str) -> bool:
    """Whether a group is set on one line (a longer one, a very long path, may wrap)."""
    return len(group) <= KEPT_WHOLE
