"""Certificates held, the roadmap and the three-year cost in words and table rows: one wording
for the text, Markdown and the board report."""
from __future__ import annotations

from advisor.advice.models import Assessment


def money(low: float, high: float, currency: str) -> str:
    """`EUR 56,250-123,750`, or one figure when the range is one amount."""
    return (f"{currency} {low:,.0f}" if round(low) == round(high) else
            f"{currency} {low:,.0f}-{high:,.0f}")


def months(low: int, high: int) -> str:
    return f"{low}" if low == high else f"{low}-{high}"


def certificate_lines(assessment: Assessment) -> list[str]:
    """One line per certificate held with details: its status as of the date, and the action."""
    lines = []
    for c in assessment.certificates:
        held = c.standard + (f":{c.edition}" if c.edition and not c.edition.isalpha()
                             else c.edition or "")
        state = c.status.upper() + ("" if c.in_place else ", not in place")
        lines.append(f"{held}: {state}. {c.action}")
    return lines


def roadmap_lines(assessment: Assessment) -> list[str]:
    """The roadmap in words: each project's months and milestones, then the deadline."""
    road = assessment.roadmap
    if road is None:
        return []
    lines = []
    for p in road.projects:
        names = " + ".join(p.standards)
        inside = f" (built inside: {', '.join(p.merged)})" if p.merged else ""
        steps = ", ".join(f"{m.what} month {m.month}" for m in p.milestones)
        lines.append(f"{names}: {p.kind.replace('_', ' ')}{inside}, from month {p.start_month}, "
                     f"ready by month {months(*p.ready_months)}; {steps}")
    if road.deadline_note:
        lines.append(road.deadline_note)
    return lines


def cost_rows(assessment: Assessment) -> list[tuple[str, str, str, str, str]]:
    """(standard, what it covers, auditor-days, fees, internal person-months) per standard and
    the total, for the text, Markdown and the board report."""
    c = assessment.costs
    if c is None:
        return []
    rows = []
    for s in c.standards:
        d = s.audit_days
        split = (f"stage 1 {d.stage1:g} + stage 2 {d.stage2:g}, " if s.covers == "initial_cycle"
                 else "") + (f"surveillance {' + '.join(f'{x:g}' for x in d.surveillance)}, "
                             f"recertification {d.recertification:g}")
        rows.append((s.standard, "initial certification and cycle" if s.covers == "initial_cycle"
                     else "keep the certificate", f"{d.total:g} ({split})",
                     money(s.audit_fees.low, s.audit_fees.high, s.audit_fees.currency),
                     f"{s.internal_person_months[0]:g}-{s.internal_person_months[1]:g}"
                     if s.internal_person_months[1] else "none (system in place)"))
    pm = c.internal_person_months
    days = (f"{c.integrated_audit_days:g} integrated ({c.separate_audit_days:g} one by one)"
            if c.integrated_audit_days != c.separate_audit_days else f"{c.separate_audit_days:g}")
    rows.append(("Total", "three-year cycle", days,
                 money(c.audit_fees.low, c.audit_fees.high, c.audit_fees.currency),
                 f"{pm[0]:g}-{pm[1]:g}"))
    return rows


def cost_basis(assessment: Assessment) -> str:
    c = assessment.costs
    if c is None:
        return ""
    r = c.day_rate
    rate = (f"day rate {money(r.low, r.high, r.currency)}"
            + (f" for {r.country}" if r.country else "") + (" (estimate" if r.estimate else " (given")
            + f", as of {r.date}: {r.source})")
    return (f"Estimates. Auditor-days: {c.basis}; {c.integration_basis}. Fees: days x {rate}. "
            "Internal effort: person-months of your own staff (estimate).")
