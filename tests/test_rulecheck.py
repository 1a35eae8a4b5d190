"""rulecheck: the shipped rule base is sound; every seeded problem of a broken one is found."""
from __future__ import annotations

import shutil

import pytest

from advisor import AdvisorError, RuleBaseError, evaluate
from advisor.advice.catalog import NAMES, STANDARDS
from advisor.kernel.conditions import Test as T
from advisor.kernel.rulecheck import (Checker, Finding, RuleCheckError, changelog_entry, check, compare,
                               default_samples, describe_rule, rule_rows, run_tests)
from advisor.kernel.rulebase import load, shipped_rules_dir

from conftest import DATA, ROOT

BROKEN = DATA / "broken_rulebase"
CUSTOM = DATA / "custom_rules"

#: (code, rule) of every problem seeded in tests/data/broken_rulebase, and nothing else.
SEEDED = {
    ("duplicate-id", "dup-rule"), ("invalid", "misspelt-field"),
    ("never-true", "never-two-sectors"), ("never-true", "never-empty-range"),
    ("never-true", "never-empty-enum"), ("never-true", "never-list"), ("never-true", "never-orphan"),
    ("conflict", "risk-low"), ("conflict", "cap-14001-without-by"),
    ("fact-never-inferred", None), ("fact-unused", None),
    ("example", "wrong-example"),
    # the `fires` examples of the never-true rules cannot fire either
    ("example", "never-two-sectors"), ("example", "never-empty-range"),
    ("example", "never-empty-enum"), ("example", "never-list"), ("example", "never-orphan"),
}


def test_the_shipped_rule_base_has_no_findings():
    assert check() == []


def test_every_seeded_problem_is_found_and_nothing_else():
    findings = check(BROKEN)
    assert {(f.code, f.rule) for f in findings if f.code != "unreachable-standard"} == SEEDED
    unreachable = {f.message.split("recommend ")[1].split(":")[0]
                   for f in findings if f.code == "unreachable-standard"}
    assert unreachable == set(NAMES) - {"ISO 9001", "ISO 14001"}
    facts = {f.message for f in findings if f.code.startswith("fact-")}
    assert any("'orphan_fact' is declared but no rule infers it, so every rule" in m for m in facts)
    assert any("'idle_fact' is declared and inferred but no rule reads it" in m for m in facts)
    assert {m for m in facts if "ghost_fact" in m} and len(facts) == 4


def test_findings_say_where_and_why():
    by_rule = {(f.code, f.rule): f for f in check(BROKEN)}
    dup = by_rule[("duplicate-id", "dup-rule")]
    assert dup.file.endswith("b_rules.yaml") and "a_rules.yaml" in dup.message
    assert "did you mean 'sector'" in by_rule[("invalid", "misspelt-field")].message
    assert "employees is above 100 and employees is below 50 cannot hold together" in \
        by_rule[("never-true", "never-empty-range")].message
    assert "no rule infers that value of 'orphan_fact'" in by_rule[("never-true", "never-orphan")].message
    assert "risk-high" in by_rule[("conflict", "risk-low")].message
    assert "customer-demands-14001" in by_rule[("conflict", "cap-14001-without-by")].message
    assert "should fire on {'environmental_impact': 'moderate'}, but it does not" in \
        by_rule[("example", "wrong-example")].message


def test_the_error_carries_one_problem_per_finding():
    findings = check(BROKEN)
    error = RuleCheckError(findings)
    assert isinstance(error, RuleBaseError) and isinstance(error, AdvisorError)
    assert len(error.problems) == len(findings)
    assert str(error.problems[0]).startswith(f"{findings[0].file}, rule dup-rule: [duplicate-id]")


def test_a_folder_that_is_not_a_rule_base_is_one_finding(tmp_path):
    findings = check(tmp_path)
    assert [f.code for f in findings] == ["invalid"] and "rulebase.yaml" in findings[0].file


