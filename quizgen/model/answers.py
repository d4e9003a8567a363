"""How a student gives an answer: the form of entry that fits it, and its exact typed text.

The practice page builds its input boxes from ``answer_form``; a typed-answer Anki card
asks for ``typed_text`` and says how to write it with ``typed_instruction``. Both start
from the right option's value (``Solution.value``), never from printed text.
"""

from __future__ import annotations

from typing import Any

from quizgen.model.content import MINUS, fixed
from quizgen.model.problem import Solution

# kinds a card can ask to be typed: short, one line, exact
TYPABLE = ("number", "vector", "set", "yesno", "text")
EXAMPLE_NUMBERS = (0.25, 0.125, 0.5, 0.625, 0.75, 0.375, 0.875, 0.0625)


def answer_form(value: Any, decimals: int | None, entry: Any = None) -> dict[str, Any]:
    """How a student enters an answer: a number, a grid of boxes sized to a vector or
    matrix, a set (numbers in any order), yes/no, a word, labelled lines for the items of a
    list or the values of a mapping, or a choice among the options. ``entry`` is the
    family's word on it (``Solution.entry``); without one, the shape of ``value`` decides,
    and text or mixed values are chosen from the options."""
    if isinstance(entry, list):
        if not isinstance(value, list) or len(entry) != len(value):
            raise ValueError(f"entry {entry!r} does not fit the value {value!r}")
        return {"kind": "fields", "list": True,
                "fields": [{"label": label, "form": answer_form(v, decimals, e)}
                           for (label, e), v in zip(entry, value)]}
    if isinstance(entry, dict) or (entry is None and isinstance(value, dict) and value):
        each = entry["each"] if entry else None
        return {"kind": "fields", "list": False,
                "fields": [{"label": str(k), "form": answer_form(v, decimals, each)} for k, v in value.items()]}
    kind = entry or _kind_of(value)
    if kind == "vector":
        return {"kind": kind, "size": len(value)}
    if kind == "matrix":
        return {"kind": kind, "rows": len(value), "cols": len(value[0])}
    return {"kind": kind}


def solution_form(solution: Solution) -> dict[str, Any]:
    """How a student enters the answer of this solution."""
    return answer_form(solution.value, solution.decimals, solution.entry)


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "yesno"
    if _is_number(value):
        return "number"
    if isinstance(value, list) and value and all(_is_number(v) for v in value):
        return "vector"
    if (isinstance(value, list) and value and all(isinstance(r, list) and r and all(_is_number(v) for v in r)
                                                  for r in value)
            and len({len(r) for r in value}) == 1):
        return "matrix"
    return "choice"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def typed_text(form: dict[str, Any], value: Any, decimals: int | None) -> str | None:
    """The exact text a student types for ``value`` (ASCII minus, numbers at the printed
    precision, sets smallest first, items of a list separated by "; "); None when the
    form is too long to type on a card (a matrix, a mapping, a choice)."""
    kind = form["kind"]
    if kind == "fields" and form["list"] and all(f["form"]["kind"] in TYPABLE for f in form["fields"]):
        return "; ".join(typed_text(f["form"], v, decimals) for f, v in zip(form["fields"], value))
    if kind not in TYPABLE:
        return None
    if kind == "number":
        return _typed_number(value, decimals)
    if kind == "vector":
        return ", ".join(_typed_number(v, decimals) for v in value)
    if kind == "set":
        return ", ".join(_typed_number(v, None) for v in sorted(value)) or "none"
    if kind == "yesno":
        return "yes" if value else "no"
    return str(value)


def typed_instruction(form: dict[str, Any], decimals: int | None, avoid: str, percent: bool = False) -> str:
    """How to type an answer of this form, with an example that is not ``avoid``; with
    ``percent`` its numbers are percentages, typed without the % sign."""
    for shift in range(len(EXAMPLE_NUMBERS)):
        example = _example(form, decimals, shift, percent)
        if example != avoid:
            return f"{_how(form, decimals, percent)} (like {example})"
    raise AssertionError("every example equals the answer")  # pragma: no cover - eight distinct examples


def _typed_number(value: float, decimals: int | None) -> str:
    if decimals is None and float(value).is_integer():
        return str(int(value))
    return fixed(value, 3 if decimals is None else decimals).replace(MINUS, "-")  # typed with the keyboard's minus


def _how(form: dict[str, Any], decimals: int | None, percent: bool) -> str:
    if decimals is None:
        number = "a whole number"
    else:
        places = f"{decimals} decimal{'s' * (decimals != 1)}"
        number = f"a percentage with {places}, without the % sign" if percent else f"a number with {places}"
    match form["kind"]:
        case "number":
            return number
        case "vector":
            return f"the {form['size']} numbers in order, each {number}, separated by a comma and a space"
        case "set":
            return "the numbers smallest first, separated by a comma and a space (none if there are none)"
        case "yesno":
            return "yes or no"
        case "text":
            return "the word or letter"
        case "fields":
            parts = "; then ".join(f"{f['label']} as {_how(f['form'], decimals, percent)}" for f in form["fields"])
            return f"{parts}; separated by a semicolon and a space"
    raise ValueError(f"no typed form for {form!r}")


def _example(form: dict[str, Any], decimals: int | None, shift: int, percent: bool) -> str:
    def number(k: int) -> str:
        x = EXAMPLE_NUMBERS[(shift + k) % len(EXAMPLE_NUMBERS)]
        return _typed_number(round(x * 8) if decimals is None else x * (100 if percent else 1), decimals)

    match form["kind"]:
        case "number":
            return number(0)
        case "vector":
            return ", ".join(number(k) for k in range(form["size"]))
        case "set":
            return ", ".join(sorted({number(0), number(3)}, key=float))
        case "yesno":
            return ("yes", "no")[shift % 2]
        case "text":
            return ("Q", "K", "V", "cat")[shift % 4]
        case "fields":
            return "; ".join(_example(f["form"], decimals, shift + k, percent) for k, f in enumerate(form["fields"]))
    raise ValueError(f"no typed form for {form!r}")
