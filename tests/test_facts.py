"""Fact (cloze) cards: each reads as a sentence with its gap hidden and with it filled, the
three facts the review found wrong stay right, and every exam line and conceptual
question of the five study notes has a fact. The cards are also rendered by real Anki."""

from __future__ import annotations

import re

import pytest

from anki_helpers import fresh_collection, import_apkg, visible_text
from quizgen.decks import load_deck
from quizgen.facts import FACTS, Cloze, Fact
from quizgen.model.content import Frac, Sqrt
from quizgen.render.text import inline
from quizgen.writers import apkg

GAP = "[...]"

# Every exam line and conceptual question of the notes (../shared/seeds), and the fact that
# answers it. A fact removed or renamed fails here.
COVERAGE = {
    "000 exam line: Q·K is identity (or position) matching, ~1 on the sought source": ["one-hot-match"],
    "000 exam line: softmax sharpens the match": ["softmax-sharpens"],
    "000 exam line: copying the matched vertex's reachable set is one path-merge": ["merge-copies-reachable-set"],
    "000 exam line: perturbing query vs key tells target vs source": ["perturb-source", "perturb-target"],
    "000: token-matching vs position-based merges": ["merge-token-vs-position"],
    "000/perturbation: the √d/10 threshold and what d is": ["perturb-threshold"],
    "000: rows are targets, columns sources": ["qk-scores-cell"],
    "001 one-liner: the weight is softmax(Q_j·K_i/√d), deterministic": ["attention-weight-formula",
                                                                      "attention-deterministic"],
    "001: scale by 1/√d_k so the softmax does not saturate": ["scale-sqrt-dk"],
    "001: an all-zero row is uniform after softmax": ["softmax-zero-row"],
    "001: rows of A sum to 1": ["attention-row-sums"],
    "001: shapes of Q, K, V": ["attention-qkv-shapes"],
    "001: the n × n score matrix makes attention O(n²)": ["attention-quadratic"],
    "001: sharp attention by hand, 94.8 % / 1.7 %": ["attention-sharp-by-hand"],
    "001: random vs trained weights": ["attention-random-vs-trained"],
    "001: reach doubles per layer, 1 → 2 → 4 → 8": ["merge-reach-doubles"],
    "001: log-depth path-merging": ["merge-log-depth"],
    "003 Q: which matrix reads and which writes a subspace; their product": ["read-write-subspace",
                                                                              "ov-product-meaning"],
    "003 Q: which two matrices decide the pattern": ["qk-decides-pattern"],
    "003 Q: a head written with two matrices": ["qk-ov-product", "head-from-two-circuits"],
    "003 Q: the rank of QK and OV": ["qk-rank", "ov-rank"],
    "003 Q: what W_V²·W_O¹ and its singular values say": ["composition-w-v2-o1"],
    "003 exercise 1: two previous-token heads make a virtual head": ["virtual-head"],
    "003 exercise 2c: rotate the query by −α for the previous token": ["rotation-previous-token"],
    "002/003: a previous-token head feeds an induction head (K-composition)": ["induction-two-layers",
                                                                               "induction-k-composition"],
    "002: low-rank OV circuits that copy": ["ov-copying", "ov-rank"],
    "002: once attention is decided, the output depends only on the source": ["ov-depends-on-source"],
    "004: keep the end position when the last row attends above the threshold": ["ablation-keep-end"],
    "004: a high enough attention value is a circuit edge": ["ablation-edge-threshold"],
    "004: QK vs QK with VO": ["ablation-qk-vs-qkvo"],
    "004: activation patching recovery": ["recovery-ratio"],
}


def gaps(fact: Fact) -> list[int]:
    return sorted({p.index for p in fact.pieces if isinstance(p, Cloze)})


def reading(fact: Fact, hidden: int | None = None) -> str:
    """The fact as plain text, with gap ``hidden`` shown as Anki shows it and every other gap filled."""
    return "".join((GAP if p.index == hidden else inline(p.pieces)) if isinstance(p, Cloze) else inline((p,))
                   for p in fact.pieces)


def hidden_text(fact: Fact, index: int) -> str:
    return " ".join(inline(p.pieces) for p in fact.pieces if isinstance(p, Cloze) and p.index == index)


def reads_as_a_sentence(text: str) -> list[str]:
    """What keeps a text from reading as one clean sentence (empty when it does)."""
    problems = []
    if not (text[:1].isupper() or text[:1] in "√"):
        problems.append("does not start with a capital")
    if not text.endswith("."):
        problems.append("does not end with a full stop")
    if "  " in text or " ," in text or " ." in text or " ;" in text or " :" in text:
        problems.append("stray space")
    for open_, close in ("()", "[]", "{}"):
        if text.count(open_) != text.count(close):
            problems.append(f"unbalanced {open_}")
    if re.search(r"\b(\w+) \1\b", text):
        problems.append("a doubled word")
    if re.search(r"\b(not|never|no)\b[^.;:]*\b(nobody|nothing|no one)\b", text):
        problems.append("a double negative")
    if "_" in re.sub(r"W_[A-Z]|d_\(", "", text) and re.search(r"[a-z]_[a-z]", text):
        problems.append("a literal underscore in prose")
    return problems


