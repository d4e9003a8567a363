"""Independent recomputations of every named mistake, one module per family module.

Each module defines ``CHECKS``: ``{(family id, mistake name): function(inputs) -> value}``,
written from the mistake's explanation, not by calling the family's code, so a distractor
whose value is not what its named mistake computes fails ``test_fairness``.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any, Callable

Check = Callable[[dict[str, Any]], Any]


def all_checks() -> dict[tuple[str, str], Check]:
    """Every module's CHECKS, merged."""
    checks: dict[tuple[str, str], Check] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for key, check in getattr(module, "CHECKS", {}).items():
            assert key not in checks, f"two checks for {key}"
            checks[key] = check
    return checks
