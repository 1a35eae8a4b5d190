"""What if an answer were different: candidate values and the what-if, in one place.

The unknowns of an assessment, the explanations' unknowns and what-ifs, the questionnaire's
"does this question still matter" and the checker's "can this condition ever hold" all ask the
rule base the same question with values to try. The values come from here, from the tests the
rules write on a field (so a new threshold or list value is tried without a code change), and
the re-check of a changed answer is `refire`, which re-tests only the rules that depend on it.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator, Mapping

from advisor.kernel import compiled
from advisor.kernel.conditions import Condition, Test
from advisor.kernel.conditions import evaluate as holds
from advisor.kernel.rulebase import RuleBase, RuleInstance


def derived(rb: RuleBase, key: Any, build: Callable[[], Any]) -> Any:
    """A lookup table worked out from `rb` once (evaluate() is hot), kept with the rule base's
    other derived state (advisor.kernel.compiled)."""
    return compiled.of(rb).table(key, build)


def tests_on(condition: Condition, name: str) -> Iterator[Test]:
    """The tests of `condition` that read the field `name`."""
    if isinstance(condition, Test):
        if condition.field == name:
            yield condition
        return
    for item in condition.items:
        yield from tests_on(item, name)


def tests_of(rb: RuleBase, name: str) -> list[Test]:
    """Every test the rules of `rb` write on the field `name`, in firing order."""
    return [test for inst in rb.instances for test in tests_on(inst.condition, name)]


def constants(tests: Iterable[Test]) -> list[Any]:
    """The values the tests compare with, each once, in the order written."""
    return list(dict.fromkeys(v for test in tests
                              for v in (test.value if isinstance(test.value, tuple) else (test.value,))
                              if v is not None))


def numbers(tests: Iterable[Test]) -> list[float | int]:
    """The numbers the tests compare with (thresholds)."""
    return [v for v in constants(tests) if isinstance(v, (int, float)) and not isinstance(v, bool)]


def around(thresholds: Iterable[float | int], offsets: Iterable[float | int]) -> set[float | int]:
    """Points at the given offsets from each threshold: both sides of what a rule compares."""
    steps = tuple(offsets)
    return {t + step for t in thresholds for step in steps}


def sides(threshold: float | int, *, integer: bool = False, minimum: float | int = 0) -> list[float | int]:
    """A threshold and the values just either side of it (whole numbers for counts), none
    below `minimum`: the smallest changes that cross it."""
    if integer:
        return sorted(p for p in around([int(threshold)], (-1, 0, 1)) if p >= minimum)
    return sorted(float(p) for p in around([threshold], (-0.5, 0, 0.5)) if p >= minimum)


def alike(tests: list[Test], name: str) -> dict[tuple[bool, ...], list[Any]]:
    """List items the tests name, grouped by how the tests see a list holding just that item:
    items every test treats alike (27 EU countries, most activities) need trying only once."""
    groups: dict[tuple[bool, ...], list[Any]] = {}
    for value in constants(tests):
        groups.setdefault(tuple(holds(test, {name: (value,)}) for test in tests), []).append(value)
    return groups


def candidates(rb: RuleBase, name: str) -> tuple[Any, ...]:
    """Answers worth trying for an unknown field: every choice, or both sides of each threshold,
    or for a list none at all and one item of each kind the rules tell apart."""
    found: tuple[Any, ...] = derived(rb, ("candidates", name), lambda: _candidates(rb, name))
    return found


def _candidates(rb: RuleBase, name: str) -> tuple[Any, ...]:
    ftype = rb.types[name]
    if ftype.kind == "bool":
        return (True, False)
    if ftype.kind == "enum":
        return tuple(ftype.values)
    if ftype.kind == "list":
        groups = alike(tests_of(rb, name), name)
        return ((),) + tuple((members[0],) for members in groups.values())
    if ftype.kind == "number":
        return tuple(sorted({0.0} | {float(p) for p in around(numbers(tests_of(rb, name)), (0, 0.5))}))
    return ()


def open_fields(rb: RuleBase, fact: Mapping[str, Any], fields: Iterable[str],
                kinds: tuple[str, ...]) -> list[str]:
    """The `fields` still null in `fact` (neither answered nor derived, as activities are from
    NACE codes) that some rule concluding one of `kinds` depends on: the unknowns worth trying."""
    fields = tuple(fields)
    decisive = derived(rb, ("decisive", fields, kinds), lambda: [
        name for name in fields
        if any(name in i.depends_on for i in rb.instances if i.conclusion.kind in kinds)])
    return [name for name in decisive if fact.get(name) is None]


def refire(rb: RuleBase, fact: Mapping[str, Any], fired: Iterable[RuleInstance], name: str,
           value: Any, *, settle: Callable[[list[RuleInstance]], Mapping[str, Any]],
           settles: Callable[[str], bool]) -> list[RuleInstance] | None:
    """The rules that would fire if `name` were `value`, re-checking only the rules that
    depend on it; None when no rule's firing changes (most answers change nothing).

    Rules are re-checked in firing order against their own conditions, so inferred facts and
    the facts `settle` works out from the fired rules (those `settles` names, such as the
    decisions so far) are up to date before the rules that read them.
    """
    from advisor.engines.python import predicate
    state = dict(fact)
    state[name] = value
    now = {i.key: i for i in fired}
    changed = stale = False             # any firing changed / settled facts out of date
    dependents = derived(rb, ("dependents", name), lambda: [
        (i, any(settles(f) for f in i.uses), predicate(i.condition, i.key))
        for i in rb.instances if name in i.depends_on])
    for inst, reads_settled, test in dependents:
        if reads_settled and stale:
            state.update(settle(list(now.values())))
            stale = False
        if test(state) == (inst.key in now):
            continue
        if inst.key in now:
            del now[inst.key]
        else:
            now[inst.key] = inst
        changed = stale = True
        for fact_name, _ in inst.conclusion.facts:
            values = [dict(i.conclusion.facts)[fact_name] for i in now.values()
                      if fact_name in dict(i.conclusion.facts)]
            state[fact_name] = values[-1] if values else rb.facts[fact_name].default
    return sorted(now.values(), key=lambda i: i.index) if changed else None
