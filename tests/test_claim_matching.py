"""Name, scope and site matching of the claim check, in both directions: every accreditation
body in the dated list is found by each of its names and not mistaken for a lookalike, every
lookalike and body outside the IAF MLA is caught, paraphrased scopes pass and narrow scopes are
flagged, certified and uncertified sites are told apart."""
from __future__ import annotations

import pytest

from advisor import check_claim
from advisor.claims.check import EXAMPLE_BASE, _data, claims_rulebase

RB = claims_rulebase()
DATA = _data(RB)
MLA = RB.data["iaf_mla.yaml"]
SIGNATORIES = [(e["abbr"], name) for e in MLA["signatories"]
               for name in [e["abbr"], e["name"], *(e.get("aliases") or [])]]


@pytest.mark.parametrize("abbr,name", SIGNATORIES, ids=[f"{a}:{n}" for a, n in SIGNATORIES])
def test_every_signatory_is_found_by_each_of_its_names(abbr, name):
    for text in (name, f"{name} (IAF MLA)", f"Accredited by {name}", f"{name} Ltd"):
        found = DATA.signatories.match(text)
        if text != name and len(name.replace(" ", "")) < 4:
            continue       # short abbreviations are matched only on their own
        assert found is not None and found.entry["abbr"] == abbr and not found.lookalike, text


LONG_NAMES = [(a, n) for a, n in SIGNATORIES if len(n.replace(" ", "")) >= 4]


@pytest.mark.parametrize("abbr,name", LONG_NAMES, ids=[f"{a}:{n}" for a, n in LONG_NAMES])
def test_a_real_name_wrapped_in_other_words_is_a_lookalike(abbr, name):
    found = DATA.signatories.match(f"{name} Global Certification Services Council")
    assert found is not None and found.lookalike, name


@pytest.mark.parametrize("text,kind", [
    (name, entry["kind"]) for entry in MLA["not_accreditors"] for name in entry["names"]])
def test_every_name_outside_the_iaf_mla_is_caught(text, kind):
    claim = {**EXAMPLE_BASE, "accreditation_body": text}
    result = check_claim(claim, rules=RB)
    rule = {"not_accreditor": "accreditation-by-non-accreditor",
            "outside_iaf": "accreditation-outside-iaf"}[kind]
    assert rule in result.fired_rules and result.verdict == "not_credible", text


@pytest.mark.parametrize("text", ["UK Accreditation Services (UKAS) Ltd",
                                  "UKAS Quality Accreditation Board", "ANAB Global Registrar",
                                  "DAkkS International Certification Forum"])
def test_lookalikes_of_real_bodies_are_not_credible(text):
    result = check_claim({**EXAMPLE_BASE, "accreditation_body": text}, rules=RB)
    assert "accreditation-body-lookalike" in result.fired_rules and result.verdict == "not_credible"


@pytest.mark.parametrize("text", ["UKAS", "United Kingdom Accreditation Service", "UKAS 0001",
                                  "UKAS Management Systems 012", "UKAS (IAF MLA signatory)",
                                  "DAkkS (Deutsche Akkreditierungsstelle GmbH), Germany",
                                  "ANSI National Accreditation Board (ANAB), USA",
                                  "DAkkS D-ZM-12345-01-00", "ACCREDIA n. 012A",
                                  "COFRAC Certification n° 4-0001"])
def test_real_bodies_written_the_usual_ways_are_not_lookalikes(text):
    result = check_claim({**EXAMPLE_BASE, "accreditation_body": text}, rules=RB)
    assert result.red_flags == [] or all(f.rule == "certificate-details-missing"
                                         for f in result.red_flags), text


def test_a_body_missing_from_the_list_is_not_in_the_list_as_of_its_date_never_is_not():
    result = check_claim({**EXAMPLE_BASE, "accreditation_body": "Kenya Accreditation Service"},
                         rules=RB)
    flag = next(f for f in result.red_flags if f.rule == "accreditation-body-not-signatory")
    assert f"not in the IAF MLA signatory list as of {MLA['date']}" in flag.text
    assert "verify" in flag.text and flag.severity == "verify"
    assert "is not an IAF MLA signatory" not in flag.text


PARAPHRASES = [  # (certified scope, what is bought): covered, said another way
    ("Manufacture of flexible laminated packaging", "Laminated stand-up pouches"),
    ("Steel fabrication and welding", "Welded steel frames"),
    ("Design and manufacture of precision machined components", "CNC machined components"),
    ("Manufacture of fasteners for automotive applications", "Automotive fasteners (wheel bolts)"),
    ("Production of bakery products", "Bread rolls"),
    ("Ship repair and marine engineering", "Hull repairs"),
    ("Managed hosting and cloud infrastructure services", "Managed hosting"),
    ("Distribution of industrial fasteners", "Supply of hex bolts"),
    ("Design and manufacture of electronic products", "PCB assemblies"),
]
NARROW = [  # (certified scope, what is bought, rule that must fire)
    ("Design of electronic products", "Electronic control assemblies", "scope-activity-not-covered"),
    ("Design of electronic products", "Printed circuit boards", "scope-activity-not-covered"),
    ("Distribution of fasteners", "Manufacture of wheel bolts", "scope-activity-not-covered"),
    ("Metal fabrication", "Precision CNC machining", "scope-does-not-cover-purchase"),
    ("Design and installation of HVAC systems", "Payroll software hosting",
     "scope-does-not-cover-purchase"),
    ("Warehousing of frozen food", "Manufacture of frozen meals", "scope-activity-not-covered"),
]
SCOPE_RULES = {"scope-activity-not-covered", "scope-does-not-cover-purchase"}


