"""`iso-advisor evaluate` through click's CliRunner: formats, output file, errors and exit codes."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from advisor.cli.app import cli

from conftest import PROFILES, ROOT

SAMPLE = str(PROFILES[0])


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input)


@pytest.mark.parametrize("fmt, marker", [("text", "Plan, in order:"), ("json", '"recommendations"'),
                                         ("markdown", "## Plan")])
def test_every_format_renders_a_sample(fmt, marker):
    result = run("evaluate", SAMPLE, "--format", fmt)
    assert result.exit_code == 0, result.output
    assert marker in result.stdout
    assert result.stderr == ""


def test_json_output_is_the_contract_object():
    data = json.loads(run("evaluate", SAMPLE, "--format", "json").stdout)
    assert data["rulebase_version"] == "2026.11"
    assert [r["priority"] for r in data["recommendations"] if r["priority"]] == list(
        range(1, 1 + sum(1 for r in data["recommendations"] if r["priority"])))


def test_stdin_and_output_file(tmp_path):
    out = tmp_path / "a.json"
    result = run("evaluate", "-", "--format", "json", "--output", str(out),
                 input="name: Acme\nsector: construction\nemployees: 80\n")
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(out.read_text())["organization"] == "Acme"


def test_invalid_profile_exits_1_with_file_field_and_valid_values(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: Acme\nsector: constructon\nemployees: -1\ncolour: red\n")
    out = tmp_path / "out.json"
    out.write_text("previous")
    result = run("evaluate", str(bad), "--output", str(out))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"error: {bad}: field 'sector': 'constructon' is not valid; did you mean 'construction'?" in result.stderr
    assert "field 'employees'" in result.stderr and "unknown field 'colour'" in result.stderr
    assert "Traceback" not in result.stderr
    assert out.read_text() == "previous"


def test_missing_file_exits_1_and_usage_error_exits_2(tmp_path):
    assert run("evaluate", str(tmp_path / "none.yaml")).exit_code == 1
    assert run("evaluate", SAMPLE, "--format", "docx").exit_code == 2
    assert run("evaluate").exit_code == 2


def test_debug_shows_the_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: Acme\n")
    result = run("--debug", "evaluate", str(bad))
    assert result.exit_code == 1 and result.exception is not None


def test_custom_rule_base_folder(tmp_path):
    result = run("--rules", str(tmp_path), "evaluate", SAMPLE)
    assert result.exit_code == 1 and "rulebase.yaml" in result.stderr


def test_a_claims_rule_base_cannot_evaluate_a_profile():
    from advisor.kernel.rulebase import shipped_rules_dir
    result = run("--rules", str(shipped_rules_dir() / "claims"), "evaluate", SAMPLE)
    assert result.exit_code == 1 and "'claims' rule base" in result.stderr


def test_an_output_that_is_the_profile_is_refused(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("name: A\nsector: retail\nemployees: 3\n")
    result = CliRunner().invoke(cli, ["evaluate", str(path), "--output", str(path)])
    assert result.exit_code == 1 and "would replace the data being read" in result.stderr
    assert path.read_text() == "name: A\nsector: retail\nemployees: 3\n"


@pytest.mark.parametrize("certified, words", [
    ('[{standard: ISO 9001, issued: 2025-02-01, expires: 2024-01-31}]', "expires (2024-01-31) is before issued"),
    ('["ISO 9001:2012"]', "ISO 9001 has no edition '2012'"),
    ('["ISO 9001", {standard: ISO 9001, expires: 2027-01-31}]', "given twice"),
])
def test_bad_certificate_records_exit_1_naming_the_field(tmp_path, certified, words):
    path = tmp_path / "p.yaml"
    path.write_text(f"name: X\nsector: retail\nemployees: 20\ncertified: {certified}\n")
    result = CliRunner().invoke(cli, ["evaluate", str(path)])
    assert result.exit_code == 1 and words in result.stderr and "certified" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("option, words", [
    (["--day-rate", "0"], "field 'day_rate': must be a positive amount"),
    (["--day-rate", "900 ABC"], "'ABC' is not a currency the day-rate table knows (valid: USD"),
])
def test_bad_day_rate_exits_1(option, words):
    result = CliRunner().invoke(cli, ["evaluate", str(ROOT / "profiles" / "bank.yaml"), *option])
    assert result.exit_code == 1 and words in result.stderr


def test_text_shows_certificates_roadmap_and_cost_as_of_the_date(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("name: Held\nsector: it_services\nemployees: 80\ncountries: [DE]\n"
                    "customer_types: [businesses]\ndeadline_months: 12\n"
                    "certified: [{standard: 'ISO/IEC 27001:2013', expires: 2026-06-30}]\n")
    out = CliRunner().invoke(cli, ["evaluate", str(path), "--as-of", "2026-12-01",
                                   "--day-rate", "1000 EUR"]).stdout
    assert "as of 2026-12-01" in out and "ISO/IEC 27001:2013: WITHDRAWN, not in place." in out
    assert "Roadmap (" in out and "ISO/IEC 27001: new certificate" in out
    assert "Three-year cost" in out and "EUR " in out and "given" in out
    md = CliRunner().invoke(cli, ["evaluate", str(path), "--as-of", "2026-12-01",
                                  "--format", "markdown"]).stdout
    assert "## Certificates held, as of 2026-12-01" in md and "## Roadmap" in md
    assert "## Three-year cost" in md and "| Total | three-year cycle |" in md
def test_as_of_is_used_and_stated_in_every_format():
    data = json.loads(run("evaluate", SAMPLE, "--format", "json", "--as-of", "2026-06-30").stdout)
    assert data["as_of"] == "2026-06-30"
    assert {"rulebase_digest", "advisor_version", "engine", "format_version", "profile"} <= set(data)
    assert "as of 2026-06-30" in run("evaluate", SAMPLE, "--as-of", "2026-06-30").stdout
    assert "as of 2026-06-30" in run("evaluate", SAMPLE, "--format", "markdown",
                                     "--as-of", "2026-06-30").stdout
    explained = run("evaluate", SAMPLE, "--explain", "ISO 9001", "--format", "json",
                    "--as-of", "2026-06-30")
    assert json.loads(explained.stdout)["as_of"] == "2026-06-30"


def test_as_of_defaults_to_today():
    import datetime as dt
    data = json.loads(run("evaluate", SAMPLE, "--format", "json").stdout)
    assert data["as_of"] == dt.date.today().isoformat()


@pytest.mark.parametrize("bad", ["2026-02-30", "30/06/2026", "soon"])
def test_a_bad_as_of_is_a_usage_error_naming_the_option(bad):
    result = run("evaluate", SAMPLE, "--as-of", bad)
    assert result.exit_code == 2 and result.stdout == ""
    assert "'--as-of'" in result.stderr and "YYYY-MM-DD" in result.stderr
