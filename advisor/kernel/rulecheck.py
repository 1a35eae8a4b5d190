"""`rules check` and `rules test`: a rule base that proves itself.

`check()` finds what the loader cannot see one rule at a time: duplicate ids (reported with
both places, and the other rules still checked), conditions that can never be true, conclusions
that conflict without a precedence, facts nobody infers or nobody reads, catalog standards no
rule can recommend, and rules whose own examples misbehave. Precedence in this rule base is:

- between recommendations for one standard, the strongest wins (`certify` over `implement`):
  never a conflict;
- a `limit` caps `certify` at `implement`. It wins over market, internal and held drivers; over a
  `hard_demand` (a tender or customer demands the certificate) only if it names the standard
  that covers the demand with `by:`. A `limit` without `by:` that can fire together with a
  hard-demand `certify` on the same standard is a conflict;
- `infer` has no precedence: two rules that infer different values for one fact and can both
  fire are a conflict (the engine refuses such a run), so their conditions must exclude each other.

`run_tests()` runs every rule's examples and the sample profiles' expected decisions, and
reports which rules no example or sample fired.
"""
from __future__ import annotations

import hashlib
import datetime as dt
import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

import yaml

from advisor.advice import catalog
from advisor.advice.assess import default_engine, run_rules
from advisor.kernel.conditions import Any_, Condition, Test
from advisor.kernel.conditions import evaluate as holds
from advisor.kernel.counterfactual import around, numbers
from advisor.kernel.operators import OPERATORS, Operator
from advisor.errors import AdvisorError, EngineError, Problem, RuleBaseError
from advisor.advice.models import Profile, parse_profile
from advisor.kernel.rulebase import (RuleBase, RuleInstance, _load_cached, linked_digest, load, schema,
                                     shipped_rules_dir)

#: Rule examples are fragments laid over this minimal profile (README, "Writing rules").
EXAMPLE_BASE = {"name": "Example", "sector": "other", "employees": 20}
#: Where `rules test` finds sample profiles' expected decisions, inside a samples folder.
EXPECTED = Path("expected") / "decisions.yaml"
MAX_CONJUNCTS = 256
#: What each finding code means (README "Checking a rule base").
CODES = {
    "invalid": "the loader rejects it (the rest of the rule base is still checked)",
    "duplicate-id": "two rules share an id",
    "never-true": "the condition can never be true",
    "conflict": "conclusions that contradict each other without a precedence",
    "fact-never-inferred": "a declared fact that no rule infers",
    "fact-unused": "a declared fact that no rule reads",
    "unreachable-standard": "a catalog standard that no rule can recommend",
    "example": "a rule's example does not behave as it says",
    "sample": "a sample profile's decisions differ from its expected decisions",
    "coverage": "a rule that no example or sample fires",
}
_NUMBER_RANGES = {"employees": (1, 10_000_000, True), "sites": (1, 100_000, True),
                  "annual_energy_tj": (0, 1e9, False), "deadline_months": (1, 600, True)}


def _named_in(data: object) -> set[str]:
    """Every text in a rule base's data files: a fact a data file names is read through it
    (planning.yaml names the facts that rank dominant risks)."""
    if isinstance(data, dict):
        return set().union(*(_named_in(v) for v in data.values()), set())
    if isinstance(data, list):
        return set().union(*(_named_in(v) for v in data), set())
    return {data} if isinstance(data, str) else set()


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    file: Optional[str] = None
    rule: Optional[str] = None

    def problem(self) -> Problem:
        return Problem(f"[{self.code}] {self.message}", source=self.file,
                       location=f"rule {self.rule}" if self.rule else None)


class RuleCheckError(RuleBaseError):
    """`rules check` or `rules test` found problems; one Problem per finding."""

    kind = "rule base check failed"

    def __init__(self, findings: Iterable[Finding] | list[Problem] | str):
        items = list(findings) if not isinstance(findings, str) else findings
        if not isinstance(items, str) and items and isinstance(items[0], Finding):
            items = [f.problem() for f in items]
        super().__init__(items)


# -- check ------------------------------------------------------------------------------------
def check(path: str | Path | None = None, *, engine: Optional[str] = None) -> list[Finding]:
    """Every finding for the rule base folder `path` (default: the shipped one); [] if sound."""
    folder = Path(path) if path is not None else shipped_rules_dir()
    rb, findings = load_tolerant(folder)
    if rb is None:
        return findings
    findings += changelog_findings(rb) + date_findings(rb)
    with catalog.using(catalog.of(rb)):
        findings += Checker(rb).findings()
        findings += example_findings(rb, engine=engine, focused=True)[0]
    return findings


