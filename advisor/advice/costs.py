"""What the plan costs over one three-year certification cycle.

Auditor-days come from the rule base's audit-time tables (`effort.yaml`: IAF MD 5, MD 9,
ISO/IEC 27006-1, ISO/TS 22003-1), spread over the cycle by its `cycle:` shares (stage 1 and 2,
two surveillance audits, recertification), multiplied out for multi-site organizations by the
`multi_site:` sampling rule (IAF MD 1), and reduced for integrated audits by
`integrated_audit_reduction:` (IAF MD 11). Money is those days times a day-rate range from
`costs.yaml` (estimates by country, overridable); internal effort is a person-month range from
the same file. This module knows no standard by name: every figure comes from the data.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Union

from advisor.advice.effort import _basis, _days, _level, _plan, _round_half
from advisor.advice.models import (AuditDays, Costs, DayRate, Money, Profile, Recommendation,
                                   StandardCost)
from advisor.errors import InputError, Problem

DayRateArg = Union[None, str, float, int, tuple, Mapping[str, Any], DayRate]


def validate(data: Any, folder: Path) -> list[str]:
    """Problems with a costs.yaml."""
    if not isinstance(data, dict):
        return ["must be a mapping with date, currencies, day_rates and internal_effort"]
    problems = [f"{key}: is required" for key in ("date", "source", "currencies", "day_rates",
                                                  "internal_effort") if key not in data]
    currencies = set(data.get("currencies") or ())
    rates = data.get("day_rates") or {}
    if "default" not in rates:
        problems.append("day_rates.default: is required (used for countries not listed)")
    for country, entry in rates.items():
        where = f"day_rates.{country}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: must map currency, range and source")
            continue
        if entry.get("currency") not in currencies:
            problems.append(f"{where}.currency: {entry.get('currency')!r} is not in currencies")
        span = entry.get("range")
        if not (isinstance(span, list) and len(span) == 2 and all(
                isinstance(v, (int, float)) and v > 0 for v in span) and span[0] <= span[1]):
            problems.append(f"{where}.range: must be [low, high], positive, low <= high")
        if not entry.get("source"):
            problems.append(f"{where}.source: is required")
    effort = data.get("internal_effort") or {}
    for key in ("coordinator_share", "hours_per_employee", "hours_per_person_month",
                "integrated_share", "source"):
        if key not in effort:
            problems.append(f"internal_effort.{key}: is required")
    return problems


# ---------------------------------------------------------------------------------------------
# Auditor-days over the cycle


def audit_days(effort: dict, standard: str, profile: Profile, *, keep: bool = False) -> AuditDays:
    """One standard's auditor-days over a three-year cycle at this organization's size and sites.

    `keep`: a certificate already held, so no initial audit (two surveillances and a
    recertification)."""
    plan = _plan(effort, standard)
    cycle = effort.get("cycle") or {}
    shares = {**cycle, **((cycle.get("by_standard") or {}).get(standard) or {})}
    level = _level(plan, profile)
    sites = profile.sites
    headcount = math.ceil(profile.employees / sites)
    initial, beyond = _days(plan, level, headcount)
    basis, estimated = _basis(plan, level, beyond)
    surveillance_share = float(shares.get("surveillance", 1 / 3))
    recert_share = float(shares.get("recertification", 2 / 3))
    basis += (f"; surveillance {surveillance_share:.0%} and recertification {recert_share:.0%} of "
              f"the initial audit ({shares.get('source', cycle.get('source', ''))})")

    visited = None
    multi = effort.get("multi_site") or {}
    if sites > 1:
        others = sites - 1
        if standard in (multi.get("no_sampling") or ()):
            visited = {"initial": sites, "surveillance": sites, "recertification": sites}
            basis += (f"; every one of {sites} sites audited, no sampling "
                      f"({multi.get('no_sampling_source', '')})")
        else:
            sample = multi.get("sample") or {}
            visited = {kind: 1 + math.ceil(float(sample.get(kind, 1)) * math.sqrt(others) - 1e-9)
                       for kind in ("initial", "surveillance", "recertification")}
            basis += (f"; {sites} sites: central function plus a sample of the other {others} "
                      f"(square root of their number, x{sample.get('surveillance')} at "
                      f"surveillance, x{sample.get('recertification')} at recertification; "
                      f"{multi.get('source', '')})")
        basis += f"; {headcount} people per site ({multi.get('assumption', '')})"
    per_site = {"initial": 1, "surveillance": 1, "recertification": 1} if visited is None else visited

    total_initial = _round_half(initial * per_site["initial"])
    stage1_share = float(cycle.get("stage1_share", 0.3))
    stage1 = max(0.5, _round_half(total_initial * stage1_share))
    surveillance = _round_half(initial * surveillance_share) * per_site["surveillance"]
    recert = _round_half(initial * recert_share) * per_site["recertification"]
    surveillances = int(cycle.get("surveillances", 2))
    basis += f"; stage 1 about {stage1_share:.0%} of the initial audit ({cycle.get('stage1_source', '')})"
    if keep:
        stage1 = total_initial = 0.0
        basis += "; certificate held: no initial audit in this cycle"
    return AuditDays.trusted(
        stage1=stage1, stage2=max(0.0, total_initial - stage1),
        surveillance=[surveillance] * surveillances, recertification=recert,
        total=total_initial + surveillance * surveillances + recert,
        sites_audited=visited, basis=basis, estimate=estimated)


# ---------------------------------------------------------------------------------------------
# Day rates


def _parse_override(value: DayRateArg) -> tuple[float, str | None]:
    """`1200`, `"1200"`, `"1200 EUR"`, `"EUR 1200"`, `(1200, "EUR")`, `{"amount": 1200, ...}`."""
    if isinstance(value, DayRate):
        return value.low, value.currency
    if isinstance(value, Mapping):
        return value.get("amount"), value.get("currency")
    if isinstance(value, tuple) and len(value) == 2:
        return value[0], value[1]
    if isinstance(value, bool):
        raise _rate_error(f"must be a number, not {str(value).lower()}")
    if isinstance(value, (int, float)):
        return value, None
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        match = re.fullmatch(r"([A-Za-z]{3})?\s*([-+]?\d+(?:\.\d+)?)\s*([A-Za-z]{3})?", text)
        if not match or (match[1] and match[3]):
            raise _rate_error(f"'{value[:40]}' is not an amount with an optional currency code, "
                              "such as '1200' or '1200 EUR'")
        return float(match[2]), (match[1] or match[3])
    raise _rate_error("must be an amount, such as 1200 or '1200 EUR'")


def _rate_error(message: str, valid: str | None = None) -> InputError:
    return InputError([Problem(message, field="day_rate", valid=valid)])


def day_rate(data: dict, profile: Profile, override: DayRateArg = None) -> DayRate:
    """The day-rate range for this organization: the override if given, else the table's entry
    for its first listed country that has one, else the table's default."""
    rates = data["day_rates"]
    country = next((c for c in profile.countries if c in rates), None)
    entry = rates[country or "default"]
    date = str(data["date"])
    if override is None:
        return DayRate.trusted(low=float(entry["range"][0]), high=float(entry["range"][1]),
                               currency=entry["currency"], country=country, source=entry["source"],
                               date=date, estimate=bool(data.get("estimate", True)),
                               overridden=False)
    amount, currency = _parse_override(override)
    try:
        amount = float(amount)
    except (TypeError, ValueError):
        raise _rate_error(f"{amount!r} is not a number") from None
    if not math.isfinite(amount) or amount <= 0:
        raise _rate_error(f"must be a positive amount (got {amount:g})")
    currency = (currency or entry["currency"]).upper()
    if currency not in data["currencies"]:
        raise _rate_error(f"'{currency}' is not a currency the day-rate table knows",
                          valid=", ".join(data["currencies"]))
    return DayRate.trusted(low=amount, high=amount, currency=currency, country=None,
                           source="given by the user (--day-rate / day_rate=)", date=date,
                           estimate=False, overridden=True)


