"""Numbers as people type them in spreadsheets: `2,5`, `1.234,5`, `1 000`, `1,000.5`.

A separator is read as decimal or thousands only when that is certain: from the number itself
(`2,5` can only be two and a half; `1.234,5` has both), or from the file's locale, which the
caller knows (a `;`-separated CSV comes from a decimal-comma locale). `1,000` in a file whose
locale is unknown is refused with both readings spelled out, never guessed: a wrong guess is a
thousandfold error in headcount or energy use, and silently wrong advice.
"""
from __future__ import annotations

import re

_PLAIN = re.compile(r"[+-]?\d+")
#: Thousands groups separated by spaces, no-break spaces or apostrophes (`1 000`, `1'000'000`),
#: optionally with a decimal part: unambiguous in every locale.
_SPACED = re.compile(r"([+-]?\d{1,3}(?:[ \u00a0\u202f']\d{3})+)(?:([.,])(\d+))?")
_SHAPE = re.compile(r"[+-]?[\d.,]+")


class AmbiguousNumber(ValueError):
    """A number whose separator could be decimal or thousands."""


def _grouped(head: str, sep: str) -> bool:
    """`head` is digits in thousands groups separated by `sep` (`1,234,567`), no leading zero."""
    digits = head.lstrip("+-")
    groups = digits.split(sep)
    return (len(groups) > 1 and 1 <= len(groups[0]) <= 3 and groups[0].isdigit()
            and not groups[0].startswith("0")
            and all(len(g) == 3 and g.isdigit() for g in groups[1:]))


def canonical_number(text: str, decimal: str | None = None) -> str:
    """`text` as a plain number (`2.5`, `1000`) when it is one as people write numbers; any other
    text is returned unchanged for the model to judge. `decimal` is the locale's decimal
    separator (`,` or `.`) when known. Raises AmbiguousNumber for `1,000` or `1.000` when the
    locale is unknown."""
    t = text.strip()
    if _PLAIN.fullmatch(t):
        return t
    spaced = _SPACED.fullmatch(t)
    if spaced:
        whole = re.sub(r"[ \u00a0\u202f']", "", spaced.group(1))
        return whole + (f".{spaced.group(3)}" if spaced.group(3) else "")
    if not _SHAPE.fullmatch(t):
        return text
    commas, points = t.count(","), t.count(".")
    if commas and points:                        # the last separator is the decimal one
        dec = "," if t.rfind(",") > t.rfind(".") else "."
        thousands = "." if dec == "," else ","
        head, _, tail = t.rpartition(dec)
        if tail.isdigit() and _grouped(head, thousands):
            return head.replace(thousands, "") + "." + tail
        return text
    sep = "," if commas else "."
    head, _, tail = t.rpartition(sep)
    if (commas or points) > 1:                   # only thousands groups can repeat
        if _grouped(t, sep) and decimal != sep:
            return t.replace(sep, "")
        return text
    if not (tail.isdigit() and head.lstrip("+-").isdigit()):
        return text
    if len(tail) != 3 or not _grouped(t, sep):   # `2,5`, `0,500`, `12345,678`: decimal only
        return head + "." + tail
    if decimal == sep:
        return head + "." + tail
    if decimal is not None:                      # the locale's other separator: thousands
        return head + tail
    raise AmbiguousNumber(
        f"'{t}' is ambiguous: {head}{tail} with '{sep}' between thousands, or {head}.{tail} with "
        f"a decimal '{sep}'; write it without the separator ({head}{tail}) or with a decimal point "
        f"({head}.{tail})")
