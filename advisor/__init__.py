"""iso-advisor: which ISO management-system standards to certify, implement or leave, and why.

Public names are imported on first use (PEP 562), so `iso-advisor evaluate` does not pay for
batch, claims or explanation code it never runs.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_PUBLIC = {
    "evaluate": "assess", "evaluate_many": "batch", "explain": "explain",
    "check_claim": "claims", "load_profile": "loaders",
    "Profile": "models", "Assessment": "models", "Recommendation": "models", "Reason": "models",
    "ExplainedAssessment": "explain", "Claim": "claim_models", "ClaimCheck": "claim_models",
    "AdvisorError": "errors", "ProfileError": "errors", "InputError": "errors",
    "RuleBaseError": "errors", "EngineError": "errors",
}
__all__ = list(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'advisor' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_PUBLIC[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs
    from .assess import evaluate
    from .batch import evaluate_many
    from .claim_models import Claim, ClaimCheck
    from .claims import check_claim
    from .errors import AdvisorError, EngineError, InputError, ProfileError, RuleBaseError
    from .explain import ExplainedAssessment, explain
    from .loaders import load_profile
    from .models import Assessment, Profile, Reason, Recommendation
