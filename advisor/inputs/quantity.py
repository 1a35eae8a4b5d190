"""Numbers as people write them: decimal comma or point, thousands separators, units.

One reader for every place a person types or pastes a number (the terminal and web
questionnaires, spreadsheet cells). It never guesses: `2,5` and `1.234,5` have one reading, but
`2.500` or `2,500` can be two and a half or two thousand five hundred, and unless the person has
said which convention they use (`decimal="comma"` or `"point"`), it raises `AmbiguousNumber`
carrying both readings so the caller can ask again. A unit (`2,5 GWh`) is converted to the
question's unit and the result is described for confirmation (`2.5 GWh = 9 TJ`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal, Mapping, Sequence

from advisor.errors import Problem, ProfileError

DecimalStyle = Literal["auto", "point", "comma"]
DECIMAL_STYLES: tuple[str, ...] = ("auto", "point", "comma")

#: Energy units, in terajoules per unit (1 kWh = 3.6 MJ; 1 GWh = 3.6 TJ).
ENERGY_IN_TJ: dict[str, Decimal] = {
    "TJ": Decimal(1), "PJ": Decimal(1000), "GJ": Decimal("0.001"), "MJ": Decimal("0.000001"),
    "TWh": Decimal(3600), "GWh": Decimal("3.6"), "MWh": Decimal("0.0036"),
    "kWh": Decimal("0.0000036"),
}
MAX_CHARS = 60                  # longer than any number a person types; checked before any regex
_GROUPING_SPACES = " \u00a0\u202f\u2009'\u2019_"     # spaces, NBSP, thin spaces, Swiss apostrophe
_SHAPE = re.compile(r"([+-]?)([0-9.,]*[0-9][0-9.,]*|[.,][0-9]+)\s*([A-Za-z]*)")
_GROUPS = re.compile(r"[0-9]{1,3}(?:[.,][0-9]{3})+")


class NumberError(ProfileError):
    """A typed number that cannot be read; the problem says why and what would be valid."""

    def __init__(self, problems: Sequence[Problem] | str, readings: tuple[float, ...] = (),
                 again: str = ""):
        self.readings = readings
        self.again = again            # how to type it unambiguously, for AmbiguousNumber
        super().__init__(problems)

    def with_source(self, source: str | None, location: str | None = None) -> "NumberError":
        located = super().with_source(source, location)
        return type(self)(located.problems, self.readings, self.again)


class AmbiguousNumber(NumberError):
    """`2.500` or `2,500` without a declared convention: two readings, ask again."""


@dataclass(frozen=True)
class Reading:
    """A number as read: `value` in the question's unit, and how it was read."""

    value: float
    typed: str
    typed_value: float            # the number before any unit conversion
    unit: str | None              # the unit typed, canonical spelling (`GWh`), or None
    in_unit: str | None           # the question's unit (`TJ`), or None for plain counts
    separators_read: bool         # a comma or grouping had to be interpreted

    @property
    def converted(self) -> bool:
        return self.unit is not None and self.unit != self.in_unit

    @property
    def needs_confirmation(self) -> bool:
        """Show the reading back before using it: a unit was converted or a separator read."""
        return self.converted or self.separators_read

    def describe(self, decimal: DecimalStyle = "auto") -> str:
        """`2.5 GWh = 9 TJ`, in the person's convention, for them to confirm."""
        shown = show_number(self.value, decimal)
        unit = f" {self.in_unit}" if self.in_unit else ""
        if self.converted:
            typed = show_number(self.typed_value, decimal)
            return f"{typed} {self.unit} = {shown}{unit}"
        return f"{shown}{unit}"


def show_number(value: float, decimal: DecimalStyle = "auto") -> str:
    """A number for people: thousands grouped, no float noise, in their convention
    (`9`, `2,500`, `0.0036`; with `decimal="comma"`: `2.500`, `0,0036`)."""
    text = format(Decimal(repr(float(value))).normalize(), "f") if value else "0"
    whole, _, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = f"{int(whole.lstrip('-') or 0):,}"
    if decimal == "comma":
        return sign + whole.replace(",", ".") + ("," + frac if frac else "")
    return sign + whole + ("." + frac if frac else "")


def _plain(value: Decimal) -> str:
    """`2500`, `2.5`: no grouping, so neither convention can misread it."""
    return format(value.normalize(), "f")


def _strip_grouping_spaces(text: str) -> str:
    """`2 500` and `2'500` group thousands; a space before the unit is kept as the separator."""
    out = []
    for i, ch in enumerate(text):
        if ch in _GROUPING_SPACES:
            before = text[i - 1] if i else ""
            after = text[i + 1] if i + 1 < len(text) else ""
            if before.isdigit() and after.isdigit():
                rest = re.match(r"[0-9]*", text[i + 1:]).group()
                if len(rest) != 3:
                    raise NumberError(f"'{text}': digits after a space or apostrophe come in "
                                      "groups of three (2 500)")
                continue
        out.append(ch)
    return "".join(out)


