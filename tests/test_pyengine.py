"""The Python evaluator gives exactly what durable_rules gives: a differential proof, and selection.

Profiles are generated from the profile model and the rule base themselves (every field, every
value, nulls, empty and full lists, both sides of every threshold a rule tests), so a new enum
value or rule threshold is covered without editing this file. Set DIFF_EXAMPLES to run more
(e.g. DIFF_EXAMPLES=20000 for a long run); the default keeps the file to a few seconds.
The durable side is skipped where durable_rules does not import (Python 3.13+); the Python
evaluator is then still checked against the reference semantics in advisor.kernel.conditions.
"""
from __future__ import annotations

import difflib
import json
import os
import random
import subprocess
import sys
from typing import Optional

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from advisor import AdvisorError, EngineError, evaluate, load_profile
from advisor.claims.models import FIELDS as CLAIM_FIELDS
from advisor.claims.models import parse_claim
from advisor.claims.check import EXAMPLE_BASE as CLAIM_EXAMPLE_BASE
from advisor.claims.check import check_claim, claims_rulebase
from advisor.engines import durable
from advisor import engines
from advisor.advice.assess import base_fact, run_rules
from advisor.cli.app import cli
from advisor.kernel import conditions
from advisor.kernel.conditions import evaluate as holds
from advisor.advice.models import Profile, parse_profile
from advisor.engines.python import PythonEngine, predicate
from advisor.kernel.rulebase import DECISIONS, load
from advisor.advice.ruleschema import shipped_context

PROFILE_TYPES = shipped_context().types

from conftest import DATA, PROFILES, ROOT, example

RB = load()
EXAMPLES = int(os.environ.get("DIFF_EXAMPLES", "100"))
SWEEP = int(os.environ.get("DIFF_SWEEP", "2000"))
needs_durable = pytest.mark.skipif(not durable.available(),
                                   reason=f"durable cannot run: {durable.unavailable_reason()}")


# -- generating profiles and facts from the model and the rule base ------------------------------

def _bounds(name: str) -> tuple[float, float]:
    info = Profile.model_fields[name]
    low = next((m.ge for m in info.metadata if hasattr(m, "ge")), 0)
    high = next((m.le for m in info.metadata if hasattr(m, "le")), 10**7)
    return low, high


def _thresholds(name: str) -> list:
    """Both sides of every number a rule compares `name` with, within the field's bounds."""
    low, high = _bounds(name) if name in Profile.model_fields else (0, 10**7)
    found = {low, high}

    def walk(condition):
        if isinstance(condition, conditions.Test):
            if condition.field == name and isinstance(condition.value, (int, float)) \
                    and not isinstance(condition.value, bool):
                t = condition.value
                found.update({t - 1, t - 0.5, t, t + 0.5, t + 1})
            return
        for item in condition.items:
            walk(item)
    for inst in RB.instances:
        walk(inst.condition)
    integer = name in Profile.model_fields and \
        Profile.model_fields[name].annotation in (int, Optional[int])
    values = {int(v) if integer else float(v) for v in found if low <= v <= high}
    return sorted(values)


OPTIONAL = {n for n, f in Profile.model_fields.items() if not f.is_required() and f.default is None}
NUMBERS = {n: _thresholds(n) for n, t in PROFILE_TYPES.items()
           if t.kind == "number" and n in Profile.model_fields}