@pytest.mark.parametrize("tests, possible", [
    ([T("employees", "gt", 5), T("employees", "lt", 6)], False),          # no integer between
    ([T("annual_energy_tj", "gt", 5), T("annual_energy_tj", "lt", 6)], True),
    ([T("employees", "lt", 1)], False),                                     # headcount >= 1
    ([T("budget", "unknown"), T("budget", "eq", "low")], False),
    ([T("budget", "unknown")], True),
    ([T("sector", "unknown")], False),                                      # required field
    ([T("goals", "unknown")], False),                                       # lists are never null
    ([T("goals", "contains_any", ("win_tenders", "esg_reporting")),
      T("goals", "contains_none", ("win_tenders",))], True),
    ([T("goals", "contains_any", ("win_tenders",)), T("goals", "not_contains", "win_tenders")], False),
    ([T("bids_for_tenders", "eq", True), T("bids_for_tenders", "ne", True)], False),
    ([T("decision_iso_9001", "eq", "implement")], True),
    ([T("decision_iso_28000", "eq", "certify")], True),                     # tender-gate can
    ([T("size_class", "eq", "medium"), T("size_class", "ne", "medium")], False),
])
def test_satisfiability_of_tests_on_one_field(rb, tests, possible):
    assert (Checker(rb).impossible(tests) is None) == possible


def test_exclusive_inferences_and_limits_with_by_are_not_conflicts(rb):
    checker = Checker(rb)
    assert checker.conflicts() == []
    small, medium = rb.rule("size-small").when, rb.rule("size-medium").when
    assert not checker.can_both_fire(small, medium)
    assert checker.can_both_fire(rb.rule("carry-by-budget").when, rb.rule("size-small").when)


def test_rule_tests_report_full_coverage_for_the_shipped_rules(rb):
    report = run_tests(rb, default_samples(rb))
    assert report.failures == []
    assert report.samples_folder.name == "profiles" and report.samples == 20
    assert report.examples >= 2 * len(rb.rules)
    assert report.never_fired == [] and report.coverage == 100.0
    assert 0 < len(report.by_samples) < len(rb.rules)


def test_rule_tests_report_a_sample_that_misses_its_expectations(tmp_path, rb):
    (tmp_path / "expected").mkdir()
    shutil.copy(ROOT / "profiles" / "bank.yaml", tmp_path / "bank.yaml")
    shutil.copy(ROOT / "profiles" / "hospital.yaml", tmp_path / "hospital.yaml")
    (tmp_path / "expected" / "decisions.yaml").write_text(
        "bank: {certify: [ISO 9001], implement: [ISO 45001], first: ISO 9001}\nghost: {}\n")
    report = run_tests(rb, tmp_path)
    messages = sorted(f"{f.file.rsplit('/', 1)[-1]}: {f.message}" for f in report.failures)
    assert messages == [
        "bank.yaml: ISO 45001 is not_needed, expected implement",
        "bank.yaml: certify [], expected ['ISO 9001']",
        "bank.yaml: priority 1 is ISO/IEC 27001, expected ISO 9001",
        "decisions.yaml: expected decisions for 'ghost', but there is no such profile",
        "hospital.yaml: has no expected decisions in " + str(tmp_path / "expected" / "decisions.yaml"),
    ]


def test_compare_accepts_matching_expectations(rb):
    a = evaluate({"name": "T", "sector": "other", "employees": 5, "tender_requirements": ["9001"]},
                 rules=rb)
    assert compare(a, {"certify": ["ISO 9001"], "implement": [], "first": "ISO 9001"}) == []
    assert compare(a, {"first": None}) == ["priority 1 is ISO 9001, expected None"]


def test_the_changelog_has_an_entry_for_the_current_version(rb):
    entry = changelog_entry(rb)
    assert entry is not None and entry.startswith(f"## {rb.version}\n") and len(entry) > 40
    assert changelog_entry(load(CUSTOM)).startswith("## 2026.11-acme.1\nGerman energy grid")


