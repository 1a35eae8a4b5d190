"""`iso-advisor rules list | show | check | test | version` through click's CliRunner."""
from __future__ import annotations

import pytest
import json
import re
import shutil

from click.testing import CliRunner

from advisor.cli.app import cli

from conftest import DATA

BROKEN = str(DATA / "broken_rulebase")
CUSTOM = str(DATA / "custom_rules")


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_list_has_a_version_header_and_filters_by_standard():
    everything = run("rules", "list")
    assert everything.exit_code == 0
    header, *rows = everything.stdout.splitlines()
    assert header.startswith("# rule base 2026.11: ") and header.endswith(" rules")
    assert any(r.split()[:2] == ["eu-market", "-"] and " infer " in r for r in rows)
    only = run("rules", "list", "--standard", "iso 50001").stdout.splitlines()[1:]
    assert len(only) < len(rows)
    assert {r.split()[0] for r in only} >= {"eed-certified-enms", "energy-use", "tender-gate"}
    gate = next(r for r in only if r.startswith("eed-certified-enms"))
    assert "hard_demand" in gate and "[Directive (EU) 2023/1791 Art. 11(1) https://eur-lex" in gate


def test_list_as_json_and_an_unknown_standard():
    data = json.loads(run("rules", "list", "--format", "json").stdout)
    assert data["rulebase_version"] == "2026.11"
    assert {"id", "title", "standard", "driver", "source", "file"} <= set(data["rules"][0])
    bad = run("rules", "list", "--standard", "ISO 9002")
    assert bad.exit_code == 1 and "'ISO 9002' is not a standard" in bad.stderr and bad.stdout == ""


def test_show_explains_a_rule_in_plain_words():
    result = run("rules", "show", "nis2-security")
    assert result.exit_code == 0
    out = result.stdout
    assert "when: nis2_applies is yes" in out
    assert "then: implement ISO/IEC 27001 (driver: regulation)" in out
    assert "reads facts from: nis2-declared" in out and "rationale: NIS2 Art. 21" in out
    assert "examples where it fires:\n  {\"regulations\": [\"nis2\"]}" in out
    assert json.loads(run("rules", "show", "eu-market", "--format", "json").stdout)["feeds"]


def test_show_an_unknown_rule_suggests_the_closest():
    result = run("rules", "show", "nis2-securty")
    assert result.exit_code == 1 and "no rule 'nis2-securty'" in result.stderr
    assert "did you mean 'nis2-security'" in result.stderr


@pytest.mark.slow
def test_check_passes_on_the_shipped_and_the_custom_rule_base():
    shipped = run("rules", "check")
    assert shipped.exit_code == 0 and "no findings" in shipped.stdout and shipped.stderr == ""
    custom = run("--rules", CUSTOM, "rules", "check")
    assert custom.exit_code == 0 and "2026.11-acme.1" in custom.stdout


def test_check_lists_every_seeded_problem_and_exits_1():
    result = run("--rules", BROKEN, "rules", "check")
    assert result.exit_code == 1 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert all(line.startswith("error: ") for line in lines)
    for code, rule in [("duplicate-id", "dup-rule"), ("invalid", "misspelt-field"),
                       ("never-true", "never-two-sectors"), ("never-true", "never-empty-range"),
                       ("never-true", "never-empty-enum"), ("never-true", "never-list"),
                       ("never-true", "never-orphan"), ("conflict", "risk-low"),
                       ("conflict", "cap-14001-without-by"), ("example", "wrong-example")]:
        assert any(f"rule {rule}: [{code}]" in line for line in lines), (code, rule)
    assert sum("[unreachable-standard]" in line for line in lines) == 17
    assert sum("[fact-" in line for line in lines) == 4
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_rules_test_reports_full_coverage():
    result = run("rules", "test")
    assert result.exit_code == 0, result.stderr
    assert "examples: " in result.stdout and ", 0 failed" in result.stdout
    assert "samples: 20 profiles in " in result.stdout
    assert re.search(r"^coverage: (\d+) of \1 rules fired by an example or sample \(100 %\)",
                     result.stdout, re.M)
    custom = run("--rules", CUSTOM, "rules", "test", "--samples", str(DATA.parent.parent / "profiles"))
    assert custom.exit_code == 1               # the shipped samples expect the shipped rules
    assert "[sample]" in custom.stderr and "coverage: 6 of 6 rules" in custom.stdout


def test_rules_test_fails_on_a_misbehaving_example_and_names_the_rule_never_fired(tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(CUSTOM, folder)
    text = (folder / "rules.yaml").read_text().replace(
        "fires: [{countries: [DE], sector: energy_utilities}]",
        "fires: [{countries: [AT], sector: energy_utilities}]")
    (folder / "rules.yaml").write_text(text)
    result = run("--rules", str(folder), "rules", "test")
    assert result.exit_code == 1
    assert "never fired: de-energy-grid-isms" in result.stdout
    assert "rule de-energy-grid-isms: [example] should fire on" in result.stderr
    assert "rule de-energy-grid-isms: [coverage] no example or sample fires it" in result.stderr


def test_version_prints_the_version_and_its_changelog_entry():
    result = run("rules", "version")
    assert result.exit_code == 0
    first, second = result.stdout.splitlines()[:2]
    assert first.startswith("2026.11  digest ") and second == "## 2026.11"
    custom = run("--rules", CUSTOM, "rules", "version").stdout
    assert custom.startswith("2026.11-acme.1") and "Nordwerk" in custom


def test_a_custom_rule_base_through_evaluate():
    result = CliRunner().invoke(cli, ["--rules", CUSTOM, "evaluate", "-", "--format", "json"],
                                input="name: Stadtwerke Nord\nsector: energy_utilities\n"
                                      "employees: 300\ncountries: [DE]\n")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["rulebase_version"] == "2026.11-acme.1"
    rec = next(r for r in data["recommendations"] if r["standard"] == "ISO/IEC 27001")
    assert rec["decision"] == "certify" and rec["reasons"][0]["rule"] == "de-energy-grid-isms"
