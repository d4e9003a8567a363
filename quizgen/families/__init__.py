"""The registry of problem families, by public id, in syllabus order."""

from __future__ import annotations

from quizgen.model.family import Family
from quizgen.families.ablation import AblationEffect, AblationThreshold
from quizgen.families.circuits import CircuitsQKOV, Composition, VirtualHead
from quizgen.families.embeddings import GraphEmbeddings
from quizgen.families.heads import Induction, Rotation
from quizgen.families.mechanics import AttentionForward, AttentionShapes, AttentionSharp
from quizgen.families.merging import MergePosition, MergeReachable
from quizgen.families.perturbation import PerturbSourceTarget
from quizgen.families.scores import QKScores, QKSoftmax
from quizgen.families.search import SearchTokens

FAMILIES: dict[str, Family] = {
    f.id: f
    for f in (
        GraphEmbeddings(), QKScores(), QKSoftmax(), MergeReachable(), MergePosition(),
        PerturbSourceTarget(), SearchTokens(),
        AttentionShapes(), AttentionForward(), AttentionSharp(),
        CircuitsQKOV(), VirtualHead(), Rotation(), Induction(), Composition(),
        AblationThreshold(), AblationEffect(),
    )
}


def get_family(family_id: str) -> Family:
    """The family with this id; a ``KeyError`` names the valid ids."""
    try:
        return FAMILIES[family_id]
    except KeyError:
        raise KeyError(f"unknown family {family_id!r}; choose from {', '.join(FAMILIES)}") from None
