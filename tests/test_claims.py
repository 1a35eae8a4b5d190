"""Claim checks: every red flag from a realistic claim, the clean claim, the claim rules' own
examples on both engines, the claim model, the claims rule base loader, determinism."""
from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import yaml

from advisor import AdvisorError, Claim, ClaimCheck, check_claim
from advisor.advice.catalog import OBSOLETE
from advisor.claims.models import WITHDRAWN, parse_claim, parse_standard
from advisor.claims.check import EXAMPLE_BASE, claims_rulebase
from advisor.engines import available_engines

ENGINES = available_engines()
from advisor.errors import ClaimError, ProfileError, RuleBaseError
from advisor.kernel.rulebase import load, shipped_rules_dir

from conftest import DATA

CLAIMS = DATA / "claims"
CASES = yaml.safe_load((CLAIMS / "red_flags.yaml").read_text("utf-8"))
RB = claims_rulebase()
FLAG_RULES = sorted(r.id for r in RB.rules if "flag" in r.then)


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_realistic_claims_show_their_red_flags_explained(case):
    result = check_claim(case["claim"], rules=RB)
    ids = [f.rule for f in result.red_flags]
    assert result.verdict == case["verdict"], result.summary
    assert set(case["flags"]) <= set(ids), ids
    if not case["flags"]:
        assert ids == []
    for flag in result.red_flags:
        assert flag.text and flag.source and flag.severity in ("not_credible", "verify")
        assert not re.search(r"\{[a-z_]+\}", flag.text), flag.text      # every blank filled in
        assert "unknown" not in flag.text, flag.text                    # and filled with facts
    for title_flag in case["flags"]:
        assert RB.rule(title_flag).title in result.summary


def test_every_flag_rule_has_a_realistic_case():
    covered = {rule for case in CASES for rule in case["flags"]}
    assert covered == set(FLAG_RULES)


def test_clean_claim_is_credible_with_a_short_checklist_of_where_to_verify():
    result = check_claim(yaml.safe_load((CLAIMS / "clean.yaml").read_text()), rules=RB)
    assert result.verdict == "credible" and result.red_flags == []
    assert 2 <= len(result.checks) <= 4
    where = " ".join(c.where for c in result.checks)
    assert "IAF CertSearch" in where and "UKAS" in where and "BSI Assurance UK Ltd" in where
    assert all(c.what and c.where and c.source for c in result.checks)
    assert result.summary.startswith("No red flags")


def test_sector_schemes_are_checked_in_their_own_databases():
    iatf = check_claim({**EXAMPLE_BASE, "standard": "IATF 16949"}, rules=RB)
    oasis = check_claim({**EXAMPLE_BASE, "standard": "AS9100D"}, rules=RB)
    assert any("IATF database" in c.where for c in iatf.checks)
    assert not any("CertSearch" in c.where for c in iatf.checks)   # IATF oversight, not IAF
    assert any("OASIS" in c.where for c in oasis.checks)


def test_an_answer_that_rests_on_the_signatory_list_says_so_with_its_date():
    result = check_claim({**EXAMPLE_BASE, "accreditation_body": "Acme Accreditation Forum"},
                         rules=RB)
    flag = next(f for f in result.red_flags if f.rule == "accreditation-body-not-signatory")
    assert flag.depends_on == ["iaf_mla.yaml"]
    mla = next(d for d in result.depends_on if d.file == "iaf_mla.yaml")
    assert mla.date == RB.data["iaf_mla.yaml"]["date"] and "iaf.nu" in mla.source
    assert mla.date in flag.text
    clean = check_claim({**EXAMPLE_BASE, "accreditation_body": "UKAS"}, rules=RB)
    assert "iaf_mla.yaml" in [d.file for d in clean.depends_on]    # credible rests on it too
    unknown = check_claim(EXAMPLE_BASE, rules=RB)
    assert "iaf_mla.yaml" not in [d.file for d in unknown.depends_on]


RULE_EXAMPLES = [(rule.id, kind, n, fragment) for rule in RB.rules
                 for kind in ("fires", "not_fires")
                 for n, fragment in enumerate(rule.examples[kind])]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("rule_id,kind,n,fragment", RULE_EXAMPLES,
                         ids=[f"{r}-{k}-{n}" for r, k, n, _ in RULE_EXAMPLES])
def test_claim_rule_examples(rule_id, kind, n, fragment, engine):
    fired = check_claim({**EXAMPLE_BASE, **fragment}, rules=RB, engine=engine).fired_rules
    assert (rule_id in fired) == (kind == "fires"), f"{rule_id} {kind}: {fragment} -> {fired}"


