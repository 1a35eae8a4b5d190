"""evaluate(): profile -> rule engine -> decisions, priorities, effort -> Assessment.

Domain knowledge lives in the rule files. This module only applies the rule base's generic
semantics: inferred facts feed later strata, a standard's decision is the strongest
`recommend` that fired, capped by any `limit`, and the plan is ordered by driver tier, then
deadline, synergy with systems already in place, and effort.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Union

from advisor.advice import catalog, vocabulary
from advisor.kernel.counterfactual import candidates, derived, open_fields, refire
from advisor.advice import certificates as certificate_checks
from advisor.advice.costs import Audited, DayRateArg, day_rate as find_day_rate, plan_costs
from advisor.kernel.text import fill
from advisor.advice.effort import estimate
from advisor.advice.plan import deadline_options, dominant, roadmap as build_roadmap
from advisor.errors import EngineError, InputError, Problem, RuleBaseError, printable
from advisor.advice.models import (FIELDS, FORMAT_VERSION, Assessment, CertificateCheck, InferredFact, Profile,
                                   Reason, Recommendation, SchemeAdvice, Unknown, label,
                                   parse_profile)
from advisor.kernel.rulebase import DECISIONS, RuleBase, RuleInstance, load
from advisor.advice.ruleschema import SCHEME_LEVELS
from advisor.version import __version__

RulesArg = Union[None, str, Path, RuleBase]
DRIVER_RANK = {"hard_demand": 0, "regulation": 1, "market": 2, "internal": 3, "held": 4}
RANK = {d: n for n, d in enumerate(DECISIONS)}
#: The conclusions that make a decision (a field they depend on can change advice).
DECIDING = ("recommend", "limit")


def rulebase(rules: RulesArg = None) -> RuleBase:
    """The rule base `rules` names (a folder, a loaded RuleBase, or None for the shipped one)."""
    return rules if isinstance(rules, RuleBase) else load(rules)


def default_engine(rb: RuleBase, name: str | None = None):
    """The engine `name` ("durable" or "python"; None = the default) for `rb` (advisor.engines)."""
    from advisor.engines import engine_for
    return engine_for(rb, name)


@dataclass
class Run:
    """What one pass of the rule base over a profile produced."""

    fact: dict[str, Any]
    as_of: dt.date                # the date the rules were applied for
    engine: str                   # the engine's name ("durable" or "python")
    certificates: list[CertificateCheck] = field(default_factory=list)
    fired: list[RuleInstance] = field(default_factory=list)
    inferred_by: dict[str, RuleInstance] = field(default_factory=dict)
    decisions: dict[str, str] = field(default_factory=dict)


def as_of_date(value: Any = None) -> dt.date:
    """The assessment date: a date, an ISO 8601 date string, or None for today."""
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError([Problem(f"'{printable(value, 40)}' is not a date", field="as_of",
                                  valid="an ISO 8601 date, YYYY-MM-DD")]) from None


def base_fact(rb: RuleBase, profile: Profile, as_of: dt.date | None = None,
              checks: list[CertificateCheck] | None = None) -> dict[str, Any]:
    """The fact the rules see: the profile, inferred facts at their defaults, and certificates
    held as of `as_of` (`certified` lists only those in place)."""
    fact = profile.model_dump()
    if profile.nace_codes:     # NACE codes imply activities (vocabulary data): known, not null
        implied = vocabulary.implied_activities(profile.nace_codes, rb.data.get(vocabulary.NACE_FILE))
        fact["activities"] = list(dict.fromkeys([*(profile.activities or ()), *implied]))
    for spec in rb.facts.values():
        fact[spec.name] = spec.default
    for _, decision_fact in catalog.active().decision_facts:
        fact[decision_fact] = "not_needed"
    as_of = as_of or dt.date.today()
    if checks is None:
        checks = certificate_checks.check(rb, profile, as_of) if profile.certificates else []
    derived = certificate_checks.facts(checks)
    fact.update(derived)
    lapsed = set(derived["certificates_lapsed"])
    fact["certified"] = [s for s in profile.certified if s not in lapsed]
    fact["certificates"] = [c.standard for c in profile.certificates]
    fact["as_of"] = as_of.isoformat()
    return fact


def decide(fired: list[RuleInstance]) -> dict[str, str]:
    """Strongest recommendation per standard, capped at `implement` by a limit."""
    decisions = dict.fromkeys(catalog.active().NAMES, "not_needed")
    caps: dict[str, str] = {}           # standard -> the lowest decision a limit allows
    rank = RANK
    for inst in fired:
        c = inst.conclusion
        kind = c.kind
        if kind == "recommend":
            if rank[c.decision] > rank[decisions[c.standard]]:
                decisions[c.standard] = c.decision
        elif kind == "limit":
            caps[c.standard] = min(caps.get(c.standard, "implement"), c.decision, key=rank.get)
    for name, cap in caps.items():
        if RANK[decisions[name]] > RANK[cap]:
            decisions[name] = cap
    return decisions


def run_rules(rb: RuleBase, profile: Profile, engine=None, as_of: Any = None,
              only: frozenset[str] | None = None) -> Run:
    """Fire the rule base stratum by stratum; inferred facts and decisions feed later strata.

    `engine` is an engine object, or an engine name (None = the default); `as_of` the date
    certificates held are checked on (None = today); `only` restricts the run to these rule
    instance keys (`RuleBase.needed_for` gives a set whose result is that of a full run).
    """
    engine = default_engine(rb, engine) if engine is None or isinstance(engine, str) else engine
    day = as_of_date(as_of)
    checks = certificate_checks.check(rb, profile, day) if profile.certificates else []
    run = Run(base_fact(rb, profile, day, checks), day, engine.name, certificates=checks)
    by_key = derived(rb, "by_key", lambda: {inst.key: inst for inst in rb.instances})
    for stratum in range(len(rb.strata)):
        for key in (engine.fire(stratum, run.fact) if only is None else
                    engine.fire(stratum, run.fact, only)):
            inst = by_key[key]
            run.fired.append(inst)
            for name, value in inst.conclusion.facts:
                earlier = run.inferred_by.get(name)
                if earlier and run.fact[name] != value:
                    raise EngineError(f"rules {earlier.key} and {inst.key} infer different values "
                                      f"for fact '{name}'; the rule base needs a precedence")
                run.fact[name] = value
                run.inferred_by[name] = inst
        run.decisions = decide(run.fired)
        for name, decision_fact in catalog.active().decision_facts:
            run.fact[decision_fact] = run.decisions[name]
    return run


def _show(value: Any) -> str:
    """A fact value in words, as rule texts quote it."""
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple)):
        return ", ".join(_show(v) for v in value) or "none"
    return label(str(value))


def render(text: str, fact: Mapping[str, Any]) -> str:
    """A rule text with `{fact}` placeholders filled in words; unknown names are left as written
    (advisor.kernel.text.fill: names only, bounded)."""
    return fill(text, fact, _show)


def reason(inst: RuleInstance, run: Run) -> Reason:
    c = inst.conclusion
    fact, inferred_by = run.fact, run.inferred_by
    return Reason.trusted(
        rule=inst.rule.id, text=render(inst.text, fact), source=inst.rule.source,
        driver=c.driver or ("covered" if c.kind == "limit" else c.kind),
        answers={f: fact[f] for f in inst.uses},
        inferred_from=list(dict.fromkeys(inferred_by[f].rule.id for f in inst.uses
                                         if f in inferred_by)))


def _sort_key(name: str, recs: list[RuleInstance], profile: Profile, months: int,
              in_place: list[str], harmonized_in_place: int, dominant: set[str]) -> tuple:
    """Driver tier, then deadline, the organization's dominant risks, synergy with systems in
    place, effort; then weight of reasons. `harmonized_in_place` counts the systems in place
    that share the harmonized structure; `dominant` the standards addressing dominant risks."""
    tier = min((DRIVER_RANK[i.conclusion.driver] for i in recs), default=len(DRIVER_RANK))
    hard = any(i.conclusion.driver == "hard_demand" for i in recs)
    deadline = 0 if (profile.deadline_months and hard) else 1
    std = catalog.BY_NAME[name]
    synergy = 2 * (name in in_place) + (
        harmonized_in_place - in_place.count(name) if std.harmonized_structure else 0)
    return (tier, deadline, 0 if name in dominant else 1, -synergy, months, -len(recs),
            catalog.NAMES.index(name))


_GROUPED = ("recommend", "limit", "note")     # conclusions kept per standard


def _by_strength(inst: RuleInstance) -> tuple[int, int]:
    return -RANK[inst.conclusion.decision], inst.index


def assess(rb: RuleBase, profile: Profile, run: Run, *, with_unknowns: bool = True,
           day_rate: DayRateArg = None) -> Assessment:
    """Turn a run into the public Assessment (`with_unknowns=False` skips the costly unknowns;
    `day_rate` overrides the day-rate table of the cost model)."""
    recs: dict[str, list[RuleInstance]] = {}
    limits: dict[str, list[RuleInstance]] = {}
    notes: dict[str | None, list[RuleInstance]] = {}
    warnings: list[str] = []
    schemes: dict[str, list[RuleInstance]] = {}
    for inst in run.fired:
        c = inst.conclusion
        if c.kind in _GROUPED:
            by_kind = recs if c.kind == "recommend" else limits if c.kind == "limit" else notes
            by_kind.setdefault(c.standard, []).append(inst)
        elif c.kind == "warn":
            warnings.append(render(inst.text, run.fact))
        elif c.kind == "scheme":
            schemes.setdefault(dict(c.values)["scheme"], []).append(inst)

    entries: dict[str, tuple] = {}  # name -> (decision, currently, reasons, also, effort, notes)
    keys: dict[str, tuple] = {}
    in_force = run.fact["certified"]                  # certificates in place as of the date
    lapsed = set(run.fact.get("certificates_lapsed") or ())
    in_place = profile.certified + profile.implemented
    harmonized_in_place = sum(s in catalog.BY_NAME and catalog.BY_NAME[s].harmonized_structure
                              for s in in_place)
    planning = rb.data.get("planning.yaml")
    risks = dominant(planning, run.fact)
    for name in catalog.NAMES:
        decision = run.decisions[name]
        currently = ("certified" if name in in_force else
                     "implemented" if name in profile.implemented or name in lapsed else "none")
        standard_recs, standard_limits = recs.get(name, ()), limits.get(name, ())
        # a reason's wording matches the decision it sits under: a rule that recommended more
        # (certify, capped by a limit) is not shown under it; one that recommended less
        # (implement, under certify) is kept apart in `also`
        ordered = sorted(standard_recs, key=_by_strength)
        supporting = [i for i in ordered if i.conclusion.decision == decision]
        weaker = [i for i in ordered if RANK[i.conclusion.decision] < RANK[decision]]
        if decision != "certify" and standard_limits and any(
                RANK[i.conclusion.decision] > RANK[decision] for i in standard_recs):
            supporting = [*standard_limits, *supporting]
        effort = None
        if decision != "not_needed":
            effort = estimate(rb.effort, name, profile) if rb.effort else None
            months = effort.typical_months[0] if effort else 0
            keys[name] = _sort_key(name, standard_recs, profile, months, in_place,
                                   harmonized_in_place, risks) + (0,)
        entries[name] = (decision, currently, [reason(i, run) for i in supporting],
                         [reason(i, run) for i in weaker], effort,
                         [reason(i, run) for i in notes.get(name, ())])
    covered: dict[str, str] = {}
    for name in list(keys):   # a covered base standard goes right after the one that covers it
        covering = [i.conclusion.by for i in limits.get(name, ()) if i.conclusion.by in keys]
        if covering and run.decisions[name] == "implement":
            keys[name] = keys[covering[0]][:-1] + (1,)
            covered[name] = covering[0]
    ranked = sorted(keys, key=keys.__getitem__)
    priority = {name: n for n, name in enumerate(ranked, 1)}
    checks = {c.standard: c for c in run.certificates}
    recommendations = []
    for name in [*ranked, *(n for n in catalog.NAMES if n not in priority)]:
        decision, currently, reasons, also, effort, standard_notes = entries[name]
        recommendations.append(Recommendation.trusted(
            standard=name, title=catalog.BY_NAME[name].title, decision=decision,
            priority=priority.get(name), currently=currently, reasons=reasons, also=also,
            effort=effort, notes=standard_notes, certificate=checks.get(name)))

    for field_name in (name for name, ftype in rb.types.items() if ftype.item == "standard"):
        for ref in getattr(profile, field_name, ()):      # derived facts are not answers
            if not isinstance(ref, str):                   # certificate records
                continue
            text = catalog.active().reference_warning(ref)
            if text and text not in warnings:
                warnings.append(text)

    plan = [r for r in recommendations if r.priority is not None]
    road = costs = None
    if planning:
        critical = {r.standard for r in plan if r.decision == "certify" and any(
            x.driver == "hard_demand" for x in r.reasons)}
        road = build_roadmap(planning, profile, plan, covered, critical, run.certificates,
                             run.as_of, deadline_options(planning))
        if road.fits_deadline is False and road.deadline_note:
            warnings.append(road.deadline_note)
        if "costs.yaml" in rb.data and rb.effort:
            costs = _costs(rb, profile, plan, road, day_rate)

    return Assessment.trusted(
        organization=profile.name,
        rulebase_version=rb.version,
        **record_fields(rb, run.engine, run.as_of),
        recommendations=recommendations,
        unknowns=unknowns(rb, profile, run) if with_unknowns else [],
        warnings=warnings,
        fired_rules=list(dict.fromkeys(i.rule.id for i in run.fired)),
        inferred=[InferredFact.trusted(fact=name, value=run.fact[name], rule=inst.rule.id,
                                       text=render(inst.text, run.fact))
                  for name, inst in run.inferred_by.items()],
        notes=[reason(i, run) for i in notes.get(None, ())],
        certificates=list(run.certificates),
        roadmap=road,
        costs=costs,
        schemes=scheme_advice(profile, run, schemes),
        profile=profile,
    )


def record_fields(rb: RuleBase, engine: str, as_of: dt.date) -> dict[str, Any]:
    """What a decision record states beside the advice so that it can be reproduced: the rule
    base's content digest, the date, the advisor's version, the engine and the record layout
    (in the order of the Assessment's fields)."""
    return {"rulebase_digest": rb.content_digest, "as_of": as_of,
            "advisor_version": __version__, "engine": engine, "format_version": FORMAT_VERSION}


def _costs(rb: RuleBase, profile: Profile, plan: list[Recommendation], road: Any,
           day_rate: DayRateArg):
    """The cost of the certificates the plan certifies or keeps, over one three-year cycle."""
    project_of = {name: n for n, p in enumerate(road.projects) for name in p.standards}
    audited = [Audited(r.standard, r.currently == "certified",
                       (r.effort.typical_months[0], r.effort.typical_months[1]),
                       catalog.BY_NAME[r.standard].harmonized_structure,
                       project_of.get(r.standard, -1))
               for r in plan if r.decision == "certify" and r.effort]
    rate = find_day_rate(rb.data["costs.yaml"], profile, day_rate)
    return plan_costs(rb.effort, rb.data["costs.yaml"], profile, audited, rate)


def scheme_advice(profile: Profile, run: Run,
                  fired: dict[str, list[RuleInstance]]) -> list[SchemeAdvice]:
    """One entry per scheme the rules named: its strongest level, every reason; strongest first,
    then in the order the rules fired."""
    entries = []
    for key, insts in fired.items():
        levels = [dict(i.conclusion.values)["level"] for i in insts]
        level = min(levels, key=SCHEME_LEVELS.index)
        cat = catalog.active()
        entries.append((SCHEME_LEVELS.index(level), SchemeAdvice.trusted(
            scheme=cat.label(key), level=level, held=key in profile.schemes_held,
            what=next((t.description for t in cat.vocabularies["schemes"].terms if t.value == key),
                      ""), reasons=[reason(i, run) for i in insts])))
    return [entry for _, entry in sorted(entries, key=lambda e: e[0])]


def what_if(rb: RuleBase, run: Run, name: str, value: Any) -> dict[str, str]:
    """Decisions if `name` were `value` (the what-if of `advisor.kernel.counterfactual`, with
    the decisions so far settled between the rules that read them)."""
    fired = refire(rb, run.fact, run.fired, name, value, settle=_decision_facts,
                   settles=_is_decision_fact)
    return run.decisions if fired is None else decide(fired)


def _decision_facts(fired: list[RuleInstance]) -> dict[str, str]:
    decisions = decide(fired)
    return {key: decisions[name] for name, key in catalog.active().decision_facts}


def _is_decision_fact(name: str) -> bool:
    return name.startswith("decision_")


def unknowns(rb: RuleBase, profile: Profile, run: Run) -> list[Unknown]:
    """Null answers, each with the standards whose decision some known answer would change."""
    result = []
    for name in open_fields(rb, run.fact, FIELDS, DECIDING):
        changed: set[str] = set()
        for value in candidates(rb, name):
            decisions = what_if(rb, run, name, value)
            if decisions is not run.decisions:
                changed.update(s for s in catalog.NAMES if decisions[s] != run.decisions[s])
        if changed:
            result.append(Unknown.trusted(field=name, could_change=[
                s for s in catalog.NAMES if s in changed]))
    return result


def evaluate(profile: Union[Profile, Mapping[str, Any]], *, rules: RulesArg = None,
             engine: str | None = None, as_of: Any = None, day_rate: DayRateArg = None) -> Assessment:
    """Assess one organization profile. Raises a subclass of AdvisorError on invalid input.

    `engine` is "durable" or "python" (same results); None picks durable where it imports.
    `as_of` (a date or "YYYY-MM-DD"; default today) is the day the rules are taken as of (their
    `valid_from` / `valid_until`) and the day certificates held are checked on. `day_rate`
    overrides the cost model's day-rate table: an amount (1200), with a currency ("1200 EUR",
    (1200, "EUR"), {"amount": 1200, "currency": "EUR"}).
    """
    day = as_of_date(as_of)
    rb = rulebase(rules).at(day)
    if rb.kind != "advice":
        raise RuleBaseError([Problem(f"is a '{rb.kind}' rule base; evaluating a profile needs an "
                                     "'advice' rule base (kind: advice in rulebase.yaml)",
                                     source=str(rb.path))])
    runner = default_engine(rb, engine)
    try:
        with catalog.using(catalog.of(rb)):
            parsed = parse_profile(dict(profile) if isinstance(profile, Mapping) else profile)
            return assess(rb, parsed, run_rules(rb, parsed, runner, day), day_rate=day_rate)
    except EngineError as exc:
        raise EngineError([p.__class__(f"{p.message} (profile '{parsed.name}')", p.field, p.source,
                                       p.location, p.suggestions, p.valid) for p in exc.problems])
