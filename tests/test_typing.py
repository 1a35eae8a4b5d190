"""The public names of `advisor` type-check under `mypy --strict` in a consumer's code, as a
platform team would use them: the README's example and a small integration. Closed sets are
Literals, so a misspelt decision is a type error, not a silent False."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow

CONSUMER = '''
from __future__ import annotations

import datetime as dt

from advisor import (AdvisorError, Assessment, BatchError, ClaimCheck, ClaimError, Decision,
                     EngineError, ExplainedAssessment, InputError, Problem, Profile,
                     ProfileError, RuleBaseError, Verdict, check_claim, evaluate, evaluate_many,
                     explain, load_profile, __version__)


def certify(profile: dict[str, object]) -> list[str]:
    assessment: Assessment = evaluate(profile, as_of=dt.date(2026, 6, 30), engine="python")
    decision: Decision = assessment.recommendations[0].decision
    day: dt.date = assessment.as_of
    digest: str = assessment.rulebase_digest
    normalised: Profile = assessment.profile
    return [r.standard for r in assessment.recommendations if r.decision == "certify"]


def judged(claim: dict[str, object]) -> Verdict:
    check: ClaimCheck = check_claim(claim, as_of="2026-06-30")
    return check.verdict


def scored() -> list[int | None]:
    out: list[int | None] = []
    for result in evaluate_many([{"name": "A", "sector": "retail", "employees": 3}], jobs=1):
        if isinstance(result, BatchError):
            problems: tuple[Problem, ...] = result.problems
        else:
            out.append(result.recommendations[0].priority)
    return out


explained: ExplainedAssessment = explain(load_profile("profile.yaml"), "ISO 9001")
errors: tuple[type[AdvisorError], ...] = (ProfileError, ClaimError, InputError, RuleBaseError,
                                          EngineError)
version: str = __version__
'''
MISTAKES = '''
from advisor import evaluate, check_claim
a = evaluate({"name": "A", "sector": "retail", "employees": 3})
wrong = a.recommendations[0].decision == "certfy"
verdict = check_claim({"supplier": "A", "standard": "ISO 9001"}).verdict == "ok"
count: int = a.as_of
'''


def mypy(tmp_path, name: str, code: str) -> subprocess.CompletedProcess:
    (tmp_path / name).write_text(code)
    env = {**os.environ, "MYPYPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent",
                           "--no-incremental", "--cache-dir", str(tmp_path / ".mypy"), name],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)


def test_a_consumer_and_the_readme_example_type_check_under_strict(tmp_path):
    readme = (ROOT / "README.md").read_text()
    example = re.search(r"```python\n(.*?)```", readme, re.S).group(1)
    result = mypy(tmp_path, "consumer.py", CONSUMER + "\n\n" + example)
    assert result.returncode == 0, result.stdout + result.stderr


def test_misspelt_decisions_and_verdicts_are_type_errors(tmp_path):
    result = mypy(tmp_path, "mistakes.py", MISTAKES)
    assert result.returncode == 1
    assert "mistakes.py:4: error: Non-overlapping equality check" in result.stdout
    assert "mistakes.py:5: error: Non-overlapping equality check" in result.stdout
    assert "mistakes.py:6: error: Incompatible types in assignment" in result.stdout
