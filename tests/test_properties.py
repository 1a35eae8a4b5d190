"""Properties of evaluate() over generated profiles: what must hold for every organization.

Each property is a promise of the contract (§2) or of the rule base's design; a failure is
either a rule to fix or a property to correct, and the case that showed it stays below as an
explicit regression example.
"""
from __future__ import annotations

import json

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import example, given
from hypothesis import strategies as st

from advisor import evaluate

from advisor.advice import catalog
from advisor.cli.app import cli
from advisor.advice.models import parse_profile

from strategies import RISK_ORDER, budget, minimal_profiles, profiles

RANK = {"not_needed": 0, "implement": 1, "certify": 2}
FAST = budget(20)


@pytest.fixture(scope="module")
def schema() -> jsonschema.Validator:
    """The published `iso-advisor schema assessment`, compiled once."""
    result = CliRunner().invoke(cli, ["schema", "assessment"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    return jsonschema.validators.validator_for(document)(document)


def decisions(profile: dict, rb) -> dict[str, str]:
    found = {r.standard: r.decision for r in evaluate(profile, rules=rb).recommendations}
    return {name: found.get(name, "not_needed") for name in catalog.NAMES}


@FAST
@given(profile=profiles())
def test_valid_profiles_evaluate_to_schema_valid_deterministic_plans(profile, rb, schema):
    assessment = evaluate(profile, rules=rb)                 # never raises for a valid profile
    text = assessment.model_dump_json()
    schema.validate(json.loads(text))
    assert evaluate(profile, rules=rb).model_dump_json() == text
    assert evaluate(parse_profile(profile), rules=rb).model_dump_json() == text
    plan = [r for r in assessment.recommendations if r.decision != "not_needed"]
    assert [r.priority for r in plan] == list(range(1, len(plan) + 1))
    assert assessment.recommendations[:len(plan)] == plan
    assert all(r.priority is None for r in assessment.recommendations[len(plan):])
    assert all(r.reasons for r in plan)


@FAST
@given(profile=profiles(), standard=st.sampled_from(catalog.NAMES),
       field=st.sampled_from(["tender_requirements", "customer_requirements"]))
def test_requiring_a_standard_never_lowers_its_decision(profile, standard, field, rb):
    before = decisions(profile, rb)[standard]
    after = decisions({**profile, field: [*profile[field], standard]}, rb)[standard]
    assert RANK[after] >= RANK[before]
    assert after == "certify"                                # a hard demand is certify


def _recommended(profile: dict, rb) -> set[str]:
    return {s for s, d in decisions(profile, rb).items() if d != "not_needed"}


@FAST
@given(profile=profiles(), field=st.sampled_from(sorted(RISK_ORDER)), data=st.data())
def test_a_higher_risk_never_removes_a_recommendation(profile, field, data, rb):
    order = RISK_ORDER[field]
    low = data.draw(st.sampled_from(order[:-1]), label="lower")
    high = data.draw(st.sampled_from(order[order.index(low) + 1:]), label="higher")
    assert _recommended({**profile, field: low}, rb) <= _recommended({**profile, field: high}, rb)


@FAST
@given(profile=profiles(), field=st.sampled_from(sorted(RISK_ORDER)))
def test_learning_that_a_risk_is_high_never_removes_a_recommendation(profile, field, rb):
    unknown, high = ({**profile, field: value} for value in (None, "high"))
    assert _recommended(unknown, rb) <= _recommended(high, rb)


@FAST
@given(profile=minimal_profiles())
@example(profile={"name": "Aero", "sector": "aerospace_defence", "employees": 80})
def test_required_fields_alone_never_call_for_certification(profile, rb):
    assert "certify" not in decisions(profile, rb).values()
