"""`iso-advisor check-claim` through click's CliRunner: every format, a supplier list with mixed
claims and malformed rows, exit codes, messages, atomic output, and `schema claim`."""
from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from advisor.render.claims import CLAIM_FORMATS, CSV_COLUMNS
from advisor.cli.app import cli

from conftest import DATA, without_engine

CLAIMS = DATA / "claims"
CLEAN, FAKE = str(CLAIMS / "clean.yaml"), str(CLAIMS / "fake.json")
SUPPLIERS = str(CLAIMS / "suppliers.csv")


def run(*args: str):
    return CliRunner().invoke(cli, ["check-claim", *args])


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_json_for_one_claim_is_one_object_of_the_contract_shape():
    result = run(CLEAN, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["supplier"] == "Acme Precision Ltd" and data["verdict"] == "credible"
    assert data["red_flags"] == [] and data["checks"]
    assert all({"what", "where"} <= set(c) for c in data["checks"])
    fake = json.loads(run(FAKE, "--format", "json").stdout)
    assert fake["verdict"] == "not_credible"
    assert all({"rule", "text", "source"} <= set(f) for f in fake["red_flags"])
    assert "iso-named-as-certifier" in [f["rule"] for f in fake["red_flags"]]


@pytest.mark.parametrize("fmt", sorted(CLAIM_FORMATS))
def test_every_format_renders_one_claim_and_a_supplier_list(fmt):
    one = run(FAKE, "--format", fmt)
    assert one.exit_code == 0 and one.stdout.strip()
    assert "Brightline Coatings" in one.stdout and "iso-named-as-certifier" in one.stdout
    many = run(SUPPLIERS, "--format", fmt)
    assert many.exit_code == 1
    for supplier in ("Acme Precision Ltd", "Northgate Logistics", "Tidewater Fasteners"):
        assert supplier in many.stdout
    assert "row 8" in many.stdout and "'2025-13-01' is not a date" in many.stdout


def test_text_says_verdict_flags_and_where_to_verify():
    out = run(FAKE).stdout
    assert "Verdict: NOT CREDIBLE" in out and "Red flags:" in out and "where: IAF CertSearch" in out
    assert "[not credible]" in out and "source: " in out
    clean = run(CLEAN).stdout
    assert "Verdict: CREDIBLE" in clean and "No red flags" in clean
    assert "IAF MLA signatory list" in clean and "2026-12-01" in clean      # what it rests on


def test_supplier_list_checks_every_good_row_and_reports_bad_rows_precisely():
    result = run(SUPPLIERS, "--format", "csv")
    assert result.exit_code == 1
    table = rows(result.stdout)
    assert list(table[0]) == list(CSV_COLUMNS)
    assert [r["source"].rsplit(", ", 1)[1] for r in table] == [f"row {n}" for n in range(2, 11)]
    verdicts = {r["supplier"]: r["verdict"] for r in table if not r["error"]}
    assert verdicts == {"Acme Precision Ltd": "credible", **dict.fromkeys((
        "Brightline Coatings", "Northgate Logistics", "Harbor Data Services",
        "Tidewater Fasteners", "Greenleaf Consulting"), "not_credible")}
    errors = {r["source"].rsplit(", ", 1)[1]: r["error"] for r in table if r["error"]}
    assert set(errors) == {"row 8", "row 9", "row 10"}
    assert errors["row 8"].startswith("field 'issued': '2025-13-01' is not a date (valid: a date "
                                      "written YYYY-MM-DD")
    assert "field 'standard': 'Qualty Seal' matches no standard" in errors["row 9"]
    assert "SOC 2" in errors["row 9"] and "field 'iso_logo_used'" in errors["row 9"]
    assert ("field 'iso_logo_used': 'maybe' is not true or false (valid: true, false"
            in errors["row 9"])
    assert "field 'supplier': is required" in errors["row 10"]
    assert "field 'employees'" in errors["row 10"]
    stderr = result.stderr
    for row in ("row 8", "row 9", "row 10"):
        assert f"suppliers.csv, {row}: field '" in stderr
    assert "3 of 9 claims could not be checked" in stderr


def test_json_for_a_list_holds_one_record_per_claim_in_order_with_its_source():
    result = run(str(CLAIMS / "list.yaml"), "--format", "json")
    assert result.exit_code == 1
    records = json.loads(result.stdout)
    assert [r["source"].rsplit(", ", 1)[1] for r in records] == ["item 1", "item 2", "item 3"]
    assert records[0]["verdict"] == "credible" and records[1]["verdict"] == "not_credible"
    error = records[2]["error"]
    assert records[2]["supplier"] == "Typo Ltd" and error["kind"] == "invalid claim"
    assert error["problems"][0]["field"] == "suplier_country"
    assert "unknown field 'suplier_country'" in result.stderr


def test_a_csv_header_with_an_unknown_column_names_it_and_the_closest_field(tmp_path):
    sheet = tmp_path / "suppliers.csv"
    sheet.write_text("supplier,standard,expiry\nAcme,ISO 9001,2027-01-01\n")
    result = run(str(sheet), "--format", "csv")
    assert result.exit_code == 1
    assert ("row 1: field 'expiry': unknown column 'expiry'; did you mean 'expires'?"
            in result.stderr)


def test_one_invalid_claim_is_an_error_on_stderr_and_nothing_on_stdout():
    result = run(str(CLAIMS / "bad-single.yaml"), "--format", "json")
    assert result.exit_code == 1 and result.stdout == ""
    assert "bad-single.yaml: field 'expires': '31/12/2027' is not a date" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("name,message", [("missing.yaml", "does not exist"),
                                           ("claims.txt", "has extension '.txt'")])
def test_unreadable_inputs_exit_1_with_a_message(tmp_path, name, message):
    path = tmp_path / name
    if name.endswith(".txt"):
        path.write_text("supplier: X\n")
    result = run(str(path))
    assert result.exit_code == 1 and message in result.stderr and result.stdout == ""


def test_output_file_is_written_whole(tmp_path):
    target = tmp_path / "out" / "checks.md"
    target.parent.mkdir()
    result = run(SUPPLIERS, "--format", "markdown", "--output", str(target))
    assert result.exit_code == 1 and result.stdout == ""
    text = target.read_text()
    assert text.startswith("# Certification claim checks")
    assert "| Source | Supplier | Standard | Verdict | Red flags |" in text
    assert not [p for p in target.parent.iterdir() if p.name != "checks.md"]     # no temp left


def test_claim_rules_option_uses_another_claim_rule_base(tmp_path):
    import shutil

    from advisor.kernel.rulebase import shipped_rules_dir
    rules = tmp_path / "rules"
    shutil.copytree(shipped_rules_dir(), rules)
    (rules / "claims" / "wording.yaml").unlink()
    result = run(FAKE, "--format", "json", "--claim-rules", str(rules / "claims"))
    assert result.exit_code == 0
    assert "iso-named-as-certifier" not in result.stdout
    wrong = run(FAKE, "--claim-rules", str(rules))
    assert wrong.exit_code == 1 and "not a claim rule base" in wrong.stderr


def test_both_engines_print_the_same(tmp_path):
    from advisor.engines import available_engines
    outs = {engine: without_engine(CliRunner().invoke(cli, ["--engine", engine, "check-claim",
                                                            SUPPLIERS, "--format", "json"]).stdout)
            for engine in available_engines()}
    assert outs["python"] and len(set(outs.values())) == 1


def test_schema_claim_describes_the_contract_fields():
    result = CliRunner().invoke(cli, ["schema", "claim"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["required"] == ["supplier", "standard"]
    for field in ("supplier", "wording", "standard", "certification_body", "accreditation_body",
                  "certificate_number", "issued", "expires", "scope", "sites", "iso_logo_used",
                  "cb_also_consulted", "audit_days", "employees", "purchased_scope", "as_of"):
        assert field in schema["properties"], field
    assert schema["additionalProperties"] is False


def test_help_explains_the_command():
    result = run("--help")
    assert result.exit_code == 0 and "credible" in result.stdout and ".csv" in result.stdout


def test_csv_cells_from_the_input_cannot_run_as_spreadsheet_formulas(tmp_path):
    sheet = tmp_path / "suppliers.csv"
    sheet.write_text('supplier,standard,as_of\n"=HYPERLINK(""http://x"")",ISO 9001,2026-06-30\n')
    table = rows(run(str(sheet), "--format", "csv").stdout)
    assert table[0]["supplier"].startswith("'=HYPERLINK")


def test_a_supplier_list_is_checked_as_a_stream(tmp_path, monkeypatch):
    """Issue 20: check-claim held every result in memory (15.5 KB a claim). Now each result is
    written and dropped soon after: a handful are alive at a time, whatever the length."""
    import weakref
    from advisor.claims import check as check_module
    sheet = tmp_path / "many.csv"
    sheet.write_text("supplier,standard,as_of\n" + "".join(
        f"Supplier {n},ISO 9001:2015,2026-06-30\n" for n in range(60)))
    refs: list = []
    most = 0
    real = check_module.check_file

    def watched(*args, **kw):
        nonlocal most
        for result in real(*args, **kw):
            refs.append(weakref.ref(result))
            most = max(most, sum(ref() is not None for ref in refs))
            yield result

    monkeypatch.setattr(check_module, "check_file", watched)
    result = run(str(sheet), "--format", "markdown", "--output", str(tmp_path / "out.md"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out.md").read_text().count("Supplier ") >= 120
    assert most <= 5


def test_an_output_that_is_the_claim_file_is_refused(tmp_path):
    path = tmp_path / "claims.csv"
    path.write_text((CLAIMS / "suppliers.csv").read_text())
    result = run(str(path), "--format", "csv", "--output", str(path))
    assert result.exit_code == 1 and "would replace the data being read" in result.stderr
    assert path.read_text() == (CLAIMS / "suppliers.csv").read_text()
@pytest.mark.parametrize("fail_on, exit_code", [(None, 0), ("not_credible", 1), ("verify", 1)])
def test_fail_on_gates_a_pipeline(tmp_path, fail_on, exit_code):
    """One claim of each verdict: --fail-on counts those at or below the verdict named."""
    import yaml
    from pathlib import Path
    claims = [yaml.safe_load(Path(CLEAN).read_text()),                  # credible
              {"supplier": "Vague Ltd", "standard": "ISO 9001:2015", "as_of": "2026-06-30"},
              {"supplier": "Fake Ltd", "wording": "certified by ISO", "standard": "ISO 14001",
               "accreditation_body": "IAF", "as_of": "2026-06-30"}]
    path = tmp_path / "claims.json"
    path.write_text(json.dumps(claims, default=str))
    args = ["--fail-on", fail_on] if fail_on else []
    result = run(str(path), "--format", "csv", *args)
    verdicts = [row["verdict"] for row in rows(result.stdout)]
    assert verdicts == ["credible", "verify", "not_credible"]
    assert result.exit_code == exit_code, result.stderr
    if fail_on:
        n = {"verify": 2, "not_credible": 1}[fail_on]
        assert f"{n} of 3 claims are judged" in result.stderr


def test_fail_on_passes_a_credible_claim():
    result = run(CLEAN, "--fail-on", "verify")
    assert result.exit_code == 0, result.stderr


def test_fail_on_rejects_an_unknown_verdict():
    assert run(SUPPLIERS, "--fail-on", "credible").exit_code == 2


def test_as_of_is_the_default_date_and_a_claims_own_date_wins(tmp_path):
    claim = tmp_path / "c.yaml"
    claim.write_text("supplier: Acme\nstandard: ISO 9001:2015\n")
    data = json.loads(run(str(claim), "--format", "json", "--as-of", "2026-01-05").stdout)
    assert data["as_of"] == "2026-01-05" and data["rulebase_digest"].startswith("sha256:")
    claim.write_text("supplier: Acme\nstandard: ISO 9001:2015\nas_of: 2025-01-05\n")
    data = json.loads(run(str(claim), "--format", "json", "--as-of", "2026-01-05").stdout)
    assert data["as_of"] == "2025-01-05"
    assert run(str(claim), "--as-of", "tomorrow").exit_code == 2