class SeededDraw:
    """Choices from a seeded random.Random (the deterministic sweep)."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def one(self, values):
        return self.rng.choice(list(values))

    def some(self, values):
        values, roll = list(values), self.rng.random()
        if roll < 0.15:
            return []
        if roll < 0.2:
            return values
        return self.rng.sample(values, self.rng.randint(1, min(6, len(values))))

    def number(self, name):
        low, high = _bounds(name)
        if self.rng.random() < 0.8:
            return self.one(NUMBERS[name])
        return self.rng.randint(int(low), int(min(high, 10**5)))

    def text(self):
        return self.one(["Acme", "Ünïcödé GmbH 😀", 'Quote " and \\ backslash', "x" * 200])


class HypothesisDraw(SeededDraw):
    """The same choices, drawn by Hypothesis (so failures shrink to a small profile)."""

    def __init__(self, draw):
        self.draw = draw

    def one(self, values):
        return self.draw(st.sampled_from(list(values)))

    def some(self, values):
        values = list(values)
        return self.draw(st.one_of(st.just([]), st.just(values),
                                   st.lists(st.sampled_from(values), unique=True, max_size=6)))

    def number(self, name):
        low, high = _bounds(name)
        anything = (st.integers(int(low), int(high)) if isinstance(NUMBERS[name][0], int)
                    else st.floats(low, high, allow_nan=False, allow_infinity=False))
        return self.draw(st.one_of(st.sampled_from(NUMBERS[name]), anything))

    def text(self):
        printable = st.characters(categories=["L", "M", "N", "P", "S", "Zs"])
        return self.draw(st.text(printable, min_size=1, max_size=60))


def make_profile(d: SeededDraw) -> dict:
    """One profile: every field of the model, any valid value, null where the field allows it."""
    profile = {}
    for name in Profile.model_fields:
        ftype = PROFILE_TYPES[name]
        if ftype.kind == "text":
            value = d.text()
        elif name == "certificates":     # records: some expired, some valid, some undated
            value = [{"standard": s, "expires": d.one(["2020-01-31", "2099-01-31", None])}
                     for s in d.some(ftype.values)]
        elif ftype.kind == "list":
            value = d.some(ftype.values)
        elif ftype.kind == "bool":
            value = d.one([True, False])
        elif ftype.kind == "enum":
            value = d.one(ftype.values)
        else:
            value = d.number(name)
        if name in OPTIONAL and d.one([True, False, False]):
            value = None
        profile[name] = value
    return profile


def make_fact(d: SeededDraw, profile: dict) -> dict:
    """A fact as the engines see it, with inferred facts and decisions set at random (even
    combinations the rule base never produces): a direct test of `fire`."""
    fact = base_fact(RB, parse_profile(profile))
    for spec in RB.facts.values():
        choices = {"bool": [True, False], "enum": list(spec.values),
                   "number": _thresholds(spec.name)}[spec.kind]
        fact[spec.name] = d.one([*choices, None])
    for name in fact:
        if name.startswith("decision_"):
            fact[name] = d.one(DECISIONS)
    return fact


# -- comparing -----------------------------------------------------------------------------------

def run_outcome(profile: Profile, engine: str):
    """All that an engine decides for a profile; `assess()` turns it into the assessment
    without touching the engine, so equal runs mean equal assessments (cheaper to compare)."""
    try:
        run = run_rules(RB, profile, engine)
    except EngineError as exc:
        return f"EngineError: {exc}"
    return ([i.key for i in run.fired], run.fact, {k: i.key for k, i in run.inferred_by.items()},
            run.decisions)


def same_on_both(subject: dict, judge) -> None:
    """`judge(engine)` gives JSON text; both engines must give the same bytes (or the same error),
    else the test fails showing `subject` and the first lines that differ."""
    results = {}
    for engine in engines.ENGINES:
        try:
            judged = judge(engine)
            assert judged.engine == engine          # the record names the engine that ran
            results[engine] = judged.model_dump_json(indent=1, exclude={"engine"})
        except AdvisorError as exc:
            results[engine] = f"{type(exc).__name__}: {exc}"
    if results["durable"] != results["python"]:
        diff = "\n".join(list(difflib.unified_diff(results["durable"].splitlines(),
                                                   results["python"].splitlines(), "durable",
                                                   "python", lineterm=""))[:40])
        shown = json.dumps(subject, indent=1, default=str)
        pytest.fail(f"the engines disagree on:\n{shown}\n{diff}")


def assert_same_assessment(profile) -> None:
    shown = profile.model_dump() if isinstance(profile, Profile) else profile
    same_on_both(shown, lambda engine: evaluate(profile, rules=RB, engine=engine))


def valid_only(make, parse):
    """A Hypothesis strategy of what `make` draws, kept only if `parse` accepts it (input the
    models reject never reaches an engine)."""
    @st.composite
    def strategy(draw):
        value = make(HypothesisDraw(draw))
        try:
            parse(value)
        except AdvisorError:
            assume(False)
        return value
    return strategy()


profile_strategy = valid_only(make_profile, parse_profile)


@st.composite
def facts(draw):
    return make_fact(HypothesisDraw(draw), draw(profile_strategy))


PROPERTY = settings(max_examples=EXAMPLES, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def test_generators_cover_every_field_value_null_and_full_list():
    rng = random.Random(1)
    seen = [make_profile(SeededDraw(rng)) for _ in range(600)]
    for name, ftype in PROFILE_TYPES.items():
        if name not in Profile.model_fields:
            continue
        values = [p[name] for p in seen]
        if name in OPTIONAL:
            assert None in values, name
        if name == "certificates":
            assert [] in values and any(len(v) == len(ftype.values) for v in values), name
        elif ftype.kind == "list":
            assert [] in values and list(ftype.values) in values, name
        if ftype.kind == "enum":
            assert set(ftype.values) <= set(values), name
    assert {0.0, 85.0, 84.5, 85.5} <= {p["annual_energy_tj"] for p in seen}
    for profile in seen[:50]:
        parse_profile(profile)   # every generated profile is valid


# -- the proof -----------------------------------------------------------------------------------

@needs_durable
@PROPERTY
@given(profile_strategy)
@pytest.mark.slow
def test_hypothesis_profiles_give_identical_assessments(profile):
    assert_same_assessment(profile)


@needs_durable
@pytest.mark.slow
def test_seeded_sweep_gives_identical_runs_and_assessments():
    """SWEEP profiles: identical rule runs for all, byte-identical assessments for every 20th;
    between them they fire every rule of the rule base."""
    rng = random.Random(20261121)
    fired: set[str] = set()
    for n in range(SWEEP):
        profile = parse_profile(make_profile(SeededDraw(rng)))
        ran = run_outcome(profile, "python")
        if n % 20 == 0:
            assert_same_assessment(profile)
        elif run_outcome(profile, "durable") != ran:
            assert_same_assessment(profile)    # fails, showing the profile and the difference
            pytest.fail(f"the engines ran differently on {profile.model_dump()}")
        fired.update(key.split("[")[0] for key in ran[0])
    if SWEEP >= 2000:
        assert fired == {rule.id for rule in RB.rules}


@needs_durable
@pytest.mark.parametrize("energy", [1e-05, 9e-05, 5e-324, 2.5e-05, 0.0001, 1e9])
def test_numbers_printed_with_an_exponent_give_identical_assessments(energy):
    """durable_rules cannot parse `1e-05` (error 204); the adapter must still agree."""
    assert_same_assessment({"name": "Tiny", "sector": "manufacturing", "employees": 300,
                            "annual_energy_tj": energy})


@needs_durable
@pytest.mark.parametrize("path", PROFILES, ids=[p.stem for p in PROFILES])
def test_sample_profiles_give_identical_assessments(path):
    assert_same_assessment(load_profile(path))


@needs_durable
def test_every_rule_example_gives_identical_assessments():
    fragments = [f for rule in RB.rules for kind in ("fires", "not_fires")
                 for f in rule.examples.get(kind, [])]
    assert len(fragments) >= 2 * len(RB.rules)
    for fragment in fragments:
        assert_same_assessment(example(fragment))


@needs_durable
@PROPERTY
@given(facts())
@pytest.mark.slow
def test_both_engines_fire_the_same_keys_per_stratum(fact):
    py, du = PythonEngine(RB), durable.engine_for(RB)
    for stratum in range(len(RB.strata)):
        assert py.fire(stratum, fact) == du.fire(stratum, fact), (stratum, fact)


@PROPERTY
@given(facts())
@pytest.mark.slow
def test_python_engine_fires_exactly_the_rules_whose_condition_holds(fact):
    engine = engines.engine_for(RB, "python")
    for stratum, layer in enumerate(RB.strata):
        expected = [i.key for i in sorted(layer, key=lambda i: i.index) if holds(i.condition, fact)]
        assert engine.fire(stratum, fact) == expected, (stratum, fact)


@PROPERTY
@given(facts())
@pytest.mark.slow
def test_a_compiled_predicate_agrees_with_the_reference_semantics(fact):
    """The unknowns' what-if checks use predicate(); it must say what conditions.evaluate says."""
    for inst in RB.instances:
        compiled = _PREDICATES.get(inst.key) or _PREDICATES.setdefault(
            inst.key, predicate(inst.condition, inst.key))
        assert compiled(fact) is holds(inst.condition, fact), (inst.key, fact)


