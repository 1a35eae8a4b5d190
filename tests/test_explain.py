"""explain(): how, why not higher, what would change it (verified), unknowns, for every sample."""
from __future__ import annotations

import pytest

from advisor import AdvisorError, Assessment, evaluate, load_profile
from advisor.advice.catalog import NAMES
from advisor.advice.explain import ExplainedAssessment, explain

from conftest import DATA, PROFILES


@pytest.fixture(scope="module")
def explained(rb):
    """Every sample profile with every standard explained (computed once: ~100 engine runs each)."""
    return {p.stem: (load_profile(p), explain(load_profile(p), rules=rb)) for p in PROFILES}


def changed(data: dict, changes) -> dict:
    """The profile mapping with the what-if's changes made (written here, not taken from explain)."""
    data = {k: (list(v) if isinstance(v, list) else v) for k, v in data.items()}
    for c in changes:
        if c.op == "set":
            data[c.field] = c.value
        elif c.op == "add":
            data[c.field] = [*(data[c.field] or []), c.value]
        else:
            data[c.field].remove(c.value)
    return data


def decisions(assessment: Assessment) -> dict[str, str]:
    return {r.standard: r.decision for r in assessment.recommendations}


@pytest.mark.slow
def test_every_decision_of_every_sample_is_explained(explained, rb):
    for stem, (profile, a) in explained.items():
        assert [e.standard for e in a.explanations] == list(NAMES), stem
        plain = evaluate(profile, rules=rb)
        assert Assessment(**a.model_dump(exclude={"explanations"})) == plain, stem
        for e in a.explanations:
            rec = a.recommendation(e.standard)
            assert e.decision == rec.decision
            rules_in_chain = [s.rule for s in e.how]
            if e.decision == "not_needed":      # nothing, or a demand capped as not eligible
                assert e.how == [] or any(s.concludes.startswith(f"{e.standard}: at most not needed")
                                          for s in e.how), (stem, e.standard)
            else:
                assert {r.rule for r in rec.reasons} <= set(rules_in_chain), (stem, e.standard)
                assert any(s.concludes == f"{e.standard}: {e.decision}" or s.concludes.startswith(
                    f"{e.standard}: at most {e.decision}") for s in e.how), (stem, e.standard)
            for step in e.how:       # a step only uses rules that come before it in the chain
                assert set(step.uses) <= set(rules_in_chain[:rules_in_chain.index(step.rule)])
            if e.decision == "certify":
                assert e.why_not_higher == []
            else:
                assert e.why_not_higher, (stem, e.standard)
                assert all(m.missing for m in e.why_not_higher)


def test_every_what_if_is_true_when_the_changed_profile_is_evaluated(explained, rb):
    """All samples, all standards: each what-if flips the decision it claims, through evaluate().

    explain() found them with the default engine (durable_rules); they are checked here with the
    Python evaluator: an independent implementation of the same semantics, and 5x cheaper for
    the ~1,300 changed profiles (tests/test_pyengine.py proves both engines agree)."""
    checked = 0
    for stem, (profile, a) in explained.items():
        claims: dict[tuple, list] = {}
        for e in a.explanations:
            for w in e.what_would_change:
                assert w.decision != e.decision
                key = tuple((c.field, c.op, repr(c.value)) for c in w.changes)
                claims.setdefault(key, [w.changes, []])[1].append((e.standard, w.decision))
        for changes, expected in claims.values():
            after = decisions(evaluate(changed(profile.model_dump(), changes), rules=rb,
                                       engine="python"))
            for standard, decision in expected:
                assert after[standard] == decision, (stem, standard, changes)
                checked += 1
    assert checked > 200


def test_what_ifs_are_single_changes_and_pairs_only_where_no_single_change_flips(explained):
    sizes = [{len(w.changes) for w in e.what_would_change}
             for _, a in explained.values() for e in a.explanations]
    assert all(s in (set(), {1}, {2}) for s in sizes)
    assert {1} in sizes and {2} in sizes
    for _, a in explained.values():
        for e in a.explanations:
            for w in e.what_would_change:
                assert all(c.field in w.text for c in w.changes)


