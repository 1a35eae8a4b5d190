"""`iso-advisor batch` through click's CliRunner: formats, exit codes, messages, atomic output."""
from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from advisor.advice import catalog
from advisor.cli.app import cli

from conftest import DATA, PROFILES, without_engine

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
    bank = next(r for r in table if r["organization"] == "Golf Casino")
    assert bank["ISO 9001"] == "" and bank["error"].startswith("field 'sector': 'gambling'")


def test_failures_are_summarised_on_stderr_with_file_row_field_and_valid_values():
    result = run(MIXED)
    lines = result.stderr.splitlines()
    assert lines[0] == "scored 8 profiles, 4 failed:"
    for where in FAILED:
        assert any(where in line for line in lines[1:]), where
    bank = next(line for line in lines if "e-sheet.csv, row 3" in line)
    assert "field 'sector'" in bank and "did you mean" not in bank    # no guess for an unrelated word
    assert "(valid:" not in bank                     # listed once for the run, not per row
    assert lines[-1].startswith("valid values for sector: aerospace_defence, ")
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
    sectors = ["construction", "retail", "software_saas", "manufacturing", "gambling"]
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
    assert '"engine": "python"' in chosen.stdout
    assert without_engine(chosen.stdout) == without_engine(run(MIXED, "--format", "jsonl").stdout)
    assert chosen.exit_code == 1 and chosen.stderr.startswith("scored 8 profiles, 4 failed:")


def test_an_output_that_is_an_input_is_refused_before_anything_is_read(tmp_path):
    """Issue 20: `batch in.csv -o in.csv` replaced the client portfolio with the scores."""
    import os
    sheet = tmp_path / "in.csv"
    sheet.write_text("name,sector,employees\nA,retail,3\n")
    os.link(sheet, tmp_path / "same.csv")
    for output in (sheet, tmp_path / "same.csv", tmp_path / "new.csv"):
        args = ["batch", str(sheet) if output != tmp_path / "new.csv" else str(tmp_path),
                "-o", str(output)]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 1 and "would replace the data being read" in result.stderr
    assert sheet.read_text() == "name,sector,employees\nA,retail,3\n"
    assert not (tmp_path / "new.csv").exists()


# -- spreadsheets as consultants keep them (issue 16) ---------------------------------------

def test_windows_1252_semicolon_csv_with_ids_and_kept_columns(tmp_path):
    sheet = tmp_path / "kunden.csv"
    sheet.write_bytes("Kundennr;name;sector;employees;annual_energy_tj;Notiz\n"
                      "K-1;Müller GmbH;manufacturing;40;2,5;=HYPERLINK(1)\n"
                      "K-2;Bäckerei;food_beverage;12;;\n".encode("cp1252"))
    result = run(str(sheet), "--id-column", "Kundennr", "--keep-columns")
    assert result.exit_code == 0, result.stderr
    table = rows(result.stdout)
    assert list(table[0])[:3] == ["id", "source", "organization"]
    assert list(table[0])[-2:] == ["Notiz", "other_columns"]
    assert [(r["id"], r["organization"]) for r in table] == [("K-1", "Müller GmbH"),
                                                            ("K-2", "Bäckerei")]
    assert table[0]["Notiz"] == "'=HYPERLINK(1)"             # kept cells neutralised too
    assert "read as Windows-1252" in result.stderr and "separated by ';'" in result.stderr
    jsonl = [json.loads(line) for line in run(str(sheet), "--id-column", "Kundennr",
                                              "--keep-columns", "--format", "jsonl").stdout.splitlines()]
    assert jsonl[0]["id"] == "K-1" and jsonl[0]["columns"] == {"Notiz": "=HYPERLINK(1)"}


