"""Fuzzing the readers: random bytes, mutated documents and structured junk never escape as
anything but an AdvisorError with a short printable message, and what reads as a profile scores.

CI runs a few seconds of each; `scripts/fuzz.sh` (the `long` Hypothesis profile in conftest)
runs the same tests for minutes. A finding becomes an explicit @example here and a fix.
"""
from __future__ import annotations

import io
import json
import re
import tempfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import example, given
from hypothesis import strategies as st

from advisor import AdvisorError, Assessment, Profile, evaluate, load_profile
from advisor.advice.batch import BatchError, evaluate_many, read_file
from advisor.render.batch import BATCH_FORMATS, write_batch
from advisor.cli.app import cli
from advisor.advice.models import FIELDS, parse_profile

from strategies import budget, profiles

FOLDER = Path(tempfile.mkdtemp(prefix="iso-advisor-fuzz-"))
UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
MAX_MESSAGE = 40_000            # MAX_PROBLEMS problems of at most ~1,000 characters each, and more


def fuzz_file(data: bytes, suffix: str) -> Path:
    path = FOLDER / f"input{suffix}"
    path.write_bytes(data)
    return path


def check_error(exc: AdvisorError) -> None:
    """An error users see: bounded, printable, encodable, and it says something."""
    text = str(exc)
    assert exc.problems and text.strip()
    assert len(text) < MAX_MESSAGE, len(text)
    assert not UNPRINTABLE.search(text), text[:300]
    text.encode("utf-8")


def check_scored(results: list) -> None:
    """Every record scored or failed in its place, and every output format can be written."""
    for result in results:
        if isinstance(result, BatchError):
            check_error(AdvisorError(list(result.problems)))
        else:
            assert isinstance(result, Assessment)
    for fmt in BATCH_FORMATS:
        stream = io.StringIO()
        write_batch(((f"row {n}", r) for n, r in enumerate(results)), stream, fmt, summary=True)
        stream.getvalue().encode("utf-8")


def check_load(data: bytes, suffix: str) -> None:
    """load_profile: a Profile (which must then score) or an AdvisorError, nothing else."""
    try:
        profile = load_profile(fuzz_file(data, suffix))
    except AdvisorError as exc:
        check_error(exc)
        return
    assert isinstance(profile, Profile)
    evaluate(profile).model_dump_json().encode("utf-8")


def check_batch(data: bytes, suffix: str) -> None:
    """The batch readers never raise: what cannot be read is a record with an error."""
    records = list(read_file(fuzz_file(data, suffix)))
    assert records
    check_scored(list(evaluate_many(records, jobs=1)))


SUFFIXES = [".yaml", ".json"]
BATCH_SUFFIXES = [".yaml", ".json", ".jsonl", ".csv", ".tsv", ".xlsx"]
SEED_DOCUMENTS = [b"name: A\nsector: retail\nemployees: 3\n",
                  b'{"name": "A", "sector": "retail", "employees": 3, "countries": ["DE"]}',
                  b"name,sector,employees,countries\nA,retail,3,DE;FR\n"]


@budget(150)
@given(data=st.binary(max_size=2000), suffix=st.sampled_from(SUFFIXES))
@example(data="name: A\nsector: retail\nemployees: 3\n".encode("utf-16"), suffix=".yaml")
@example(data=b"\xef\xbb\xbf" + SEED_DOCUMENTS[1], suffix=".json")
def test_random_bytes_into_load_profile(data, suffix):
    check_load(data, suffix)


@budget(150)
@given(data=st.binary(max_size=2000), suffix=st.sampled_from(BATCH_SUFFIXES))
@example(data=SEED_DOCUMENTS[2], suffix=".csv")
def test_random_bytes_into_the_batch_readers(data, suffix):
    check_batch(data, suffix)


@st.composite
def mutated(draw, documents: st.SearchStrategy[bytes]) -> bytes:
    """A document with a few bytes inserted, deleted or replaced: near-valid input reaches deeper
    into parsers and models than random bytes do."""
    data = bytearray(draw(documents))
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        junk = draw(st.sampled_from([b"\x00", b"\xff", b"\n", b"\"", b"'", b",", b";", b":", b"[",
                                     b"{", b"}", b"&a", b"*a", b"!!", b"- ", b"  ", b"\\u", b"NaN",
                                     b"1e999", b"9" * 50, b"\r", b"#", b"\xc3", b"\t", b"%", b"?"])
                    | st.binary(min_size=1, max_size=4))
        edit(data, at, op, junk)
    return bytes(data)


def edit(data: bytearray, at: int, op: str, junk: bytes) -> None:
    """Insert, delete or replace `junk` at `at`, in place."""
    if op == "insert":
        data[at:at] = junk
    elif op == "delete":
        del data[at:at + len(junk)]
    else:
        data[at:at + len(junk)] = junk


def _yaml(profile: dict) -> bytes:
    return yaml.safe_dump(profile, allow_unicode=True).encode()


def _json(profile: dict) -> bytes:
    return json.dumps(profile, ensure_ascii=False).encode()


