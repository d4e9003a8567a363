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
SCORE = seq(sym("Q", "j"), "cdot", sym("K", "i"))

FACTS: tuple[Fact, ...] = (
    # seed 000: query-key matching, softmax, path-merges and perturbation
    Fact("qk-scores-cell", "qk", (
        "In a score matrix, the row is the ", c(1, "target (query token j)"), " and the column is the ",
        c(2, "source (key token i)"), ": ",
        seq(sym("S"), Delim(seq("j", "comma", "i"), "bracket"), "=", SCORE), ".",
    ), "One attention operation is one cell: source i → target j."),
    Fact("softmax-zero-row", "qk", (
        "A sink's all-zero score row still spreads its attention: softmax makes it ",
        c(1, "uniform, 1/n on every token"), ".",
    ), "e^0 = 1 for every entry, so no row can attend to no token at all."),
    Fact("scale-sqrt-dk", "qk", (
        "Scores are divided by ", c(1, Sqrt(sym("d", "k"))),
        " so that dot products of long vectors do not ", c(2, "saturate the softmax"), ".",
    ), "Dividing by √d_k is multiplying by 1/√d_k. Without it, the variance of Q·K grows with d_k."),
    Fact("one-hot-match", "qk", (
        "With one-hot identity keys, ", SCORE, " is 1 exactly when ",
        c(1, "source i is the vertex target j is looking for"), ", and 0 otherwise.",
    ), "A dot product of two one-hots is a match test."),
    Fact("softmax-sharpens", "qk", (
        "Multiplying the scores by a large magnitude before the softmax turns the one-hot match into ",
        c(1, "almost all of the row's weight on the matched source"), ".",
    ), "Raw scores [0, 0, 1] give only 58 % to the match; logits [0, 0, 8] give almost 100 %."),
    Fact("merge-copies-reachable-set", "merging", (
        "When target j attends to source i, the head copies i's value, ", c(1, "the set of vertices i can reach"),
        ", into j; that single copy is ", c(2, "one path-merge"), ".",
    ), "The same head does this for every vertex at once, in one layer."),
    Fact("merge-token-vs-position", "merging", (
        "A token-matching merge matches on the ", c(1, "one-hot identity"),
        " part of the embedding; a position-based merge matches on the ", c(2, "one-hot position"), " part.",
    ), "Same mechanics, different block: the query points at an id or at a position (the paper's footnote 7)."),
    Fact("merge-reach-doubles", "merging", (
        "After each path-merging layer the reach doubles, ", c(1, "1 → 2 → 4 → 8"),
        " edges, because a vertex attends to ", c(2, "a vertex it already reaches and takes its whole reachable set"), ".",
    ), "Layer 1 matches along direct edges; deeper layers match along reachability."),
    Fact("merge-log-depth", "merging", (
        "Path-merging doubles the reach each layer, so a longest path of L edges needs ",
        c(1, "⌈log₂ L⌉"), " merge rounds; frontier-only BFS needs ", c(2, "L − 1"), ".",
    ), "Deeper layers match along reachability, not along edges."),
    Fact("perturb-source", "perturbation", (
        "Perturbing the source of an operation recomputes the ", c(1, "key"),
        "; a drop shows the feature lives in the ", c(2, "source embedding"), ".",
    ), "Q_j · K̃_i: the query is untouched."),
    Fact("perturb-target", "perturbation", (
        "Perturbing the target of an operation recomputes the ", c(1, "query"),
        "; a drop shows the feature lives in the ", c(2, "target embedding"), ".",
    ), "Q̃_j · K_i: zeroing the frontier feature the cell matches on collapses it."),
    Fact("perturb-threshold", "perturbation", (
        "In the paper, an operation depends on a perturbed side when the unscaled score drops by more than ",
        c(1, Frac(Sqrt(sym("d")), num(10))), ", where d is ", c(2, "the width of the embedding vectors (the attention input)"), ".",
    ), "Not the number of slots: d = attn_inputs[0].size(1) in the paper's code."),
    # seed 001: one head by hand
    Fact("attention-deterministic", "attention", (
        "Given the input and trained weights, the attention pattern is ", c(1, "deterministic"),
        ": there is no sampling inside attention.",
    )),
    Fact("attention-weight-formula", "attention", (
        "The weight from target j to source i is ",
        c(1, seq(Word("softmax"), Delim(Frac(SCORE, Sqrt(sym("d", "k"))), "paren"))),
        ", taken over all sources i of the row.",
    ), "Every row of A is a distribution: it sums to 1."),
    Fact("attention-row-sums", "attention", (
        "Each row of the attention pattern A sums to ", c(1, "1"), ": it says how one token spreads its attention over all tokens.",
    )),
    Fact("attention-quadratic", "attention", (
        "The score matrix of n tokens has shape ", c(1, "n × n"), ", which makes attention ",
        c(2, "O(n²)"), " in the sequence length.",
    )),
    Fact("attention-qkv-shapes", "attention", (
        "With ", sym("X"), " of shape ", seq("n", "times", sym("d", "model")), " and ", sym("W", "Q"), " of shape ",
        seq(sym("d", "model"), "times", sym("d", "k")), ", the queries ", seq(sym("Q"), "=", sym("X"), "cdot", sym("W", "Q")),
        " have shape ", c(1, seq("n", "times", sym("d", "k"))), ", one row per token.",
    )),
    Fact("attention-sharp-by-hand", "attention", (
        "With strong one-hot keys ", seq(sym("K"), "=", 8, "cdot", sym("I")), ", each query aimed at its target's key and ",
        seq(sym("d", "k"), "=", 4), ", a row puts ",
        c(1, "94.8 %"), " on its target and ", c(2, "1.7 %"), " on each of the other three tokens.",
    ), "e^4 / (e^4 + 3) = 0.948."),
    Fact("attention-random-vs-trained", "attention", (
        "Random weights give ", c(1, "nearly uniform"), " attention; trained weights give ",
        c(2, "sharply peaked"), " attention on the token that matters.",
    ), "Learning attention is learning to make the right Q·K dot products large."),
    # seeds 002 and 003: circuits
    Fact("qk-decides-pattern", "circuits", (
        "Which tokens a head attends to is decided by only two of its four matrices: ",
        c(1, sym("W", "Q"), " and ", sym("W", "K")), ".",
    ), "W_V and W_O decide what is moved, not where from."),
    Fact("qk-ov-product", "circuits", (
        "A head can be written with two matrices: the QK circuit ", c(1, QK), " and the OV circuit ", c(2, OV),
        " (column vectors).",
    )),
    Fact("head-from-two-circuits", "circuits", (
        "Written with its two circuits, a head adds to position i the sum over j of ",
        c(1, seq(sym("A", "ij"), "cdot", OV, "cdot", sym("x", "j"))), ", where the weights ", sym("A", "ij"),
        " come from ", c(2, "the QK circuit"), ".",
    ), "A_ij is the softmax over j of x_iᵀ·W_Qᵀ·W_K·x_j; the OV circuit says what token j contributes."),
    Fact("qk-rank", "circuits", (
        "The rank of ", QK, " is at most ", c(1, sym("d", "head")), ", the width of queries and keys, not ",
        sym("d", "model"), ".",
    ), "A product is no wider than its narrowest factor."),
    Fact("ov-rank", "circuits", (
        "The OV circuit ", OV, " is a ", seq(sym("d", "model"), "times", sym("d", "model")),
        " matrix of rank at most ", c(1, sym("d", "head")),
        ", so both circuits are ", c(2, "low-rank"), ".",
    )),
    Fact("read-write-subspace", "circuits", (
        sym("W", "V"), " controls the subspace a head ", c(1, "reads"), ", and ", sym("W", "O"),
        " the subspace it ", c(2, "writes"), ".",
    )),
    Fact("ov-product-meaning", "circuits", (
        "The OV circuit ", OV, " maps ", c(1, "what the head reads at the attended token"), " to ",
        c(2, "what it writes into the current token"), ".",
    ), "Read with W_V, write with W_O: their product says what the head moves."),
    Fact("ov-depends-on-source", "circuits", (
        "Once the QK circuit has decided how much to attend to a source token, what the head writes depends only on ",
        c(1, "that source token"), ", through the OV circuit.",
    )),
    Fact("composition-w-v2-o1", "circuits", (
        seq(sym("W", "V", "2"), "cdot", sym("W", "O", "1")), " tells how much head 2's ", c(1, "values"),
        " read what head 1 wrote; its ", c(2, "singular values"), " say how strongly.",
    ), "Large singular values: head 2 really reads head 1's output (V-composition)."),
    Fact("ov-copying", "circuits", (
        "A copying head's OV circuit maps each token to ", c(1, "itself"), ", which shows up as ",
        c(2, "positive eigenvalues"), " of the low-rank OV matrix.",
    ), "Induction heads are copying heads."),
    Fact("virtual-head", "circuits", (
        "Two previous-token heads in layers 1 and 2 together act as a virtual head that looks ",
        c(1, "two tokens back"), ", through the product ", c(2, seq(sym("W", "net", "2"), "cdot", sym("W", "net", "1"))), ".",
    ), "Each head gives a small part of its capacity to the two-token copy."),
    Fact("rotation-previous-token", "circuits", (
        "A previous-token head rotates the query's sinusoidal position pair by ", c(1, "−α"),
        ", so that the query at position n matches the key at position n − 1.",
    ), "Rotation by −α turns cos(αn), sin(αn) into cos(α(n − 1)), sin(α(n − 1))."),
    Fact("induction-two-layers", "circuits", (
        "An induction head needs two layers because its key must carry ",
        c(1, "the previous token"), ", which only an earlier ", c(2, "previous-token head"), " can write there.",
    ), "[a][b] … [a] → [b]: K-composition with a previous-token head."),
    Fact("induction-k-composition", "circuits", (
        "In an induction head, the previous-token head writes each token's predecessor into the residual stream, and the ",
        c(1, "keys"), " of the induction head read it.",
    ), "This is K-composition: at [a] the head finds the earlier token whose predecessor was [a], and copies it: [b]."),
    # seed 004: ablation
    Fact("ablation-keep-end", "ablation", (
        "If the last query row of a head's pattern attends to a position above the threshold, the ",
        c(1, "end position must be kept"), " in the circuit.",
    ), "Keeping it is conditional: a last row with no source at or above τ keeps nothing."),
    Fact("ablation-edge-threshold", "ablation", (
        "An attention value at or above the threshold τ marks ", c(1, "an edge of the circuit"),
        ", from the key position to the query position.",
    )),
    Fact("ablation-qk-vs-qkvo", "ablation", (
        "The QK pattern says how much a query wants a key; only ", c(1, "QK together with the OV circuit"),
        " says how much attending there changes the logits.",
    )),
    Fact("recovery-ratio", "ablation", (
        "Activation patching recovers the fraction ",
        c(1, Frac(seq(Word("patched"), "-", Word("corrupted")), seq(Word("clean"), "-", Word("corrupted")))),
        " of the clean behaviour.",
    )),
)
