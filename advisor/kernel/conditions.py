"""The condition language of rule files: parsed, validated, described in words.

A condition is a mapping. `all:` / `any:` hold lists of conditions; any other key is a field
test, `field: value` (equals) or `field: {op: value}`. Tests on a null (unknown) field are false,
except `unknown: true`. Both engines evaluate the same parsed tree (`Test`, `All`, `Any`); what
each operator means is the table in `advisor.kernel.operators`, and nowhere else.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Iterator, Mapping, Union

from advisor.kernel.operators import OPERATORS
from advisor.kernel.text import fill as fill_template


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
        return f"{self.field} " + OPERATORS[self.op].words.format(v=shown)


@dataclass(frozen=True)
class _Group:
    """Conditions joined by `word`: every one holds (All), or some one does (Any_)."""

    items: tuple["Condition", ...]
    word: ClassVar[str] = ""

    def fields(self) -> Iterator[str]:
        for item in self.items:
            yield from item.fields()

    def describe(self) -> str:
        return _join(self.items, self.word)


class All(_Group):
    word = "and"


class Any_(_Group):
    word = "or"


Condition = Union[Test, All, Any_]


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _join(items: tuple[Condition, ...], word: str) -> str:
    parts = [item.describe() if isinstance(item, Test) else f"({item.describe()})" for item in items]
    return f" {word} ".join(parts)


def evaluate(condition: Condition, fact: Mapping[str, Any]) -> bool:
    """Reference semantics, used by tests and by the pure-Python evaluator."""
    if isinstance(condition, All):
        return all(evaluate(c, fact) for c in condition.items)
    if isinstance(condition, Any_):
        return any(evaluate(c, fact) for c in condition.items)
    return OPERATORS[condition.op].holds(fact.get(condition.field), condition.value)


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