def test_unknown_answers_show_the_decision_under_each_value(explained, rb):
    seen = 0
    for stem, (profile, a) in explained.items():
        for e in a.explanations:
            for u in e.unknowns:
                assert getattr(profile, u.field) is None
                assert u.robust == all(o.decision == e.decision for o in u.outcomes)
                for o in u.outcomes:
                    after = evaluate(changed(profile.model_dump(), [_set(u.field, o.value)]), rules=rb)
                    assert decisions(after)[e.standard] == o.decision
                    seen += 1
    assert seen


def _set(field, value):
    from advisor.advice.explain import Change
    return Change(field=field, op="set", value=value)


def test_the_chain_runs_from_countries_through_inferred_facts_to_the_decision(explained):
    _, a = explained["saas-startup"]
    how = {s.rule: s for s in a.explanation("ISO/IEC 27001").how}
    order = [s.rule for s in a.explanation("ISO/IEC 27001").how]
    likely = "eu-established-likely"     # establishment not given: NIS2 is "likely, confirm"
    assert order.index(likely) < order.index("nis2-likely") < order.index("nis2-security-likely")
    assert how[likely].concludes == "eu_established_likely = yes" and "countries" in how[likely].answers
    assert likely in how["nis2-likely"].uses
    assert how["nis2-likely"].answers["eu_established_likely"] is True
    assert how["nis2-security-likely"].uses == ["nis2-likely"]
    assert how["nis2-security-likely"].concludes == "ISO/IEC 27001: implement"


def test_why_not_higher_names_the_failed_tests_of_stronger_rules(explained):
    _, a = explained["micro-consultancy"]
    e = a.explanation("ISO 9001")
    assert e.decision == "not_needed"
    gate = next(m for m in e.why_not_higher if m.rule == "customer-gate")
    assert gate.would == "certify"
    assert gate.missing == ["customer_requirements includes ISO 9001 (now customer_requirements: none)"]
    assert [m.would for m in e.why_not_higher] == sorted(
        (m.would for m in e.why_not_higher), key=["certify", "implement"].index)


def test_a_capped_decision_names_the_cap_and_how_to_lift_it(explained):
    _, a = explained["automotive-supplier"]
    e = a.explanation("ISO 9001")
    assert e.decision == "implement"
    assert e.why_not_higher[0].rule == "iatf-covers-9001"
    assert "the decision for IATF 16949 is certify" in e.why_not_higher[0].missing[0]
    lift = next(w for w in e.what_would_change if w.text == "certify if customer_requirements "
                                                            "also included ISO 9001")
    assert lift.fires == ["customer-gate"] and lift.stops == ["iatf-covers-9001"]


def test_explaining_one_standard_and_invalid_standards(rb):
    profile = load_profile(PROFILES[0])
    one = explain(profile, "iso27001", rules=rb)
    assert isinstance(one, ExplainedAssessment)
    assert [e.standard for e in one.explanations] == ["ISO/IEC 27001"]
    with pytest.raises(AdvisorError, match="'ISO 9002' is not a standard"):
        explain(profile, "ISO 9002", rules=rb)
    with pytest.raises(AdvisorError, match="ISO 31000 is a guidance standard"):
        explain(profile, "ISO 31000", rules=rb)


def test_evaluate_stays_free_of_explanations(rb):
    assessment = evaluate(load_profile(PROFILES[0]), rules=rb)
    assert type(assessment) is Assessment
    assert "explanations" not in assessment.model_dump_json()


def test_a_custom_rule_base_explains_its_own_rules():
    profile = {"name": "Stadtwerke Nord", "sector": "energy_utilities", "employees": 300,
               "countries": ["DE"]}
    e = explain(profile, "ISO/IEC 27001", rules=DATA / "custom_rules").explanation("ISO/IEC 27001")
    assert e.decision == "certify" and [s.rule for s in e.how] == ["de-energy-grid-isms"]
    assert any(w.changes[0].field == "countries" and w.decision == "not_needed"
               for w in e.what_would_change)
