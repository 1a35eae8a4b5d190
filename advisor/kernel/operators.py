"""THE operator table: what each operator of the condition language means, written once.

Every operator is one relation between a field's value and a rule's constant (`eq`, an order
`gt` / `gte` / `lt` / `lte`, `contains` for list fields, or `null`, the field's state), maybe
negated, maybe taken over a list of constants (`many`: it holds when the relation holds for any
of them; negated, for none). The rest follows from that and lives nowhere else: the reference
semantics (`Operator.holds`), the field kinds an operator applies to (the loader), the value it
takes (the loader and the rule-file JSON Schema), how it reads in words (explanations and
`rules check`), and what each engine generates: `advisor.engines.python` and
`advisor.engines.durable` translate the relations and combine them by `negated` and `many`, so
an operator made of known relations needs no engine change.

Null means "not known": a test on a null field is false whatever the operator (a negated test
too: `ne: x` is "is known and is not x"), except the `null` relation itself (`unknown`, `known`).
"""
from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any, Callable

#: Field kinds (advisor.kernel.rulebase.FieldType.kind).
KINDS = ("bool", "number", "text", "enum", "list")

#: The relations, on a known value and one constant.
RELATIONS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le,
    "contains": lambda value, constant: constant in value,
}
ORDER = ("gt", "gte", "lt", "lte")


@dataclass(frozen=True)
class Operator:
    """One operator: its relation, whether it is negated or takes a list, and where it applies."""

    name: str
    relation: str                # eq | gt | gte | lt | lte | contains | null
    kinds: tuple[str, ...]       # field kinds it may test
    words: str                   # how a test reads after the field's name; `{v}` is the value
    negated: bool = False
    many: bool = False           # takes a non-empty list of constants

    @property
    def on_state(self) -> bool:
        """Tests whether the field is known (takes `true`, holds on null)."""
        return self.relation == "null"

    @property
    def ordered(self) -> bool:
        """Compares numbers: every constant must be a number."""
        return self.relation in ORDER

    def holds(self, value: Any, constant: Any) -> bool:
        """The reference semantics: does a test with this operator and `constant` hold on `value`?"""
        if self.on_state:
            return (value is None) != self.negated
        if value is None:
            return False
        relation = RELATIONS[self.relation]
        found = any(relation(value, c) for c in constant) if self.many else relation(value, constant)
        return found != self.negated


_SCALAR = ("bool", "number", "text", "enum")
OPERATORS: dict[str, Operator] = {op.name: op for op in (
    Operator("eq", "eq", _SCALAR, "is {v}"),
    Operator("ne", "eq", _SCALAR, "is known and is not {v}", negated=True),
    Operator("in", "eq", ("number", "enum"), "is one of {v}", many=True),
    Operator("not_in", "eq", ("number", "enum"), "is known and is none of {v}", negated=True,
             many=True),
    Operator("gt", "gt", ("number",), "is above {v}"),
    Operator("gte", "gte", ("number",), "is at least {v}"),
    Operator("lt", "lt", ("number",), "is below {v}"),
    Operator("lte", "lte", ("number",), "is at most {v}"),
    Operator("contains", "contains", ("list",), "includes {v}"),
    Operator("contains_any", "contains", ("list",), "includes any of {v}", many=True),
    Operator("not_contains", "contains", ("list",), "does not include {v}", negated=True),
    Operator("contains_none", "contains", ("list",), "includes none of {v}", negated=True,
             many=True),
    Operator("unknown", "null", KINDS, "is not known"),
    Operator("known", "null", KINDS, "is known", negated=True),
)}
#: Operator names in the order messages list them.
OPS = tuple(OPERATORS)


def for_kind(kind: str) -> tuple[str, ...]:
    """The operators a field of `kind` may be compared with (beside `unknown` / `known`)."""
    return tuple(name for name, op in OPERATORS.items() if kind in op.kinds and not op.on_state)
