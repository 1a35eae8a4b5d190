"""Sample profiles as golden cases: consultant-level expectations, then byte-exact snapshots.

Regenerate snapshots after a deliberate rule change with `UPDATE_GOLDEN=1 pytest tests/test_samples.py`
and review the diff.
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import yaml

from advisor import evaluate, load_profile
from advisor.kernel.rulecheck import EXPECTED as EXPECTED_FILE
from advisor.kernel.rulecheck import compare

from conftest import PROFILES, ROOT

GOLDEN = Path(__file__).resolve().parent / "golden"
#: Owned by `iso-advisor rules test`, next to the profiles it describes.
EXPECTED = yaml.safe_load((ROOT / "profiles" / EXPECTED_FILE).read_text())


def test_every_sample_has_expectations():
    assert {p.stem for p in PROFILES} == set(EXPECTED)
    assert len(PROFILES) >= 10


SNAPSHOT_DAY = dt.date(2026, 12, 1)          # the snapshots' rules are those of this day


@pytest.mark.parametrize("path", PROFILES, ids=[p.stem for p in PROFILES])
def test_sample_decisions_match_consultant_expectations(path, rb):
    assessment = evaluate(load_profile(path), rules=rb)
    assert compare(assessment, EXPECTED[path.stem]) == []
    plan = [r for r in assessment.recommendations if r.priority]
    assert [r.priority for r in plan] == list(range(1, len(plan) + 1))
    for rec in plan:
        assert rec.reasons and all(r.rule and r.source and r.text for r in rec.reasons)


@pytest.mark.parametrize("path", PROFILES, ids=[p.stem for p in PROFILES])
def test_sample_assessment_matches_snapshot(path, rb):
    assessment = evaluate(load_profile(path), rules=rb, as_of=SNAPSHOT_DAY)
    # Either engine; and any edit to a rule file changes the digest (tests/test_records.py
    # checks it), so snapshots hold the advice, not the bytes of the rule base.
    text = assessment.model_dump_json(indent=2, exclude={"engine", "rulebase_digest"}) + "\n"
    golden = GOLDEN / f"{path.stem}.json"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text)
    assert golden.read_text() == text
