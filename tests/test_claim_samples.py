"""The sample claims in profiles/claims/ against the verdicts written for them from the sources
(profiles/claims/expected.yaml), on every engine: each sample file, each row of a supplier list."""
from __future__ import annotations

import pytest
import yaml

from advisor.claims.check import check_file
from advisor.engines import available_engines

from conftest import ROOT

SAMPLES = ROOT / "profiles" / "claims"
EXPECTED = yaml.safe_load((SAMPLES / "expected.yaml").read_text("utf-8"))
FILES = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".yaml", ".csv")
               and p.name != "expected.yaml")


def _key(path):
    return path.name if path.suffix == ".csv" else path.stem


def test_every_sample_has_expectations_and_every_expectation_a_sample():
    assert {_key(p) for p in FILES} == set(EXPECTED)
    assert len(FILES) >= 30


def _judge(result, expected, where):
    if "error" in expected:
        assert result.error is not None, where
        assert any(p.field == expected["error"] for p in result.error.problems), (
            where, result.error.message())
        return
    assert result.error is None, (where, result.error and result.error.message())
    check = result.check
    flags = [f.rule for f in check.red_flags]
    assert check.verdict == expected["verdict"], (where, check.summary)
    assert set(expected.get("flags", [])) <= set(flags), (where, flags)
    assert not set(expected.get("not_flags", [])) & set(flags), (where, flags)
    assert set(expected.get("checks", [])) <= {c.rule for c in check.checks}, where
    if expected["verdict"] == "credible":
        assert flags == [], (where, flags)


@pytest.mark.parametrize("engine", available_engines())
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_sample_claims_get_the_verdicts_written_from_the_sources(path, engine):
    results = list(check_file(path, engine=engine))
    expected = EXPECTED[_key(path)]
    if path.suffix == ".csv":
        assert {r.location for r in results} == set(expected), path.name
        for result in results:
            _judge(result, expected[result.location], f"{path.name}, {result.location}")
    else:
        assert len(results) == 1
        _judge(results[0], expected, path.name)