def date_findings(rb: RuleBase) -> list[Finding]:
    """Rules of one `series` take over from each other: their dates must leave no gap and no
    overlap (only the first may have no valid_from, only the last no valid_until)."""
    series: dict[str, list] = {}
    for rule in rb.rules:
        if rule.series:
            series.setdefault(rule.series, []).append(rule)
    findings = []
    for name, rules in series.items():
        rules.sort(key=lambda r: r.valid_from or dt.date.min)
        for before, after in zip(rules, rules[1:]):
            where = str(rb.path / after.file)
            if before.valid_until is None or after.valid_from is None:
                findings.append(Finding("dates", f"series '{name}': {before.id} and {after.id} "
                                        "both hold with no end between them", where, after.id))
            elif after.valid_from != before.valid_until + dt.timedelta(days=1):
                gap = (after.valid_from - before.valid_until).days - 1
                what = f"a gap of {gap} days" if gap > 0 else f"an overlap of {-gap} days"
                findings.append(Finding("dates", f"series '{name}': {what} between {before.id} "
                                        f"(until {before.valid_until}) and {after.id} (from "
                                        f"{after.valid_from})", where, after.id))
    return findings


_DIGEST_LINE = re.compile(r"^digest:\s*`?([0-9a-f]{16})`?\s*$", re.M | re.I)


def changelog_findings(rb: RuleBase) -> list[Finding]:
    """A rule base whose CHANGELOG.md records digests must record the current one: its content
    changed, so the changelog says what changed (the digest is printed with every assessment)."""
    log = rb.path / "CHANGELOG.md"        # read now: a rule base is cached by its rule files
    recorded = _DIGEST_LINE.findall(log.read_text("utf-8") if log.is_file() else "")
    if not recorded or rb.digest in recorded:
        return []
    return [Finding("changelog", f"the rules changed (digest {rb.digest}) but CHANGELOG.md does "
                    f"not say so: it records {recorded[0]}; describe the change under "
                    f"'## {rb.version}' (or a new version) with the line 'digest: {rb.digest}'",
                    str(rb.path / "CHANGELOG.md"))]


def check_or_raise(path: str | Path | None = None, *, engine: Optional[str] = None) -> None:
    findings = check(path, engine=engine)
    if findings:
        raise RuleCheckError(findings)


def load_tolerant(folder: Path) -> tuple[Optional[RuleBase], list[Finding]]:
    """Load `folder`, setting aside rules the loader rejects (each reported) to check the rest."""
    if not folder.is_dir() or not (folder / "rulebase.yaml").is_file():
        try:
            return load(folder), []
        except RuleBaseError as exc:
            return None, [_invalid(p) for p in exc.problems]
    texts = {f.name: f.read_bytes() for f in sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))}
    docs: dict[str, dict] = {}
    for name, data in texts.items():
        try:
            doc = yaml.safe_load(data)
        except (yaml.YAMLError, UnicodeDecodeError):
            continue                                  # the loader reports it
        if name not in ("rulebase.yaml", "effort.yaml") and isinstance(doc, dict) and \
                isinstance(doc.get("rules"), list):
            docs[name] = doc
    findings: list[Finding] = []
    drop: set[tuple[str, int]] = set()
    first: dict[str, str] = {}
    for name, doc in docs.items():
        for position, raw in enumerate(doc["rules"]):
            rule_id = raw.get("id") if isinstance(raw, dict) else None
            if not isinstance(rule_id, str):
                continue
            if rule_id in first:
                findings.append(Finding("duplicate-id", f"rule id '{rule_id}' is already used in "
                                        f"{first[rule_id]}", str(folder / name), rule_id))
                drop.add((name, position))
            else:
                first[rule_id] = name
    reported: set[str] = set()
    while True:
        current = dict(texts)
        for name, doc in docs.items():
            if any(n == name for n, _ in drop):
                kept = [r for i, r in enumerate(doc["rules"]) if (name, i) not in drop]
                current[name] = yaml.safe_dump({"rules": kept}, sort_keys=False,
                                               allow_unicode=True).encode()
        try:
            if current == texts:
                return load(folder), findings
            digest = hashlib.sha256((repr(sorted(current.items())) + linked_digest(
                folder, current)).encode()).hexdigest()
            return _load_cached(str(folder), digest, tuple(sorted(current.items()))), findings
        except RuleBaseError as exc:
            more = set()
            for problem in exc.problems:
                if str(problem) not in reported:
                    reported.add(str(problem))
                    findings.append(_invalid(problem))
                more |= _rules_of(problem, docs) - drop
            if not more:
                return None, findings
            drop |= more


