"""Batch scoring as a library: readers for every format, errors per record, order, processes."""
from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from advisor import AdvisorError, Assessment, RuleBaseError, evaluate, evaluate_many
from advisor.advice.batch import (BatchError, Portfolio, Record, Scored, read_profiles, score_paths,
                           score_paths_for_output)
from advisor.render.batch import BATCH_FORMATS, write_batch

from conftest import DATA

BATCH = DATA / "batch"
MIXED = BATCH / "mixed"
GOOD = {"name": "Acme", "sector": "construction", "employees": 80, "bids_for_tenders": True,
        "tender_requirements": ["ISO 9001"]}


def records(*paths) -> list[Record]:
    return list(read_profiles([str(p) for p in paths]))


def errors_of(record: Record) -> str:
    assert record.error is not None, record
    return str(record.error)


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


# -- reading ---------------------------------------------------------------------------------

def test_folder_is_read_sorted_by_name_with_every_format():
    sources = [r.source for r in records(MIXED)]
    m = str(MIXED)
    assert sources == [
        f"{m}/a-single.yaml", f"{m}/b-list.yml, item 1", f"{m}/b-list.yml, item 2",
        f"{m}/c-list.json, item 1", f"{m}/c-list.json, item 2", f"{m}/d-lines.jsonl, line 1",
        f"{m}/d-lines.jsonl, line 2, column 37", f"{m}/d-lines.jsonl, line 4",
        f"{m}/e-sheet.csv, row 2", f"{m}/e-sheet.csv, row 3", f"{m}/e-sheet.csv, row 5",
        f"{m}/e-sheet.csv, row 6"]          # notes.txt and .hidden.yaml are skipped


def test_csv_with_bom_lists_and_empty_cells():
    rows = records(MIXED / "e-sheet.csv")
    first = rows[0].data
    assert list(first)[0] == "name"                            # the BOM is not in the header
    assert first == {"name": "Foxtrot Foods", "sector": "food_beverage", "employees": "45",
                     "countries": ["FR", "BE"], "customer_types": ["businesses", "consumers"],
                     "bids_for_tenders": "no", "certified": ["ISO 9001"]}   # empty cells omitted
    result = next(evaluate_many(rows[:1], jobs=1))
    assert isinstance(result, Assessment) and result.organization == "Foxtrot Foods"


def test_csv_values_become_the_same_profile_as_yaml(tmp_path):
    path = write(tmp_path, "one.csv", "name,sector,employees,countries,bids_for_tenders,"
                 "tender_requirements\nAcme,construction,80,de;FR,true,ISO 9001\n")
    from_csv = next(evaluate_many(records(path), jobs=1))
    assert from_csv == evaluate({**GOOD, "countries": ["DE", "FR"]})


def test_csv_in_utf16_and_a_semicolon_header(tmp_path):
    utf16 = write(tmp_path, "u.csv", "name,sector,employees\nZürich AG,retail,5\n".encode("utf-16"))
    assert records(utf16)[0].data["name"] == "Zürich AG"
    semi = write(tmp_path, "s.csv", "name;sector;employees\nA;retail;5\n")
    assert records(semi)[0].data == {"name": "A", "sector": "retail", "employees": "5"}


def test_unknown_columns_are_named_with_did_you_mean():
    (record,) = records(BATCH / "bad-header.csv")
    message = errors_of(record)
    assert record.location == "row 2" and record.error.problems[0].location == "row 1"
    assert "unknown column 'secter'; did you mean 'sector'?" in message
    assert "unknown column 'countrys'; did you mean 'countries'?" in message


def test_csv_repeated_column_and_stray_cells(tmp_path):
    twice = write(tmp_path, "t.csv", "name,sector,name\nA,retail,B\n")
    assert "column 'name' appears twice" in errors_of(records(twice)[0])
    stray = write(tmp_path, "x.csv", "name,sector,employees,\nA,retail,5,\nB,retail,5,oops\n")
    first, second = records(stray)
    assert first.error is None and first.data == {"name": "A", "sector": "retail", "employees": "5"}
    assert second.location == "row 3" and "no name in the header" in errors_of(second)


def test_undecodable_csv_row_is_reported_and_the_rows_around_it_kept(tmp_path):
    """A UTF-8 file with one row in another encoding: that row is an error naming its byte
    offset, and the rows before and after it are read (issue 20: rows were silently lost)."""
    head = "name,sector,employees\nZoë AG,retail,5\n".encode()
    path = write(tmp_path, "l.csv", head + "Café,retail,5\n".encode("latin-1") + b"B,retail,5\n")
    first, second, third = records(path)
    assert first.data["name"] == "Zoë AG" and third.data["name"] == "B"
    assert second.location == "row 3"
    assert f"byte 0xE9 at byte offset {len(head) + 3} is not UTF-8 text" in errors_of(second)


@pytest.mark.parametrize("name, data, message", [
    ("empty.csv", "", "is empty"),
    ("bin.csv", b"\x00\x01\x02name", "binary"),
    ("bad.yaml", "name: [unclosed\n", "is not valid YAML"),
    ("notes.txt", "name: A\n", "batch inputs are"),
])
def test_unreadable_files_become_one_error_record(tmp_path, name, data, message):
    (record,) = records(write(tmp_path, name, data))
    assert message in errors_of(record)
    assert str(tmp_path / name) in errors_of(record)


def test_missing_paths_and_empty_folders(tmp_path):
    (missing,) = records(tmp_path / "nope.csv")
    assert "does not exist" in errors_of(missing)
    (empty,) = records(tmp_path)
    assert "has no profile files" in errors_of(empty)


