"""What certification would take: initial audit days and typical months.

Figures come from the rule base's `effort.yaml` (IAF MD 5 and ISO/IEC 27006 tables, vendor
estimates for months); this module only looks them up and says which figures are estimates.
"""
from __future__ import annotations

import math
from typing import Any

from . import catalog
from .models import Effort, Profile

_LEVEL = {"high": "high", "moderate": "medium", "low": "low"}


def validate(data: Any) -> list[str]:
    """Problems with an effort.yaml, as messages."""
    problems = []
    if not isinstance(data, dict):
        return ["must be a mapping with tables, complexity, standards and months"]
    tables = data.get("tables") or {}
    for name, table in tables.items():
        if "bands" in table:
            uppers = [b[0] for b in table["bands"]]
        else:
            uppers = table.get("uppers") or []
            for column, days in (table.get("columns") or {}).items():
                if len(days) != len(uppers):
                    problems.append(f"tables.{name}.columns.{column}: {len(days)} values for "
                                    f"{len(uppers)} headcount bands")
        if uppers != sorted(uppers) or not uppers:
            problems.append(f"tables.{name}: headcount bands must be listed in increasing order")
    for std, spec in (data.get("standards") or {}).items():
        if std not in catalog.BY_NAME:
            problems.append(f"standards.{std}: not a catalog standard")
        elif spec.get("table") not in tables:
            problems.append(f"standards.{std}: unknown table {spec.get('table')!r}")
    for std in (data.get("months") or {}).get("minimum") or {}:
        if std not in catalog.BY_NAME:
            problems.append(f"months.minimum.{std}: not a catalog standard")
    if not (data.get("months") or {}).get("by_size"):
        problems.append("months.by_size is required")
    return problems


def _round_half(days: float) -> float:
    return math.floor(days * 2 + 0.5) / 2


def _band(uppers: list[int], employees: int) -> tuple[int, bool]:
    for n, upper in enumerate(uppers):
        if employees <= upper:
            return n, False
    return len(uppers) - 1, True


def table_days(table: dict, employees: int, column: str | None = None) -> tuple[float, bool]:
    """Initial audit days in one effort table at this headcount (`column`: complexity, for tables
    with columns), and whether the headcount is beyond the table's last band."""
    if "bands" in table:
        n, beyond = _band([b[0] for b in table["bands"]], employees)
        return float(table["bands"][n][1]), beyond
    n, beyond = _band(table["uppers"], employees)
    return float(table["columns"][column][n]), beyond


def _complexity(effort: dict, kind: str, profile: Profile) -> str:
    spec = effort["complexity"][kind]
    declared = getattr(profile, spec["from_field"])
    if declared in _LEVEL:
        return _LEVEL[declared]
    for level, sectors in spec["by_sector"].items():
        if profile.sector in sectors:
            return level
    return "medium"


def estimate(effort: dict, standard: str, profile: Profile) -> Effort:
    """Audit days and months for `standard` at this organization's size."""
    spec = (effort.get("standards") or {}).get(standard, {"table": "qms", "estimate": True})
    table = effort["tables"][spec["table"]]
    estimated = bool(spec.get("estimate"))
    level = None if "bands" in table else _complexity(effort, spec["table"], profile)
    days, beyond = table_days(table, profile.employees, level)
    basis = table["source"] + (f", {level} complexity" if level else "")
    if estimated:
        basis = f"estimate: no published table here for {standard}; scaled like ISO 9001 ({basis})"
    if beyond:
        estimated = True
        basis += "; headcount above the table, where it says to follow the progression"
    if profile.sites > 1:
        basis += "; single-site figure, multi-site sampling (IAF MD 1) changes it"

    months = effort["months"]
    size = profile.employees if profile.sites == 1 else math.inf
    span = next(rng for upper, rng in months["by_size"] if upper is None or size <= upper)
    floor = (months.get("minimum") or {}).get(standard)
    if floor:
        span = [max(span[0], floor[0]), max(span[1], floor[1])]

    integrated = None
    std = catalog.BY_NAME[standard]
    held = [catalog.BY_NAME[s] for s in profile.certified if s in catalog.BY_NAME and s != standard]
    if std.harmonized_structure and any(h.harmonized_structure for h in held):
        cut = effort.get("integrated_audit_reduction", {}).get("fraction", 0)
        integrated = _round_half(days * (1 - cut))
    return Effort.trusted(initial_audit_days=days, typical_months=list(span), basis=basis,
                  integrated_audit_days=integrated, estimate=estimated)
