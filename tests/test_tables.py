"""Spreadsheet readers: CSV as Excel saves it in every locale, and row accounting (issue 16, 20).

Every data row is one record, scored or failed: nothing is dropped, whatever the encoding.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from advisor.advice.batch import BatchError, Record, evaluate_many, read_file
from advisor.inputs.numbers import AmbiguousNumber, canonical_number
from advisor.inputs.tables import TableOptions, column_letter, fold

HEADER = "name,sector,employees\n"


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


def read(path: Path, **options) -> tuple[list[Record], list[str]]:
    notes: list[str] = []
    found = list(read_file(path, options=TableOptions(notes=notes.append, **options)))
    return found, notes


def errors(record: Record) -> str:
    assert record.error is not None, record
    return str(record.error)


# -- encodings ----------------------------------------------------------------------------

def test_windows_1252_file_from_issue_20_reads_every_row(tmp_path):
    """The repro: `Müller GmbH` in row 2 and two more rows gave one record, "row 2: is not UTF-8
    text", and rows 3-4 were never read. Now the file is read as Windows-1252, with a note."""
    text = HEADER + "Müller GmbH,manufacturing,40\nBäckerei Öz,food_beverage,12\nCafé Zoë,hospitality,8\n"
    path = write(tmp_path, "kunden.csv", text.encode("cp1252"))
    found, notes = read(path)
    assert [r.data["name"] for r in found] == ["Müller GmbH", "Bäckerei Öz", "Café Zoë"]
    assert [r.location for r in found] == ["row 2", "row 3", "row 4"]
    assert any("not UTF-8; read as Windows-1252" in n for n in notes)
    results = list(evaluate_many(found, jobs=1))
    assert not any(isinstance(r, BatchError) for r in results) and len(results) == 3


def test_forced_encoding_turns_each_undecodable_row_into_an_error_with_its_byte_offset(tmp_path):
    rows = [HEADER.encode(), "Müller GmbH,manufacturing,40\n".encode("cp1252"),
            b"B,retail,5\n", "Zoë,retail,5\n".encode("cp1252")]
    path = write(tmp_path, "x.csv", b"".join(rows))
    found, _ = read(path, encoding="utf-8")
    assert len(found) == 3
    assert f"byte 0xFC at byte offset {len(rows[0]) + 1} is not UTF-8 text" in errors(found[0])
    assert found[1].data["name"] == "B" and found[2].location == "row 4"
    assert "byte 0xEB" in errors(found[2])


def test_bytes_undefined_in_windows_1252_are_row_errors(tmp_path):
    path = write(tmp_path, "x.csv", HEADER.encode() + b"M\xfcller,retail,5\nBad \x81,retail,5\n"
                 + b"C,retail,5\n")
    found, notes = read(path)
    assert found[0].data["name"] == "Müller" and found[2].data["name"] == "C"
    assert "byte 0x81 at byte offset" in errors(found[1]) and "Windows-1252" in errors(found[1])


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le"])
def test_byte_order_marks_and_utf16(tmp_path, encoding):
    text = HEADER + "Zürich AG,retail,5\n"
    data = text.encode(encoding)
    if encoding == "utf-16-le":
        data = b"\xff\xfe" + data
    found, notes = read(write(tmp_path, "u.csv", data))
    assert found[0].data == {"name": "Zürich AG", "sector": "retail", "employees": "5"}
    assert not notes


# -- dialects -------------------------------------------------------------------------------

def test_semicolon_csv_with_decimal_commas_as_german_excel_saves_it(tmp_path):
    text = ("name;sector;employees;annual_energy_tj;countries\r\n"
            "Rheinbau GmbH;construction;1.200;2,5;DE;\r\n")
    found, notes = read(write(tmp_path, "de.csv", text.encode("cp1252")))
    # the trailing `;` leaves an empty cell; `DE` is the list
    assert found[0].data == {"name": "Rheinbau GmbH", "sector": "construction",
                             "employees": "1200", "annual_energy_tj": "2.5", "countries": ["DE"]}
    assert any("columns separated by ';', decimal comma" in n for n in notes)


def test_tab_separated_and_a_given_delimiter(tmp_path):
    found, _ = read(write(tmp_path, "t.tsv", "name\tsector\temployees\nA\tretail\t5\n"))
    assert found[0].data["sector"] == "retail"
    found, _ = read(write(tmp_path, "p.csv", "name;sector;employees\nA;retail;5\n"),
                    delimiter=";")
    assert found[0].data["employees"] == "5"


