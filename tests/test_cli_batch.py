"""`iso-advisor batch` through click's CliRunner: formats, exit codes, messages, atomic output."""
from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from advisor.advice import catalog
from advisor.cli.app import cli

from conftest import DATA, PROFILES

MIXED = str(DATA / "batch" / "mixed")
PROFILE_DIR = DATA.parent.parent / "profiles"
FAILED = ("b-list.yml, item 2", "c-list.json, item 2", "d-lines.jsonl, line 2", "e-sheet.csv, row 3")


def run(*args):
    return CliRunner().invoke(cli, ["batch", *args])


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_has_the_contract_columns_and_one_row_per_profile():
    result = run(MIXED)
    assert result.exit_code == 1
    table = rows(result.stdout)
    assert list(table[0]) == ["source", "organization", *catalog.NAMES, "top_priority", "error",
                              "audit_days_3y", "audit_fees_low", "audit_fees_high", "currency",
                              "internal_person_months", "done_by_month", "fits_deadline"]
    assert len(table) == 12
    good = table[0]
    assert good["source"].endswith("a-single.yaml") and good["error"] == ""
    assert good["ISO 9001"] == "certify" and good["top_priority"]
    bank = next(r for r in table if r["organization"] == "Golf Bank")
    assert bank["ISO 9001"] == "" and bank["error"].startswith("field 'sector': 'banking'")


def test_failures_are_summarised_on_stderr_with_file_row_field_and_valid_values():
    result = run(MIXED)
    lines = result.stderr.splitlines()
    assert lines[0] == "scored 8 profiles, 4 failed:"
    for where in FAILED:
        assert any(where in line for line in lines[1:]), where
    bank = next(line for line in lines if "e-sheet.csv, row 3" in line)
    assert "field 'sector'" in bank and "(valid: aerospace_defence" in bank
    assert "Traceback" not in result.output


def test_formula_cells_are_neutralised():
    table = rows(run(MIXED).stdout)
    assert "'=SUM(A1)" in [r["organization"] for r in table]
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in table for cell in r.values())


def test_jsonl_is_one_record_per_line():
    result = run(MIXED, "--format", "jsonl")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 12 and result.exit_code == 1
    assert records[0]["assessment"]["recommendations"][0]["priority"] == 1
    errors = [r for r in records if "error" in r]
    assert len(errors) == 4
    assert errors[0]["error"]["problems"][0]["field"] == "employees"


def test_json_is_one_array_and_summary_makes_it_an_object():
    plain = json.loads(run(MIXED, "--format", "json").stdout)
    assert isinstance(plain, list) and len(plain) == 12
    with_summary = json.loads(run(MIXED, "--format", "json", "--summary").stdout)
    assert with_summary["records"] == plain
    summary = with_summary["summary"]
    assert (summary["scored"], summary["failed"]) == (8, 4)
    first = summary["standards"][0]
    assert first["certify"] + first["implement"] + first["not_needed"] == 8


def test_markdown_table_and_summary():
    result = run(MIXED, "--format", "markdown", "--summary")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("| source | organization | certify |")
    assert sum(1 for line in lines if line.startswith("| ") and "mixed" in line) == 12
    assert "## Portfolio summary" in result.stdout
    assert "8 profiles scored, 4 failed." in result.stdout


def test_summary_goes_to_stderr_for_streaming_formats():
    result = run(MIXED, "--summary")
    assert "portfolio: 8 profiles scored, 4 failed" in result.stderr
    assert "portfolio" not in result.stdout
    assert "scoring:" not in result.stderr             # no progress when stderr is not a terminal


def test_all_good_exits_zero_and_writes_the_output_file(tmp_path):
    out = tmp_path / "scores.csv"
    result = run(*map(str, PROFILES[:3]), "--output", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and result.stderr == ""
    assert len(rows(out.read_text())) == 3


@pytest.mark.slow
def test_jobs_give_the_same_bytes(tmp_path):
    lines = ["name,sector,employees,bids_for_tenders,tender_requirements,countries"]
    sectors = ["construction", "retail", "software_saas", "manufacturing", "banking"]
    lines += [f"Org {n},{sectors[n % 5]},{n % 300 + 1},{n % 2 == 0},ISO 9001;ISO 14001,DE;FR"
              for n in range(150)]                   # more than two chunks: the pool runs
    source = tmp_path / "many.csv"
    source.write_text("\n".join(lines) + "\n")
    one, two = (run(str(source), "--format", "jsonl", "--jobs", n) for n in ("1", "2"))
    assert one.stdout == two.stdout and one.stderr == two.stderr
    assert one.exit_code == 1 and one.stderr.startswith("scored 120 profiles, 30 failed:")


def test_an_interrupted_run_leaves_the_previous_output(tmp_path, monkeypatch):
    out = tmp_path / "scores.csv"
    out.write_text("previous\n")
    from advisor.render import batch as batch_formats

    calls = []

    def failing(self, source, result):
        calls.append(source)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return "row\n"

    monkeypatch.setattr(batch_formats.CsvFormat, "record", failing)
    result = run(MIXED, "--output", str(out))
    assert result.exit_code == 130
    assert out.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scores.csv"]     # no temporary file


def test_a_broken_rule_base_writes_nothing(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "rulebase.yaml").write_text("name: no version\n")
    out = tmp_path / "scores.csv"
    result = CliRunner().invoke(cli, ["--rules", str(rules), "batch", MIXED, "--output", str(out)])
    assert result.exit_code == 1 and "version" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("args", [[], [MIXED, "--format", "xml"], [MIXED, "--jobs", "0"]])
def test_usage_errors_exit_2(args):
    assert run(*args).exit_code == 2


def test_the_engine_option_applies_to_batch():
    chosen = CliRunner().invoke(cli, ["--engine", "python", "batch", MIXED, "--format", "jsonl"])
    assert chosen.stdout == run(MIXED, "--format", "jsonl").stdout
    assert chosen.exit_code == 1 and chosen.stderr.startswith("scored 8 profiles, 4 failed:")


def test_batch_totals_the_three_year_cost_per_client_and_for_the_portfolio(tmp_path):
    """Each row carries its client's three-year cost; the summary totals it per currency."""
    result = run(str(PROFILE_DIR), "--as-of", "2026-12-01", "--summary", "--format", "json")
    summary = json.loads(result.stdout)["summary"]
    totals = {t["currency"]: t for t in summary["costs"]}
    assert set(totals) == {"EUR", "USD"} and totals["EUR"]["audit_fees_low"] > 0
    assert totals["EUR"]["audit_fees_low"] < totals["EUR"]["audit_fees_high"]
    table = rows(run(str(PROFILE_DIR), "--as-of", "2026-12-01").stdout)
    eur = [r for r in table if r["currency"] == "EUR"]
    assert round(sum(float(r["audit_fees_low"]) for r in eur)) == round(totals["EUR"]["audit_fees_low"])
    assert {r["fits_deadline"] for r in table} <= {"yes", "no", ""}
    fixed = rows(run(str(PROFILE_DIR), "--as-of", "2026-12-01", "--day-rate", "1000 GBP").stdout)
    assert {r["currency"] for r in fixed} == {"GBP"}
    assert all(float(r["audit_fees_low"]) == 1000 * float(r["audit_days_3y"]) for r in fixed)
    bad = run(str(PROFILE_DIR), "--day-rate", "-3")
    assert bad.exit_code == 1 and "day_rate" in bad.stderr and "positive" in bad.stderr
