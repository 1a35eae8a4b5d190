"""One owner for derived state (advisor.kernel.compiled): engines and lookup tables are kept per
rule base content, for the rule bases used last, and one clear() empties every cache."""
from types import SimpleNamespace

import pytest

from advisor import evaluate
from advisor.advice.assess import rulebase
from advisor.engines import available_engines, engine_for
from advisor.kernel import compiled
from advisor.kernel.counterfactual import derived

PROFILE = {"name": "Acme", "sector": "construction", "employees": 80, "bids_for_tenders": True,
           "tender_requirements": ["ISO 9001"], "ohs_risk": None}


def test_one_state_per_content_shared_by_engines_and_tables():
    rb = rulebase()
    state = compiled.of(rb)
    assert compiled.of(SimpleNamespace(digest=rb.digest)) is state     # keyed by content
    assert engine_for(rb, "python") is engine_for(rb, "python")
    assert derived(rb, ("test table",), lambda: object()) is state.table(("test table",), list)


def test_clear_forgets_everything_and_changes_no_result():
    before = {name: evaluate(PROFILE, engine=name).model_dump_json() for name in available_engines()}
    rb = rulebase()
    engine = engine_for(rb, "python")
    table = derived(rb, ("test table",), lambda: object())
    compiled.clear()
    assert rulebase() is not rb                          # the loader's caches were emptied too
    assert engine_for(rulebase(), "python") is not engine
    assert derived(rulebase(), ("test table",), lambda: object()) is not table
    after = {name: evaluate(PROFILE, engine=name).model_dump_json() for name in available_engines()}
    assert after == before


def test_only_the_rule_bases_used_last_are_kept():
    first = SimpleNamespace(digest="first")
    state = compiled.of(first)
    for n in range(compiled.KEEP - 1):
        compiled.of(SimpleNamespace(digest=f"other {n}"))
    assert compiled.of(first) is state                   # used again: now the most recent
    for n in range(compiled.KEEP):
        compiled.of(SimpleNamespace(digest=f"newer {n}"))
    assert compiled.of(first) is not state               # beyond KEEP: built anew
    assert len(compiled._compiled) <= compiled.KEEP


@pytest.mark.parametrize("name", available_engines())
def test_an_engine_held_across_clear_still_runs(name):
    rb = rulebase()
    engine = engine_for(rb, name)
    compiled.clear()
    assert evaluate(PROFILE, rules=rb, engine=name).recommendations     # re-registers if needed
    assert engine.fire(0, {"tender_requirements": ["ISO 9001"]}) is not None