def test_an_ambiguous_thousands_separator_is_a_row_error_not_a_guess(tmp_path):
    found, _ = read(write(tmp_path, "t.tsv", "name\tsector\temployees\tannual_energy_tj\n"
                                             "A\tretail\t5\t1,000\nB\tretail\t5\t2,5\n"))
    assert "'1,000' is ambiguous" in errors(found[0])
    assert found[1].data["annual_energy_tj"] == "2.5"


@pytest.mark.parametrize("text, decimal, expected", [
    ("2,5", None, "2.5"), ("1.234,5", None, "1234.5"), ("1,234.5", None, "1234.5"),
    ("1 000", None, "1000"), ("1\u00a0000,5", None, "1000.5"), ("0,500", None, "0.500"),
    ("1,000", ",", "1.000"), ("1,000", ".", "1000"), ("1.000", ",", "1000"),
    ("2.5", ",", "2.5"), ("80", None, "80"), ("12 TJ", None, "12 TJ"), ("-3,5", None, "-3.5"),
])
def test_numbers_as_people_write_them(text, decimal, expected):
    assert canonical_number(text, decimal) == expected


@pytest.mark.parametrize("text", ["1,000", "1.000", "12.345"])
def test_numbers_that_could_be_read_two_ways_are_refused(text):
    with pytest.raises(AmbiguousNumber, match="ambiguous"):
        canonical_number(text)


# -- the header and the columns ------------------------------------------------------------

def test_title_rows_above_the_header_are_skipped_with_a_note(tmp_path):
    text = "Client portfolio 2026,,\n,,\nName,Sector,Employees\nA,retail,5\n"
    found, notes = read(write(tmp_path, "t.csv", text))
    assert [(r.location, r.data) for r in found] == [
        ("row 4", {"name": "A", "sector": "retail", "employees": "5"})]
    assert any("header found at row 3; row 1 above it read as titles" in n for n in notes)


def test_a_second_header_row_is_an_error_for_that_row_only(tmp_path):
    text = HEADER + "Name,Sector,Employees\nA,retail,5\n"
    second, first = read(write(tmp_path, "h.csv", text))[0]
    assert "second header row" in errors(second) and second.location == "row 2"
    assert first.data["name"] == "A"


def test_unknown_columns_fail_every_row_and_are_kept_with_keep_columns(tmp_path):
    path = write(tmp_path, "k.csv", "client_id,name,sector,employees,notes\n"
                                    "C-1,A,retail,5,call back\nC-2,B,retail,6,\n")
    failed, _ = read(path)
    assert len(failed) == 2 and all("unknown column 'notes'" in errors(r) for r in failed)
    assert [r.record_id for r in failed] == [None, None]
    kept, _ = read(path, keep_columns=True)
    assert [(r.record_id, r.columns) for r in kept] == [("C-1", (("notes", "call back"),)),
                                                        ("C-2", ())]
    assert kept[0].data == {"name": "A", "sector": "retail", "employees": "5"}


def test_id_column_by_name_and_its_absence(tmp_path):
    path = write(tmp_path, "i.csv", "Kundennummer,name,sector,employees\n1001,A,retail,5\n")
    (record,), _ = read(path, id_column="Kundennummer")
    assert record.record_id == "1001" and "Kundennummer" not in record.data
    (record,), _ = read(path, id_column="Kundenummer", keep_columns=True)
    assert "has no column 'Kundenummer' (given with --id-column); did you mean 'Kundennummer'?" \
        in errors(record)


def test_header_only_file_with_a_bad_header_is_one_error(tmp_path):
    (record,), _ = read(write(tmp_path, "h.csv", "name,secter\n"))
    assert "unknown column 'secter'; did you mean 'sector'?" in errors(record)


def test_a_broken_row_does_not_stop_the_file(tmp_path):
    text = HEADER + 'A,retail,5\n"B"x,retail,5\nC,retail,5\n' + "D," + "x" * 1_000_050 + ",5\nE,retail,5\n"
    found, _ = read(write(tmp_path, "b.csv", text))
    assert [r.location for r in found] == ["row 2", "row 3", "row 4", "row 5", "row 6"]
    assert "is not valid CSV" in errors(found[1])
    assert "longer than 1,000,000 characters" in errors(found[3])
    assert found[4].data["name"] == "E"


def test_fold_and_column_letters():
    assert fold("Client ID") == "client_id" and fold(" Annual energy (TJ) ") == "annual_energy_tj"
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == \
        ["A", "Z", "AA", "AB", "ZZ", "AAA"]