_PREDICATES: dict = {}


def test_unhashable_rule_values_compare_one_by_one(rb):
    """A custom rule base may hold values a set cannot: the engine falls back to a tuple."""
    from dataclasses import replace

    from advisor.engines.python import _Compiler
    test = conditions.Test("goals", "contains_any", (["x"], "insurance"))
    run = _Compiler().function([replace(rb.instances[0], key="k", condition=test)], "test")
    assert run({"goals": ["insurance"]}) == ["k"]
    assert run({"goals": [["x"]]}) == ["k"]
    assert run({"goals": ["other"]}) == [] and run({"goals": None}) == []


# -- claim checks --------------------------------------------------------------------------------

CLAIM_RB = claims_rulebase()
CLAIM_CASES = yaml.safe_load((DATA / "claims" / "red_flags.yaml").read_text("utf-8"))
REAL_CLAIMS = [c["claim"] for c in CLAIM_CASES] + [
    yaml.safe_load((DATA / "claims" / "clean.yaml").read_text("utf-8"))]


def _claim_pools() -> dict[str, list]:
    """Per claim field, every value the claim rules' examples and the realistic cases use, plus
    unknown: mixing them reaches the words, bodies, dates and thresholds the rules test."""
    pools: dict[str, list] = {name: [None] for name in CLAIM_FIELDS}
    fragments = [CLAIM_EXAMPLE_BASE, *REAL_CLAIMS] + [
        f for rule in CLAIM_RB.rules for kind in ("fires", "not_fires")
        for f in rule.examples.get(kind, [])]
    for fragment in fragments:
        for name, value in fragment.items():
            if value not in pools[name]:
                pools[name].append(value)
    pools["audit_days"] += [0, 0.5, 1e-05, 250]
    pools["employees"] += [1, 10_000_000]
    pools["sites"] += [[], ["Site A", "Site B"]]
    pools["supplier"] = [v for v in pools["supplier"] if v is not None]
    pools["standard"] = [v for v in pools["standard"] if v is not None]
    pools["as_of"] = [v for v in pools["as_of"] if v is not None]     # results must not vary by day
    return pools


