"""Shared fixtures: the shipped rule base, the sample profiles, and a minimal example profile."""
from __future__ import annotations

from pathlib import Path

import pytest

from advisor.rulebase import load

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