# -- row accounting, for any input ----------------------------------------------------------

CELL = st.one_of(st.text(alphabet=st.sampled_from(list("abcXYZ019 äöüßéÉ€,;\t\"'\n")),
                         max_size=12), st.sampled_from(["retail", "5", "2,5", ""]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(CELL, CELL, CELL), min_size=1, max_size=8),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
       delimiter=st.sampled_from([",", ";", "\t"]),
       given_delimiter=st.booleans(),
       corrupt=st.lists(st.integers(min_value=0, max_value=7), max_size=3),
       bad=st.sampled_from([b"\x81", b"\xff", b"\xc3", b"\x9d"]))
def test_scored_plus_failed_is_the_number_of_rows_in_the_file(tmp_path_factory, rows, encoding,
                                                              delimiter, given_delimiter,
                                                              corrupt, bad):
    """Whatever the encoding, delimiter, and undecodable bytes in rows, every non-blank data row
    is one record, and scoring them gives scored + failed == that number."""
    chunks = []
    damaged = encoding in ("utf-8", "cp1252")
    for n, row in enumerate([("name", "sector", "employees"), *rows]):
        if n and n - 1 in corrupt and damaged:    # a marker, replaced by raw bytes below
            row = ("\u00a4" + row[0], *row[1:])
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerow(row)
        data = buffer.getvalue().encode(encoding)
        if encoding in ("utf-16", "utf-8-sig") and n:
            data = buffer.getvalue().encode(encoding.replace("-sig", "")
                                            .replace("utf-16", "utf-16-le"))  # one BOM, at the start
        if n and n - 1 in corrupt and damaged:
            data = data.replace("\u00a4".encode(encoding), bad)   # undecodable, same shape
        chunks.append(data)
    path = write(tmp_path_factory.mktemp("acc"), "p.csv", b"".join(chunks))
    expected = sum(1 for n, row in enumerate(rows)
                   if any(c.strip() for c in row) or (n in corrupt and damaged))
    records = list(read_file(path, options=TableOptions(
        delimiter={"\t": "tab"}.get(delimiter, delimiter) if given_delimiter else None)))
    results = list(evaluate_many(records, jobs=1))
    failed = sum(isinstance(r, BatchError) for r in results)
    scored = len(results) - failed
    if expected == 0:                             # a header alone: one error for the file
        assert (scored, failed) == (0, 1) and "holds no records" in str(records[0].error)
    else:
        assert scored + failed == expected, [(r.location, r.error) for r in records]


# -- xlsx -----------------------------------------------------------------------------------

openpyxl = pytest.importorskip("openpyxl")
SHEETS = Path(__file__).resolve().parent / "data" / "sheets"