def _invalid(problem: Problem) -> Finding:
    text = f"field '{problem.field}': {problem.message}" if problem.field else problem.message
    if problem.suggestions:
        text += "; did you mean " + " or ".join(f"'{s}'" for s in problem.suggestions) + "?"
    if problem.valid:
        text += f" (valid: {problem.valid})"
    rule = problem.location[5:] if problem.location and problem.location.startswith("rule ") else None
    return Finding("invalid", text, problem.source, rule)


def _rules_of(problem: Problem, docs: dict[str, dict]) -> set[tuple[str, int]]:
    """The (file, position) of the rule a loader problem is about, to set it aside."""
    name = Path(problem.source).name if problem.source else None
    if name not in docs:
        return set()
    rule = problem.location[5:] if problem.location and problem.location.startswith("rule ") else None
    match = re.match(r"rule #(\d+) ", problem.message)
    return {(name, i) for i, raw in enumerate(docs[name]["rules"])
            if (rule and isinstance(raw, dict) and raw.get("id") == rule) or
            (match and i == int(match.group(1)) - 1)}


class Checker:
    """The semantic checks on a loaded rule base."""

    def __init__(self, rb: RuleBase):
        self.rb, self.advice = rb, rb.kind == "advice"
        self.types = rb.types
        self.reach: dict[str, set] = {name: {spec.default} for name, spec in rb.facts.items()}
        for inst in rb.instances:
            for name, value in inst.conclusion.facts:
                self.reach.setdefault(name, set()).add(value)
        for std in catalog.STANDARDS if self.advice else ():
            about = [i.conclusion for i in rb.instances if i.conclusion.standard == std.name]
            values = {"not_needed"} | {c.decision for c in about if c.kind == "recommend"}
            if "certify" in values and any(c.kind == "limit" for c in about):
                values.add("implement")
            self.reach[f"decision_{std.key}"] = values

    def findings(self) -> list[Finding]:
        return (self.never_true() + self.conflicts() + self.facts() +
                (self.unreachable() if self.advice else []))

    def _finding(self, code: str, inst: RuleInstance, message: str) -> Finding:
        return Finding(code, message, str(self.rb.path / inst.rule.file), inst.rule.id)

    # -- satisfiability ------------------------------------------------------------------
    def values(self, name: str, tests: list[Test]) -> Optional[list[Any]]:
        """Values worth trying for a scalar field: its whole domain, or points around constants."""
        if name in self.reach:
            return sorted(self.reach[name], key=repr)
        ftype = self.types[name]
        model = Profile.model_fields.get(name) if self.advice else None    # other kinds: any null
        extra = [None] if model is None or (model.default is None and not model.is_required()) else []
        if ftype.kind == "bool":
            return [True, False] + extra
        if ftype.kind == "enum":
            return list(ftype.values) + extra
        if ftype.kind == "number":
            low, high, integer = _NUMBER_RANGES.get(name, (-1e18, 1e18, False))
            points = {low, high} | around(numbers(tests), (-1, -0.5, 0, 0.5, 1))
            points = {int(p) if integer else p for p in points if low <= p <= high}
            return sorted(points) + extra
        constants = [c for t in tests for c in (t.value if isinstance(t.value, tuple) else (t.value,))]
        return constants + ["\u241fother"] + extra

    def field_possible(self, name: str, tests: list[Test]) -> bool:
        if name in self.types and self.types[name].kind == "list":
            model = Profile.model_fields.get(name) if self.advice else None
            nullable = model is not None and model.default is None and not model.is_required()
            # a list is a set of items: tests that some item is in it (any of several, or
            # one) and tests that items are not; a list can always be known
            ops = [(OPERATORS[t.op], t) for t in tests]
            if any(op.on_state and not op.negated for op, _ in ops):
                # only a nullable list can be unknown, and then nothing else holds
                return nullable and all(op.on_state and not op.negated for op, _ in ops)
            named: list[tuple[Operator, set[Any]]] = [
                (op, set(t.value) if op.many else {t.value}) for op, t in ops if not op.on_state]
            need = set().union(*(items for op, items in named if not op.negated and not op.many))
            banned = set().union(*(items for op, items in named if op.negated))
            return not (need & banned) and all(items - banned for op, items in named
                                               if op.many and not op.negated)
        return any(all(holds(t, {name: v}) for t in tests) for v in self.values(name, tests))

    def impossible(self, tests: Iterable[Test]) -> Optional[str]:
        """Why a conjunction of tests can never hold (None if it can)."""
        by_field: dict[str, list[Test]] = {}
        for t in tests:
            by_field.setdefault(t.field, []).append(t)
        for name, group in by_field.items():
            if not self.field_possible(name, group):
                words = " and ".join(dict.fromkeys(t.describe() for t in group))
                if len(group) == 1 and name in self.reach:
                    return f"{words}, but no rule infers that value of '{name}'"
                if len(group) == 1:
                    return f"{words} holds for no valid value"
                return f"{words} cannot hold together"
        return None

    def never_true(self) -> list[Finding]:
        found: dict[str, tuple[RuleInstance, str, list[str]]] = {}
        for inst in self.rb.instances:
            conjuncts = _dnf(inst.condition)
            if conjuncts is None:
                continue
            reasons = [self.impossible(c) for c in conjuncts]
            if all(reasons):
                entry = found.setdefault(inst.rule.id, (inst, "; or ".join(dict.fromkeys(reasons)), []))
                if inst.conclusion.standard and inst.rule.for_each:
                    entry[2].append(inst.conclusion.standard)
        return [self._finding("never-true", inst, f"its condition can never be true: {why}" +
                              (f" (for {', '.join(stds)})" if stds else ""))
                for inst, why, stds in found.values()]

    def can_both_fire(self, a: Condition, b: Condition) -> bool:
        left, right = _dnf(a), _dnf(b)
        if left is None or right is None:
            return True
        return any(self.impossible(x + y) is None for x in left for y in right)

    # -- conflicts, facts, reach ---------------------------------------------------------
    def conflicts(self) -> list[Finding]:
        found = []
        infers = [i for i in self.rb.instances if i.conclusion.kind == "infer"]
        for a, b in itertools.combinations(infers, 2):
            clash = [(n, va, dict(b.conclusion.facts)[n]) for n, va in a.conclusion.facts
                     if n in dict(b.conclusion.facts) and dict(b.conclusion.facts)[n] != va]
            for name, va, vb in clash:
                if self.can_both_fire(a.condition, b.condition):
                    found.append(self._finding(
                        "conflict", b, f"infers {name} = {vb!r} while rule {a.rule.id} infers "
                        f"{name} = {va!r}, and both can fire; infer rules have no precedence, so "
                        "make their conditions exclude each other"))
        for limit in self.rb.instances:
            c = limit.conclusion
            if c.kind != "limit" or c.by or c.decision == "not_needed":
                continue        # covered by another standard or scheme; or not eligible at all
            for rec in self.rb.instances:
                r = rec.conclusion
                if r.kind == "recommend" and r.standard == c.standard and r.decision == "certify" \
                        and r.driver == "hard_demand" and self.can_both_fire(limit.condition,
                                                                            rec.condition):
                    found.append(self._finding(
                        "conflict", limit, f"caps {c.standard} at implement and can fire together "
                        f"with the hard demand of rule {rec.rule.id}; a limit overrules a demanded "
                        "certificate only when it names the covering standard with 'by:'"))
        return found

    def facts(self) -> list[Finding]:
        inferred = {n for i in self.rb.instances for n, _ in i.conclusion.facts}
        used = {f for i in self.rb.instances for f in i.uses} | _named_in(self.rb.data)
        where = str(self.rb.path / "rulebase.yaml")
        found = []
        for name in self.rb.facts:
            if name not in inferred:
                found.append(Finding("fact-never-inferred", f"fact '{name}' is declared but no rule "
                                     "infers it" + (", so every rule that reads it sees only its "
                                                    "default" if name in used else ""), where))
            if name not in used:
                found.append(Finding("fact-unused", f"fact '{name}' is declared" +
                                     (" and inferred" if name in inferred else "") +
                                     " but no rule reads it", where))
        return found

    def unreachable(self) -> list[Finding]:
        found = []
        for std in catalog.NAMES:
            if not any(i.conclusion.kind == "recommend" and i.conclusion.standard == std and
                       any(self.impossible(c) is None for c in (_dnf(i.condition) or [()]))
                       for i in self.rb.instances):
                found.append(Finding("unreachable-standard", f"no rule can recommend {std}: it is "
                                     "always not_needed", str(self.rb.path)))
        return found