@pytest.mark.parametrize("scope,bought", PARAPHRASES)
def test_a_paraphrase_of_the_scope_passes(scope, bought):
    result = check_claim({**EXAMPLE_BASE, "scope": scope, "purchased_scope": bought}, rules=RB)
    assert not SCOPE_RULES & set(result.fired_rules), (scope, bought, result.fired_rules)


@pytest.mark.parametrize("scope,bought,rule", NARROW)
def test_a_narrow_scope_is_flagged(scope, bought, rule):
    result = check_claim({**EXAMPLE_BASE, "scope": scope, "purchased_scope": bought}, rules=RB)
    assert rule in result.fired_rules, (scope, bought, result.fired_rules)


@pytest.mark.parametrize("sites,site,certified", [
    (["Coventry"], "Penang, Malaysia", False),
    (["Coventry, UK", "Leamington Spa"], "Leamington Spa plant", True),
    (["Plant 2, Bayan Lepas, Penang"], "Bayan Lepas", True),
    (["Leeds", "York"], "Hull", False),
])
def test_supplying_site_against_certified_sites(sites, site, certified):
    result = check_claim({**EXAMPLE_BASE, "sites": sites, "supplying_site": site}, rules=RB)
    assert ("supplying-site-not-certified" in result.fired_rules) is (not certified)


@pytest.mark.parametrize("supplier,holder,same", [
    ("Acme Precision Ltd", "ACME PRECISION LIMITED", True),
    ("Acme Precision", "Acme Precision GmbH", True),
    ("Acme Precision Ltd", "Acme Holdings plc", False),
    ("Marlow Castings Ltd", "Marlow Engineering Group plc", False),
])
def test_certificate_holder_against_the_supplier(supplier, holder, same):
    result = check_claim({**EXAMPLE_BASE, "supplier": supplier, "holder": holder}, rules=RB)
    assert ("holder-not-supplier" in result.fired_rules) is (not same)


@pytest.mark.parametrize("standard,kind", [
    ("SOC 2 Type II", "attestation_report"), ("soc2", "attestation_report"),
    ("Cyber Essentials Plus", "certification"), ("Cyber Essentials", "certification"),
    ("TISAX AL3", "assessment_label"), ("BRCGS Food Safety Issue 9", "certification"),
    ("IFS Food v8", "certification"), ("GLOBALG.A.P. IFA v6", "certification"),
    ("GlobalGAP", "certification"), ("CMMC Level 2", "levels"),
    ("PCI DSS v4.0", "attestation_report"), ("SA8000", "certification"),
    ("FSC Chain of Custody", "certification"), ("PEFC", "certification"),
    ("EMAS", "certification"), ("SQF Food Safety Code", "certification"),
])

def test_other_schemes_are_accepted_and_judged_by_what_they_are(standard, kind):
    from advisor.claims.check import claim_fact
    from advisor.claims.models import parse_claim
    import datetime as dt
    fact = claim_fact(parse_claim({**EXAMPLE_BASE, "standard": standard}), RB, dt.date(2026, 6, 30))
    assert fact["standard_kind"] == "scheme" and fact["scheme_kind"] == kind
    result = check_claim({**EXAMPLE_BASE, "standard": standard}, rules=RB)
    assert "check-scheme-register" in result.fired_rules
    assert "check-certsearch" not in result.fired_rules


DENSE = dict(supplier="Acme Precision Ltd", standard="ISO 9001:2008",
             wording="ISO accredited, ISO registered company, ISO 9000 certified by ISO",
             certification_body="ISO Cert UKAS", certificate_number="1",
             accreditation_body="UK Accreditation Services (UKAS) Ltd", issued="2025-03-01",
             expires="2022-02-28", initial_certification="2026-01-01", status="Suspended",
             holder="Other Co", scope="Design of electronic products",
             purchased_scope="Payroll software hosting", sites=["Coventry"],
             supplying_site="Penang", iso_logo_used=True, cb_also_consulted=True, audit_days=0.5,
             employees=500, listed_in_database=False, as_of="2026-06-30")


@pytest.mark.parametrize("standard", ["ISO 9001:2008", "IATF 16949", "Cyber Essentials",
                                      "SOC 2", "ISO 37301"])
def test_a_claim_wrong_in_every_way_is_judged_alike_by_every_engine(standard):
    from advisor.engines import available_engines
    results = {e: check_claim({**DENSE, "standard": standard}, rules=RB, engine=e)
               for e in available_engines()}
    assert len({r.model_dump_json(exclude={"engine"}) for r in results.values()}) == 1
    assert next(iter(results.values())).verdict == "not_credible"


@pytest.mark.parametrize("standard", ["SA8000", "FSC Chain of Custody", "Cyber Essentials",
                                      "TISAX AL2", "SOC 2", "PCI DSS"])
def test_schemes_outside_the_iaf_mla_are_not_judged_by_it(standard):
    result = check_claim({**EXAMPLE_BASE, "standard": standard,
                          "accreditation_body": "SAAS"}, rules=RB)
    assert not {"accreditation-body-not-signatory", "not-accredited",
                "check-mla-status"} & set(result.fired_rules)


def test_a_reference_that_matches_nothing_is_an_error_naming_the_field():
    from advisor.errors import ClaimError
    with pytest.raises(ClaimError) as err:
        check_claim({**EXAMPLE_BASE, "standard": "Gold Quality Seal"}, rules=RB)
    problem = err.value.problems[0]
    assert problem.field == "standard" and "matches no standard" in problem.message
