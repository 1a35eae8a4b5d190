"""One counterfactual module (advisor.kernel.counterfactual): its users agree with each other.

The assessment's unknowns, the explanations' unknowns and the questionnaire's relevance all try
the candidate values of `counterfactual.candidates` through `counterfactual.refire`; here they
are checked against each other and against full engine runs of the changed profiles.
"""
from __future__ import annotations

import pytest

from advisor import evaluate, load_profile
from advisor.advice.assess import run_rules, what_if
from advisor.advice.explain import explain
from advisor.advice.models import FIELDS, parse_profile
from advisor.advice.questionnaire import QUESTIONS, Relevance
from advisor.errors import ProfileError
from advisor.kernel.counterfactual import around, candidates, open_fields, sides
from advisor.kernel.rulebase import load

from conftest import PROFILES

AS_OF = "2026-12-01"
#: Fast loop: the sample where a derived field (activities from NACE codes) once made the
#: explanation list an unknown the assessment did not; the rest run with the slow tests.
FAST = {"metal-machining-de.yaml", "construction-public-tenders.yaml"}
SAMPLES = [pytest.param(p, id=p.stem, marks=() if p.name in FAST else pytest.mark.slow)
           for p in PROFILES]


@pytest.fixture(scope="module")
def rb():
    return load()


@pytest.mark.parametrize("path", SAMPLES)
def test_the_assessment_and_the_explanations_name_the_same_unknowns(path, rb):
    profile = load_profile(path)
    assessed = evaluate(profile, as_of=AS_OF, engine="python")
    explained = explain(profile, as_of=AS_OF, engine="python")
    listed = {(u.field, s) for u in assessed.unknowns for s in u.could_change}
    shown = {(u.field, e.standard) for e in explained.explanations for u in e.unknowns
             if not u.robust}
    assert listed == shown


@pytest.mark.parametrize("path", SAMPLES)
def test_every_what_if_is_what_the_engine_decides_on_the_changed_profile(path, rb):
    profile = load_profile(path)
    run = run_rules(rb, profile, "python", AS_OF)
    tried = 0
    for name in open_fields(rb, run.fact, FIELDS, ("recommend", "limit")):
        for value in candidates(rb, name):
            try:
                changed = parse_profile({**profile.model_dump(), name: value})
            except ProfileError:
                continue                # a value the profile model refuses (deadline 0 months)
            assert what_if(rb, run, name, value) == run_rules(rb, changed, "python", AS_OF).decisions
            tried += 1
    assert tried or not open_fields(rb, run.fact, FIELDS, ("recommend", "limit"))


@pytest.mark.parametrize("path", SAMPLES)
def test_the_questionnaire_asks_every_unknown_the_assessment_lists(path, rb):
    profile = load_profile(path)
    answers = {k: v for k, v in profile.model_dump().items() if v is not None}
    relevance = Relevance(rb)
    asked = [u.field for u in evaluate(profile, as_of=AS_OF, engine="python").unknowns
             if u.field in QUESTIONS]
    assert all(relevance.relevant(answers, name) for name in asked), asked


def test_candidates_are_both_sides_of_every_threshold_a_rule_writes(rb):
    energy = candidates(rb, "annual_energy_tj")
    assert {0.0, 10.0, 10.5, 85.0, 85.5} <= set(energy)
    assert candidates(rb, "bids_for_tenders") == (True, False)
    countries = candidates(rb, "countries")
    assert countries[0] == () and ("DE",) in countries or ("AT",) in countries
    assert len(countries) < 20        # 27 EU countries the rules treat alike are tried once


def test_sides_and_around():
    assert sides(50, integer=True, minimum=1) == [49, 50, 51]
    assert sides(1, integer=True, minimum=1) == [1, 2]
    assert sides(10) == [9.5, 10.0, 10.5]
    assert sides(0.25) == [0.25, 0.75]
    assert around([5, 10], (0, 1)) == {5, 6, 10, 11}
