"""What a card shows, checked without a browser: backs that lead with the full answer,
every wrong option with its mistake, collapsed steps (in real Anki, for every family), and
the cutting of formulas and tables that lets a card fit a phone."""

from __future__ import annotations

import re
from html import unescape

import pytest

from anki_helpers import fresh_collection, import_apkg, visible_text
from quizgen.decks import load_deck
from quizgen.families import FAMILIES
from quizgen.model.choices import lettered_options
from quizgen.model.content import Op, Seq, Word, braces, mat, seq, sym, table
from quizgen.render.html import HtmlWriter, mathjax_display, mathjax_inline
from quizgen.render.latex import CHUNK_CHARS, VECTOR_CHUNK, breakable, latex
from quizgen.writers import apkg


def test_a_long_row_vector_wraps_in_chunks_that_keep_every_entry():
    values = [1, 0, 0, 1, 0, 1, 1, 0, 0, 1]
    pieces = breakable(mat([values]))
    assert pieces is not None and len(pieces) == 3
    assert pieces[0].startswith("[") and pieces[-1].endswith("]")
    entries = [e for p in pieces for e in re.findall(r"-?\d+", p)]
    assert entries == [str(v) for v in values]
    assert all(len(re.findall(r"-?\d+", p)) <= VECTOR_CHUNK for p in pieces)


def test_a_vector_of_long_numbers_wraps_in_shorter_chunks():
    pieces = breakable(mat([[1.75e-7, 1.92e-6, 3.62e-5, 0.000824, 0.016, 0.17, 0.813]]))
    assert pieces is not None and len(pieces) == 2
    assert all(len(re.sub(r"\\quad|[\[\] ]", "", p)) <= CHUNK_CHARS for p in pieces)


def test_short_vectors_and_plain_formulas_stay_whole():
    assert breakable(mat([[1, 0, 0, 1]])) is None
    assert breakable(mat([[1, 0], [0, 1]])) is None
    assert breakable(seq(sym("S"), "=", sym("Q"), "cdot", sym("K", None, "T"))) is None
    assert unescape(mathjax_inline(mat([[1, 0, 0, 1]]))) == r"\(" + latex(mat([[1, 0, 0, 1]])) + r"\)"


def test_a_formula_with_two_vectors_breaks_between_them():
    formula = seq(Word("softmax"), mat([[1, 0, 0]]), "approx", mat([[0.5, 0.25, 0.25]]))
    pieces = breakable(formula)
    assert pieces is not None and len(pieces) == 2
    assert r"\text{softmax}" in pieces[0] and r"\approx" in pieces[0] and pieces[1].startswith("[0.5")


def test_a_long_sum_wraps_after_its_plus_signs():
    terms = [sym("e", str(i)) for i in range(5)]
    items = []
    for t in terms:
        items += [t, Op("+")]
    pieces = breakable(Seq(tuple(items[:-1])))
    assert pieces is not None and len(pieces) == 5
    assert all(p.endswith("+ {}") for p in pieces[:-1])


def test_a_listed_display_becomes_one_part_per_formula():
    formula = seq(sym("W", "Q"), "=", mat([[1, 0], [0, 1]]), ",", sym("W", "K"), "=", mat([[0, 1], [1, 0]]))
    html = mathjax_display(formula)
    assert html.count('class="part"') == 2
    # each part typesets its name and its matrix apart (the matrix may wrap under its name)
    assert r"W_{Q} = {}" in html and r"W_{K} = {}" in html and html.count(r"\(") == html.count(r"\)") == 4
    single = mathjax_display(seq(sym("S"), "=", sym("Q"), "cdot", sym("K", None, "T")))
    assert single.startswith(r"\[") and "part" not in single


def test_a_matrix_after_its_name_may_wrap_under_it():
    pieces = breakable(seq(sym("A"), "approx", mat([[1, 0], [0, 1]])))
    assert pieces == [r"A \approx {}", latex(mat([[1, 0], [0, 1]]))]
    assert breakable(mat([[1, 0], [0, 1]])) is None