def _dnf(condition: Condition) -> Optional[list[tuple[Test, ...]]]:
    """The condition as alternatives of conjunctions of tests; None if that grows too large."""
    if isinstance(condition, Test):
        return [(condition,)]
    parts = [_dnf(c) for c in condition.items]
    if any(p is None for p in parts):
        return None
    if isinstance(condition, Any_):
        result = [conj for p in parts for conj in p]
    else:
        result = [()]
        for p in parts:
            result = [a + b for a in result for b in p]
            if len(result) > MAX_CONJUNCTS:
                return None
    return result if len(result) <= MAX_CONJUNCTS else None


# -- examples and samples -----------------------------------------------------------------------
def example_runner(rb: RuleBase, engine: Optional[str] = None, *, focused: bool = False
                   ) -> Callable[[dict, str], set[str]]:
    """A function from an example fragment (and the id of the rule it is an example of) to the
    ids of the rules that fire on it: fragments are laid over the kind's minimal input (a
    profile, or a claim for `kind: claims`). `focused` runs only the rules that decide whether
    that rule fires (`RuleBase.needed_for`): the same answer for it, and a cost that does not
    grow with the whole rule base, so checking every example stays near-linear in rules."""
    if rb.kind == "claims":
        from advisor.claims.check import EXAMPLE_BASE as CLAIM_BASE
        from advisor.claims.check import check_claim
        return lambda fragment, _rule: set(check_claim({**CLAIM_BASE, **fragment}, rules=rb,
                                                       engine=engine).fired_rules)
    runner = default_engine(rb, engine)
    keys: dict[str, list[str]] = {}
    for inst in rb.instances if focused else ():
        keys.setdefault(inst.rule.id, []).append(inst.key)

    def fire(fragment: dict, rule_id: str) -> set[str]:
        only = rb.needed_for(keys.get(rule_id, ())) if focused else None
        return {i.rule.id for i in run_rules(rb, parse_profile({**EXAMPLE_BASE, **fragment}),
                                             runner, only=only).fired}
    return fire


