"""``quizgen init``: a folder of deck files for a user to edit and build."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

from quizgen.decks import DECK_KINDS, FACT_TOPICS, MAX_DESCRIPTION, deck_files
from quizgen.errors import QuizgenError
from quizgen.resources import shipped
from quizgen.typed import TYPED_FAMILIES

EXAMPLE_NAME = "my-deck.toml"


def _setting(line: str, comment: str) -> str:
    """A key of the example deck with its comment, wrapped in the comment column."""
    first, *rest = textwrap.wrap(comment, 58)
    return "\n".join([f"{line:<27} # {first}", *(f"{'':<27} # {more}" for more in rest)])


def example_deck(deck_id: int) -> str:
    """A short deck file whose comments explain every key."""
    name = _setting('name = "quizgen::My deck"', 'the deck\'s name in Anki; "::" makes a subdeck')
    identity = _setting(f"id = {deck_id}", "drawn by quizgen init (the time in milliseconds); keep it: "
                        "notes are known by it, and no two decks may share one")
    facts = _setting('facts = ["qk"]', "optional: cloze cards on " + ", ".join(FACT_TOPICS))
    kind = _setting('kind = "choice"', f"one of {', '.join(DECK_KINDS)} (default {DECK_KINDS[0]}); typed "
                    "cards, where you type the answer in, exist only for " + ", ".join(TYPED_FAMILIES))
    return f'''# A deck of your own: edit it, then run `quizgen build` in the folder that holds decks/.
# `quizgen list` shows the families, `quizgen describe FAMILY` what their levels change.

{name}
{identity}
{_setting("seed = 1", "change it for a fresh draw of every problem")}
# Optional: a description, plain text that Anki shows on the deck's overview (at most
# {MAX_DESCRIPTION:,} characters). Remove the "# " before the next line to use it.
# description = "Practice for week 3"
{facts}

{_setting("[[section]]", "a block of problems of one family")}
family = "qk.softmax"
{_setting("count = 5", "grow it later: the notes you have keep their identity")}
{kind}
{_setting('difficulty = "easy"', "optional; without it the levels take turns")}

[[section]]
family = "merge.reachable"
count = 5
{_setting('subdeck = "Path merging"', "optional: a subdeck of this deck")}
'''


def init_decks(folder: Path) -> list[tuple[Path, bool]]:
    """Copy the shipped deck files and an example deck into ``folder``; an existing file
    is left as it is. Returns each file with whether it was created."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise QuizgenError(f"cannot create {folder}: {exc.strerror or exc}") from None
    files = [(source.name, source.read_text(encoding="utf-8")) for source in deck_files(shipped("decks"))]
    files.append((EXAMPLE_NAME, example_deck(int(time.time() * 1000))))
    results = []
    for name, content in files:
        path = folder / name
        try:
            out = open(path, "x", encoding="utf-8")  # "x": never replace a file
        except FileExistsError:
            results.append((path, False))
            continue
        except OSError as exc:
            raise QuizgenError(f"cannot write {path}: {exc.strerror or exc}") from None
        with out:
            try:
                out.write(content)
            except OSError as exc:
                path.unlink(missing_ok=True)
                raise QuizgenError(f"cannot write {path}: {exc.strerror or exc}") from None
        results.append((path, True))
    return results