@pytest.mark.parametrize("fact", FACTS, ids=lambda f: f.id)
def test_fact_reads_as_a_sentence_filled_in(fact: Fact):
    assert gaps(fact) == list(range(1, len(gaps(fact)) + 1)), "gaps are numbered 1, 2, ..."
    assert reads_as_a_sentence(reading(fact)) == [], reading(fact)


@pytest.mark.parametrize("fact", FACTS, ids=lambda f: f.id)
def test_each_hidden_part_reads_in_context(fact: Fact):
    """With one gap hidden, the card still reads as a sentence: the gap is a whole phrase
    between spaces or punctuation, the hint around it does not give it away, and it hides
    a part of the sentence, not all of it."""
    for index in gaps(fact):
        shown = reading(fact, index)
        answer = hidden_text(fact, index)
        assert reads_as_a_sentence(shown.replace(GAP, "gap")) == [], shown
        before, _, after = shown.partition(GAP)
        assert before == "" or before[-1] in " (", f"gap glued to the word before it: {shown}"
        assert after[:1] in (" ", ".", ",", ";", ":", ")"), f"gap glued to the word after it: {shown}"
        assert answer.strip() == answer and answer, f"gap {index} is empty or padded"
        if " " in answer:  # a phrase repeated beside its gap gives it away (a single word may recur)
            assert answer not in shown, f"gap {index} is given away by the text around it: {shown}"
        assert len(answer) < 0.6 * len(reading(fact)), f"gap {index} hides most of the sentence"


def test_fact_ids_are_unique_and_topics_are_used_by_a_deck():
    ids = [f.id for f in FACTS]
    assert len(ids) == len(set(ids))
    topics = {"qk", "merging", "perturbation", "attention", "circuits", "ablation"}
    assert {f.topic for f in FACTS} <= topics


def test_every_exam_line_and_conceptual_question_has_a_fact():
    ids = {f.id for f in FACTS}
    missing = {item: [i for i in want if i not in ids] for item, want in COVERAGE.items()}
    assert not {k: v for k, v in missing.items() if v}
    assert len(FACTS) >= 35


def test_the_three_facts_the_review_found_wrong():
    by_id = {f.id: f for f in FACTS}
    scale = by_id["scale-sqrt-dk"]
    divisor = next(p for p in scale.pieces if isinstance(p, Cloze) and p.index == 1).pieces
    # divided by √d_k, never by 1/√d_k (which would multiply by √d_k)
    assert len(divisor) == 1 and isinstance(divisor[0], Sqrt) and not isinstance(divisor[0], Frac)
    assert "divided by √dₖ" in reading(scale) and "divided by 1/" not in reading(scale)
    zero = reading(by_id["softmax-zero-row"])
    assert "nobody" not in zero and "uniform" in zero
    threshold = by_id["perturb-threshold"]
    assert "where d is the width of the embedding vectors (the attention input)" in reading(threshold)
    assert "width of the embedding" in hidden_text(threshold, 2)


@pytest.fixture(scope="module")
def fact_collection(tmp_path_factory):
    """A deck of every fact, built with the real writer and imported into real Anki."""
    folder = tmp_path_factory.mktemp("facts")
    deck = folder / "facts.toml"
    deck.write_text('name = "Facts"\nid = 1764000000999\nseed = 1\n'
                    'facts = ["qk", "merging", "perturbation", "attention", "circuits", "ablation"]\n\n'
                    '[[section]]\nfamily = "qk.softmax"\ncount = 1\n')
    apkg.write_deck(load_deck(deck), folder / "out", 1_800_000_000)
    col = fresh_collection(folder / "anki")
    import_apkg(col, folder / "out" / "facts.apkg")
    yield col
    col.close()


def test_cloze_cards_hide_one_gap_in_real_anki(fact_collection):
    col = fact_collection
    cards = [col.get_card(cid) for cid in col.find_cards('"note:quizgen Cloze v2"')]
    assert len(cards) == sum(len(gaps(f)) for f in FACTS)
    by_source = {f"fact {f.id}": f for f in FACTS}
    for card in cards:
        fact = by_source[card.note()["Source"]]
        out = card.render_output()
        front, back = visible_text(out.question_text), visible_text(out.answer_text)
        assert front.count(GAP) == 1, front
        # the other gaps are shown filled on the front; the hidden one is on the back
        assert "[...]" not in back
        assert card.ord + 1 in gaps(fact)