def test_every_claim_rule_has_an_id_title_rationale_source_and_examples():
    assert len(RB.rules) >= 25
    for rule in RB.rules:
        assert rule.title and rule.rationale and rule.source and rule.text
        assert rule.examples["fires"] and rule.examples["not_fires"]


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_both_engines_judge_alike(case):
    results = {e: check_claim(case["claim"], rules=RB, engine=e).model_dump_json(exclude={"engine"})
               for e in ENGINES}
    assert len(set(results.values())) == 1


def test_deterministic_for_a_given_as_of():
    claim = CASES[2]["claim"]
    first = check_claim(claim, rules=RB).model_dump_json()
    assert all(check_claim(claim, rules=RB).model_dump_json() == first for _ in range(3))
    assert check_claim(dict(claim), rules=RB).as_of == dt.date(2026, 6, 30)


def test_as_of_defaults_to_today():
    claim = {k: v for k, v in CASES[0]["claim"].items() if k != "as_of"}
    assert check_claim(claim, rules=RB).as_of == dt.date.today()


def test_as_of_moves_the_verdict():
    claim = {**CASES[0]["claim"], "standard": "ISO/IEC 27001:2013"}
    before = check_claim({**claim, "as_of": "2025-10-31"}, rules=RB)
    after = check_claim({**claim, "as_of": "2025-11-01"}, rules=RB)
    assert "obsolete-edition" not in before.fired_rules
    assert "check-edition-transition" in before.fired_rules
    assert "obsolete-edition" in after.fired_rules and after.verdict == "not_credible"


# -- the claim model ---------------------------------------------------------------------------

@pytest.mark.parametrize("reference,expected", [
    ("ISO 9001:2015", ("ISO 9001", "2015")),
    ("iso27001", ("ISO/IEC 27001", None)),
    ("ISO/IEC 27001:2013", ("ISO/IEC 27001", "2013")),
    ("AS9100D", ("AS9100", "D")),
    ("AS9100 Rev. C", ("AS9100", "C")),
    ("EN 9100:2018", ("AS9100", "2018")),
    ("FSSC 22000 V6", ("FSSC 22000", "6")),
    ("OHSAS 18001", ("OHSAS 18001", None)),
    ("BS OHSAS 18001:2007", ("OHSAS 18001", "2007")),
    ("ISO/TS 16949:2009", ("ISO/TS 16949", "2009")),
    ("ISO 26000", ("ISO 26000", None)),
])
def test_standards_are_read_as_people_write_them(reference, expected):
    assert parse_standard(reference) == expected


def test_withdrawn_standards_the_catalog_rejects_are_accepted_as_claims():
    assert {re.sub(r"[^A-Z0-9]", "", k) for k in OBSOLETE} <= set(WITHDRAWN)
    claim = parse_claim({"supplier": "X", "standard": "OHSAS 18001:2007"})
    assert (claim.standard, claim.edition, claim.claimed) == ("OHSAS 18001", "2007",
                                                              "OHSAS 18001:2007")


def test_unknown_fields_are_rejected_with_a_did_you_mean():
    with pytest.raises(ClaimError) as err:
        parse_claim({"supplier": "X", "standard": "ISO 9001", "suplier_country": "GB",
                     "expiry": "2027-01-01"})
    text = str(err.value)
    assert "unknown field 'expiry'" in text and "did you mean 'expires'" in text
    assert "unknown field 'suplier_country'" in text
    assert isinstance(err.value, (ProfileError, AdvisorError, ValueError))


@pytest.mark.parametrize("field,value,message", [
    ("expires", "31/12/2027", "is not a date (valid: a date written YYYY-MM-DD"),
    ("iso_logo_used", "maybe", "is not true or false"),
    ("standard", "Qualty Seal", "matches no standard"),
    ("employees", 0, "greater than or equal to 1"),
    ("audit_days", -1, "greater than or equal to 0"),
])
def test_invalid_values_name_the_field_and_what_is_valid(field, value, message):
    with pytest.raises(ClaimError) as err:
        check_claim({"supplier": "X", "standard": "ISO 9001", field: value}, rules=RB)
    assert err.value.problems[0].field == field and message in str(err.value)