def test_a_long_set_wraps_after_commas_and_vector_signs_stay_unary():
    pieces = breakable(braces(range(1, 12)))
    assert pieces is not None and len(pieces) == 3 and pieces[0].startswith(r"\{") and pieces[-1].endswith(r"\}")
    assert re.findall(r"\d+", "".join(pieces)) == [str(i) for i in range(1, 12)]
    assert breakable(braces(range(4))) is None
    assert "{-1.500}" in breakable(mat([[0, -1.5, 2, -1.5, 1]]))[0]


def test_a_long_table_of_few_rows_wraps_in_column_blocks_without_losing_a_cell():
    header = ["position", *map(str, range(11))]
    rows = [["token", *[f"t{i}" for i in range(11)]]]
    html = str(HtmlWriter(card_tables=True).block(table(header, rows)))
    blocks = re.findall(r"<table.*?</table>", html)
    assert len(blocks) == 3 and all(b.count(">position<") == 1 and b.count(">token<") == 1 for b in blocks)
    assert re.findall(r">t(\d+)<", html) == [str(i) for i in range(11)]
    # the sheet writer keeps one table
    assert str(HtmlWriter().block(table(header, rows))).count("<table") == 1


@pytest.fixture(scope="module")
def every_family(tmp_path_factory):
    """A deck with a multiple-choice and a basic note of every family, built with the real
    writer and imported into real Anki."""
    folder = tmp_path_factory.mktemp("every-family")
    sections = "".join(f'[[section]]\nfamily = "{f}"\ncount = 2\nkind = "choice"\n\n'
                       f'[[section]]\nfamily = "{f}"\ncount = 1\n\n' for f in FAMILIES)
    deck = folder / "deck.toml"
    deck.write_text(f'name = "Every family"\nid = 1764000000998\nseed = 5\n\n{sections}')
    definition = load_deck(deck)
    apkg.write_deck(definition, folder / "out", 1_800_000_000)
    col = fresh_collection(folder / "anki")
    import_apkg(col, folder / "out" / "deck.apkg")
    problems = {p.id: p for _, p in definition.draw()}
    yield col, problems
    col.close()


def _back_after_front(html: str) -> str:
    return html.split('<hr id="answer">', 1)[1]


def _text(html: str) -> str:
    return " ".join(unescape(visible_text(html)).split())


def test_every_back_leads_with_the_full_answer_and_keeps_steps_collapsed(every_family):
    col, problems = every_family
    writer = HtmlWriter(card_tables=True)
    seen = set()
    for cid in col.find_cards('-"note:quizgen Cloze v2"'):
        card = col.get_card(cid)
        note = card.note()
        problem = problems[note["ProblemId"]]
        back = _back_after_front(card.render_output().answer_text)
        first = re.match(r'\s*<div class="answer">(.*?)</div>\s*<div class="verdict">', back, flags=re.S)
        assert first, f"{problem.id}: the back does not open with the answer"
        assert _text(first.group(1)) == _text(str(writer.blocks(problem.solution.answer)))
        assert "<details" in back and "<details open" not in back
        seen.add(problem.family)
    assert seen == set(FAMILIES)


def test_every_wrong_option_carries_its_mistake(every_family):
    col, problems = every_family
    checked = 0
    for cid in col.find_cards('"note:quizgen Multiple choice v2"'):
        card = col.get_card(cid)
        problem = problems[card.note()["ProblemId"]]
        back = _text(_back_after_front(card.render_output().answer_text))
        options = lettered_options(problem)
        right = next(o for o in options if o.right)
        assert f"{right.letter} is right" in back
        for option in options:
            if option.right:
                continue
            assert option.mistake.explanation, f"{problem.id}: {option.mistake.name} has no explanation"
            line = re.search(rf"\b{option.letter} .*? is wrong: it (.*?) \({re.escape(option.mistake.name)}\)", back)
            assert line, f"{problem.id}: option {option.letter} without its mistake"
            assert _text(line.group(1)) == _text(HtmlWriter().pieces((option.mistake.explanation,)))
            checked += 1
    assert checked >= 2 * len(FAMILIES)
