"""The durable_rules adapter: compiled conditions mean what the condition language says."""
from __future__ import annotations

import datetime as dt
import random
import threading

import pytest

from advisor import EngineError, evaluate
from advisor.engines import durable as engine_module
from advisor.advice.assess import base_fact, run_rules
from advisor.advice.catalog import NAMES
from advisor.kernel.conditions import evaluate as holds
from advisor.advice.models import (AiRole, CustomerType, Goal, Level, Regulation, Sector, Sensitivity,
                            parse_profile)


def random_profile(rng: random.Random) -> dict:
    def some(values, k=4):
        return rng.sample([v.value if hasattr(v, "value") else v for v in values], rng.randint(0, k))
    maybe = lambda values: rng.choice([None, *[v.value for v in values]])  # noqa: E731
    return {
        "name": "R", "sector": rng.choice(list(Sector)).value, "employees": rng.choice([1, 9, 10, 49, 50, 249, 250, 5000]),
        "sites": rng.randint(1, 3), "countries": some(["DE", "BE", "IT", "GB", "US", "CA", "NO", "CN"]),
        "customer_types": some(CustomerType, 3), "customer_sectors": some(Sector),
        "bids_for_tenders": rng.choice([None, True, False]),
        "tender_requirements": some(NAMES, 2), "customer_requirements": some(NAMES, 2),
        "regulations": some(Regulation), "data_sensitivity": maybe(Sensitivity),
        "environmental_impact": maybe(Level), "ohs_risk": maybe(Level),
        "annual_energy_tj": rng.choice([None, 0, 5, 10, 10.5, 50, 85, 85.5, 300]),
        "ai_role": maybe(AiRole), "certified": some(NAMES, 3), "implemented": some(NAMES, 2),
        "goals": some(Goal), "budget": maybe(Level), "deadline_months": rng.choice([None, 3, 12]),
    }


needs_durable = pytest.mark.skipif(not engine_module.available(),
                                   reason="durable_rules does not run on this Python")


@needs_durable
@pytest.mark.slow
def test_compiled_conditions_fire_exactly_when_the_reference_semantics_hold(rb):
    """Differential check of every stratum on 300 random profiles: durable vs conditions.evaluate."""
    rng = random.Random(7)
    engine = engine_module.engine_for(rb)
    for _ in range(300):
        run = run_rules(rb, parse_profile(random_profile(rng)), engine)
        fact = base_fact(rb, parse_profile(random_profile(rng)))
        for stratum, layer in enumerate(rb.strata):
            fired = engine.fire(stratum, fact)
            assert fired == [i.key for i in layer if holds(i.condition, fact)]
        assert run.fired == sorted(run.fired, key=lambda i: i.index)


def test_dense_and_empty_profiles_evaluate_without_engine_errors(rb):
    dense = {
        "name": "Dense", "sector": "chemicals", "employees": 20000, "sites": 40,
        "countries": ["DE", "BE", "IT", "GB", "US", "CA", "FR", "NL", "ES", "PL"],
        "customer_types": [c.value for c in CustomerType], "customer_sectors": [s.value for s in Sector],
        "bids_for_tenders": True, "tender_requirements": list(NAMES), "customer_requirements": list(NAMES),
        "regulations": [r.value for r in Regulation], "data_sensitivity": "high",
        "environmental_impact": "high", "ohs_risk": "high", "annual_energy_tj": 5000, "ai_role": "provider",
        "certified": list(NAMES), "implemented": list(NAMES), "goals": [g.value for g in Goal],
        "budget": "high", "deadline_months": 1}
    for sector in Sector:
        assessment = evaluate({**dense, "sector": sector.value}, rules=rb)
        assert all(r.decision == "certify" for r in assessment.recommendations)
    empty = evaluate({"name": "Empty", "sector": "other", "employees": 1}, rules=rb)
    assert all(r.decision == "not_needed" for r in empty.recommendations)


@needs_durable
def test_sessions_are_deleted_after_each_evaluation(rb):
    engine = engine_module.engine_for(rb.at(dt.date.today()))   # the rules evaluate() uses today
    evaluate({"name": "A", "sector": "retail", "employees": 5}, rules=rb)
    assert engine_module._traces == {} and engine_module._failures == {}


