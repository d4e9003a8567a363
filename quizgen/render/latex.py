"""LaTeX for MathJax: each formula on one line, so it can sit inside an HTML field."""

from __future__ import annotations

import re

from quizgen.model.content import (
    DELIMITERS, GREEK, MINUS, OPERATORS, Delim, Frac, Mat, Math, Num, Op, Seq, Sqrt, Sym, Word, number_text,
    shared_format,
)

_OPS = {
    "=": "=", "+": "+", "-": "-", "cdot": r"\cdot", "times": r"\times", "approx": r"\approx",
    "to": r"\to", "cup": r"\cup", "in": r"\in", "oplus": r"\oplus", ",": r",\quad", "comma": ",", ">": ">",
    ">=": r"\geq", "<": "<", "<=": r"\leq", "neq": r"\neq", "mapsto": r"\mapsto",
}
_DELIMS = {
    "paren": (r"\left(", r"\right)"), "brace": (r"\left\{", r"\right\}"), "bracket": (r"\left[", r"\right]"),
    "ceil": (r"\left\lceil", r"\right\rceil"), "floor": (r"\left\lfloor", r"\right\rfloor"),
    "norm": (r"\left\lVert", r"\right\rVert"), "abs": (r"\left|", r"\right|"),
}
_TEXT_ESCAPES = {"\\": r"\backslash ", "{": r"\{", "}": r"\}", "_": r"\_", "^": r"\^{}", "#": r"\#",
                 "$": r"\$", "%": r"\%", "&": r"\&", "~": r"\~{}"}
assert set(_DELIMS) == set(DELIMITERS) and set(_OPS) == set(OPERATORS)


def _text(s: str) -> str:
    return "".join(_TEXT_ESCAPES.get(c, c) for c in s)


def _script(s: str) -> str:
    """A subscript; a word in it (``model``, ``net1``) is upright, as a label is."""
    return re.sub(r"[A-Za-z]{2,}", lambda m: rf"\mathrm{{{m.group()}}}", _text(s))


def latex(node: Math) -> str:
    """The LaTeX source of a formula (no surrounding delimiters)."""
    match node:
        case Sym():
            base = f"\\{node.name}" if node.name in GREEK else (
                node.name if len(node.name) == 1 else rf"\mathrm{{{_text(node.name)}}}")
            if node.accent == "tilde":
                base = rf"\tilde{{{base}}}"
            if node.sub is not None:
                base += f"_{{{_script(node.sub)}}}"
            if node.sup is not None:
                base += "^{\\top}" if node.sup == "T" else f"^{{{_text(node.sup)}}}"
            return base
        case Num():
            # TeX's minus sign is the hyphen in math mode (MathJax and MathML converters
            # draw it as U+2212); a literal U+2212 would become an identifier in MathML
            return number_text(node).replace(MINUS, "-")
        case Word():
            return rf"\text{{{_text(node.text)}}}"
        case Op():
            return f" {_OPS[node.name]} "
        case Seq():
            return "".join(latex(i) for i in node.items)
        case Frac():
            return rf"\frac{{{latex(node.num)}}}{{{latex(node.den)}}}"
        case Sqrt():
            return rf"\sqrt{{{latex(node.body)}}}"
        case Delim():
            left, right = _DELIMS[node.kind]
            sub = "" if node.sub is None else f"_{{{_text(node.sub)}}}"
            gap = " " if left[-1].isalpha() else ""  # \left\lVert L, not the unknown \lVertL
            return f"{left}{gap}{latex(node.body)}{right}{sub}"
        case Mat():
            rows = r" \\ ".join(" & ".join(latex(e) for e in row) for row in shared_format(node).rows)
            # \left[ ... \right] rather than bmatrix: MathML converters then stretch the brackets too
            return rf"\left[\begin{{matrix}} {rows} \end{{matrix}}\right]"
    raise TypeError(f"not math: {node!r}")


def cloze_safe(source: str) -> str:
    """Separate adjacent closing braces, which Anki would read as the end of a cloze."""
    while "}}" in source:
        source = source.replace("}}", "} }")
    return source


VECTOR_CHUNK = 4  # entries of a long row vector kept on one line
CHUNK_CHARS = 24  # and at most about this many characters of entries (long numbers: fewer entries)
LONG_SUM = 3  # a sum of more terms than this may wrap after its plus signs