def workbook(tmp_path: Path, rows: list[list], name: str = "p.xlsx", title: str = "Clients",
             setup=None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if setup:
        setup(book)
    path = tmp_path / name
    book.save(path)
    return path


def test_xlsx_rows_carry_excel_row_numbers_types_and_ids(tmp_path):
    path = workbook(tmp_path, [["Portfolio"], [], ["Client ID", "Name", "Sector", "Employees",
                                                    "Bids for tenders", "Annual energy TJ"],
                               ["C-1", "Acme", "construction", 80, True, 2.5],
                               [1002, "Beta", "retail", 12.0, None, "2,5"], [],
                               ["C-3", "Gamma", "retail", 3]])
    found, notes = read(path)
    assert [r.location for r in found] == ["sheet 'Clients', row 4", "sheet 'Clients', row 5",
                                           "sheet 'Clients', row 7"]
    assert [r.record_id for r in found] == ["C-1", "1002", "C-3"]
    assert found[0].data == {"name": "Acme", "sector": "construction", "employees": 80,
                             "bids_for_tenders": True, "annual_energy_tj": 2.5}
    assert found[1].data["employees"] == 12 and found[1].data["annual_energy_tj"] == "2.5"
    assert any("sheet 'Clients', row 3; row 1 above it" in n for n in notes)


def test_xlsx_formulas_dates_errors_and_merged_cells_are_row_errors(tmp_path):
    def setup(book):
        book.active.merge_cells("B6:B7")
    path = workbook(tmp_path, [["name", "sector", "employees"],
                               ["A", "retail", "=2*3"],          # no saved value (openpyxl)
                               ["B", "retail", dt_date(2024, 3, 1)],
                               ["C", "retail", "#DIV/0!"],
                               ["D", "retail", 5],
                               ["E", "retail", 6],
                               ["F", "retail", 7]], setup=setup)
    found, _ = read(path)
    assert len(found) == 6
    assert "column C: the formula =2*3 has no saved value" in errors(found[0])
    assert "column C: holds a date (2024-03-01) where a number belongs" in errors(found[1])
    assert "column C: the cell shows the error #DIV/0!" in errors(found[2])
    assert found[3].data["name"] == "D"
    assert "merged cells B6:B7" in errors(found[4]) and "merged cells B6:B7" in errors(found[5])


def test_a_sheet_by_name_and_a_missing_sheet(tmp_path):
    def setup(book):
        other = book.create_sheet("Kunden")
        for row in (["name", "sector", "employees"], ["K", "retail", 4]):
            other.append(row)
    path = workbook(tmp_path, [["name", "sector", "employees"], ["A", "retail", 3]], setup=setup)
    assert read(path)[0][0].data["name"] == "A"
    assert read(path, sheet="Kunden")[0][0].data["name"] == "K"
    (record,), _ = read(path, sheet="Kundne")
    assert "has no sheet 'Kundne'; did you mean 'Kunden'? (valid: Clients, Kunden)" \
        in errors(record)


@pytest.mark.parametrize("data, message", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512 + "EncryptionInfo".encode("utf-16-le")
     + b"\x00" * 64, "is password-protected (encrypted)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "Excel 97-2003 (.xls)"),
    (b"name,sector\nA,retail\n", "not a ZIP file"),
    (b"PK\x03\x04" + b"\x00" * 100, "cannot be read as an .xlsx workbook"),
])
def test_workbooks_that_cannot_be_read_say_why(tmp_path, data, message):
    (record,), _ = read(write(tmp_path, "bad.xlsx", data))
    assert message in errors(record) and "bad.xlsx" in errors(record)


def test_a_workbook_saved_by_libreoffice(tmp_path):
    """A fixture saved by LibreOffice Calc 7.4 (tests/data/sheets/make-libreoffice-portfolio.py
    made its source; `soffice --convert-to xlsx` calculated and saved it): formulas come with
    saved values, a formula error, a date, a merged cell, a title row, labels as people write."""
    found, notes = read(SHEETS / "libreoffice-portfolio.xlsx", keep_columns=True)
    assert [r.record_id for r in found] == [f"K-100{n}" for n in range(1, 7)]
    assert found[0].data["countries"] == ["DE", "AT"]
    assert found[0].columns == (("Notes", "Key account"),)
    assert found[1].data["employees"] == 80                 # =40*2, calculated by LibreOffice
    assert "the cell shows the error #NAME?" in errors(found[2])
    assert "holds a date (2026-03-01)" in errors(found[3])
    assert all("merged cells C8:C9" in errors(r) for r in found[4:])
    assert any("header found at sheet 'Mandanten', row 3" in n for n in notes)


def dt_date(*args):
    import datetime
    return datetime.date(*args)


XLSX_CELL = st.one_of(st.none(), st.sampled_from(["", " ", "retail", "=1+1", "#N/A", "2,5", "x"]),
                      st.integers(-5, 10**6), st.floats(allow_nan=False, allow_infinity=False),
                      st.booleans(), st.dates())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(XLSX_CELL, min_size=0, max_size=5), min_size=1, max_size=8),
       merge=st.booleans())
def test_xlsx_scored_plus_failed_is_the_number_of_rows_in_the_sheet(tmp_path_factory, rows, merge):
    def setup(book):
        if merge and len(rows) > 1:
            book.active.merge_cells("D2:D3")
    path = workbook(tmp_path_factory.mktemp("x"), [["name", "sector", "employees", "sites"],
                                                   *rows], setup=setup)
    def blank(row):
        return all(c is None or (isinstance(c, str) and not c.strip()) for c in row)
    merged = {0, 1} if merge and len(rows) > 1 else set()
    expected = sum(1 for n, row in enumerate(rows) if not blank(row) or n in merged
                   or any(isinstance(c, str) and c.startswith("=") for c in row))
    records = list(read_file(path))
    results = list(evaluate_many(records, jobs=1))
    failed = sum(isinstance(r, BatchError) for r in results)
    if expected == 0:
        assert failed == len(results) == 1
    else:
        scored = len(results) - failed
        assert scored + failed == expected == len(records), [(r.location, r.error) for r in records]