def _csv(profile: dict) -> bytes:
    cells = {k: ";".join(map(str, v)) if isinstance(v, list) else "" if v is None else str(v)
             for k, v in profile.items()}
    quote = lambda c: '"' + c.replace('"', '""') + '"'   # noqa: E731
    return (",".join(cells) + "\n" + ",".join(map(quote, cells.values())) + "\n").encode()


def _tsv(profile: dict) -> bytes:
    return _csv(profile).replace(b",", b"\t")


WRITERS = {".yaml": _yaml, ".json": _json, ".jsonl": _json, ".csv": _csv, ".tsv": _tsv}
# .xlsx is fed random bytes above; a saved workbook carries its save time, so mutating one would
# not be reproducible (Hypothesis: FlakyStrategyDefinition). tests/test_tables.py builds real
# workbooks from generated cells instead.


@budget(60)
@given(data=st.data(), suffix=st.sampled_from(list(WRITERS)))
def test_mutated_documents_into_every_reader(data, suffix):
    document = data.draw(mutated(profiles().map(WRITERS[suffix])), label="document")
    if suffix in SUFFIXES:
        check_load(document, suffix)
    check_batch(document, suffix)


junk_scalars = (st.none() | st.booleans() | st.integers() | st.integers(-10**60, 10**60)
                | st.floats() | st.text(max_size=30)
                | st.text(st.characters(codec=None), max_size=10)
                | st.sampled_from(["ISO 9001", "DE", "uk", "high", "retail", "yes", "", " ", ";",
                                   "nan", "-1", "1e9", "0x10", "ISO 26000", "OHSAS 18001"]))
junk = st.recursive(junk_scalars, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
junk_profiles = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=12), junk, max_size=10)


@budget(60)
@given(data=junk_profiles | junk)
@example(data={"name": "A", "sector": "retail", "employees": True})
@example(data={"name": "A\x00", "sector": "retail", "employees": 1})
@example(data={"countries": "\ud800"})            # crashed pydantic-core: UnicodeEncodeError
@example(data={"certified": ["ISO \ud800"], "sector": "\udcff", "goals": ["\ud800"]})
def test_structured_junk_into_parse_profile(data):
    """parse_profile: a Profile that scores, or a ProfileError; never another exception."""
    try:
        profile = parse_profile(data, source="fuzz")
    except AdvisorError as exc:
        check_error(exc)
        return
    evaluate(profile).model_dump_json().encode("utf-8")


@budget(25)
@given(overrides=st.dictionaries(st.sampled_from(FIELDS), junk, max_size=3),
       base=profiles())
def test_valid_profiles_with_a_few_junk_fields_score_or_fail_in_place(overrides, base):
    results = list(evaluate_many([base, {**base, **overrides}, base], jobs=1))
    assert isinstance(results[0], Assessment) and results[2] == results[0]
    check_scored(results)


@budget(40)
@given(data=st.binary(max_size=500) | mutated(st.sampled_from(SEED_DOCUMENTS)))
def test_random_standard_input_into_the_command_line(data):
    result = CliRunner().invoke(cli, ["evaluate", "-", "--format", "json"], input=data)
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output and "internal error" not in result.stderr, result.stderr
    if result.exit_code == 0:
        json.loads(result.stdout)
    else:
        assert result.stderr.startswith("error: ") and len(result.stderr) < MAX_MESSAGE


@pytest.fixture(scope="module", autouse=True)
def _clean_folder():
    yield
    for path in FOLDER.iterdir():
        path.unlink()
    FOLDER.rmdir()


# -- xlsx: generated workbooks (issue 20) -----------------------------------------------------
# Each example builds a real workbook in the test body (never in a strategy: a saved workbook
# carries its save time), reads it as `batch` does and scores it. Rows read = the non-blank rows
# below the header, plus rows a formula or a merged range touches; scored + failed must equal
# that count, and nothing but an AdvisorError may escape. Marked slow: each example writes and
# reads a workbook. A long run: `ISO_ADVISOR_FUZZ_EXAMPLES=N scripts/fuzz.sh -k xlsx -m slow`.

from advisor.inputs.tables import fold as fold_column  # noqa: E402

openpyxl = pytest.importorskip("openpyxl")
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # noqa: E402

KNOWN_COLUMNS = {fold_column(f) for f in FIELDS} | {"id", "client_id"}
HEADER_NAMES = st.sampled_from([*FIELDS, "Name", "SECTOR", " employees ", "Countries",
                                "Annual energy TJ", "Client ID", "id", "Notes", "Sectr", "", None,
                                "Employees (FTE)", "name"])


def _not_a_column(text: str) -> bool:
    return fold_column(text) not in KNOWN_COLUMNS


cell_texts = (st.text(max_size=40).map(lambda t: ILLEGAL_CHARACTERS_RE.sub("", t))
              | st.sampled_from(["retail", "construction", "ISO 9001", "iso27001", "DE; FR",
                                 "de, at", "2,5", "1.000", "1,000.5", "yes", "no", "TRUE", "  ",
                                 "#N/A", "#DIV/0!", "#REF!", "=1+1", "=A1", "=SUM(C2:C9)",
                                 "2026-03-01", "high", "unknown", "n/a", "-", "0", "-3",
                                 "1e309", "NaN", "x" * 1000])).filter(_not_a_column)