def test_unknown_columns_fail_each_row_once_with_the_count(tmp_path):
    sheet = tmp_path / "c.csv"
    sheet.write_text("name,sector,employees,notes\n" + "A,retail,5,x\n" * 45)
    result = run(str(sheet))
    assert result.exit_code == 1 and len(rows(result.stdout)) == 45
    lines = result.stderr.splitlines()
    assert lines[0] == "scored 0 profiles, 45 failed:"
    assert "unknown column 'notes' (--keep-columns carries unknown columns into the output)" \
        in lines[1]
    assert lines[2].startswith("    (the same for 45 records, ") and len(lines) == 3
    assert lines[2].endswith("c.csv, row 2 to row 46)")


@pytest.mark.parametrize("args, message", [
    (["--encoding", "klingon"], "'klingon' is not a known encoding"),
    (["--delimiter", "|"], "Invalid value for '--delimiter'"),
])
def test_spreadsheet_options_are_checked(tmp_path, args, message):
    result = run(MIXED, *args)
    assert result.exit_code == 2 and message in result.stderr


# -- workbooks, reports and portfolio pages -------------------------------------------------

openpyxl = pytest.importorskip("openpyxl")


def client_workbook(tmp_path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Clients"
    sheet.append(["Client portfolio"])
    sheet.append(["client_id", "name", "sector", "employees", "bids_for_tenders",
                  "tender_requirements", "countries"])
    for row in rows:
        sheet.append(row)
    path = tmp_path / "clients.xlsx"
    book.save(path)
    return path


CLIENTS = [["K-1", "Rheinbau GmbH", "construction", 80, True, "ISO 9001; ISO 45001", "DE"],
           ["K-2", "@SUM(1+1)*cmd|' /C calc'!A0", "retail", 12, False, None, "FR"],
           ["K-3", "Casino AG", "gambling", 50, None, None, "DE"],
           ["K-4", "Müller Metall", "manufacturing", 45, None, None, "DE"]]


def test_xlsx_in_and_out(tmp_path):
    out = tmp_path / "scores.xlsx"
    result = run(str(client_workbook(tmp_path, CLIENTS)), "--format", "xlsx", "-o", str(out))
    assert result.exit_code == 1 and "clients.xlsx, sheet 'Clients', row 5: field 'sector'" \
        in result.stderr
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Summary", "Decisions", "Plan", "Effort", "Errors"]
    decisions = book["Decisions"]
    header = [c.value for c in decisions[1]]
    assert header[:3] == ["Id", "Source", "Organization"] and header[3] == catalog.NAMES[0]
    assert decisions.freeze_panes == "A2" and decisions.auto_filter.ref == "A1:X5"
    rows = {r[0].value: r for r in decisions.iter_rows(min_row=2)}
    assert set(rows) == {"K-1", "K-2", "K-3", "K-4"}
    nine = header.index("ISO 9001")
    assert rows["K-1"][nine].value == "CERTIFY" and rows["K-1"][nine].font.b
    assert rows["K-1"][nine].fill.fill_type == "solid"
    implement = next(c for r in rows.values() for c in r if c.value == "implement")
    assert implement.font.i and implement.fill.fill_type == "gray125"     # a pattern, not hue
    injected = rows["K-2"][2]
    assert injected.value == "@SUM(1+1)*cmd|' /C calc'!A0" and injected.data_type == "s"
    assert injected.quotePrefix
    assert "'gambling' is not valid" in rows["K-3"][header.index("Error")].value
    plan = list(book["Plan"].iter_rows(min_row=2, values_only=True))
    assert ("K-1", "Rheinbau GmbH", 1) == plan[0][:3] and plan[0][4] == "CERTIFY"
    assert "tender-gate" in plan[0][-1]
    effort = {r[0]: r for r in book["Effort"].iter_rows(min_row=2, values_only=True)}
    assert effort["K-1"][2] >= 2 and effort["K-1"][4] > 0       # standards, audit days
    errors = list(book["Errors"].iter_rows(min_row=2, values_only=True))
    assert errors[0][:4] == ("K-3", f"{tmp_path / 'clients.xlsx'}, sheet 'Clients', row 5",
                             "Casino AG", "sector")
    assert any(r and r[0] == "sector" and "aerospace_defence" in r[1] for r in errors)
    summary = book["Summary"]
    assert summary["A1"].value.startswith("Portfolio: 3 clients scored, 1 could not be scored")
    assert len(summary._charts) == 1
    counts = {r[0]: r[1:4] for r in summary.iter_rows(min_row=5, values_only=True) if r[0]}
    assert sum(counts["ISO 9001"]) == 3


def test_xlsx_to_a_terminal_is_refused_and_excel_needs_csv(tmp_path):
    result = run(MIXED, "--format", "html", "--excel")
    assert result.exit_code == 2 and "--excel shapes CSV output" in result.stderr


def test_reports_are_one_board_report_per_client_named_by_id(tmp_path):
    folder = tmp_path / "reports"
    rows = CLIENTS + [["K-1", "Rheinbau Zwei", "construction", 20, None, None, "DE"],
                      [None, "Zoë & Co", "retail", 3, None, None, "DE"]]
    result = run(str(client_workbook(tmp_path, rows)), "--reports", str(folder), "-o",
                 str(tmp_path / "s.csv"))
    assert result.exit_code == 1
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["K-1-2.html", "K-1.html", "K-2.html", "K-4.html", "zoe-co.html"]
    page = (folder / "K-1.html").read_text()
    assert "<h1>" in page and "Rheinbau GmbH" in page and "ISO 9001" in page
    assert "&lt;" not in (folder / "zoe-co.html").read_text().split("<title>")[1][:40]


def test_html_portfolio_report_is_self_contained(tmp_path):
    out = tmp_path / "p.html"
    result = run(str(client_workbook(tmp_path, CLIENTS)), "--format", "html", "-o", str(out))
    assert result.exit_code == 1
    page = out.read_text()
    assert page.count("<svg") == 3 and 'id="hatch"' in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<script" not in page
    assert "Casino AG" in page and "&#x27;gambling&#x27;" in page
    assert "3</b>clients scored" in page and "@SUM(1+1)*cmd|&#x27; /C calc&#x27;!A0" in page


def test_excel_csv_has_a_bom_crlf_and_the_chosen_separator():
    result = CliRunner().invoke(cli, ["batch", MIXED, "--excel=;"])
    text = result.stdout_bytes.decode("utf-8")
    assert text.startswith("\ufeffsource;organization;ISO 9001;")
    assert "\r\n" in text and text.count("\r\n") == 13
    default = CliRunner(env={"LC_ALL": "C"}).invoke(cli, ["batch", MIXED, "--excel"])
    assert default.stdout_bytes.decode("utf-8").startswith("\ufeffsource,organization,")


@pytest.mark.slow
def test_progress_bar_only_on_a_terminal(tmp_path):
    pexpect = pytest.importorskip("pexpect")
    import sys
    sheet = tmp_path / "p.csv"
    sheet.write_text("name,sector,employees\n" + "A,retail,5\n" * 30)
    child = pexpect.spawn(sys.executable, ["-m", "advisor", "batch", str(sheet), "--jobs", "1",
                                           "-o", str(tmp_path / "o.csv")], timeout=120,
                          encoding="utf-8", dimensions=(24, 120))
    child.expect(pexpect.EOF)
    assert "scoring: 100%" in child.before and "30/30" in child.before
    assert "profiles/s" in child.before
    piped = run(str(sheet), "--jobs", "1")
    assert piped.stderr == ""


def test_labels_and_synonyms_people_type_in_spreadsheets(tmp_path):
    """The failures of issue 16's 200-row portfolio: labels the questionnaire shows, refused in
    files. They are read from the vocabulary data (rules/vocabulary.yaml)."""
    sheet = tmp_path / "labels.csv"
    sheet.write_text("name;sector;employees;data_sensitivity;customer_types\n"
                     "A;Software/SaaS;5;medium;B2B\nB;Logistics and transport;5;Medium;\n"
                     "C;Food & Beverage;5;;public sector\n")
    result = run(str(sheet), "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["organization"] for line in result.stdout.splitlines()] == \
        ["A", "B", "C"]


def test_readme_workflow_from_the_portfolio_sheet(tmp_path):
    """README, "Spreadsheets": the consultant's workbook scores 13 clients, fails the typo, and
    gives one report per scored client, named by id."""
    sheets = DATA / "sheets"
    result = run(str(sheets / "portfolio.xlsx"), "--keep-columns", "--format", "xlsx", "-o",
                 str(tmp_path / "advice.xlsx"), "--reports", str(tmp_path / "reports"))
    assert result.exit_code == 1
    assert "scored 13 profiles, 1 failed:" in result.stderr
    assert "row 16: field 'sector': 'Constrution' is not valid; did you mean 'construction'?" \
        in result.stderr
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == \
        [f"K-{n}.html" for n in range(1001, 1014)]
    book = openpyxl.load_workbook(tmp_path / "advice.xlsx", read_only=True)
    header = next(book["Decisions"].iter_rows(max_row=1, values_only=True))
    assert header[-1] == "Account manager"
    german = run(str(sheets / "kunden-windows-1252.csv"), "--id-column", "Kundennr",
                 "--excel=;", "-o", str(tmp_path / "b.csv"))
    assert german.exit_code == 0, german.stderr
    text = (tmp_path / "b.csv").read_text(encoding="utf-8-sig")
    assert text.startswith("id;source;organization;ISO 9001;")
    assert "K-2001;" in text and "Müller Metallbau GmbH" in text


def test_a_sheet_that_fills_up_goes_on_in_a_second_sheet(tmp_path, monkeypatch):
    from advisor.render import workbook
    monkeypatch.setattr(workbook, "MAX_SHEET_ROWS", 3)
    out = tmp_path / "w.xlsx"
    assert run(MIXED, "--format", "xlsx", "-o", str(out)).exit_code == 1
    book = openpyxl.load_workbook(out)
    decisions = [n for n in book.sheetnames if n.startswith("Decisions")]
    assert decisions[:2] == ["Decisions", "Decisions (2)"] and len(decisions) == 6
    assert sum(book[n].max_row - 1 for n in decisions) == 12


@pytest.mark.slow
def test_reports_as_pdf_too(tmp_path):
    from advisor.render.pdf import chromium_path
    try:
        chromium_path()
    except Exception:
        pytest.skip("no Chromium to print PDF")
    sheet = tmp_path / "one.csv"
    sheet.write_text("id,name,sector,employees\nC-7,Acme,construction,80\n")
    result = run(str(sheet), "--reports", str(tmp_path / "r"), "--report-format", "both",
                 "-o", str(tmp_path / "s.csv"))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == ["C-7.html", "C-7.pdf"]
    assert (tmp_path / "r" / "C-7.pdf").read_bytes().startswith(b"%PDF-")


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
@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_json_records_state_how_they_were_made_even_when_they_failed(fmt):
    result = run(MIXED, "--format", fmt, "--as-of", "2026-06-30")
    text = result.stdout
    records = json.loads(text) if fmt == "json" else [json.loads(line) for line in text.splitlines()]
    keys = ("as_of", "rulebase_version", "rulebase_digest", "advisor_version", "engine",
            "format_version")
    assert len(records) == 12 and sum("error" in r for r in records) == 4
    for record in records:
        assert record["as_of"] == "2026-06-30" and all(k in record for k in keys)
        if "assessment" in record:
            assert {k: record["assessment"][k] for k in keys} == {k: record[k] for k in keys}


def test_a_bad_as_of_is_a_usage_error():
    result = run(MIXED, "--as-of", "2026-6-31")
    assert result.exit_code == 2 and "'--as-of'" in result.stderr


def test_markdown_states_how_the_batch_was_scored():
    text = run(MIXED, "--format", "markdown", "--as-of", "2026-06-30").stdout
    assert "Scored as of 2026-06-30 with rule base " in text and "(sha256:" in text
