"""evaluate(): decisions, priorities, effort, unknowns and warnings from the shipped rules."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from strategies import budget, profiles

from advisor import Assessment, Profile, evaluate, load_profile
from advisor.advice.assess import render
from advisor.advice.models import Reason, parse_profile
from advisor.kernel.rulebase import shipped_rules_dir

SAMPLES = sorted((Path(__file__).parent.parent / "profiles").glob("*.yaml"))

MICRO = {"name": "Tiny", "sector": "professional_services", "employees": 3, "budget": "low"}


def decisions(assessment: Assessment) -> dict[str, str]:
    return {r.standard: r.decision for r in assessment.recommendations}


def test_hard_demand_means_certify_whatever_the_budget_and_says_what_it_costs():
    a = evaluate({**MICRO, "tender_requirements": ["ISO 9001"]})
    rec = a.recommendation("ISO 9001")
    assert rec.decision == "certify" and rec.priority == 1
    assert rec.reasons[0].rule == "tender-gate" and rec.reasons[0].driver == "hard_demand"
    assert rec.effort.initial_audit_days == 1.5 and rec.effort.typical_months == [2, 3]


def test_market_driver_certifies_only_when_it_can_be_carried():
    market = {"customer_types": ["businesses"], "goals": ["supplier_approval"]}
    assert decisions(evaluate({**MICRO, **market}))["ISO 9001"] == "implement"
    assert decisions(evaluate({**MICRO, **market, "employees": 40, "budget": "moderate"}))["ISO 9001"] == "certify"


def test_nothing_means_not_needed_and_an_empty_plan():
    a = evaluate(MICRO)
    assert all(r.decision == "not_needed" and r.priority is None for r in a.recommendations)
    assert len(a.recommendations) == 19


def test_regulation_without_certificate_gives_implement():
    a = evaluate({**MICRO, "employees": 120, "budget": None, "regulations": ["nis2", "dora"]})
    assert decisions(a)["ISO/IEC 27001"] == "implement"
    assert decisions(a)["ISO 22301"] == "implement"


def test_inferred_facts_are_shown_with_their_rules():
    a = evaluate({"name": "L", "sector": "water", "employees": 80, "countries": ["de"]})
    facts = {f.fact: f.rule for f in a.inferred}
    assert facts["eu_market"] == "eu-market" and facts["nis2_likely"] == "nis2-likely"
    reason = next(r for r in a.recommendation("ISO/IEC 27001").reasons
                  if r.rule == "nis2-security-likely")
    assert "nis2-likely" in reason.inferred_from
    assert reason.answers == {"nis2_likely": True, "nis2_applies": False}


def test_priorities_run_from_one_without_gaps_hard_demands_first():
    a = evaluate({"name": "C", "sector": "construction", "employees": 60, "countries": ["IT"],
                  "bids_for_tenders": True, "customer_requirements": ["ISO 45001"], "ohs_risk": "high"})
    plan = [r for r in a.recommendations if r.priority]
    assert [r.priority for r in plan] == list(range(1, len(plan) + 1))
    assert plan[0].standard == "ISO 45001"
    assert all(r.priority is None for r in a.recommendations[len(plan):])


def test_a_covered_base_standard_is_implemented_right_after_the_scheme_that_includes_it():
    a = evaluate({"name": "Auto", "sector": "automotive", "employees": 200,
                  "customer_sectors": ["automotive"], "customer_types": ["businesses"],
                  "certified": ["ISO 9001"]})
    iatf, base = a.recommendation("IATF 16949"), a.recommendation("ISO 9001")
    assert iatf.decision == "certify" and base.decision == "implement"
    assert base.priority == iatf.priority + 1
    assert base.reasons[0].rule == "iatf-covers-9001" and base.currently == "certified"


def test_an_explicit_demand_for_the_base_standard_keeps_its_certificate():
    a = evaluate({"name": "Auto", "sector": "automotive", "employees": 200,
                  "customer_sectors": ["automotive"], "customer_requirements": ["ISO 9001"]})
    assert a.recommendation("ISO 9001").decision == "certify"


def test_unknowns_list_only_answers_that_would_change_a_decision():
    a = evaluate({"name": "U", "sector": "retail", "employees": 30})
    unknown = {u.field: u.could_change for u in a.unknowns}
    assert unknown["data_sensitivity"] == ["ISO/IEC 27001"]
    assert "deadline_months" not in unknown and "budget" not in unknown
    known = evaluate({"name": "U", "sector": "retail", "employees": 30, "data_sensitivity": "none"})
    assert "data_sensitivity" not in {u.field for u in known.unknowns}


def test_warnings_for_guidance_standards_deadlines_and_misfits():
    a = evaluate({"name": "W", "sector": "software_saas", "employees": 300, "implemented": ["ISO 26000"],
                  "customer_requirements": ["IATF 16949", "ISO/IEC 27001"], "deadline_months": 2})
    text = " ".join(a.warnings)
    assert "ISO 26000 is a guidance standard and cannot be certified" in text
    assert "The deadline of 2 months cannot be met as planned: ISO/IEC 27001 is typically " \
           "certified by month 9-12; IATF 16949 is typically certified by month 9-12, 7 months " \
           "late." in text
    assert "What would fit: equivalent evidence accepted meanwhile, a narrower scope first, an " \
           "experienced consultant, or a transfer of an existing certificate." in text
    assert a.roadmap.fits_deadline is False and a.roadmap.shortfall_months == 7
    assert {o.rule for o in a.roadmap.options} >= {"equivalent-evidence", "narrower-scope"}
    assert "IATF 16949 is requested" in text


def test_effort_uses_the_iaf_tables_and_the_integrated_audit_reduction():
    a = evaluate({"name": "E", "sector": "construction", "employees": 80, "certified": ["ISO 9001"],
                  "customer_types": ["public_sector"], "ohs_risk": "high", "environmental_impact": "high"})
    assert a.recommendation("ISO 9001").effort.initial_audit_days == 6        # QMS 66-85
    ohs = a.recommendation("ISO 45001").effort
    assert ohs.initial_audit_days == 9 and ohs.integrated_audit_days == 7     # OH&S high 66-85, -20 %
    assert a.recommendation("ISO 14001").effort.initial_audit_days == 9       # EMS high 66-85


def test_same_profile_gives_the_same_bytes_and_profile_objects_work():
    data = {"name": "D", "sector": "healthcare", "employees": 700, "countries": ["BE"]}
    first = evaluate(data).model_dump_json()
    assert evaluate(parse_profile(data)).model_dump_json() == first
    assert evaluate(Profile(**data), rules=shipped_rules_dir()).model_dump_json() == first


def test_contract_shape_of_the_json():
    a = evaluate({"name": "S", "sector": "software_saas", "employees": 60, "customer_types": ["businesses"]})
    data = a.model_dump()
    assert set(data) >= {"organization", "rulebase_version", "recommendations", "unknowns",
                         "warnings", "fired_rules"}
    rec = data["recommendations"][0]
    assert set(rec) >= {"standard", "title", "decision", "priority", "currently", "reasons", "effort"}
    assert set(rec["reasons"][0]) >= {"rule", "text", "source"}
    assert set(rec["effort"]) >= {"initial_audit_days", "typical_months"}


@pytest.mark.parametrize("bad", [{"name": "X"}, {"name": "X", "sector": "space", "employees": 1}])
def test_invalid_input_raises_advisor_error(bad):
    from advisor import AdvisorError
    with pytest.raises(AdvisorError):
        evaluate(bad)


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_sample_assessments_built_unvalidated_validate_unchanged(path):
    """assess() builds its models with Model.trusted() (no validation, for speed): the result
    must be exactly what validation would have accepted, field for field and byte for byte."""
    a = evaluate(load_profile(path))
    again = Assessment.model_validate_json(a.model_dump_json())
    assert again == a and again.model_dump_json() == a.model_dump_json()


@given(profiles())
@budget(40)
def test_any_assessment_built_unvalidated_validates_unchanged(profile):
    a = evaluate(profile)
    assert Assessment.model_validate_json(a.model_dump_json()) == a


def test_trusted_construction_takes_exactly_the_fields_in_declared_order():
    fields = dict(rule="r", text="t", source="s", driver="market", answers={}, inferred_from=[])
    assert Reason.trusted(**fields) == Reason(**fields)
    for wrong in ({k: v for k, v in fields.items() if k != "text"}, {**fields, "extra": 1},
                  dict(reversed(fields.items()))):
        with pytest.raises(TypeError, match="exactly its fields, in order: rule, text, source"):
            Reason.trusted(**wrong)


def test_rule_texts_render_answers_in_words_and_leave_unknown_names_as_written():
    fact = {"employees": 80.0, "eu": True, "countries": ["DE", "FR"], "goals": [], "ai_role": None,
            "sector": "food_beverage"}
    assert render("{employees} people, EU {eu}, in {countries}; goals {goals}; AI {ai_role}",
                  fact) == "80 people, EU yes, in DE, FR; goals none; AI unknown"
    assert render("{sector} {{literal}} {missing}", fact) == "food and beverage {literal} {missing}"
