"""What certification would take: initial audit days and typical months.

Figures come from the rule base's `effort.yaml` (IAF MD 5 and ISO/IEC 27006 tables, vendor
estimates for months); this module only looks them up and says which figures are estimates.
"""
from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from advisor.advice import catalog
from advisor.advice.models import Effort, Profile, validation_problems
from advisor.kernel import compiled

_LEVEL = {"high": "high", "moderate": "medium", "low": "low"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)


Days = Annotated[float, Field(ge=0, le=10_000)]
Headcount = Annotated[int, Field(ge=1, le=10_000_000)]
Months = Annotated[list[Annotated[int, Field(ge=0, le=600)]], Field(min_length=2, max_length=2)]


class _Table(_Strict):
    source: str = Field(min_length=1)
    bands: Optional[list[tuple[Headcount, Days]]] = Field(None, min_length=1)
    uppers: Optional[list[Headcount]] = Field(None, min_length=1)
    columns: Optional[dict[str, list[Days]]] = Field(None, min_length=1)


class _Complexity(_Strict):
    from_field: Optional[Literal["environmental_impact", "ohs_risk", "data_sensitivity"]]
    by_sector: dict[str, list[str]]
    default: Optional[str] = None                # the level when no sector list names the sector


Share = Annotated[float, Field(ge=0, le=10)]


class _CycleShares(_Strict):
    surveillance: Share
    recertification: Share
    source: str = Field(min_length=1)


class _Cycle(_Strict):
    """The three-year cycle as shares of the initial audit (IAF MD 5; scheme rules per standard)."""
    source: str = Field(min_length=1)
    surveillance: Share
    recertification: Share
    surveillances: int = Field(ge=0, le=10)
    stage1_share: float = Field(ge=0, le=1)
    stage1_source: str = Field(min_length=1)
    by_standard: dict[str, _CycleShares] = {}


class _Sample(_Strict):
    initial: Share
    surveillance: Share
    recertification: Share


class _MultiSite(_Strict):
    """Multi-site sampling (IAF MD 1) and the schemes that audit every site."""
    source: str = Field(min_length=1)
    sample: _Sample
    no_sampling: list[str] = []
    no_sampling_source: Optional[str] = None
    assumption: Optional[str] = None


class _StandardSpec(_Strict):
    table: str
    estimate: bool = False


class _MonthsSpec(_Strict):
    source: str = Field(min_length=1)
    by_size: list[tuple[Optional[Headcount], Months]] = Field(min_length=1)
    minimum: dict[str, Months] = {}


class _Reduction(_Strict):
    source: str = Field(min_length=1)
    fraction: float = Field(ge=0, le=1)


class EffortFile(_Strict):
    """The shape of effort.yaml, checked when the rule base is loaded: a file that `rules check`
    accepts is one that `evaluate` can use."""

    tables: dict[str, _Table] = Field(min_length=1)
    complexity: dict[str, _Complexity] = {}
    standards: dict[str, _StandardSpec] = {}
    months: _MonthsSpec
    integrated_audit_reduction: Optional[_Reduction] = None
    cycle: Optional[_Cycle] = None
    multi_site: Optional[_MultiSite] = None


def validate(data: Any) -> list[str]:
    """Problems with an effort.yaml, as messages: its shape (EffortFile), then what the shape
    cannot say (bands in order, columns as long as the bands, tables that exist)."""
    if not isinstance(data, dict):
        return ["must be a mapping with tables, complexity, standards and months"]
    try:
        effort = EffortFile.model_validate(data)
    except ValidationError as exc:
        return [str(p) for p in validation_problems(exc)][:20]
    problems = []
    if "qms" not in effort.tables:
        problems.append("tables.qms is required: standards without a table of their own are "
                        "estimated from it")
    for name, table in effort.tables.items():
        if (table.bands is None) == (table.uppers is None):
            problems.append(f"tables.{name}: needs either bands, or uppers with columns")
            continue
        uppers = [b[0] for b in table.bands] if table.bands else table.uppers
        if table.uppers is not None:
            if not table.columns:
                problems.append(f"tables.{name}: uppers need columns")
            for column, days in (table.columns or {}).items():
                if len(days) != len(uppers):
                    problems.append(f"tables.{name}.columns.{column}: {len(days)} values for "
                                    f"{len(uppers)} headcount bands")
            if name not in effort.complexity:
                problems.append(f"complexity.{name} is required: table {name} has columns")
        if uppers != sorted(uppers):
            problems.append(f"tables.{name}: headcount bands must be listed in increasing order")
    for std, spec in effort.standards.items():
        if std not in catalog.BY_NAME:
            problems.append(f"standards.{std}: not a catalog standard")
        elif spec.table not in effort.tables:
            problems.append(f"standards.{std}: unknown table {spec.table!r}")
    for std in effort.months.minimum:
        if std not in catalog.BY_NAME:
            problems.append(f"months.minimum.{std}: not a catalog standard")
    if effort.months.by_size[-1][0] is not None:
        problems.append("months.by_size: the last band needs null (any size above)")
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
compiled.on_clear(_plans.clear)


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