@needs_durable
def test_a_failing_rule_action_surfaces_as_an_error_naming_rule_and_profile(rb, monkeypatch):
    engine = engine_module.engine_for(rb.at(dt.date.today()))   # the rules evaluate() uses today

    class ExplodingTrace(list):
        def append(self, item):
            raise RuntimeError("boom")

    class Traces(dict):
        def __setitem__(self, key, value):
            super().__setitem__(key, ExplodingTrace(value))
    monkeypatch.setattr(engine_module, "_traces", Traces())
    with pytest.raises(EngineError, match=r"rule \S+ failed in its action.*boom.*profile 'Acme'"):
        evaluate({"name": "Acme", "sector": "construction", "employees": 80}, rules=rb)


def test_threads_get_the_same_answers_as_sequential_calls(rb):
    rng = random.Random(3)
    profiles = [random_profile(rng) for _ in range(40)]
    expected = [evaluate(p, rules=rb).model_dump_json() for p in profiles]
    results: dict[int, str] = {}

    def work(offset: int) -> None:
        for n in range(offset, len(profiles), 4):
            results[n] = evaluate(profiles[n], rules=rb).model_dump_json()
    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [results[n] for n in range(len(profiles))] == expected


@needs_durable
def test_ctrl_c_inside_a_rule_action_is_not_swallowed(rb, monkeypatch):
    engine = engine_module.engine_for(rb.at(dt.date.today()))   # the rules evaluate() uses today

    class InterruptedTrace(list):
        def append(self, item):
            raise KeyboardInterrupt

    class Traces(dict):
        def __setitem__(self, key, value):
            super().__setitem__(key, InterruptedTrace(value))
    monkeypatch.setattr(engine_module, "_traces", Traces())
    with pytest.raises(KeyboardInterrupt):
        evaluate({"name": "Acme", "sector": "construction", "employees": 80}, rules=rb)
    assert engine_module._failures == {}


@needs_durable
def test_no_compiled_condition_uses_a_regular_expression(rb):
    """durable_rules' delete_ruleset leaves a ruleset's regular expressions behind (about 1.2 MB
    each): value lists compile to equalities so retired rulesets are freed whole."""
    engine = engine_module.engine_for(rb)
    assert engine._conditions and "$mt" not in repr(engine._conditions)


@needs_durable
def test_retired_rule_bases_free_their_rulesets_and_still_answer_if_used_again(tmp_path, rb):
    """A long-running process reloading edited rule bases: the rulesets only retired versions
    had are deleted (issue 20: +4.07 MB per reload before); an engine a caller still holds
    registers them again when used."""
    import shutil
    from advisor.kernel.rulebase import load, shipped_rules_dir
    host = engine_module._get_host()
    profile = parse_profile({"name": "A", "sector": "construction", "employees": 80,
                             "annual_energy_tj": 90, "regulations": ["eu_eed"]})
    engines, expected = [], []
    for n in range(engine_module.MAX_ENGINES + 3):
        folder = tmp_path / f"v{n}"
        shutil.copytree(shipped_rules_dir(), folder, ignore=shutil.ignore_patterns("claims"))
        target = folder / "hard_demands.yaml"
        target.write_text(target.read_text().replace("{gt: 85}", "{gt: %d}" % (85 + n), 1))
        edited = load(folder)
        engines.append(engine_module.engine_for(edited))
        expected.append([i.key for i in run_rules(edited, profile, engines[-1]).fired])
    live = set(host._ruleset_directory)
    first = engines[0]
    assert first.retired and not set(first._conditions) <= live     # its own ruleset is gone
    assert set(engine_module._users) == live
    assert len(engine_module._registered) <= engine_module.MAX_ENGINES
    assert [i.key for i in run_rules(first.rulebase, profile, first).fired] == expected[0]
    assert not first.retired and set(first._conditions) <= set(host._ruleset_directory)
    assert "eed-certified-enms" in expected[0] and "eed-certified-enms" not in expected[5]
