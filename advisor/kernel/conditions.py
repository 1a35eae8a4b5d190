"""The condition language of rule files: parsed, validated, described in words.

A condition is a mapping. `all:` / `any:` hold lists of conditions; any other key is a field
test, `field: value` (equals) or `field: {op: value}`. Tests on a null (unknown) field are false,
except `unknown: true`. Both engines evaluate the same parsed tree (`Test`, `All`, `Any`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Union

from advisor.kernel.text import fill as fill_template

SCALAR_OPS = ("eq", "ne", "in", "not_in")
NUMBER_OPS = ("gt", "gte", "lt", "lte")
LIST_OPS = ("contains", "contains_any", "not_contains", "contains_none")
STATE_OPS = ("unknown", "known")
OPS = SCALAR_OPS + NUMBER_OPS + LIST_OPS + STATE_OPS

_WORDS = {
    "eq": "is {v}", "ne": "is known and is not {v}", "in": "is one of {v}",
    "not_in": "is known and is none of {v}", "gt": "is above {v}", "gte": "is at least {v}",
    "lt": "is below {v}", "lte": "is at most {v}", "contains": "includes {v}",
    "contains_any": "includes any of {v}", "not_contains": "does not include {v}",
    "contains_none": "includes none of {v}", "unknown": "is not known", "known": "is known",
}


@dataclass(frozen=True)
class Test:
    field: str
    op: str
    value: Any = None          # a scalar, or a tuple for in / not_in / contains_any / contains_none

    def fields(self) -> Iterator[str]:
        yield self.field

    def describe(self) -> str:
        value = self.value
        if isinstance(value, tuple):
            shown = ", ".join(_show(v) for v in value)
        else:
            shown = _show(value)
        return f"{self.field} " + _WORDS[self.op].format(v=shown)


@dataclass(frozen=True)
class All:
    items: tuple["Condition", ...]

    def fields(self) -> Iterator[str]:
        for item in self.items:
            yield from item.fields()

    def describe(self) -> str:
        return _join(self.items, "and")


@dataclass(frozen=True)
class Any_:
    items: tuple["Condition", ...]

    def fields(self) -> Iterator[str]:
        for item in self.items:
            yield from item.fields()

    def describe(self) -> str:
        return _join(self.items, "or")


Condition = Union[Test, All, Any_]


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _join(items: tuple, word: str) -> str:
    parts = [item.describe() if isinstance(item, Test) else f"({item.describe()})" for item in items]
    return f" {word} ".join(parts)


def evaluate(condition: Condition, fact: dict) -> bool:
    """Reference semantics, used by tests and by the pure-Python evaluator."""
    if isinstance(condition, All):
        return all(evaluate(c, fact) for c in condition.items)
    if isinstance(condition, Any_):
        return any(evaluate(c, fact) for c in condition.items)
    value = fact.get(condition.field)
    op, want = condition.op, condition.value
    if op == "unknown":
        return value is None
    if op == "known":
        return value is not None
    if value is None:
        return False
    if op == "eq":
        return value == want
    if op == "ne":
        return value != want
    if op == "in":
        return value in want
    if op == "not_in":
        return value not in want
    if op == "gt":
        return value > want
    if op == "gte":
        return value >= want
    if op == "lt":
        return value < want
    if op == "lte":
        return value <= want
    if op == "contains":
        return want in value
    if op == "contains_any":
        return any(w in value for w in want)
    if op == "not_contains":
        return want not in value
    if op == "contains_none":
        return not any(w in value for w in want)
    raise ValueError(op)  # pragma: no cover - parse() admits only known ops


def substitute(condition: Condition, mapping: dict[str, str]) -> Condition:
    """A copy with `{name}` placeholders in fields and values filled in (rule templates)."""
    def fill(value: Any) -> Any:
        if isinstance(value, str):
            return fill_template(value, mapping)
        if isinstance(value, tuple):
            return tuple(fill(v) for v in value)
        return value
    if isinstance(condition, Test):
        return Test(fill(condition.field), condition.op, fill(condition.value))
    return type(condition)(tuple(substitute(c, mapping) for c in condition.items))
