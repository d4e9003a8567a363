"""Where every random number comes from.

A problem is a pure function of (family, version, seed, difficulty). Its generator is
``default_rng(SeedSequence([seed, *family_words(family)]))``; batches derive per-problem
seeds from a base seed, the family id and an index. Family ids are hashed with SHA-256,
never with Python's ``hash()``, which changes between processes.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

import numpy as np

SEED_BITS = 32


@lru_cache(maxsize=None)
def family_words(family: str) -> tuple[int, int]:
    """Two stable 32-bit words from a family id (remembered: every problem asks)."""
    digest = hashlib.sha256(family.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "little"), int.from_bytes(digest[4:8], "little")


def problem_rng(family: str, seed: int) -> np.random.Generator:
    """The generator one problem draws all of its inputs from."""
    # what default_rng(SeedSequence) builds, without its checks of the argument's type
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, *family_words(family)])))


def derive_seeds(base_seed: int, family: str, count: int, *, stream: int = 0) -> list[int]:
    """``count`` distinct per-problem seeds for ``family`` from a base seed.

    ``stream`` separates independent batches of the same family (e.g. two deck sections).
    Seeds are 32-bit so they stay short enough to print on a sheet; a repeat within the
    batch is skipped, so a batch never holds the same problem twice. The list is
    prefix-stable: asking for more seeds keeps the first ones, so growing a deck section
    keeps its existing notes.
    """
    sequence = np.random.SeedSequence([base_seed, *family_words(family), stream])
    wanted = count
    while True:
        unique = list(dict.fromkeys(sequence.generate_state(wanted).tolist()))
        if len(unique) >= count:
            return unique[:count]
        wanted += count - len(unique)
