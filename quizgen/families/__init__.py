"""The registry of problem families, by public id."""

from __future__ import annotations

from quizgen.family import Family
from quizgen.families.embeddings import GraphEmbeddings
from quizgen.families.merging import MergePosition, MergeReachable
from quizgen.families.perturbation import PerturbSourceTarget
from quizgen.families.scores import QKScores, QKSoftmax
from quizgen.families.search import SearchTokens

FAMILIES: dict[str, Family] = {
    f.id: f
    for f in (
        GraphEmbeddings(), QKScores(), QKSoftmax(), MergeReachable(), MergePosition(),
        PerturbSourceTarget(), SearchTokens(),
    )
}


def get_family(family_id: str) -> Family:
    """The family with this id; a ``KeyError`` names the valid ids."""
    try:
        return FAMILIES[family_id]
    except KeyError:
        raise KeyError(f"unknown family {family_id!r}; choose from {', '.join(FAMILIES)}") from None
