"""Every operator of the table means the same on both engines, null and empty cases included.

The table (`advisor.kernel.operators`) is the one definition; the reference semantics, the
generated Python and the durable_rules translation are all derived from it. Here each operator
runs on every field kind it accepts, against known, null and (for lists) empty values, with one
and with several constants (including a value durable cannot match by regex), on the reference,
the Python evaluator and durable_rules; a few cases are also written out by hand so that a
wrong table fails too.
"""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from advisor.engines import durable
from advisor.engines.python import PythonEngine
from advisor.kernel.conditions import Test as T
from advisor.kernel.conditions import evaluate
from advisor.kernel.operators import KINDS, OPERATORS, OPS, for_kind
from advisor.kernel.rulebase import load, rule_file_schema

#: One field per kind; the values a fact may hold (None = not known).
FIELDS = {"bool": "flag", "number": "amount", "text": "label", "enum": "choice", "list": "items"}
VALUES = {
    "bool": [None, True, False],
    "number": [None, 0, 5, 5.5, 10, -1],
    "text": [None, "a", "z", ""],
    "enum": [None, "a", "b", "ab", "x-y"],
    "list": [None, [], ["a"], ["a", "b"], ["c"], ["x-y"], ["ab"]],
}
#: Constants a test may name, one or several (several with a value unsafe for a regex).
ONE = {"bool": [True, False], "number": [5, 5.5], "text": ["a"], "enum": ["a", "x-y"],
       "list": ["a", "x-y"]}
MANY = {"number": [(5, 10)], "enum": [("a", "b"), ("a", "x-y")],
        "list": [("a", "c"), ("a", "x-y"), ("b",)]}


def all_tests() -> list[T]:
    tests = []
    for name, op in OPERATORS.items():
        for kind in op.kinds:
            field = FIELDS[kind]
            if op.on_state:
                tests.append(T(field, name))
            else:
                tests += [T(field, name, c) for c in (MANY if op.many else ONE)[kind]]
    return tests


def all_facts() -> list[dict]:
    """Each field's every value, the other fields unknown; and every field unknown."""
    nothing = {field: None for field in FIELDS.values()}
    facts = [nothing]
    for kind, values in VALUES.items():
        facts += [{**nothing, FIELDS[kind]: value} for value in values if value is not None]
    return facts


TESTS = all_tests()
FACTS = all_facts()


def one_stratum(tests: list[T]) -> SimpleNamespace:
    """A rule base of one stratum, one rule per test (what the engines read of a rule base)."""
    instances = [SimpleNamespace(key=f"t{n}", index=n, condition=test)
                 for n, test in enumerate(tests)]
    return SimpleNamespace(strata=[instances], digest="operator-conformance")


def expected(fact: dict) -> list[str]:
    return [f"t{n}" for n, test in enumerate(TESTS) if evaluate(test, fact)]


def test_every_operator_is_tested_on_every_kind_it_accepts():
    covered = {(t.op, kind) for t in TESTS for kind, field in FIELDS.items() if t.field == field}
    assert covered == {(name, kind) for name, op in OPERATORS.items() for kind in op.kinds}
    assert set(OPS) == set(OPERATORS) and set(KINDS) == set(FIELDS)


@pytest.mark.parametrize("fact", FACTS, ids=lambda f: repr({k: v for k, v in f.items() if v is not None}))
def test_the_python_evaluator_fires_exactly_what_the_table_says(fact):
    assert PythonEngine(one_stratum(TESTS)).fire(0, fact) == expected(fact)


@pytest.mark.skipif(not durable.available(), reason=f"durable cannot run: {durable.unavailable_reason()}")
@pytest.mark.parametrize("fact", FACTS, ids=lambda f: repr({k: v for k, v in f.items() if v is not None}))
def test_durable_rules_fires_exactly_what_the_table_says(fact):
    assert durable.DurableEngine(one_stratum(TESTS)).fire(0, fact) == expected(fact)


@pytest.mark.parametrize("case", [
    # (field kind, operator, constant, value, holds)  written by hand, not derived
    ("number", "gt", 5, 5.5, True), ("number", "gt", 5, 5, False), ("number", "gte", 5, 5, True),
    ("number", "lt", 5, None, False), ("number", "lte", 5, 5, True), ("number", "in", (5, 10), 10, True),
    ("enum", "ne", "a", None, False), ("enum", "ne", "a", "b", True), ("enum", "in", ("a", "b"), "ab", False),
    ("enum", "not_in", ("a", "b"), None, False), ("enum", "not_in", ("a", "b"), "ab", True),
    ("bool", "eq", False, None, False), ("bool", "eq", False, False, True),
    ("list", "contains", "a", [], False), ("list", "contains", "a", None, False),
    ("list", "not_contains", "a", [], True), ("list", "not_contains", "a", None, False),
    ("list", "contains_any", ("a", "c"), ["c"], True), ("list", "contains_any", ("a", "c"), [], False),
    ("list", "contains_none", ("a", "c"), [], True), ("list", "contains_none", ("a", "c"), ["b", "c"], False),
    ("list", "contains_none", ("a", "c"), None, False),
    ("text", "unknown", None, None, True), ("text", "unknown", None, "", False),
    ("list", "known", None, [], True), ("list", "known", None, None, False),
])
def test_hand_written_cases_of_each_operator(case):
    kind, op, constant, value, holds = case
    test = T(FIELDS[kind], op, constant)
    fact = {FIELDS[kind]: value}
    assert evaluate(test, fact) is holds
    assert PythonEngine(one_stratum([test])).fire(0, fact) == (["t0"] if holds else [])


def test_a_null_field_fails_every_test_but_unknown():
    for name, op in OPERATORS.items():
        for test in (t for t in TESTS if t.op == name):
            assert op.holds(None, test.value) is (op.on_state and not op.negated)


def test_the_loader_and_the_rule_file_schema_take_the_operators_of_the_table():
    schema = rule_file_schema(load())
    assert list(schema["$defs"]["test"]["oneOf"][1]["properties"]) == list(OPS)
    assert for_kind("list") == ("contains", "contains_any", "not_contains", "contains_none")
    assert for_kind("bool") == ("eq", "ne")