def test_rows_and_descriptions_for_list_and_show(rb):
    rows = rule_rows(rb, "27001")
    ids = [r["id"] for r in rows]
    assert "nis2-security" in ids and "tender-gate" in ids and "food-retail-supplier" not in ids
    assert next(r for r in rows if r["id"] == "nis2-security")["driver"] == "regulation"
    assert [r["id"] for r in rule_rows(rb, "IATF 16949")][:3] == ["tender-gate", "customer-gate",
                                                                  "automotive-oem-supplier"]
    assert "iatf-builds-on-9001" in [r["id"] for r in rule_rows(rb, "IATF 16949")]   # reads it
    info = describe_rule(rb, "nis2-likely")
    assert info["then"] == "infer nis2_likely = true"
    assert info["reads_from"] == ["dora-entity", "dora-likely", "eu-established",
                                  "eu-established-likely", "nis2-declared", "nis2-entity",
                                  "nis2-entity-any-size", "nis2-main-establishment",
                                  "nis2-size-by-finance", "nis2-size-by-staff"]
    assert info["feeds"] == ["cyfun-belgium", "nis2-continuity-likely", "nis2-essential-likely",
                             "nis2-security-likely"]
    assert describe_rule(rb, "iatf-covers-9001")["then"] == \
        "at most implement ISO 9001, because IATF 16949 covers it"
    assert describe_rule(rb, "tender-gate")["then"] == "certify {standard} (driver: hard_demand)"
    with pytest.raises(AdvisorError, match="did you mean 'tender-gate'"):
        describe_rule(rb, "tender-gat")
    with pytest.raises(AdvisorError, match="ISO 9002"):
        rule_rows(rb, "ISO 9002")


def test_a_custom_rule_base_is_checked_tested_and_used_through_the_library():
    assert check(CUSTOM) == []
    custom = load(CUSTOM)
    report = run_tests(custom)
    assert report.failures == [] and report.coverage == 100.0 and report.samples_folder is None
    a = evaluate({"name": "Bau Nord", "sector": "construction", "employees": 40, "countries": ["DE"],
                  "customer_sectors": ["energy_utilities"]}, rules=CUSTOM)
    assert a.rulebase_version == "2026.11-acme.1"
    assert a.recommendation("ISO 45001").decision == "certify"
    assert [r.rule for r in a.recommendation("ISO 45001").reasons] == ["nordwerk-contractors"]
    assert a.recommendation("ISO 9001").decision == "not_needed"      # the shipped rules are not used


def test_findings_render_as_problems():
    problem = Finding("never-true", "its condition can never be true", "r.yaml", "x").problem()
    assert str(problem) == "r.yaml, rule x: [never-true] its condition can never be true"


def test_a_claims_rule_base_is_checked_with_its_own_fields_and_examples(tmp_path):
    claims = shipped_rules_dir() / "claims"
    assert check(claims) == []
    report = run_tests(load(claims))
    assert report.failures == [] and report.coverage == 100.0 and report.examples > 0
    with pytest.raises(RuleCheckError, match="sample profiles test advice rule bases"):
        run_tests(load(claims), tmp_path)


def test_changed_rules_need_a_changelog_entry_with_the_new_digest(tmp_path):
    import shutil
    folder = tmp_path / "rules"
    shutil.copytree(shipped_rules_dir(), folder, ignore=shutil.ignore_patterns("claims"))
    assert f"digest: {load(folder).digest}" in (folder / "CHANGELOG.md").read_text()
    folder = tmp_path / "edited"                # a fresh folder: load() rechecks a folder once a second
    shutil.copytree(tmp_path / "rules", folder)
    market = folder / "market.yaml"
    market.write_text(market.read_text() + "\n# edited\n")
    found = [f for f in check(folder) if f.code == "changelog"]
    new = load(folder).digest
    assert len(found) == 1 and f"'digest: {new}'" in found[0].message
    log = folder / "CHANGELOG.md"
    log.write_text(log.read_text() + f"\n## 2026.11.1\nEdited a comment.\n\ndigest: {new}\n")
    assert not [f for f in check(folder) if f.code == "changelog"]