def example_findings(rb: RuleBase, *, engine: Optional[str] = None, focused: bool = False
                     ) -> tuple[list[Finding], set[str], int]:
    """Findings for misbehaving examples, the rule ids any example fired, and examples run
    (`focused`: see example_runner; the fired ids are then only those each run decided)."""
    try:
        fire = example_runner(rb, engine, focused=focused)
    except EngineError as exc:
        return [Finding("invalid", f"the rules engine refuses it, so no example ran: {p.message}",
                        str(rb.path)) for p in exc.problems], set(), 0
    findings, fired_any, count = [], set(), 0
    for rule in rb.rules:
        where = str(rb.path / rule.file)
        for kind in ("fires", "not_fires"):
            for fragment in rule.examples.get(kind, []):
                count += 1
                try:
                    fired = fire(fragment, rule.id)
                except AdvisorError as exc:
                    findings.append(Finding("example", f"example {fragment} cannot run: "
                                            + "; ".join(str(p) for p in exc.problems), where, rule.id))
                    continue
                fired_any |= fired
                if (rule.id in fired) != (kind == "fires"):
                    findings.append(Finding("example", f"should {'' if kind == 'fires' else 'not '}"
                                            f"fire on {fragment}, but it does"
                                            f"{' not' if kind == 'fires' else ''}", where, rule.id))
    return findings, fired_any, count


def default_samples(rb: RuleBase) -> Optional[Path]:
    """The `profiles/` folder next to the rule base folder, if it holds expected decisions."""
    folder = rb.path.parent / "profiles"
    return folder if (folder / EXPECTED).is_file() else None


