"""Explanations computed by the engine: how a decision was reached, why it is not stronger, which
answers would change it, and how it depends on the answers that are not known.

Nothing here is written by hand. *How* is the chain of rules that fired, with the inferred facts
between them. *Why not higher* lists the stronger rules that did not fire and the tests they
failed. *What would change it* is found by re-running changed profiles through the same engine
as `evaluate()`: candidate changes come from the failing (or holding) tests of the rules that
matter, and only changes that really flip the decision are kept, so every what-if is true. This
costs tens to hundreds of engine runs, so it lives here and not in the `evaluate()` hot path.
"""
from __future__ import annotations

import datetime as dt

import itertools
from dataclasses import dataclass
from typing import Any, Iterable, Literal, Mapping, Optional, Union

from pydantic import BaseModel, ConfigDict, Field

from advisor.advice import catalog
from advisor.advice.assess import (DECIDING, RANK, RulesArg, _show, as_of_date, assess, default_engine, render,
                                   rulebase, run_rules)
from advisor.kernel.counterfactual import candidates, open_fields, sides
from advisor.kernel.conditions import All, Any_, Condition, Test
from advisor.kernel.conditions import evaluate as holds
from advisor.kernel.operators import OPERATORS
from advisor.errors import AdvisorError, EngineError, Problem, ProfileError
from advisor.advice.models import Assessment, Decision, Profile, parse_profile
from advisor.advice.ruleschema import active_types
from advisor.kernel.rulebase import DECISIONS, RuleBase, RuleInstance
from advisor.advice.certificates import DATED_FACTS

#: How many alternative values one test contributes, and how many pairs one decision may try.
MAX_ALTERNATIVES = 4
MAX_PAIRS = 24
MAX_DEPTH = 3
#: Fields people can act on come first in what-ifs; what an organization is comes last.
FIELD_ORDER = ("customer_requirements", "tender_requirements", "bids_for_tenders", "customer_types",
               "customer_sectors", "goals", "budget", "certified", "implemented", "regulations",
               "data_sensitivity", "environmental_impact", "ohs_risk", "annual_energy_tj",
               "ai_role", "countries", "deadline_months", "employees", "sites", "sector", "name")
_INTS = {"employees": 1, "sites": 1, "deadline_months": 1}       # integer fields and their minimum


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Change(_Out):
    """One changed answer: `set` a field, or `add` / `remove` one item of a list field."""

    field: str
    op: Literal["set", "add", "remove"]
    value: Any

    def apply(self, data: dict[str, Any]) -> dict[str, Any]:
        """A copy of a profile mapping with this change made."""
        changed = dict(data)
        if self.op == "set":
            changed[self.field] = self.value
        elif self.op == "add":
            changed[self.field] = [*(changed.get(self.field) or []), self.value]
        else:
            changed[self.field] = [v for v in changed.get(self.field) or [] if v != self.value]
        return changed

    def words(self) -> str:
        if self.op == "add":
            return f"{self.field} also included {_show(self.value)}"
        if self.op == "remove":
            return f"{self.field} no longer included {_show(self.value)}"
        return f"{self.field} were {_show(self.value)}"


class Step(_Out):
    """One fired rule in the chain that led to a decision."""

    rule: str
    concludes: str = Field(description="What the rule concluded: a fact, or a decision.")
    text: str
    answers: dict[str, Any] = Field(description="The answers and inferred facts the rule used.")
    uses: list[str] = Field(description="Earlier rules whose conclusions this rule used.")


class Missing(_Out):
    """A stronger rule for the standard that did not fire (or a limit that capped it), and why."""

    rule: str
    would: Decision
    title: str
    missing: list[str] = Field(description="Its tests that failed, in plain words, with the answer now.")


class WhatIf(_Out):
    """A change of answers that flips the decision; verified by evaluating the changed profile."""

    changes: list[Change]
    decision: Decision
    text: str
    fires: list[str] = Field(description="Rules about this standard that fire after the change.")
    stops: list[str] = Field(description="Rules about this standard that no longer fire.")


class Outcome(_Out):
    value: Any
    decision: Decision


class UnknownEffect(_Out):
    """The decision under each possible value of one unknown answer."""

    field: str
    outcomes: list[Outcome]
    robust: bool = Field(description="True when every value gives the decision of the assessment.")