CLAIM_POOLS = _claim_pools()


def make_claim(d: SeededDraw) -> dict:
    return {name: d.one(values) for name, values in CLAIM_POOLS.items()}


claim_strategy = valid_only(make_claim, parse_claim)     # e.g. not two different editions


def assert_same_claim_check(claim: dict) -> None:
    same_on_both(claim, lambda engine: check_claim(claim, rules=CLAIM_RB, engine=engine))


@needs_durable
@PROPERTY
@given(claim_strategy)
def test_hypothesis_claims_give_identical_checks(claim):
    assert_same_claim_check(claim)


@needs_durable
@pytest.mark.slow
def test_seeded_claims_and_every_real_case_give_identical_checks():
    rng = random.Random(6)
    mixed = [make_claim(SeededDraw(rng)) for _ in range(SWEEP // 4)]
    for claim in REAL_CLAIMS + mixed:
        assert_same_claim_check(claim)
    fired = {r for c in mixed for r in check_claim(c, rules=CLAIM_RB, engine="python").fired_rules}
    assert fired == {rule.id for rule in CLAIM_RB.rules}    # the mix exercises every claim rule
    valid = [c for c in mixed if _valid_claim(c)]
    assert len(valid) >= len(mixed) // 2
    verdicts = {check_claim(c, rules=CLAIM_RB, engine="python").verdict for c in valid[:200]}
    assert {"verify", "not_credible"} <= verdicts         # the mix reaches more than one verdict


def _valid_claim(claim: dict) -> bool:
    try:
        parse_claim(claim)
    except AdvisorError:
        return False
    return True


# -- selection -----------------------------------------------------------------------------------

@pytest.fixture
def no_durable(monkeypatch):
    """Pretend durable_rules does not import (as on Python 3.13), with no engine chosen."""
    monkeypatch.setattr(durable, "unavailable_reason",
                        lambda: "durable-rules does not import on Python 3.13.0 (undefined symbol)")
    monkeypatch.delenv(engines.ENV, raising=False)


def test_default_is_durable_where_it_imports_else_python(no_durable):
    assert engines.default_name() == "python" and engines.available_engines() == ("python",)
    assert isinstance(engines.engine_for(RB), PythonEngine)
    assert "Python evaluator" in engines.fallback_notice()


def test_default_engine_where_durable_imports():
    if durable.available():
        assert engines.default_name() == "durable" and engines.fallback_notice() is None
        assert engines.available_engines() == ("durable", "python")
    else:
        assert engines.default_name() == "python" and engines.fallback_notice()


def test_asking_for_missing_durable_says_why_and_what_to_do(no_durable):
    with pytest.raises(EngineError, match=r"cannot run: durable-rules does not import.*"
                                          r"engine='python'.*Python 3.10 to 3.12"):
        evaluate({"name": "A", "sector": "retail", "employees": 5}, engine="durable")


def test_unknown_engine_is_an_error_with_a_suggestion():
    with pytest.raises(EngineError, match=r"unknown engine 'pyton'.*did you mean 'python'"):
        evaluate({"name": "A", "sector": "retail", "employees": 5}, engine="pyton")


def test_cli_notes_the_fallback_once_and_prints_the_same_assessment(no_durable):
    runner = CliRunner()
    args = ["evaluate", str(ROOT / "profiles" / "saas-startup.yaml"), "--format", "json"]
    fallback = runner.invoke(cli, args)
    chosen = runner.invoke(cli, ["--engine", "python", *args])
    assert fallback.exit_code == 0 and chosen.exit_code == 0
    assert fallback.stdout == chosen.stdout
    assert fallback.stderr.count("note: durable-rules does not import") == 1
    assert chosen.stderr == ""


def test_cli_engine_durable_where_missing_exits_1_with_the_reason(no_durable):
    result = CliRunner().invoke(cli, ["--engine", "durable", "evaluate",
                                      str(ROOT / "profiles" / "saas-startup.yaml")])
    assert result.exit_code == 1
    assert "error: the durable engine cannot run" in result.stderr and result.stdout == ""


def test_the_environment_variable_chooses_the_engine_and_silences_the_note(no_durable):
    sample = str(ROOT / "profiles" / "saas-startup.yaml")
    chosen = CliRunner().invoke(cli, ["evaluate", sample], env={engines.ENV: "python"})
    assert chosen.exit_code == 0 and chosen.stderr == "" and "Plan, in order" in chosen.stdout
    refused = CliRunner().invoke(cli, ["evaluate", sample], env={engines.ENV: "durable"})
    assert refused.exit_code == 1 and "the durable engine cannot run" in refused.stderr


def test_runs_without_durable_installed_and_never_imports_it():
    """A process where `import durable` fails: the default falls back to python, which runs."""
    code = ("import sys\n"
            "class NoDurable:\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name.split('.')[0] == 'durable':\n"
            "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
            "sys.meta_path.insert(0, NoDurable())\n"
            "from advisor.cli.app import main; sys.argv = ['iso-advisor', 'evaluate', "
            f"{str(ROOT / 'profiles' / 'saas-startup.yaml')!r}, '--format', 'json']\n"
            "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n")
    env = {k: v for k, v in os.environ.items() if k != engines.ENV}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("durable-rules is not installed") == 1
    sample = str(ROOT / "profiles" / "saas-startup.yaml")
    expected = CliRunner().invoke(cli, ["--engine", "python", "evaluate", sample,
                                        "--format", "json"])
    assert done.stdout == expected.stdout
