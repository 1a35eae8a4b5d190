"""iso-advisor: which ISO management-system standards to certify, implement or leave, and why."""
from .assess import evaluate
from .batch import evaluate_many
from .claim_models import Claim, ClaimCheck
from .claims import check_claim
from .errors import AdvisorError, EngineError, InputError, ProfileError, RuleBaseError
from .loaders import load_profile
from .models import Assessment, Profile, Recommendation, Reason

__all__ = ["evaluate", "evaluate_many", "load_profile", "Profile", "Assessment", "Recommendation",
           "Reason", "AdvisorError", "ProfileError", "InputError", "RuleBaseError", "EngineError"]
__all__ += ["check_claim", "Claim", "ClaimCheck"]