def _read(text: str, decimal: DecimalStyle) -> tuple[Decimal, str, bool]:
    """(value, unit text, separators interpreted) for the whole of `text`."""
    match = _SHAPE.fullmatch(_strip_grouping_spaces(text.strip()))
    if match is None:
        raise NumberError(f"'{text}' is not a number")
    sign, digits, unit = match.groups()
    points, commas = digits.count("."), digits.count(",")
    interpreted = bool(commas) or points > 1

    def as_decimal(plain: str) -> Decimal:
        try:
            return Decimal(sign + plain)
        except InvalidOperation:
            raise NumberError(f"'{text}' is not a number") from None

    def grouped(sep: str) -> Decimal:
        if not _GROUPS.fullmatch(digits):
            raise NumberError(f"'{text}' is not a number: thousands come in groups of three "
                              f"(1{sep}234{sep}567)")
        return as_decimal(digits.replace(sep, ""))

    if points and commas:                  # 1.234,5 or 1,234.5: the last one is the decimal mark
        mark = "," if digits.rfind(",") > digits.rfind(".") else "."
        group = "." if mark == "," else ","
        whole, _, frac = digits.rpartition(mark)
        if mark in whole or (whole and not _GROUPS.fullmatch(whole)):
            raise NumberError(f"'{text}' is not a number: write it as 1{group}234{mark}5")
        return as_decimal(whole.replace(group, "") + "." + frac), unit, True
    sep = "," if commas else "." if points else ""
    if not sep:
        return as_decimal(digits), unit, False
    if digits.count(sep) > 1:              # 1.234.567: only grouping has several
        return grouped(sep), unit, True
    whole, _, frac = digits.partition(sep)
    as_mark = as_decimal(whole + "." + frac) if whole or frac else None
    if len(frac) != 3 or not whole or len(whole) > 3 or int(whole) == 0:
        return as_mark, unit, interpreted  # 2,5 / 2.50 / 0,125 / 1234.567: only a decimal mark
    group_value = as_decimal(whole + frac)
    declared = {"point": ".", "comma": ","}.get(decimal)
    if declared is not None:
        return (as_mark if sep == declared else group_value), unit, True
    decimals = frac.rstrip("0") or "0"
    decimals += "0" if len(decimals) == 3 else ""
    unit_part = f" {unit}" if unit else ""
    again = (f"; type it again as {sign}{whole}{frac}{unit_part} or as "
             f"{sign}{whole}{sep}{decimals}{unit_part}")
    mark_name = "decimal comma" if sep == "," else "decimal point"
    raise AmbiguousNumber(f"'{text}' could be {_plain(group_value)} (with a thousands "
                          f"separator) or {_plain(as_mark)} (with a {mark_name}){again}",
                          (float(group_value), float(as_mark)), again)


def read_number(text: str, *, decimal: DecimalStyle = "auto",
                units: Mapping[str, Decimal] | None = None, in_unit: str | None = None,
                integer: bool = False) -> Reading:
    """Read what a person typed: `2,5 GWh`, `1.234,5`, `2 500`, `1,200`.

    `units` maps unit names (any case) to their size in `in_unit`; a unit is optional and a bare
    number is in `in_unit`. `decimal` is the person's declared convention; with `auto` an entry
    that two conventions read differently raises AmbiguousNumber (both readings attached). For
    `integer` questions an entry whose only whole-number reading is one of the two is read so
    (`1,200` people), shown for confirmation.
    """
    if not isinstance(text, str) or len(text) > MAX_CHARS:
        raise NumberError(f"is too long for a number (at most {MAX_CHARS} characters)")
    try:
        value, unit_text, interpreted = _read(text, decimal)
    except AmbiguousNumber as exc:
        wholes = [r for r in exc.readings if float(r).is_integer()]
        if not integer or len(wholes) != 1:
            if units:
                exc = _with_unit_hint(exc, text, units, in_unit)
            raise exc from None
        value, unit_text, interpreted = Decimal(repr(wholes[0])), "", True
    typed_value, unit = value, None
    if unit_text:
        by_lower = {name.lower(): name for name in (units or {})}
        unit = by_lower.get(unit_text.lower())
        if unit is None:
            valid = ", ".join(units) if units else "no unit"
            raise NumberError(f"unknown unit '{unit_text}' (use {valid})")
        value = value * Decimal(units[unit])
    elif units and in_unit:
        unit = in_unit
    if integer and value != value.to_integral_value():
        raise NumberError(f"'{text}' is not a whole number")
    number = float(value)
    if integer:
        number = int(value)
    return Reading(number, text.strip(), float(typed_value), unit, in_unit, interpreted)


def _with_unit_hint(exc: AmbiguousNumber, text: str, units: Mapping[str, Decimal],
                    in_unit: str | None) -> AmbiguousNumber:
    """The two readings converted to the question's unit too: `2,500 MWh = 9 TJ or ...`."""
    unit_text = _SHAPE.fullmatch(_strip_grouping_spaces(text.strip())).group(3)
    by_lower = {name.lower(): name for name in units}
    unit = by_lower.get(unit_text.lower()) if unit_text else None
    if unit is None or unit == in_unit:
        return exc
    parts = [f"{_plain(Decimal(repr(r)))} {unit} = "
             f"{show_number(float(Decimal(repr(r)) * units[unit]))} {in_unit}" for r in exc.readings]
    return AmbiguousNumber(f"'{text}' could be {parts[0]} (with a thousands separator) or "
                           f"{parts[1]} (with a decimal mark){exc.again}",
                           exc.readings, exc.again)