# ---------------------------------------------------------------------------------------------
# The plan's cost


@dataclass(frozen=True)
class Audited:
    """A standard the plan audits, and whether its certificate is already held."""

    standard: str
    keep: bool
    months: tuple[int, int]
    harmonized: bool
    together: int          # index of the roadmap project it is certified in (-1: held)


def _person_months(data: dict, profile: Profile, months: tuple[int, int],
                   share: float = 1.0) -> list[float]:
    spec = data["internal_effort"]
    per_month = float(spec["hours_per_person_month"])
    low = months[0] * spec["coordinator_share"][0] + profile.employees * spec["hours_per_employee"][0] / per_month
    high = months[1] * spec["coordinator_share"][1] + profile.employees * spec["hours_per_employee"][1] / per_month
    return [round(low * share, 1), round(high * share, 1)]


def plan_costs(effort: dict, data: dict, profile: Profile, audited: Iterable[Audited],
               rate: DayRate) -> Costs:
    """Costs of the audited standards over one cycle, separate and integrated (IAF MD 11)."""
    audited = list(audited)
    cut = float((effort.get("integrated_audit_reduction") or {}).get("fraction", 0))
    cut_source = (effort.get("integrated_audit_reduction") or {}).get("source", "")
    standards, seen_projects = [], set()
    for item in audited:
        days = audit_days(effort, item.standard, profile, keep=item.keep)
        share = 1.0
        if not item.keep:       # a further system in the same integrated project costs less
            share = float(data["internal_effort"]["integrated_share"]) if (
                item.harmonized and item.together in seen_projects) else 1.0
            if item.harmonized:
                seen_projects.add(item.together)
        effort_pm = [0.0, 0.0] if item.keep else _person_months(data, profile, item.months, share)
        standards.append(StandardCost.trusted(
            standard=item.standard, covers="keep_certificate" if item.keep else "initial_cycle",
            audit_days=days, audit_fees=Money.trusted(low=days.total * rate.low,
                                                      high=days.total * rate.high,
                                                      currency=rate.currency),
            internal_person_months=effort_pm,
            basis=f"auditor-days: {days.basis}; fees: days x day rate ({rate.source}); internal "
                  f"effort: {data['internal_effort']['source']}",
            estimate=True))
    separate = sum(s.audit_days.total for s in standards)
    integrated = _integrated(standards, audited, cut)
    basis = ("IAF MD 5 / scheme tables over one three-year cycle (stage 1 + 2, two surveillance "
             "audits, recertification), multi-site sampling per IAF MD 1, integration per IAF MD 11; "
             f"day rates as of {rate.date}")
    return Costs.trusted(
        day_rate=rate, standards=standards, separate_audit_days=separate,
        integrated_audit_days=integrated,
        integration_basis=(f"systems sharing the harmonized structure audited together: up to "
                           f"{cut:.0%} less audit time depending on how integrated they are "
                           f"({cut_source}); initial audits count as integrated only when the "
                           "roadmap certifies the systems in the same project"),
        audit_fees=Money.trusted(low=integrated * rate.low, high=separate * rate.high,
                                 currency=rate.currency),
        internal_person_months=[round(sum(s.internal_person_months[0] for s in standards), 1),
                                round(sum(s.internal_person_months[1] for s in standards), 1)],
        basis=basis, estimate=True)


def _integrated(standards: list[StandardCost], audited: list[Audited], cut: float) -> float:
    """Days with integrated audits: surveillance and recertification of every harmonized-structure
    system together; initial audits together only within one roadmap project."""
    harmonized = [(s, a) for s, a in zip(standards, audited) if a.harmonized]
    if len(harmonized) < 2:
        return sum(s.audit_days.total for s in standards)
    total = sum(s.audit_days.total for s, a in zip(standards, audited) if not a.harmonized)
    later = sum(sum(s.audit_days.surveillance) + s.audit_days.recertification for s, _ in harmonized)
    total += _round_half(later * (1 - cut))
    projects: dict[int, list[float]] = {}
    for s, a in harmonized:
        if not a.keep:
            projects.setdefault(a.together, []).append(s.audit_days.stage1 + s.audit_days.stage2)
    for initial in projects.values():
        total += _round_half(sum(initial) * (1 - cut)) if len(initial) > 1 else initial[0]
    return total