def breakable(node: Math) -> list[str] | None:
    """A formula's LaTeX cut into pieces a narrow screen may wrap between, or None when
    there is nowhere to cut (MathJax 3 never breaks a formula by itself).

    A row vector longer than ``VECTOR_CHUNK`` (or than ``CHUNK_CHARS`` characters) becomes
    chunks of at most that many entries and about that many characters, as even as
    possible, the first carrying the opening bracket and the last the closing one; delimiters around it
    lose their stretching (a row vector is one line high anyway). A set of more than
    ``VECTOR_CHUNK`` members wraps after a comma in the same chunks. A second row vector in
    a formula starts a new piece (``softmax([…]) ≈`` | ``[…]``), so does a matrix after
    ``=`` or ``≈`` (``A ≈`` | ``[…]``), and a sum of more than
    ``LONG_SUM`` terms may wrap after each plus sign.
    """
    pieces = _pieces(node)
    return pieces if pieces is not None and len(pieces) > 1 else None


def _pieces(node: Math) -> list[str] | None:
    """``breakable``'s work: the pieces of a formula holding a row vector or a long sum
    (possibly just one piece), or None."""
    match node:
        case Mat() if len(node.rows) == 1 and len(node.rows[0]) > 1:
            # a negative entry in braces: after \quad, TeX would set its minus as a binary one
            groups = _vector_chunks([latex(e) for e in shared_format(node).rows[0]])
            chunks = [r" \quad ".join(map(_unary, g)) for g in groups]
            chunks = [c + r" \quad" for c in chunks[:-1]] + chunks[-1:]
            return ["[" + chunks[0], *chunks[1:-1], chunks[-1] + "]"] if len(chunks) > 1 else ["[" + chunks[0] + "]"]
        case Delim(kind="brace") if len(members := _members(node.body)) > VECTOR_CHUNK:
            chunks = [", ".join(g) for g in _vector_chunks(members)]
            return [r"\{" + chunks[0] + ",", *(c + "," for c in chunks[1:-1]), chunks[-1] + r"\}"]
        case Delim():
            inner = _pieces(node.body)
            if inner is None:
                return None
            left, right = (d.replace(r"\left", "").replace(r"\right", "") for d in _DELIMS[node.kind])
            return [left + inner[0], *inner[1:-1], inner[-1] + right] if len(inner) > 1 else [left + inner[0] + right]
        case Seq():
            # a matrix after = or ≈ is a piece of its own: on a phone it goes under its name
            alone = {i for i, item in enumerate(node.items) if i and isinstance(item, Mat) and len(item.rows) > 1
                     and node.items[i - 1] in (Op("="), Op("approx"))}
            pieces = [[latex(item)] if i in alone else _pieces(item) for i, item in enumerate(node.items)]
            if all(p is None for p in pieces):
                plus = [i for i, item in enumerate(node.items) if isinstance(item, Op) and item.name == "+"]
                if len(plus) < LONG_SUM:
                    return None
                cuts = [0, *(i + 1 for i in plus), len(node.items)]
                # "{}" after a trailing plus keeps its spacing as a binary operator
                return [latex(Seq(node.items[a:b])) + ("{}" if b < len(node.items) else "")
                        for a, b in zip(cuts, cuts[1:])]
            out = [""]
            after_vector = False  # a second vector starts on a piece of its own
            for i, (item, piece) in enumerate(zip(node.items, pieces)):
                if piece is None:
                    out[-1] += latex(item)
                elif after_vector or i in alone:
                    out[-1] += "{}"
                    out.extend(piece)
                    after_vector = True
                else:
                    out[-1] += piece[0]
                    out.extend(piece[1:])
                    after_vector = True
            return out
    return None


def _unary(entry: str) -> str:
    """A negative entry as one group (``{-1.500}``), so its minus sign stays unary."""
    return "{" + entry + "}" if entry.startswith("-") else entry


def _members(body: Math) -> list[str]:
    """The LaTeX of a set's members, when its body lists them with commas (else none)."""
    items = body.items if isinstance(body, Seq) else (body,)
    members, commas = items[::2], items[1::2]
    if any(isinstance(m, Op) for m in members) or any(c != Op("comma") for c in commas):
        return []
    return [latex(m) for m in members]


def _vector_chunks(entries: list[str]) -> list[list[str]]:
    """Entries in chunks of at most ``VECTOR_CHUNK`` entries and ``CHUNK_CHARS`` characters:
    as many chunks as packing them in order needs, then as even as the limits allow."""
    greedy: list[list[str]] = [[]]
    for entry in entries:
        chunk = greedy[-1]
        if chunk and (len(chunk) == VECTOR_CHUNK or sum(map(len, chunk)) + len(entry) > CHUNK_CHARS):
            greedy.append([])
        greedy[-1].append(entry)
    size = -(-len(entries) // len(greedy))
    even = [entries[i:i + size] for i in range(0, len(entries), size)]
    fits = len(even) == len(greedy) and all(sum(map(len, c)) <= CHUNK_CHARS for c in even)
    return even if fits else greedy