def test_values_as_csv_cells_and_yaml_give_the_same_claim():
    from_csv = parse_claim({"supplier": "X", "standard": "ISO 9001:2015", "issued": "2025-01-10",
                            "sites": "Leeds; York", "iso_logo_used": "no", "audit_days": "3.5",
                            "employees": "40", "certificate_number": "00123"})
    from_yaml = parse_claim({"supplier": "X", "standard": "ISO 9001:2015",
                             "issued": dt.date(2025, 1, 10), "sites": ["Leeds", "York"],
                             "iso_logo_used": False, "audit_days": 3.5, "employees": 40,
                             "certificate_number": "00123"})
    assert from_csv == from_yaml
    assert parse_claim({"supplier": "X", "standard": "ISO 9001",
                        "certificate_number": 12345}).certificate_number == "12345"


def test_an_edition_given_twice_must_agree():
    same = parse_claim({"supplier": "X", "standard": "ISO 9001:2015", "edition": 2015})
    assert same.edition == "2015"
    with pytest.raises(ClaimError, match="edition"):
        parse_claim({"supplier": "X", "standard": "ISO 9001:2015", "edition": "2008"})


def test_check_claim_accepts_a_claim_model_and_returns_the_contract_shape():
    result = check_claim(Claim(supplier="X", standard="ISO 9001", as_of=dt.date(2026, 6, 30)))
    assert isinstance(result, ClaimCheck)
    data = result.model_dump(mode="json")
    assert {"supplier", "verdict", "red_flags", "checks"} <= set(data)
    assert all({"rule", "text", "source"} <= set(f) for f in data["red_flags"])


# -- the claims rule base ----------------------------------------------------------------------

def _copy(tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(shipped_rules_dir(), rules)
    return rules / "claims"


def test_claims_folder_is_validated_against_claim_fields_and_conclusions(tmp_path):
    folder = _copy(tmp_path)
    (folder / "zz_broken.yaml").write_text("""rules:
  - id: bad-field
    title: t
    when: {wordng: {known: true}}
    then: {flag: verify}
    text: t
    rationale: r
    source: s
    examples: {fires: [{}], not_fires: [{}]}
  - id: bad-severity
    title: t
    when: {iso_logo_used: true}
    then: {flag: maybe}
    text: t
    rationale: r
    source: s
    examples: {fires: [{}], not_fires: [{}]}
  - id: advice-conclusion
    title: t
    when: {iso_logo_used: true}
    then: {recommend: certify, standard: ISO 9001, driver: market}
    text: t
    rationale: r
    source: s
    examples: {fires: [{}], not_fires: [{}]}
  - id: bad-standard
    title: t
    when: {standard: ISO 9009}
    then: {check: somewhere}
    text: t
    rationale: r
    source: s
    examples: {fires: [{}], not_fires: [{}]}
""")
    with pytest.raises(RuleBaseError) as err:
        claims_rulebase(folder)
    text = str(err.value)
    for expected in ["rule bad-field", "'wordng' is not a claim field", "did you mean 'wording'",
                     "rule bad-severity", "'maybe' is not valid", "valid: not_credible, verify",
                     "rule advice-conclusion", "needs exactly one of: flag, check",
                     "rule bad-standard", "'ISO 9009' is not a valid value of 'standard'"]:
        assert expected in text, expected


def test_claims_data_files_are_validated_when_loaded(tmp_path):
    folder = _copy(tmp_path)
    (folder / "editions.yaml").unlink()
    facts = yaml.safe_load((folder / "facts.yaml").read_text())
    facts["iso_as_certifier"].append("(unclosed")
    facts["audit_time"]["standards"]["ISO 14001"]["column"] = "tiny"
    (folder / "facts.yaml").write_text(yaml.safe_dump(facts))
    with pytest.raises(RuleBaseError) as err:
        claims_rulebase(folder)
    text = str(err.value)
    assert "editions.yaml: is missing" in text
    assert "'(unclosed' is not a regular expression" in text
    assert "audit_time.standards.ISO 14001: needs a column of table ems" in text


def test_rule_base_kinds_are_kept_apart(tmp_path):
    assert load().kind == "advice" and RB.kind == "claims"
    with pytest.raises(RuleBaseError, match="not a claim rule base"):
        check_claim(EXAMPLE_BASE, rules=shipped_rules_dir())
    folder = _copy(tmp_path)
    meta = (folder / "rulebase.yaml").read_text().replace("kind: claims", "kind: claimz")
    (folder / "rulebase.yaml").write_text(meta)
    with pytest.raises(RuleBaseError, match="unknown kind 'claimz'.*did you mean 'claims'"):
        load(folder)
