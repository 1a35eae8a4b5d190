"""What certification would take: initial audit days and typical months.

Figures come from the rule base's `effort.yaml` (IAF MD 5 and ISO/IEC 27006 tables, vendor
estimates for months); this module only looks them up and says which figures are estimates.
"""
from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

from advisor.advice import catalog
from advisor.advice.models import Effort, Profile

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


@dataclass(frozen=True)
class _Plan:
    """One standard's figures from an effort.yaml, gathered once (estimate() runs per decision)."""

    uppers: tuple[int, ...]                       # headcount bands, highest headcount in each
    days: dict[str | None, tuple[float, ...]]     # per complexity level; None for a banded table
    from_field: str | None                        # profile field that declares the complexity
    by_sector: dict[str, str]                     # sector -> complexity where none is declared
    default_level: str | None                     # complexity when neither says
    source: str
    estimated: bool
    months_by_size: tuple[tuple[float, tuple[int, int]], ...]
    floor: tuple[int, int] | None                 # at least this many months, whatever the size
    harmonized: bool
    integrated_cut: float


def _plan(effort: dict, standard: str) -> _Plan:
    cached = _plans.get(id(effort))
    if cached is None or cached[0] is not effort:
        if len(_plans) >= 16:                    # rule bases come and go in long processes
            del _plans[next(iter(_plans))]
        cached = _plans[id(effort)] = (effort, {})
    plans = cached[1]
    if standard not in plans:
        spec = (effort.get("standards") or {}).get(standard, {"table": "qms", "estimate": True})
        table = effort["tables"][spec["table"]]
        if "bands" in table:
            uppers = tuple(b[0] for b in table["bands"])
            days: dict = {None: tuple(float(b[1]) for b in table["bands"])}
            from_field, by_sector, default_level = None, {}, None
        else:
            uppers = tuple(table["uppers"])
            days = {level: tuple(map(float, column)) for level, column in table["columns"].items()}
            complexity = effort["complexity"][spec["table"]]
            from_field, by_sector = complexity.get("from_field"), {}
            default_level = complexity.get("default", "medium")
            for level, sectors in complexity["by_sector"].items():
                for sector in sectors:
                    by_sector.setdefault(sector, level)
        months = effort["months"]
        floor = (months.get("minimum") or {}).get(standard)
        plans[standard] = _Plan(
            uppers, days, from_field, by_sector, default_level, table["source"], bool(spec.get("estimate")),
            tuple((math.inf if upper is None else upper, tuple(span))
                  for upper, span in months["by_size"]),
            tuple(floor) if floor else None, catalog.BY_NAME[standard].harmonized_structure,
            effort.get("integrated_audit_reduction", {}).get("fraction", 0))
    return plans[standard]


_plans: dict[int, tuple[dict, dict[str, _Plan]]] = {}     # id(effort) -> (effort, plans)


def _level(plan: _Plan, profile: Profile) -> str | None:
    """The complexity column: declared in the profile, else typical of the sector."""
    if None in plan.days:
        return None
    declared = _LEVEL.get(getattr(profile, plan.from_field)) if plan.from_field else None
    return declared or plan.by_sector.get(profile.sector, plan.default_level)


def _days(plan: _Plan, level: str | None, headcount: int) -> tuple[float, bool]:
    band = bisect_left(plan.uppers, headcount)
    beyond = band == len(plan.uppers)
    return plan.days[level][band - 1 if beyond else band], beyond


def _basis(plan: _Plan, level: str | None, beyond: bool) -> tuple[str, bool]:
    basis = plan.source + (f", {level} complexity" if level else "")
    estimated = plan.estimated
    if estimated:
        basis = f"estimate: no published audit-time table here for this scheme; figures from ({basis})"
    if beyond:
        estimated = True
        basis += "; headcount above the table, where it says to follow the progression"
    return basis, estimated


def estimate(effort: dict, standard: str, profile: Profile) -> Effort:
    """Audit days and months for `standard` at this organization's size."""
    plan = _plan(effort, standard)
    level = _level(plan, profile)
    days, beyond = _days(plan, level, profile.employees)
    basis, estimated = _basis(plan, level, beyond)
    if profile.sites > 1:
        basis += "; single-site figure, multi-site sampling (IAF MD 1) is in the cost model"

    size = profile.employees if profile.sites == 1 else math.inf
    low, high = next(span for upper, span in plan.months_by_size if size <= upper)
    if plan.floor:
        low, high = max(low, plan.floor[0]), max(high, plan.floor[1])

    integrated = None
    if plan.harmonized and any(held != standard and held in catalog.BY_NAME and
                               catalog.BY_NAME[held].harmonized_structure
                               for held in profile.certified):
        integrated = _round_half(days * (1 - plan.integrated_cut))
    return Effort.trusted(initial_audit_days=days, typical_months=[low, high], basis=basis,
                          integrated_audit_days=integrated, estimate=estimated)
