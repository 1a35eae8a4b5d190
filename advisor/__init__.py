"""iso-advisor: which ISO management-system standards to certify, implement or leave, and why.

Public names are imported on first use (PEP 562), so `iso-advisor evaluate` does not pay for
batch, claims or explanation code it never runs.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from advisor.version import __version__ as __version__

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
    "Decision": "advisor.advice.models",
    "Verdict": "advisor.claims.models",
    "BatchError": "advisor.advice.batch",
    "AdvisorError": "advisor.errors",
    "ProfileError": "advisor.errors",
    "ClaimError": "advisor.errors",
    "InputError": "advisor.errors",
    "RuleBaseError": "advisor.errors",
    "EngineError": "advisor.errors",
    "Problem": "advisor.errors",
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


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs ("X as X": re-exported)
    from advisor.advice.assess import evaluate as evaluate
    from advisor.advice.batch import BatchError as BatchError
    from advisor.advice.batch import evaluate_many as evaluate_many
    from advisor.advice.explain import ExplainedAssessment as ExplainedAssessment
    from advisor.advice.explain import explain as explain
    from advisor.advice.models import Assessment as Assessment
    from advisor.advice.models import Decision as Decision
    from advisor.advice.models import Profile as Profile
    from advisor.advice.models import Reason as Reason
    from advisor.advice.models import Recommendation as Recommendation
    from advisor.claims.check import check_claim as check_claim
    from advisor.claims.models import Claim as Claim
    from advisor.claims.models import ClaimCheck as ClaimCheck
    from advisor.claims.models import Verdict as Verdict
    from advisor.errors import AdvisorError as AdvisorError
    from advisor.errors import ClaimError as ClaimError
    from advisor.errors import EngineError as EngineError
    from advisor.errors import InputError as InputError
    from advisor.errors import Problem as Problem
    from advisor.errors import ProfileError as ProfileError
    from advisor.errors import RuleBaseError as RuleBaseError
    from advisor.inputs.loaders import load_profile as load_profile
