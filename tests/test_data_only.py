"""Knowledge is data: a standard, a regulation and a sector added to a rule base's data files,
with no Python edit, get advice, profile validation, schemas, checks and batch columns."""
import json
import shutil

import pytest
import yaml
from click.testing import CliRunner

from advisor import evaluate
from advisor.advice import catalog
from advisor.cli import cli
from advisor.errors import AdvisorError
from advisor.kernel import rulecheck
from advisor.kernel.rulebase import load, shipped_rules_dir

NEW_RULE = {
    "id": "cra-knowledge",
    "title": "Game studios under the Cyber Resilience Act keep their knowledge managed",
    "when": {"all": [{"sector": "gaming"}, {"regulations": {"contains": "eu_cra"}}]},
    "then": {"recommend": "certify", "standard": "ISO 30401", "driver": "regulation"},
    "text": "You are a {sector} company under the {regulations}; certify ISO 30401.",
    "rationale": "A made-up rule for the data-only test.",
    "source": "Regulation (EU) 2024/2847",
    "examples": {"fires": [{"sector": "gaming", "regulations": ["eu_cra"]}],
                 "not_fires": [{"sector": "retail", "regulations": ["eu_cra"]}]},
}


@pytest.fixture(scope="module")
def extended(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rb") / "rules"
    shutil.copytree(shipped_rules_dir(), folder, ignore=shutil.ignore_patterns("claims"))
    (folder / "claims").mkdir()                 # planning.yaml reads the edition table there
    shutil.copy(shipped_rules_dir() / "claims" / "editions.yaml", folder / "claims")
    cat = yaml.safe_load((folder / "catalog.yaml").read_text())
    cat["standards"].append({
        "name": "ISO 30401", "title": "Knowledge management systems",
        "purpose": "Creating, sharing and using organizational knowledge.",
        "fit_sectors": ["gaming"], "scheme_owner": "ISO (ISO/TC 260)",
        "certified_by": "accredited certification bodies", "audit_time": "none published"})
    (folder / "catalog.yaml").write_text(yaml.safe_dump(cat, sort_keys=False))
    vocab = yaml.safe_load((folder / "vocabulary.yaml").read_text())
    vocab["vocabularies"]["sectors"]["values"].append(
        {"value": "gaming", "label": "video games", "synonyms": ["game studio"]})
    vocab["vocabularies"]["regulations"]["values"].append(
        {"value": "eu_cra", "label": "EU Cyber Resilience Act", "synonyms": ["CRA"]})
    (folder / "vocabulary.yaml").write_text(yaml.safe_dump(vocab, sort_keys=False))
    (folder / "new.yaml").write_text(yaml.safe_dump({"rules": [NEW_RULE]}, sort_keys=False))
    (folder / "CHANGELOG.md").write_text("# A test rule base\n")    # records no digest
    return folder


PROFILE = {"name": "Pixel Forge", "sector": "game studio", "employees": 40, "regulations": ["CRA"]}


def test_the_new_standard_is_advised_with_the_new_sector_and_regulation(extended):
    assessment = evaluate(PROFILE, rules=extended)
    rec = next(r for r in assessment.recommendations if r.standard == "ISO 30401")
    assert rec.decision == "certify" and rec.title == "Knowledge management systems"
    assert rec.reasons[0].text == ("You are a video games company under the EU Cyber "
                                   "Resilience Act; certify ISO 30401.")
    assert "cra-knowledge" in assessment.fired_rules
    assert rec.effort is not None and rec.effort.estimate


def test_the_shipped_rule_base_still_refuses_the_new_values(extended):
    with pytest.raises(AdvisorError, match="sector"):
        evaluate(PROFILE)
    assert "ISO 30401" not in catalog.NAMES and "gaming" not in catalog.shipped().values("sectors")


def test_schema_check_test_and_batch_know_the_additions(extended, tmp_path):
    runner = CliRunner()
    schema = json.loads(runner.invoke(cli, ["--rules", str(extended), "schema", "profile"]).output)
    assert "gaming" in schema["properties"]["sector"]["enum"]
    assert "eu_cra" in schema["properties"]["regulations"]["items"]["enum"]
    shipped = json.loads(runner.invoke(cli, ["schema", "profile"]).output)
    assert "gaming" not in shipped["properties"]["sector"]["enum"]

    assert rulecheck.check(extended) == []
    report = rulecheck.run_tests(load(extended))
    assert not report.failures and "cra-knowledge" in report.by_examples

    listing = runner.invoke(cli, ["--rules", str(extended), "standards", "--format", "json"])
    assert any(s["standard"] == "ISO 30401" for s in json.loads(listing.output))

    (tmp_path / "p.yaml").write_text(yaml.safe_dump(PROFILE))
    result = runner.invoke(cli, ["--rules", str(extended), "batch", str(tmp_path / "p.yaml"),
                                 "--format", "csv"])
    assert result.exit_code == 0, result.output
    header, row = result.output.splitlines()[:2]
    assert "ISO 30401" in header.split(",")
    assert row.split(",")[header.split(",").index("ISO 30401")] == "certify"


def test_a_rule_naming_an_unknown_sector_is_a_load_error(extended, tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(extended, folder)
    bad = dict(NEW_RULE, when={"sector": "gamingg"})
    (folder / "new.yaml").write_text(yaml.safe_dump({"rules": [bad]}, sort_keys=False))
    with pytest.raises(AdvisorError, match="'gamingg' is not a valid value of 'sector'"):
        load(folder)
