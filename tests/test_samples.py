"""Sample profiles as golden cases: consultant-level expectations, then byte-exact snapshots.

Regenerate snapshots after a deliberate rule change with `UPDATE_GOLDEN=1 pytest tests/test_samples.py`
and review the diff.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from advisor import evaluate, load_profile

from conftest import PROFILES

GOLDEN = Path(__file__).resolve().parent / "golden"
EXPECTED = yaml.safe_load((Path(__file__).resolve().parent / "expected_decisions.yaml").read_text())


def test_every_sample_has_expectations():
    assert {p.stem for p in PROFILES} == set(EXPECTED)
    assert len(PROFILES) >= 10


@pytest.mark.parametrize("path", PROFILES, ids=[p.stem for p in PROFILES])
def test_sample_decisions_match_consultant_expectations(path, rb):
    assessment = evaluate(load_profile(path), rules=rb)
    expected = EXPECTED[path.stem]
    decisions = {r.standard: r.decision for r in assessment.recommendations}
    assert sorted(s for s, d in decisions.items() if d == "certify") == sorted(expected["certify"])
    for std in expected["implement"]:
        assert decisions[std] == "implement", std
    plan = [r for r in assessment.recommendations if r.priority]
    assert (plan[0].standard if plan else None) == expected["first"]
    assert [r.priority for r in plan] == list(range(1, len(plan) + 1))
    for rec in plan:
        assert rec.reasons and all(r.rule and r.source and r.text for r in rec.reasons)


@pytest.mark.parametrize("path", PROFILES, ids=[p.stem for p in PROFILES])
def test_sample_assessment_matches_snapshot(path, rb):
    text = evaluate(load_profile(path), rules=rb).model_dump_json(indent=2) + "\n"
    golden = GOLDEN / f"{path.stem}.json"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text)
    assert golden.read_text() == text
