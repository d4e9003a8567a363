"""Where the shipped templates and deck definitions are, installed or in a checkout.

A wheel carries the top-level ``templates/`` and ``decks/`` folders inside the package as
``quizgen/_shipped/``; a source checkout (or an editable install) reads them from the
repository root.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

from quizgen.render import command, typst
from quizgen.words import counted

_PACKAGE = Path(__file__).resolve().parent


def shipped(folder: str) -> Path:
    """The shipped folder ``templates`` or ``decks``."""
    for candidate in (_PACKAGE / "_shipped" / folder, _PACKAGE.parent / folder):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"quizgen is installed without its {folder}/ folder")


@cache
def jinja_env() -> jinja2.Environment:
    """Templates with StrictUndefined, so a missing value fails loudly. HTML templates
    autoescape; Typst templates (``.typ``) receive rendered Typst and pass any raw text
    through the ``typst_text``/``typst_string`` filters, which make string literals. A
    printed command goes through ``typst_command`` or ``html_command``, which wrap it only
    between its words."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(shipped("templates")),
        autoescape=jinja2.select_autoescape(["html"], default=False),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["typst_text"] = typst.text
    env.filters["typst_string"] = typst.string
    env.filters["typst_command"] = command.typst_markup
    env.filters["html_command"] = command.html
    env.filters["counted"] = counted
    return env
