"""NACE Rev. 2 codes: validated against `rules/nace.yaml`, expanded into the activities they imply.

NIS2 Annex I names NACE division C21 and the activity vocabulary names entity types; a profile
may answer with NACE codes, activities or both. Which codes imply which activity is data
(`implies:` in nace.yaml); what an activity means in law is decided by the rule base's sets.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping


from advisor.kernel import yaml_cache

from advisor.kernel import compiled
from advisor.errors import printable

NACE_FILE = "nace.yaml"


def _shipped_file() -> Path:
    here = Path(__file__).resolve().parents[1]
    for candidate in (here / "rules" / NACE_FILE, here.parent / "rules" / NACE_FILE):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"the shipped rules/{NACE_FILE} is missing")


@lru_cache(maxsize=1)
def shipped() -> Mapping[str, Any]:
    return yaml_cache.safe_load(_shipped_file().read_bytes()) or {}


@lru_cache(maxsize=1)
def nace_divisions() -> dict[str, str]:
    """NACE Rev. 2 division (`25`) -> its section letter (`C`)."""
    return {division: letter for letter, section in shipped()["sections"].items()
            for division in section["divisions"]}


def nace_division_codes() -> tuple[str, ...]:
    """Every division with its section letter (`A01` ... `U99`)."""
    return tuple(f"{letter}{division}" for division, letter in nace_divisions().items())


_NACE = re.compile(r"^([A-U])?\s*(\d{2})(?:\.(\d{1,2}))?$")


def resolve_nace(value: Any) -> str:
    """A NACE Rev. 2 code in canonical form (`C25.62`) from `C25.62`, `25.62`, `c 25`, or a
    section letter alone; the division must exist and belong to the section given."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("a NACE code looks like 'C25.62', '25.62', 'C25' or a section letter 'C'")
    text = value.strip().upper()
    if text in shipped()["sections"]:
        return text
    match = _NACE.match(text)
    divisions = nace_divisions()
    if not match or match.group(2) not in divisions:
        digits = re.sub(r"\D", "", text)[:2]
        hints = [f"{divisions[d]}{d}" for d in divisions if digits and d.startswith(digits[:1])][:3]
        hint = f"; did you mean {' or '.join(repr(h) for h in hints)}?" if hints else ""
        codes = nace_division_codes()
        raise ValueError(f"'{printable(value, 40)}' is not a NACE Rev. 2 code{hint} (a division "
                         f"{codes[0]} ... {codes[-1]}, optionally with group and class: C25.62)")
    letter, division, rest = match.groups()
    if letter and letter != divisions[division]:
        raise ValueError(f"'{printable(value, 40)}': division {division} belongs to section "
                         f"{divisions[division]}, not {letter}; did you mean "
                         f"'{divisions[division]}{division}{'.' + rest if rest else ''}'?")
    return f"{divisions[division]}{division}" + (f".{rest}" if rest else "")


def nace_prefixes(code: str) -> tuple[str, ...]:
    """`C25.62` -> (`C`, `C25`, `C25.6`, `C25.62`): every level an activity may name."""
    if len(code) == 1:
        return (code,)
    head, _, rest = code.partition(".")
    return (code[0], head) + tuple(f"{head}.{rest[:n]}" for n in range(1, len(rest) + 1))


def implied_activities(codes: list[str] | tuple[str, ...],
                       data: Mapping[str, Any] | None = None) -> list[str]:
    """Activities whose NACE codes cover one of `codes` (`C29.32` -> motor vehicle manufacture),
    from `data` (a rule base's nace.yaml) or the shipped table."""
    implies = (data if data is not None else shipped()).get("implies") or {}
    levels = {level for code in codes for level in nace_prefixes(code)}
    return [activity for activity, nace in implies.items() if any(c in levels for c in nace)]


for _cached in (shipped, nace_divisions):   # emptied by advisor.kernel.compiled.clear()
    compiled.on_clear(_cached.cache_clear)
