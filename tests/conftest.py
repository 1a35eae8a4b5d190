"""Shared fixtures: the shipped rule base, the sample profiles, and a minimal example profile."""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Parsed rule files are cached in a folder of this run's own, not in the user's home.
os.environ["ISO_ADVISOR_CACHE_DIR"] = _CACHE = tempfile.mkdtemp(prefix="iso-advisor-cache-")
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)

from advisor.engines import durable as durable_adapter  # noqa: E402
from advisor.kernel.rulebase import load  # noqa: E402

# Where durable_rules cannot run (Python 3.13+), choose the Python evaluator explicitly, so the
# one-line fallback note on stderr does not disturb tests that read stderr.
if not durable_adapter.available():
    os.environ.setdefault("ISO_ADVISOR_ENGINE", "python")

ROOT = Path(__file__).resolve().parent.parent
PROFILES = sorted((ROOT / "profiles").glob("*.yaml"))
DATA = Path(__file__).resolve().parent / "data"

#: Rule examples are fragments laid over this minimal profile (README, "Writing rules").
EXAMPLE_BASE = {"name": "Example", "sector": "other", "employees": 20}


@pytest.fixture(scope="session")
def rb():
    return load()


def example(fragment: dict) -> dict:
    return {**EXAMPLE_BASE, **fragment}


#: `pytest --hypothesis-profile=long` (scripts/fuzz.sh): the fuzz and property tests run for
#: minutes instead of seconds; ISO_ADVISOR_FUZZ_EXAMPLES sets how many examples per test.
settings.register_profile("long", max_examples=int(os.environ.get("ISO_ADVISOR_FUZZ_EXAMPLES",
                                                                   "5000")),
                          deadline=None, suppress_health_check=list(HealthCheck))


def without_engine(text: str) -> str:
    """JSON output with the engine that made it blanked: the engines give the same advice, and
    decision records name the one that ran."""
    import re
    return re.sub(r'"engine": ?"(durable|python)"', '"engine": "*"', text)