class Explanation(_Out):
    standard: str
    decision: Decision
    how: list[Step]
    why_not_higher: list[Missing]
    what_would_change: list[WhatIf]
    unknowns: list[UnknownEffect]


class ExplainedAssessment(Assessment):
    """An assessment with an explanation for each standard asked about."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="Assessment")
    explanations: list[Explanation] = Field(default_factory=list)

    def explanation(self, standard: str) -> Explanation:
        name = catalog.resolve(standard)
        return next(e for e in self.explanations if e.standard == name)


def explain(profile: Union[Profile, Mapping[str, Any]], standard: Optional[str] = None, *,
            rules: RulesArg = None, engine: Optional[str] = None, as_of: Any = None,
            day_rate: Any = None) -> ExplainedAssessment:
    """The assessment of `profile` with explanations for `standard` (default: every standard).

    `engine` is passed to `run_rules` for the profile and for every changed profile it tries;
    `as_of` and `day_rate` are as in `evaluate`.
    """
    day = as_of_date(as_of)
    rb = rulebase(rules).at(day)
    parsed = parse_profile(dict(profile) if isinstance(profile, Mapping) else profile)
    names = [resolve_standard(standard)] if standard else list(catalog.NAMES)
    explainer = Explainer(rb, parsed, default_engine(rb, engine), day)
    assessment = assess(rb, parsed, explainer.run, day_rate=day_rate)
    return ExplainedAssessment(**dict(assessment), explanations=[
        explainer.explain(name) for name in names])


def resolve_standard(reference: str) -> str:
    """A catalog standard name, or an AdvisorError that says what would be valid."""
    try:
        name = catalog.resolve(reference)
    except ValueError as exc:
        raise AdvisorError([Problem(str(exc), field="--explain")]) from None
    if name not in catalog.BY_NAME:
        raise AdvisorError([Problem(f"{name} is a guidance standard; the advisor makes no "
                                    "decision about it to explain", field="--explain")])
    return name


@dataclass(frozen=True)
class _Result:
    decisions: dict[str, str]
    fired: frozenset[str]


class Explainer:
    """Explains the decisions of one profile; caches every changed profile it evaluates."""

    def __init__(self, rb: RuleBase, profile: Profile, engine: Any = None, as_of: Any = None):
        self.rb, self.profile, self.engine = rb, profile, engine or default_engine(rb)
        self.as_of = as_of
        self.data = profile.model_dump()
        self.run = run_rules(rb, profile, self.engine, as_of)
        self.fact = self.run.fact
        self.fired = {i.key for i in self.run.fired}
        self._cache: dict[tuple[Change, ...], Optional[_Result]] = {}
        self._unknowns: Optional[dict[str, list[tuple[Any, dict[str, str]]]]] = None
        self.producers: dict[tuple[str, Any], list[RuleInstance]] = {}
        for inst in rb.instances:
            c = inst.conclusion
            for name, value in c.facts:
                self.producers.setdefault((name, value), []).append(inst)
            if c.kind == "recommend":
                key = f"decision_{catalog.BY_NAME[c.standard].key}"
                self.producers.setdefault((key, c.decision), []).append(inst)

    # -- evaluating changed profiles ------------------------------------------------------
    def outcome(self, changes: tuple[Change, ...]) -> Optional[_Result]:
        """Decisions for the profile with `changes`, through the engine; None if invalid."""
        if changes not in self._cache:
            data = self.data
            for change in changes:
                data = change.apply(data)
            try:
                run = run_rules(self.rb, parse_profile(data), self.engine, self.as_of)
            except (ProfileError, EngineError):
                self._cache[changes] = None
            else:
                self._cache[changes] = _Result(run.decisions, frozenset(i.key for i in run.fired))
        return self._cache[changes]

    # -- the four parts ---------------------------------------------------------------------
    def explain(self, name: str) -> Explanation:
        decision = self.run.decisions[name]
        return Explanation(standard=name, decision=decision, how=self.how(name),
                           why_not_higher=self.why_not_higher(name),
                           what_would_change=self.what_would_change(name),
                           unknowns=self.unknowns(name))

    def _about(self, name: str, kinds: tuple[str, ...] = ("recommend", "limit")) -> list[RuleInstance]:
        return [i for i in self.rb.instances
                if i.conclusion.kind in kinds and i.conclusion.standard == name]

    def _deciding(self, name: str) -> list[RuleInstance]:
        """The fired rules that set the decision: recommendations, and limits that capped one."""
        fired = [i for i in self.run.fired if i.conclusion.standard == name]
        recs = [i for i in fired if i.conclusion.kind == "recommend"]
        decided = self.run.decisions[name]
        capped = any(RANK[i.conclusion.decision] > RANK[decided] for i in recs)
        return [i for i in fired if i.conclusion.kind == "recommend" or
                (i.conclusion.kind == "limit" and capped)]

    def _sources(self, inst: RuleInstance) -> list[RuleInstance]:
        """The fired rules whose conclusions `inst` read."""
        found: list[RuleInstance] = []
        for f in inst.uses:
            if f in self.run.inferred_by:
                found.append(self.run.inferred_by[f])
            elif f.startswith("decision_"):
                std = next(s.name for s in catalog.STANDARDS if f"decision_{s.key}" == f)
                found += self._deciding(std)
        return list({i.key: i for i in found}.values())

    def how(self, name: str) -> list[Step]:
        chain: dict[str, RuleInstance] = {}
        todo = list(self._deciding(name))
        while todo:
            inst = todo.pop()
            if inst.key not in chain:
                chain[inst.key] = inst
                todo += self._sources(inst)
        steps = []
        for inst in sorted(chain.values(), key=lambda i: i.index):
            steps.append(Step(rule=inst.rule.id, concludes=_concludes(inst), text=_text(inst, self.fact),
                              answers={f: self.fact[f] for f in inst.uses},
                              uses=list(dict.fromkeys(s.rule.id for s in self._sources(inst)))))
        return steps

    def why_not_higher(self, name: str) -> list[Missing]:
        decision = self.run.decisions[name]
        if decision == "certify":
            return []
        found = []
        deciding = self._deciding(name)
        for limit in (i for i in deciding if i.conclusion.kind == "limit"):
            found.append((0, limit.index, Missing(
                rule=limit.rule.id, would="certify", title=limit.rule.title,
                missing=[f"this cap not to apply; it applies because "
                         f"{_describe(limit.condition, self.producers)}"])))
        for inst in self._about(name, ("recommend",)):
            if inst.key in self.fired or RANK[inst.conclusion.decision] <= RANK[decision]:
                continue
            failing = self.failing(inst.condition)
            found.append((len(failing), inst.index, Missing(
                rule=inst.rule.id, would=inst.conclusion.decision, title=inst.rule.title,
                missing=[self.words(c) for c in failing])))
        return [m for _, _, m in sorted(found, key=lambda t: (-RANK[t[2].would], t[0], t[1]))]

    def what_would_change(self, name: str) -> list[WhatIf]:
        decision = self.run.decisions[name]
        singles: dict[Change, None] = {}
        pairs: dict[tuple[Change, Change], None] = {}

        def target(groups: list[list[Change]]) -> None:
            shared = [c for c in groups[0] if all(c in g for g in groups[1:])] if groups else []
            singles.update(dict.fromkeys(groups[0] if len(groups) == 1 else shared))
            if len(groups) == 2:
                for a, b in itertools.product(*groups):
                    if a.field != b.field or a.value != b.value:
                        pairs[(a, b)] = None

        deciding = self._deciding(name)
        for inst in self._about(name):
            c, fired = inst.conclusion, inst.key in self.fired
            if c.kind == "recommend" and not fired and RANK[c.decision] > RANK[decision]:
                target(self.fixes(inst.condition, True))
            elif c.kind == "limit" and not fired and decision == "certify":
                target(self.fixes(inst.condition, True))
        limits = [i for i in deciding if i.conclusion.kind == "limit"]
        if limits:
            target([_flat(self.fixes(i.condition, False)) for i in limits])
        strongest = [i for i in deciding if i.conclusion.kind == "recommend" and
                     i.conclusion.decision == max((d.conclusion.decision for d in deciding
                                                   if d.conclusion.kind == "recommend"), key=RANK.get)]
        if strongest:
            target([_flat(self.fixes(i.condition, False)) for i in strongest])
        for field_name, values in self._unknown_runs().items():
            if any(field_name in i.depends_on for i in self._about(name)):
                singles.update(dict.fromkeys(Change(field=field_name, op="set", value=v)
                                             for v, _ in values))

        found = self._flips(name, [(c,) for c in singles])
        if not found:
            found = self._flips(name, list(pairs)[:MAX_PAIRS])
        return sorted(found, key=lambda w: (len(w.changes), [_field_rank(c) for c in w.changes],
                                            DECISIONS.index(w.decision)))

    def _flips(self, name: str, options: Iterable[tuple[Change, ...]]) -> list[WhatIf]:
        decision = self.run.decisions[name]
        about = {i.key: i for i in self._about(name)}
        found = []
        for changes in options:
            result = self.outcome(changes)
            if result is None or result.decisions[name] == decision:
                continue
            new = result.decisions[name]
            fires = [about[k].rule.id for k in about if k in result.fired and k not in self.fired]
            stops = [about[k].rule.id for k in about if k in self.fired and k not in result.fired]
            text = f"{_word(new)} if " + " and ".join(c.words() for c in changes)
            found.append(WhatIf(changes=list(changes), decision=new, text=text,
                                fires=list(dict.fromkeys(fires)), stops=list(dict.fromkeys(stops))))
        return found

    def _unknown_runs(self) -> dict[str, list[tuple[Any, dict[str, str]]]]:
        """For every null answer some decision depends on: the decisions under each value."""
        if self._unknowns is None:
            self._unknowns = {}
            for field_name in Profile.model_fields:
                if self.data[field_name] is not None or not any(
                        field_name in i.depends_on and i.conclusion.kind in ("recommend", "limit")
                        for i in self.rb.instances):
                    continue
                values = []
                for value in candidates(self.rb, field_name):
                    result = self.outcome((Change(field=field_name, op="set", value=value),))
                    if result is not None:
                        values.append((value, result.decisions))
                self._unknowns[field_name] = values
        return self._unknowns

    def unknowns(self, name: str) -> list[UnknownEffect]:
        decision = self.run.decisions[name]
        effects = []
        still_open = set(open_fields(self.rb, self.fact, Profile.model_fields, DECIDING))
        for field_name, values in self._unknown_runs().items():
            # as in the assessment's unknowns: a field derived from other answers is known
            if field_name not in still_open or not any(field_name in i.depends_on
                                                       for i in self._about(name)):
                continue
            outcomes = [Outcome(value=v, decision=d[name]) for v, d in values]
            effects.append(UnknownEffect(field=field_name, outcomes=outcomes,
                                         robust=all(o.decision == decision for o in outcomes)))
        return effects

    # -- conditions: what fails, and what would change it ---------------------------------
    def failing(self, condition: Condition) -> list[Condition]:
        """The parts of a false condition that would all have to become true."""
        if holds(condition, self.fact):
            return []
        if isinstance(condition, All):
            return [part for item in condition.items for part in self.failing(item)]
        return [condition]

    def words(self, condition: Condition) -> str:
        """A condition in plain words, with the answers it reads now."""
        fields = list(dict.fromkeys(condition.fields()))
        now = "; ".join(f"{f}: {_show(self.fact.get(f))}" for f in fields)
        return f"{_describe(condition, self.producers)} (now {now})"

    def fixes(self, condition: Condition, want: bool, depth: int = 0) -> list[list[Change]]:
        """Groups of alternative single changes: making `condition` `want` needs one of each group."""
        if holds(condition, self.fact) == want:
            return []
        if isinstance(condition, Test):
            if condition.field in DATED_FACTS:       # from certificate records and the date
                return [[]]
            if condition.field in active_types() and not condition.field.startswith("decision_"):
                return self._direct(condition, want)
            return [self._through(condition, want, depth)]
        every = isinstance(condition, All) == want    # every false part must change
        parts = [self.fixes(item, want, depth) for item in condition.items
                 if holds(item, self.fact) != want]
        if every:
            return [group for groups in parts for group in groups]
        return [_flat(group for groups in parts for group in groups)]

    def _through(self, test: Test, want: bool, depth: int) -> list[Change]:
        """Changes that move an inferred fact (or another standard's decision) the way `test` needs."""
        if depth >= MAX_DEPTH:
            return []
        name, now = test.field, self.fact.get(test.field)
        if name.startswith("decision_"):
            domain, default = list(DECISIONS), "not_needed"
        else:
            spec = self.rb.facts[name]
            default = spec.default
            domain = list(dict.fromkeys([default] + [v for (f, v) in self.producers if f == name]))
        found: list[Change] = []
        for value in domain:
            if value == now or holds(test, {name: value}) != want:
                continue
            if value == default:
                stopping = [p for p in self.producers.get((name, now), []) if p.key in self.fired]
                groups = [_flat(self.fixes(p.condition, False, depth + 1)) for p in stopping]
                found += groups[0] if len(groups) == 1 else []
            else:
                for producer in self.producers.get((name, value), []):
                    groups = self.fixes(producer.condition, True, depth + 1)
                    found += groups[0] if len(groups) == 1 else []
        return list(dict.fromkeys(found))

    def _direct(self, test: Test, want: bool) -> list[list[Change]]:
        name, operator, value = test.field, OPERATORS[test.op], test.value
        now = self.data[name]
        ftype = active_types()[name]
        if ftype.kind == "list":
            now = now or ()                  # an unknown list: nothing in it yet
            many = value if isinstance(value, tuple) else (value,)
            adding = (not operator.negated) == want
            if operator.on_state:
                return [[]]
            if adding:
                return [[Change(field=name, op="add", value=v) for v in many
                         if v not in now][:MAX_ALTERNATIVES]]
            return [[Change(field=name, op="remove", value=v)] for v in many if v in now]
        if operator.on_state and not operator.negated and want:
            return [[]]          # forgetting an answer is not advice
        if ftype.kind == "number":
            options = _near(name, None if operator.on_state else value, now)
        elif ftype.kind == "bool":
            options = [True, False]
        else:
            options = list(ftype.values)
        options = [v for v in options if v != now and holds(test, {name: v}) == want]
        if ftype.kind == "number" and options:
            options = [min(options, key=lambda v: (abs(v - (now if now is not None else v)), v))]
        return [[Change(field=name, op="set", value=v) for v in options][:MAX_ALTERNATIVES]]


def _near(name: str, threshold: Any, now: Any) -> list[Any]:
    """Values on both sides of a threshold (integers for headcounts), within the field's range."""
    if threshold is None:
        return [0.0, 10.0, 100.0] if name not in _INTS else [1, 10, 50, 250]
    return sides(threshold, integer=name in _INTS, minimum=_INTS.get(name, 0))


def _flat(groups: Iterable[list[Change]]) -> list[Change]:
    return list(dict.fromkeys(c for group in groups for c in group))


def _field_rank(change: Change) -> tuple:
    rank = FIELD_ORDER.index(change.field) if change.field in FIELD_ORDER else len(FIELD_ORDER)
    return (rank, change.field, change.op, str(change.value))


def _word(decision: str) -> str:
    return {"not_needed": "not needed"}.get(decision, decision)


def _text(inst: RuleInstance, fact: Mapping[str, Any]) -> str:
    return render(inst.text, fact)


def _concludes(inst: RuleInstance) -> str:
    c = inst.conclusion
    if c.kind == "infer":
        return ", ".join(f"{name} = {_show(value)}" for name, value in c.facts)
    if c.kind == "limit":
        by = f" (covered by {c.by})" if c.by else ""
        return f"{c.standard}: at most {c.decision.replace('_', ' ')}{by}"
    return f"{c.standard}: {c.decision}"


def _describe(condition: Condition, producers: Mapping[tuple[str, Any], list[RuleInstance]]) -> str:
    """describe(), with decision facts named by their standard and inferred facts by their rules."""
    if isinstance(condition, (All, Any_)):
        word = " and " if isinstance(condition, All) else " or "
        parts = [_describe(c, producers) for c in condition.items]
        return word.join(p if isinstance(c, Test) else f"({p})" for p, c in zip(parts, condition.items))
    name = condition.field
    if name.startswith("decision_"):
        std = next(s.name for s in catalog.STANDARDS if f"decision_{s.key}" == name)
        return Test(f"the decision for {std}", condition.op, condition.value).describe()
    if name in active_types():
        return condition.describe()
    rules = sorted({p.rule.id for (f, _), ps in producers.items() if f == name for p in ps})
    return condition.describe() + (f" (inferred by {', '.join(rules)})" if rules else "")
