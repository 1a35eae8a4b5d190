"""Applicability (issue 14): regimes scoped as the law scopes them, scheme advice in every
format, unknowns listed, bad applicability answers named, and texts that cite only law of the
organization's own countries that is in force."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from advisor import evaluate
from advisor.advice import catalog
from advisor.advice.models import parse_profile
from advisor.cli.app import cli
from advisor.errors import ProfileError
from advisor.render.assessment import ASSESSMENT_FORMATS

from conftest import ROOT

def decisions(profile: dict) -> dict[str, str]:
    return {r.standard: r.decision for r in evaluate(profile).recommendations}


# -- bad input: the field named, the closest valid values ------------------------------------

@pytest.mark.parametrize("field, value, says", [
    ("nace_codes", ["C00.1"], "not a NACE Rev. 2 code"),
    ("nace_codes", ["H25.62"], "belongs to section C"),
    ("activities", ["road_haulier"], "did you mean"),
    ("turnover_eur_m", "a lot", "number"),
    ("established_in", ["Atlantis"], "not an ISO 3166-1 alpha-2"),
    ("key_customers", ["car_maker"], "not valid"),
    ("schemes_held", ["GlobalGapp"], "not valid"),
])
def test_bad_applicability_answers_name_the_field(field, value, says):
    with pytest.raises(ProfileError) as info:
        parse_profile({"name": "X", "sector": "manufacturing", "employees": 10, field: value})
    problem = info.value.problems[0]
    assert problem.field.startswith(field) and says in str(info.value)


def test_bad_nace_code_exits_1_naming_file_field_and_valid_values(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("name: X\nsector: manufacturing\nemployees: 10\nnace_codes: [C25.62, '7']\n")
    result = CliRunner().invoke(cli, ["evaluate", str(path)])
    assert result.exit_code == 1
    assert "p.yaml" in result.stderr and "nace_codes" in result.stderr and "C25.62" in result.stderr


def test_nace_codes_are_read_as_people_write_them_and_imply_activities():
    profile = parse_profile({"name": "X", "sector": "manufacturing", "employees": 60,
                             "nace_codes": ["29.32", "c 26"], "established_in": ["cz"]})
    assert profile.nace_codes == ["C29.32", "C26"] and profile.established_in == ["CZ"]
    a = evaluate(profile)
    assert "nis2-entity" in a.fired_rules           # C26 and C29 are NIS2 Annex II manufacturing
    assert "activities" not in {u.field for u in a.unknowns}   # NACE answered it


# -- unknowns are unknowns ---------------------------------------------------------------------

def test_an_old_profile_still_evaluates_and_lists_the_new_unknowns():
    a = evaluate({"name": "E", "sector": "manufacturing", "employees": 300,
                  "annual_energy_tj": 200})
    fields = {u.field: u.could_change for u in a.unknowns}
    assert a.recommendation("ISO 50001").decision == "implement"   # not "outside the EU"
    assert "ISO 50001" in fields["established_in"]                 # EED certified EnMS > 85 TJ
    assert "activities" in fields                                  # NIS2 entity type


def test_gdpr_is_inferred_from_establishment_so_data_sensitivity_can_change_27701():
    a = evaluate({"name": "G", "sector": "retail", "employees": 40, "established_in": ["FR"]})
    assert "ISO/IEC 27701" in {s for u in a.unknowns if u.field == "data_sensitivity"
                               for s in u.could_change}


# -- regimes as the law scopes them -------------------------------------------------------------

def test_selling_into_the_eu_does_not_bring_nis2_or_the_eed_to_a_non_eu_manufacturer():
    d = decisions({"name": "U", "sector": "manufacturing", "employees": 400,
                   "activities": ["machinery_manufacturing"], "established_in": ["US"],
                   "countries": ["US", "DE"], "annual_energy_tj": 300})
    assert d["ISO/IEC 27001"] == "not_needed" and d["ISO 50001"] == "implement"


def test_a_bank_is_assessed_under_dora_not_nis2():
    a = evaluate({"name": "B", "sector": "financial_services", "employees": 900,
                  "activities": ["credit_institution"], "established_in": ["DE"],
                  "regulations": ["nis2"]})
    rules = set(a.fired_rules)
    assert {"dora-ict-risk", "nis2-gives-way-to-dora"} <= rules
    assert not rules & {"nis2-security", "nis2-continuity", "nis2-security-likely"}


def test_ai_act_qms_is_a_provider_duty_for_high_risk_systems_only():
    base = {"name": "A", "sector": "software_saas", "employees": 30, "countries": ["NL"]}
    assert "ai-act-provider" not in evaluate({**base, "ai_role": "user",
                                              "regulations": ["eu_ai_act"]}).fired_rules
    assert "ai-act-provider" not in evaluate({**base, "ai_role": "provider",
                                              "ai_risk_class": "limited"}).fired_rules
    assert "ai-act-provider" in evaluate({**base, "ai_role": "provider",
                                          "ai_risk_class": "high_standalone"}).fired_rules


def test_an_ineligible_iatf_demand_is_not_needed_with_a_warning_and_iso_9001_instead():
    a = evaluate(parse_profile(_yaml("automotive-software-de")))
    assert a.recommendation("IATF 16949").decision == "not_needed"
    assert a.recommendation("ISO 9001").decision == "certify"
    assert any("cannot be issued" in w for w in a.warnings)


def _yaml(stem: str) -> dict:
    import yaml
    return yaml.safe_load((ROOT / "profiles" / f"{stem}.yaml").read_text())


def test_related_standards_in_requirements_become_advice_never_an_exit():
    a = evaluate({"name": "C", "sector": "software_saas", "employees": 20,
                  "customer_requirements": ["ISO/IEC 27017:2015", "ISO 27018"]})
    assert a.recommendation("ISO/IEC 27001").decision == "certify"
    assert "cloud-extensions" in a.fired_rules
    assert any(w.startswith("ISO/IEC 27017") for w in a.warnings)


# -- schemes, first-class in every format -------------------------------------------------------

def test_schemes_are_listed_with_level_reason_and_source_in_every_format():
    a = evaluate(parse_profile(_yaml("fruit-grower-es")))
    assert [(s.scheme, s.level) for s in a.schemes] == [("GLOBALG.A.P.", "required")]
    assert a.schemes[0].reasons[0].source and a.schemes[0].what
    for fmt, render in ASSESSMENT_FORMATS.items():
        out = render(a)
        assert "GLOBALG.A.P." in out.replace("\\.", "."), fmt    # Markdown escapes the dots
    assert json.loads(ASSESSMENT_FORMATS["json"](a))["schemes"][0]["level"] == "required"


def test_a_held_scheme_counts_as_evidence_emas_for_iso_14001_in_eu_tenders():
    a = evaluate({"name": "E", "sector": "construction", "employees": 80, "countries": ["DE"],
                  "bids_for_tenders": True, "tender_requirements": ["ISO 14001"],
                  "schemes_held": ["EMAS registration"]})
    assert a.recommendation("ISO 14001").decision == "implement"
    assert next(s for s in a.schemes if s.scheme == "EMAS").held


def test_every_scheme_a_rule_names_is_in_the_vocabulary(rb):
    known = set(catalog.active().values("schemes"))
    named = {dict(i.conclusion.values)["scheme"] for i in rb.instances
             if i.conclusion.kind == "scheme"}
    assert named and named <= known


# -- jurisdiction-aware texts ------------------------------------------------------------------

EU = {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
      "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO"}
#: National or regional law and schemes, and where they bind: a text may cite them only to an
#: organization established or operating there.
CITED_WHERE = {
    r"D\.Lgs\.|INAIL|SOA qualification|Annex II\.1[23]": {"IT"},
    r"PAS 91|PPN 0|PPN 014|SSIP|FCA PS|PRA PS|Ofgem|Ofwat|ESOS|Procurement Act 2023": {"GB"},
    r"EnEfG|BAFA": {"DE"},
    r"Belgian|CyberFundamentals|CyFun": {"BE"},
    r"Directive 2014/24/EU|Energy Efficiency Directive|2023/1791": EU,
    r"\bFDA\b|QMSR": {"US"},
}
#: Law no longer in force on any assessment date the advisor is used for.
REPEALED = r"D\.Lgs\. 50/2016|PCR 2015|OHSAS 18001 certified|Directive 2012/27/EU"


def _profiles_for(country: str):
    sectors = catalog.active().values("sectors")
    for n, sector in enumerate(sectors):
        yield {"name": f"{country}-{sector}", "sector": sector, "employees": 300,
               "countries": [country], "established_in": [country],
               "customer_types": ["businesses", "public_sector", "consumers"],
               "bids_for_tenders": True, "data_sensitivity": "high",
               "environmental_impact": "high", "ohs_risk": "high", "annual_energy_tj": 200,
               "ai_role": "provider", "goals": ["win_tenders", "customer_trust", "esg_reporting"],
               "customer_sectors": [sectors[(n + 1) % len(sectors)]], "budget": "high"}


def _texts(a) -> list[str]:
    texts = list(a.warnings) + [f.text for f in a.inferred]
    for r in a.recommendations:
        texts += [x.text + " | " + x.source for x in r.reasons + r.notes]
    texts += [x.text + " | " + x.source for x in a.notes]
    texts += [x.text + " | " + x.source for s in a.schemes for x in s.reasons]
    return texts


@pytest.mark.parametrize("country", ["DE", "IT", "GB", "US", "FR", "BE", "JP"])
def test_every_text_cites_only_law_of_the_organizations_countries_and_in_force(country):
    for profile in _profiles_for(country):
        for text in _texts(evaluate(profile)):
            assert not re.search(REPEALED, text), (profile["name"], text)
            for pattern, where in CITED_WHERE.items():
                if re.search(pattern, text):
                    assert country in where, (profile["name"], pattern, text)