def test_jsonl_lines_are_numbered_and_blank_lines_skipped():
    rows = records(MIXED / "d-lines.jsonl")
    assert [r.location for r in rows] == ["line 1", "line 2, column 37", "line 4"]
    assert "is not valid JSON" in errors_of(rows[1])


# -- scoring ---------------------------------------------------------------------------------

def test_errors_are_records_in_place_and_name_file_row_and_field():
    results = [r for _, r in score_paths([MIXED], jobs=1)]
    assert len(results) == 12
    failed = {r.source: r for r in results if isinstance(r, BatchError)}
    assert sorted(failed) == sorted([
        f"{MIXED}/b-list.yml, item 2", f"{MIXED}/c-list.json, item 2",
        f"{MIXED}/d-lines.jsonl, line 2, column 37", f"{MIXED}/e-sheet.csv, row 3"])
    bank = failed[f"{MIXED}/e-sheet.csv, row 3"]
    assert bank.organization == "Golf Casino"
    assert bank.problems[0].field == "sector" and "valid:" in str(bank.problems[0])
    assert str(bank.problems[0]).startswith(f"{MIXED}/e-sheet.csv, row 3: field 'sector'")
    assert bank.message().startswith("field 'sector': 'gambling' is not valid")
    typo = failed[f"{MIXED}/c-list.json, item 2"]
    assert {p.field for p in typo.problems} == {"secter", "sector"}


def test_plain_mappings_and_profiles_are_located_by_position():
    results = list(evaluate_many([GOOD, {"name": "X"}, evaluate.__doc__], jobs=1))
    assert isinstance(results[0], Assessment)
    assert results[1].source == "item 2" and results[1].kind == "invalid profile"
    assert "must be a mapping" in results[2].message()


def _outputs(results) -> list[str]:
    """Results as text to compare; the engine is left out (the engines give the same advice)."""
    return [r.model_dump_json(exclude={"engine"}) if isinstance(r, Assessment) else repr(r)
            for r in results]


def test_same_results_in_order_for_any_number_of_jobs():
    many = records(MIXED) * 3
    one = _outputs(evaluate_many(many, jobs=1))
    two = _outputs(evaluate_many(many, jobs=2, chunksize=2))      # small chunks: the pool runs
    assert one == two and len(one) == 36


def test_rendered_output_is_identical_for_one_and_two_jobs():
    import io

    texts = []
    for jobs in (1, 2):
        stream = io.StringIO()
        sources, results = zip(*score_paths([MIXED, MIXED], jobs=jobs))
        write_batch(zip(sources, results), stream, "jsonl", summary=True)
        texts.append(stream.getvalue())
    assert texts[0] == texts[1]


@pytest.mark.parametrize("fmt", sorted(BATCH_FORMATS))
def test_output_from_scored_views_is_the_output_from_assessments(fmt):
    """The command sends workers' results as `Scored` views; they must render exactly as the
    assessments they stand for, summary included."""
    import io

    texts = []
    for jobs, scorer in ((1, score_paths), (2, score_paths_for_output)):
        stream = io.StringIO()
        options = {} if scorer is score_paths else {"with_json": BATCH_FORMATS[fmt].needs_json,
                                                    "chunksize": 4}      # the pool runs
        portfolio = write_batch(scorer([MIXED, MIXED], jobs=jobs, **options), stream, fmt,
                                summary=True)
        texts.append((stream.getvalue(), portfolio.to_dict(), portfolio.failed))
    assert texts[0] == texts[1]


def test_a_scored_view_keeps_decisions_plan_and_reasons():
    a = evaluate(GOOD)
    view = Scored.of(a)
    assert view.decisions[0] == a.recommendation("ISO 9001").decision == "certify"
    assert view.top == "ISO 9001" and view.plan[0] == ("ISO 9001", "certify")
    assert "tender-gate" in view.reasons[0] and view.json is None
    assert Scored.of(a, with_json=True).json == a.model_dump_json()


@pytest.mark.parametrize("jobs", [1, 2])
def test_input_is_consumed_lazily(jobs):
    endless = ({**GOOD, "name": f"Org {n}"} for n in itertools.count(1))
    first = list(itertools.islice(evaluate_many(endless, jobs=jobs, chunksize=2), 5))
    assert [a.organization for a in first] == [f"Org {n}" for n in range(1, 6)]


def test_a_broken_rule_base_fails_once_before_any_profile(tmp_path):
    (tmp_path / "rulebase.yaml").write_text("name: no version\n")
    with pytest.raises(RuleBaseError):
        evaluate_many([GOOD], rules=tmp_path)
    with pytest.raises(ValueError):
        evaluate_many([GOOD], jobs=0)


def test_portfolio_counts_decisions_and_reasons():
    portfolio = Portfolio()
    for result in evaluate_many([GOOD, GOOD, {"name": "bad"}], jobs=1):
        portfolio.add(result)
    assert (portfolio.scored, portfolio.failed) == (2, 1)
    assert portfolio.decisions["ISO 9001"]["certify"] == 2
    assert sum(portfolio.decisions["ISO 13485"].values()) == 2
    assert ("tender-gate", 2) in portfolio.top_reasons("ISO 9001")
    summary = portfolio.to_dict()
    assert summary["standards"][0]["standard"] == "ISO 9001"
    assert isinstance(AdvisorError("x"), ValueError)


def test_the_python_engine_scores_a_batch_the_same():
    many = records(MIXED)
    from advisor.engines import default_name
    reference = _outputs(evaluate_many(many, jobs=1, engine=default_name()))
    assert _outputs(evaluate_many(many, jobs=2, chunksize=2, engine="python")) == reference
    with pytest.raises(AdvisorError, match="unknown engine"):
        evaluate_many(many, engine="pyton")