def sample_findings(rb: RuleBase, folder: Path, *, engine: Optional[str] = None
                    ) -> tuple[list[Finding], set[str], int]:
    """Each sample profile in `folder` against `folder/expected/decisions.yaml`."""
    from advisor.advice.assess import assess
    from advisor.inputs.loaders import load_profile
    expected_file = folder / EXPECTED
    if not expected_file.is_file():
        raise RuleCheckError([Problem(f"has no {EXPECTED.as_posix()} with the samples' expected "
                                      "decisions", source=str(folder))])
    expected = yaml.safe_load(expected_file.read_text("utf-8")) or {}
    runner = default_engine(rb, engine)
    findings, fired_any = [], set()
    profiles = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml", ".json"))
    for path in profiles:
        if path.stem not in expected:
            findings.append(Finding("sample", f"has no expected decisions in {expected_file}",
                                    str(path)))
    for stem, want in expected.items():
        path = next((p for p in profiles if p.stem == stem), None)
        if path is None:
            findings.append(Finding("sample", f"expected decisions for '{stem}', but there is no "
                                    "such profile", str(expected_file)))
            continue
        profile = load_profile(path)
        run = run_rules(rb, profile, runner)
        fired_any |= {i.rule.id for i in run.fired}
        findings += [Finding("sample", problem, str(path))
                     for problem in compare(assess(rb, profile, run), want or {})]
    return findings, fired_any, len(expected)


def compare(assessment, want: dict) -> list[str]:
    """How an assessment differs from expected decisions: `certify` is the exact set to certify,
    each of `implement` must be implement, each of `not_needed` must be not needed, `first` is
    the standard at priority 1 (or null), and `schemes` maps a level (required, expected,
    alternative) to schemes that must be listed at that level."""
    decisions = {r.standard: r.decision for r in assessment.recommendations}
    problems = []
    certify = sorted(s for s, d in decisions.items() if d == "certify")
    if "certify" in want and certify != sorted(catalog.resolve(s) for s in want["certify"]):
        problems.append(f"certify {certify}, expected {sorted(want['certify'])}")
    for std in want.get("implement") or []:
        if decisions[catalog.resolve(std)] != "implement":
            problems.append(f"{std} is {decisions[catalog.resolve(std)]}, expected implement")
    for std in want.get("not_needed") or []:
        if decisions[catalog.resolve(std)] != "not_needed":
            problems.append(f"{std} is {decisions[catalog.resolve(std)]}, expected not_needed")
    listed = {s.scheme: s.level for s in getattr(assessment, "schemes", ())}
    for level, names in (want.get("schemes") or {}).items():
        for name in names:
            if listed.get(name) != level:
                problems.append(f"scheme {name} is {listed.get(name, 'not listed')}, "
                                f"expected {level}")
    if "first" in want:
        plan = [r for r in assessment.recommendations if r.priority]
        first = plan[0].standard if plan else None
        if first != want["first"]:
            problems.append(f"priority 1 is {first}, expected {want['first']}")
    return problems


@dataclass
class TestReport:
    """What `rules test` ran and found."""

    version: str
    rules: list[str]
    examples: int
    samples: int
    samples_folder: Optional[Path]
    failures: list[Finding] = field(default_factory=list)
    by_examples: set[str] = field(default_factory=set)
    by_samples: set[str] = field(default_factory=set)

    @property
    def never_fired(self) -> list[str]:
        return [r for r in self.rules if r not in self.by_examples | self.by_samples]

    @property
    def coverage(self) -> float:
        return 100.0 * (len(self.rules) - len(self.never_fired)) / len(self.rules) if self.rules else 100.0


def run_tests(rb: RuleBase, samples: Optional[Path] = None, *, engine: Optional[str] = None
              ) -> TestReport:
    """Run every rule's examples and the samples' expected decisions; measure rule coverage."""
    with catalog.using(catalog.of(rb)):
        return _run_tests(rb, samples, engine=engine)


def _run_tests(rb: RuleBase, samples: Optional[Path], *, engine: Optional[str]) -> TestReport:
    examples, by_examples, count = example_findings(rb, engine=engine)
    report = TestReport(rb.version, [r.id for r in rb.rules], count, 0, samples, examples, by_examples)
    if samples is not None and rb.kind != "advice":
        raise RuleCheckError([Problem(f"sample profiles test advice rule bases; this one is of kind "
                                      f"'{rb.kind}'", source=str(samples))])
    if samples is not None:
        found, report.by_samples, report.samples = sample_findings(rb, samples, engine=engine)
        report.failures += found
    return report