# -- near-linear `rules check`: each example runs only the rules that decide it ----------------
def test_the_rules_an_example_needs_are_the_rule_and_what_feeds_what_it_reads(rb):
    readers = [i for i in rb.instances if any(n in rb.facts for n in i.uses)]
    assert readers, "the shipped rules read inferred facts"
    for inst in readers:
        needed = rb.needed_for([inst.key])
        producers = {p.key for p in rb.instances if set(n for n, _ in p.conclusion.facts) &
                     set(inst.uses)}
        assert inst.key in needed and producers and producers <= needed
    plain = next(i for i in rb.instances if not any(n in rb.facts or n.startswith("decision_")
                                                      for n in i.uses))
    assert rb.needed_for([plain.key]) == {plain.key}
    decided = next(i for i in rb.instances if any(n.startswith("decision_") for n in i.uses))
    standard = next(s.name for s in STANDARDS if f"decision_{s.key}" in decided.uses)
    assert {i.key for i in rb.instances if i.conclusion.kind in ("recommend", "limit")
            and i.conclusion.standard == standard} <= rb.needed_for([decided.key])


@pytest.mark.parametrize("folder, engine", [(BROKEN, None), (None, "python")])
def test_focused_examples_find_what_a_full_run_finds(folder, engine):
    from advisor.kernel.rulecheck import example_findings, load_tolerant
    rb = load_tolerant(folder or shipped_rules_dir())[0]
    focused = example_findings(rb, engine=engine, focused=True)
    full = example_findings(rb, engine=engine)
    assert focused[0] == full[0] and focused[2] == full[2] and focused[1] <= full[1]
    assert (folder is None) == (focused[0] == [])


def _generated(count: int) -> dict:
    return {"rules": [{
        "id": f"generated-{k}", "title": f"Generated {k}", "text": "Generated.",
        "rationale": "Test.", "source": "tests/test_rulecheck.py",
        "when": {"all": [{"employees": {"gt": 10 + k}}, {"sector": "retail"}]},
        "then": {"recommend": "implement", "standard": "ISO 9001", "driver": "internal"},
        "examples": {"fires": [{"sector": "retail", "employees": 11 + k}],
                     "not_fires": [{"sector": "retail", "employees": 10 + k}]}}
        for k in range(count)]}


def test_an_example_asserts_into_as_many_rulesets_however_large_the_rule_base(tmp_path, monkeypatch):
    """Each example used to be asserted into every ruleset (rules x examples: 36.9 s at 100
    extra rules, 151 s at 300); now only into those holding the rules that decide it."""
    import yaml
    from advisor.engines import durable
    if not durable.available():
        pytest.skip("durable_rules does not run here")
    host = durable._get_host()
    asserts = []
    monkeypatch.setattr(host, "assert_fact", lambda *a, **k: (asserts.append(a[0]),
                                                             type(host).assert_fact(host, *a, **k))[1])
    per_example = []
    for count in (20, 120):
        folder = tmp_path / f"rules{count}"
        shutil.copytree(shipped_rules_dir(), folder, ignore=shutil.ignore_patterns("claims"))
        (folder / "zz_generated.yaml").write_text(yaml.safe_dump(_generated(count)))
        asserts.clear()
        findings = check(folder, engine="durable")
        assert {f.code for f in findings} == {"changelog"}
        examples = sum(len(r.examples.get("fires", [])) + len(r.examples.get("not_fires", []))
                       for r in load(folder).rules)
        per_example.append(len(asserts) / examples)
    assert per_example[1] <= per_example[0]
