"""Hypothesis strategies for valid profiles, spelled the many ways users write them.

Shared by the property, fuzz and concurrency tests, so every test explores the same space.
"""
from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from advisor.advice import catalog
from advisor.advice.models import (AiRole, CustomerType, Goal, Level, Regulation, Sector, Sensitivity)

SECTORS = [s.value for s in Sector]
LEVELS = [v.value for v in Level]
SENSITIVITIES = [v.value for v in Sensitivity]
#: Each field's answers from lowest to highest risk (null, "not known", is not in the order).
RISK_ORDER = {"data_sensitivity": SENSITIVITIES, "environmental_impact": LEVELS, "ohs_risk": LEVELS}
SPELLINGS = {name: [name, name.replace(" ", "").lower(), name.split(" ")[-1], f"{name}:2015"]
             for name in catalog.NAMES}
REFERENCES = [s for spellings in SPELLINGS.values() for s in spellings] + ["ISO 26000", "ISO 31000"]
#: Certificates held: one spelling per standard (a bare reference and a record with an edition
#: for the same standard is an error), without edition years (the edition table checks those).
HELD = [spellings[1] for spellings in SPELLINGS.values()] + ["ISO 26000"]
COUNTRIES = ["DE", "fr", "UK", "GB", "US", "it", "NL", "BE", "PL", "CN", "JP", "IN", "NO", "CA",
             "AU", "BR", "SE", "IE", "ES", "CH"]


def budget(examples: int) -> settings:
    """`examples` per test in CI; with `--hypothesis-profile=long` (conftest) its count."""
    long = settings.default is settings.get_profile("long")
    return settings(max_examples=settings.default.max_examples if long else examples,
                    deadline=None, suppress_health_check=[HealthCheck.too_slow])


names = st.text(st.characters(categories=["L", "N"], include_characters=" &.,'-"),
                min_size=1, max_size=40).filter(lambda s: s.strip())


def _some(values: list, most: int = 4) -> st.SearchStrategy[list]:
    return st.lists(st.sampled_from(values), max_size=most, unique=True)


def _maybe(values: list) -> st.SearchStrategy:
    return st.none() | st.sampled_from(values)


def profiles(**overrides: st.SearchStrategy) -> st.SearchStrategy[dict]:
    """Valid profile mappings: every field, unknowns included; `overrides` fix some fields."""
    fields = dict(
        name=names,
        sector=st.sampled_from(SECTORS),
        employees=st.one_of(st.integers(1, 20_000), st.sampled_from([1, 9, 10, 49, 50, 249, 250,
                                                                     10_000_000])),
        sites=st.integers(1, 50),
        countries=_some(COUNTRIES),
        customer_types=_some([c.value for c in CustomerType], 3),
        customer_sectors=_some(SECTORS),
        bids_for_tenders=st.none() | st.booleans(),
        tender_requirements=_some(REFERENCES, 3),
        customer_requirements=_some(REFERENCES, 3),
        regulations=_some([r.value for r in Regulation]),
        data_sensitivity=_maybe(SENSITIVITIES),
        environmental_impact=_maybe(LEVELS),
        ohs_risk=_maybe(LEVELS),
        annual_energy_tj=st.none() | st.sampled_from([0, 5, 10, 85, 85.5, 300]) | st.floats(0, 1e9),
        ai_role=_maybe([a.value for a in AiRole]),
        certified=_some(HELD, 3),
        implemented=_some(REFERENCES, 2),
        goals=_some([g.value for g in Goal]),
        budget=_maybe(LEVELS),
        deadline_months=st.none() | st.integers(1, 600),
    )
    fields.update(overrides)
    return st.fixed_dictionaries(fields)


def minimal_profiles() -> st.SearchStrategy[dict]:
    """Only the required fields."""
    return st.fixed_dictionaries({"name": names, "sector": st.sampled_from(SECTORS),
                                  "employees": st.integers(1, 10_000_000)})
