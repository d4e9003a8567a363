"""Facts and formulas from the study notes, written once as short cloze cards.

Each fact is structured content like a problem's, so its math renders the same way; a
``Cloze`` marks the part to recall. One fact, one thing to remember. The wording is ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from quizgen.model.content import Delim, Frac, Inline, Sqrt, Word, num, seq, sym


@dataclass(frozen=True)
class Cloze:
    """A gap: card number ``index`` hides ``pieces``."""

    index: int
    pieces: tuple[Inline, ...]


Piece = Union[Inline, Cloze]


@dataclass(frozen=True)
class Fact:
    """One cloze note: a stable id (its GUID source), a topic tag, the text and a hint."""

    id: str
    topic: str
    pieces: tuple[Piece, ...]
    extra: str = ""


def c(index: int, *pieces: Inline) -> Cloze:
    return Cloze(index, pieces)


QK = seq(sym("W", "Q", "T"), "cdot", sym("W", "K"))
OV = seq(sym("W", "O"), "cdot", sym("W", "V"))

FACTS: tuple[Fact, ...] = (
    Fact("qk-scores-cell", "qk", (
        "In a score matrix, the row is the ", c(1, "target (query token j)"), " and the column is the ",
        c(2, "source (key token i)"), ": ",
        seq(sym("S"), Delim(seq("j", "comma", "i"), "bracket"), "=", sym("Q", "j"), "cdot", sym("K", "i")), ".",
    ), "One attention operation is one cell: source i → target j."),
    Fact("softmax-zero-row", "qk", (
        "A sink's all-zero score row does not attend to nobody: softmax makes it ", c(1, "uniform, 1/n on every token"), ".",
    ), "e^0 = 1 for every entry."),
    Fact("scale-sqrt-dk", "qk", (
        "Scores are divided by ", c(1, Frac(seq(1), Sqrt(sym("d", "k")))),
        " so that dot products of long vectors do not ", c(2, "saturate the softmax"), ".",
    ), "Without it, the variance of Q·K grows with d_k."),
    Fact("one-hot-match", "qk", (
        "With one-hot identity keys, ", seq(sym("Q", "j"), "cdot", sym("K", "i")), " is 1 exactly when ",
        c(1, "source i is the vertex target j is looking for"), ", and 0 otherwise.",
    ), "A dot product of two one-hots is a match test."),
    Fact("merge-log-depth", "merging", (
        "Path-merging doubles the reach each layer, so a longest path of L edges needs ",
        c(1, "⌈log₂ L⌉"), " merge rounds; frontier-only BFS needs ", c(2, "L − 1"), ".",
    ), "Deeper layers match along reachability, not along edges."),
    Fact("perturb-source", "perturbation", (
        "Perturbing the source of an operation recomputes the ", c(1, "key"),
        "; a drop shows the feature lives in the ", c(2, "source embedding"), ".",
    ), "Q_j · K̃_i: the query is untouched."),
    Fact("perturb-threshold", "perturbation", (
        "In the paper, an operation depends on a perturbed side when the unscaled score drops by more than ",
        c(1, Frac(Sqrt(sym("d")), num(10))), ".",
    )),
    Fact("attention-deterministic", "attention", (
        "Given the input and trained weights, the attention pattern is ", c(1, "deterministic"),
        ": there is no sampling inside attention.",
    )),
    Fact("attention-quadratic", "attention", (
        "The score matrix of n tokens has shape ", c(1, "n × n"), ", which makes attention ",
        c(2, "O(n²)"), " in the sequence length.",
    )),
    Fact("qk-decides-pattern", "circuits", (
        "Which tokens a head attends to is decided by only two of its four matrices: ",
        c(1, sym("W", "Q"), " and ", sym("W", "K")), ".",
    ), "W_V and W_O decide what is moved, not where from."),
    Fact("qk-ov-product", "circuits", (
        "A head can be written with two matrices: the QK circuit ", c(1, QK), " and the OV circuit ", c(2, OV),
        " (column vectors).",
    )),
    Fact("qk-rank", "circuits", (
        "The rank of ", QK, " is at most ", c(1, sym("d", "head")), ", the width of queries and keys, not ",
        sym("d", "model"), ".",
    ), "A product is no wider than its narrowest factor."),
    Fact("read-write-subspace", "circuits", (
        sym("W", "V"), " controls the subspace a head ", c(1, "reads"), ", and ", sym("W", "O"),
        " the subspace it ", c(2, "writes"), ".",
    )),
    Fact("composition-w-v2-o1", "circuits", (
        seq(sym("W", "V", "2"), "cdot", sym("W", "O", "1")), " tells how much head 2's ", c(1, "values"),
        " read what head 1 wrote; its ", c(2, "singular values"), " say how strongly.",
    ), "Large singular values: head 2 really reads head 1's output (V-composition)."),
    Fact("induction-two-layers", "circuits", (
        "An induction head needs two layers because its key must carry ",
        c(1, "the previous token"), ", which only an earlier ", c(2, "previous-token head"), " can write there.",
    ), "[a][b] … [a] → [b]: K-composition with a previous-token head."),
    Fact("ablation-keep-end", "ablation", (
        "If the last query row of a head's pattern attends to a position above the threshold, the ",
        c(1, "end position must be kept"), " in the circuit.",
    )),
    Fact("recovery-ratio", "ablation", (
        "Activation patching recovers the fraction ",
        c(1, Frac(seq(Word("patched"), "-", Word("corrupted")), seq(Word("clean"), "-", Word("corrupted")))),
        " of the clean behaviour.",
    )),
)
