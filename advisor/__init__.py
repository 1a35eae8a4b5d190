"""iso-advisor: which ISO management-system standards to certify, implement or leave, and why.

Public names are imported on first use (PEP 562), so `iso-advisor evaluate` does not pay for
batch, claims or explanation code it never runs.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_PUBLIC = {
    "evaluate": "advisor.advice.assess",
    "evaluate_many": "advisor.advice.batch",
    "explain": "advisor.advice.explain",
    "ExplainedAssessment": "advisor.advice.explain",
    "check_claim": "advisor.claims.check",
    "Claim": "advisor.claims.models",
    "ClaimCheck": "advisor.claims.models",
    "load_profile": "advisor.inputs.loaders",
    "Profile": "advisor.advice.models",
    "Assessment": "advisor.advice.models",
    "Recommendation": "advisor.advice.models",
    "Reason": "advisor.advice.models",
    "AdvisorError": "advisor.errors",
    "ProfileError": "advisor.errors",
    "InputError": "advisor.errors",
    "RuleBaseError": "advisor.errors",
    "EngineError": "advisor.errors",
}
__all__ = list(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'advisor' has no attribute {name!r}")
    value = getattr(importlib.import_module(_PUBLIC[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs
    from advisor.advice.assess import evaluate
    from advisor.advice.batch import evaluate_many
    from advisor.claims.models import Claim, ClaimCheck
    from advisor.claims.check import check_claim
    from advisor.errors import AdvisorError, EngineError, InputError, ProfileError, RuleBaseError
    from advisor.advice.explain import ExplainedAssessment, explain
    from advisor.inputs.loaders import load_profile
    from advisor.advice.models import Assessment, Profile, Reason, Recommendation
