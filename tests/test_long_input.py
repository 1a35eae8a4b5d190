"""Bounded input before any regex (issue 20, item 4): 131,072-character cells, the longest a CSV
cell may be, fed to every parser and every argument that reaches a regex. Each run must finish
within this test's own timeout; no speed is asserted. Before the fix, 16,000 spaces in a claimed
standard took a minute in three regexes, and a 120,000-character cell hours.
"""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
import yaml

from advisor.advice import catalog
from advisor.claims.models import FIELDS as CLAIM_FIELDS, parse_standard
from advisor.advice.models import FIELDS as PROFILE_FIELDS

CELL = 131_072
TIMEOUT = 120            # seconds per command; the runs take about a second each
#: Shapes that made the old regexes backtrack: runs of spaces before something that fails to
#: match at the end, edition words, separators.
HOSTILE = {
    "spaces": " " * (CELL - 1) + "x",
    "version word": "ISO 9001 v" + " " * (CELL - 12) + "x",
    "revision word": "AS9100 rev" + " " * (CELL - 11) + "!",
    "year separators": ":" + " " * (CELL - 6) + "20x5",
    "digits": "9" * CELL,
}
pytestmark = pytest.mark.slow


def iso_advisor(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "advisor", *args], input=stdin,
                            capture_output=True, text=True, timeout=TIMEOUT)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, \
        result.stderr[-2000:]
    assert len(result.stderr) < 50_000
    return result


def csv_text(fields: tuple[str, ...], value: str, required: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(fields)
    # seven hostile cells in one row: a CSV line may hold at most 1,000,000 characters
    writer.writerow([value if n < 7 else required.get(f, "") for n, f in enumerate(fields)])
    for name in fields:                                         # one hostile cell per row
        writer.writerow([value if f == name else required.get(f, "") for f in fields])
    return out.getvalue()


PROFILE = {"name": "Acme", "sector": "retail", "employees": "12"}
CLAIM = {"supplier": "Acme", "standard": "ISO 9001:2015", "as_of": "2026-06-30"}


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_every_profile_reader_finishes_on_huge_cells(tmp_path, value):
    (tmp_path / "p.csv").write_text(csv_text(PROFILE_FIELDS, value, PROFILE))
    every = {f: value for f in PROFILE_FIELDS}
    (tmp_path / "p.json").write_text(json.dumps([every] + [{**PROFILE, f: value}
                                                           for f in PROFILE_FIELDS]))
    (tmp_path / "p.jsonl").write_text("\n".join(json.dumps({**PROFILE, f: value})
                                                for f in PROFILE_FIELDS) + "\n")
    (tmp_path / "p.yaml").write_text(yaml.safe_dump({**PROFILE, "certified": [value]}))
    result = iso_advisor("batch", "--jobs", "1", "--format", "jsonl", str(tmp_path))
    assert result.returncode == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 3 * len(PROFILE_FIELDS) + 3          # csv, json, jsonl, yaml
    assert all(("error" in r) != ("assessment" in r) for r in records)
    single = iso_advisor("evaluate", str(tmp_path / "p.yaml"))
    assert single.returncode == 1 and "field 'certified[0]'" in single.stderr


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_every_claim_reader_finishes_on_huge_cells(tmp_path, value):
    path = tmp_path / "claims.csv"
    path.write_text(csv_text(CLAIM_FIELDS, value, CLAIM))
    result = iso_advisor("check-claim", str(path), "--format", "json")
    assert result.returncode == 1
    assert len(json.loads(result.stdout)) == 1 + len(CLAIM_FIELDS)
    one = tmp_path / "claim.yaml"
    one.write_text(yaml.safe_dump({**CLAIM, "standard": value}))
    result = iso_advisor("check-claim", str(one))
    assert result.returncode == 1 and "field 'standard'" in result.stderr


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_arguments_and_answers_that_reach_a_regex_finish(tmp_path, value):
    profile = tmp_path / "p.yaml"
    profile.write_text(yaml.safe_dump({**PROFILE, "employees": 12}))
    argument = value[1:]              # one argument may hold at most 131,071 bytes (Linux)
    explained = iso_advisor("evaluate", str(profile), "--explain", argument)
    assert explained.returncode in (1, 2) and "characters long" in explained.stderr
    listed = iso_advisor("rules", "list", "--standard", argument)
    assert listed.returncode in (1, 2) and "characters long" in listed.stderr
    answers = "\n".join([value] * 40) + "\n"               # every question answered with it
    asked = iso_advisor("ask", stdin=answers)
    assert asked.returncode != 0


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_library_parsers_refuse_long_references_before_any_regex(value):
    with pytest.raises(ValueError, match="characters long"):
        catalog.resolve(value)
    with pytest.raises(ValueError, match="characters long"):
        parse_standard(value)