fuzz_cells = st.one_of(st.none(), cell_texts, st.booleans(), st.integers(-10, 10**7),
                       st.integers(-10**20, 10**20),
                       st.floats(allow_nan=False, allow_infinity=False),
                       st.dates(), st.datetimes(), st.times())


@st.composite
def workbooks(draw) -> dict:
    """Cells for a workbook: title rows, a header naming at least name and sector, data rows,
    merged ranges, sometimes a second sheet in front that the reader is told to skip."""
    titles = draw(st.lists(st.lists(cell_texts, min_size=1, max_size=3), max_size=2))
    blanks_above = draw(st.integers(0, 2))
    header = draw(st.lists(HEADER_NAMES, max_size=6))
    at = draw(st.permutations(range(len(header) + 2)))
    header = header + ["name", "sector"]
    header = [header[i] for i in at]
    rows = draw(st.lists(st.lists(fuzz_cells, max_size=len(header) + 2), max_size=12))
    top = len(titles) + blanks_above + 2           # first data row, 1-based
    merges = []
    for _ in range(draw(st.integers(0, 2))):
        r1 = draw(st.integers(top, top + max(len(rows), 1)))     # below the header: merging
        # the header itself can hide its names, and the reader then takes the first row
        c1 = draw(st.integers(1, len(header)))
        merges.append((r1, c1, r1 + draw(st.integers(0, 2)), c1 + draw(st.integers(0, 1))))
    return {"titles": titles, "blanks": blanks_above, "header": header, "rows": rows,
            "merges": merges, "front_sheet": draw(st.booleans())}


def _build(spec: dict, path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    if spec["front_sheet"]:
        sheet.title = "Notes"
        sheet.append(["name", "sector", "employees"])
        sheet.append(["Not me", "retail", 1])
        sheet = book.create_sheet("Clients")
    else:
        sheet.title = "Clients"
    for row in [*spec["titles"], *[[] for _ in range(spec["blanks"])], spec["header"],
                *spec["rows"]]:
        sheet.append(row)
    for r1, c1, r2, c2 in spec["merges"]:
        sheet.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    book.save(path)


def _rows_read(spec: dict) -> int:
    top = len(spec["titles"]) + spec["blanks"] + 2
    merged = {r for r1, _, r2, _ in spec["merges"] for r in range(r1, r2 + 1)}
    last = max([top - 1 + len(spec["rows"]), *merged])

    def counted(number: int) -> bool:
        index = number - top
        cells = spec["rows"][index] if 0 <= index < len(spec["rows"]) else []
        blank = all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)
        formula = any(isinstance(c, str) and c.startswith("=") for c in cells)
        return not blank or formula or number in merged
    return sum(counted(n) for n in range(top, last + 1))


@pytest.mark.slow
@budget(40)
@given(spec=workbooks())
def test_generated_workbooks_score_or_fail_every_row_read(spec):
    from advisor.inputs.tables import TableOptions
    path = FOLDER / "generated.xlsx"
    _build(spec, path)
    sheet = "Clients" if spec["front_sheet"] else None
    records = list(read_file(path, options=TableOptions(sheet=sheet)))
    results = list(evaluate_many(records, jobs=1))
    expected = _rows_read(spec)
    assert len(results) == len(records) == max(expected, 1), \
        (expected, [(r.location, r.error) for r in records])
    check_scored(results)


@st.composite
def damaged_workbooks(draw) -> tuple[dict, str, list]:
    """A generated workbook and byte edits to one XML part inside it."""
    spec = draw(workbooks())
    part = draw(st.sampled_from(["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml",
                                 "xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml",
                                 "xl/_rels/workbook.xml.rels"]))
    edits = draw(st.lists(st.tuples(st.floats(0, 1), st.sampled_from(["insert", "delete", "replace"]),
                                    st.sampled_from([b"<", b">", b"\"", b"&", b"\x00", b"\xff",
                                                     b"</row>", b"<c r=\"A1\">", b"<v>", b"9" * 40,
                                                     b"t=\"s\"", b"r=\"ZZZZ9\"", b"<f>1+1</f>"])),
                          min_size=1, max_size=4))
    return spec, part, edits


@pytest.mark.slow
@budget(40)
@given(case=damaged_workbooks())
def test_damaged_workbook_parts_are_error_records_never_a_traceback(case):
    """openpyxl meets broken XML, bad references and NUL bytes inside a valid ZIP: the file is
    an error record, or rows up to the damage are read and the damage is one error record."""
    import zipfile
    spec, part, edits = case
    path = FOLDER / "damaged.xlsx"
    _build(spec, path)
    with zipfile.ZipFile(path) as archive:
        members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            if name == part:
                data = bytearray(data)
                for where, op, junk in edits:
                    edit(data, int(where * len(data)), op, junk)
                data = bytes(data)
            archive.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), data)
    records = list(read_file(path))
    assert records
    check_scored(list(evaluate_many(records, jobs=1)))