# -- inspection: `rules list` and `rules show` ---------------------------------------------------
def driver_of(rb: RuleBase, rule_id: str) -> str:
    """The kind of driver a rule is: its recommend driver, or infer / limit / note / warn."""
    c = rb.instances_of(rule_id)[0].conclusion
    return c.driver or c.kind


def rule_rows(rb: RuleBase, standard: Optional[str] = None) -> list[dict[str, Any]]:
    """One row per rule (id, title, standards, driver, decision, source, file), optionally only
    the rules that conclude something about `standard` or read its decision."""
    wanted = _standard(standard) if standard else None
    rows = []
    for rule in rb.rules:
        instances = rb.instances_of(rule.id)
        standards = sorted({i.conclusion.standard for i in instances if i.conclusion.standard},
                           key=catalog.NAMES.index)
        reads = {s.name for s in catalog.STANDARDS for i in instances if f"decision_{s.key}" in i.uses}
        if wanted and wanted not in standards and wanted not in reads:
            continue
        rows.append({"id": rule.id, "title": rule.title,
                     "standard": "each standard" if rule.for_each else ", ".join(standards),
                     "driver": driver_of(rb, rule.id),
                     "decision": instances[0].conclusion.decision, "source": rule.source,
                     "file": rule.file})
    return rows


def _standard(reference: str) -> str:
    try:
        return catalog.resolve(reference)
    except ValueError as exc:
        raise AdvisorError([Problem(str(exc), field="--standard")]) from None


def conclusion_words(rb: RuleBase, rule_id: str) -> str:
    rule = rb.rule(rule_id)
    c = rb.instances_of(rule_id)[0].conclusion
    std = "{standard}" if rule.for_each else c.standard
    if c.kind == "recommend":
        return f"{c.decision} {std} (driver: {c.driver})"
    if c.kind == "limit":
        return f"at most implement {std}" + (f", because {c.by} covers it" if c.by else "")
    if c.kind == "infer":
        return "infer " + ", ".join(f"{n} = {json.dumps(v)}" for n, v in c.facts)
    if c.kind == "note":
        return f"a note on {std}" if std else "a general note"
    return "a warning" if c.kind == "warn" else f"{c.kind}: " + ", ".join(f"{k} = {v}" for k, v in c.values)


def describe_rule(rb: RuleBase, rule_id: str) -> dict[str, Any]:
    """Everything `rules show` prints about one rule, with the rules it reads from and feeds."""
    try:
        rule = rb.rule(rule_id)
    except KeyError:
        from advisor.errors import closest
        raise AdvisorError([Problem(f"no rule '{rule_id}'", field="ID", suggestions=closest(
            rule_id, [r.id for r in rb.rules]))]) from None
    mine = rb.instances_of(rule_id)
    produced = {n for i in mine for n, _ in i.conclusion.facts} | {
        f"decision_{catalog.BY_NAME[i.conclusion.standard].key}" for i in mine
        if i.conclusion.kind in ("recommend", "limit")}
    read = {f for i in mine for f in i.uses}
    reads_from = sorted({i.rule.id for i in rb.instances if i.rule.id != rule_id and (
        {n for n, _ in i.conclusion.facts} & read or (
            i.conclusion.kind in ("recommend", "limit") and
            f"decision_{catalog.BY_NAME[i.conclusion.standard].key}" in read))})
    feeds = sorted({i.rule.id for i in rb.instances if i.rule.id != rule_id and set(i.uses) & produced})
    return {"id": rule.id, "title": rule.title, "file": rule.file,
            "when": rule.describe_when() + (" (for each catalog standard)" if rule.for_each else ""),
            "then": conclusion_words(rb, rule_id), "driver": driver_of(rb, rule_id),
            "says": rule.text, "rationale": rule.rationale, "source": rule.source,
            "reads_from": reads_from, "feeds": feeds,
            "examples": {"fires": rule.examples.get("fires", []),
                         "not_fires": rule.examples.get("not_fires", [])}}


def changelog_entry(rb: RuleBase) -> Optional[str]:
    """The `## VERSION` section of the rule base's CHANGELOG.md, or None if it has none."""
    match = re.search(rf"^## {re.escape(rb.version)}\s*$(.*?)(?=^## |\Z)", rb.changelog,
                      re.M | re.S)
    return f"## {rb.version}\n{match.group(1).strip()}" if match else None
