"""The roadmap: which systems run together, when each is ready, and whether the deadline holds.

Built from the ranked recommendations and the rule base's `planning.yaml` (how many projects an
organization can carry, the audit milestones, deadline options, certificate checks). Systems
that share the harmonized structure and fall in the same wave run as one integrated project;
a standard covered by another (a `limit` with `by:`) is built inside the covering project. This
module knows no standard by name.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from advisor.kernel import yaml_cache

from advisor.advice import catalog
from advisor.advice.certificates import months_until, validate as validate_certificates
from advisor.advice.models import (CertificateCheck, Milestone, Profile, Project, Reason,
                                   Recommendation, Roadmap)


def validate(data: Any, folder: Path) -> list[str]:
    """Problems with a planning.yaml."""
    if not isinstance(data, dict):
        return ["must be a mapping with concurrency, milestones, dominant_risks, "
                "deadline_options and certificates"]
    problems = [f"{key}: is required" for key in ("date", "source", "concurrency", "milestones",
                                                  "dominant_risks", "deadline_options",
                                                  "certificates") if key not in data]
    conc = data.get("concurrency") or {}
    for key in ("by_size", "adjust", "minimum", "maximum", "extra_months_per_added_system", "basis"):
        if key not in conc:
            problems.append(f"concurrency.{key}: is required")
    miles = data.get("milestones") or {}
    for key in ("stage1_before_ready", "stage2_before_ready", "basis"):
        if key not in miles:
            problems.append(f"milestones.{key}: is required")
    facts = _declared_facts(folder)
    for standard, fact in (data.get("dominant_risks") or {}).items():
        if standard not in catalog.BY_NAME:
            problems.append(f"dominant_risks.{standard}: not a catalog standard")
        if facts is not None and fact not in facts:
            problems.append(f"dominant_risks.{standard}: fact '{fact}' is not declared in "
                            "rulebase.yaml facts")
    for n, option in enumerate(data.get("deadline_options") or [], 1):
        if not isinstance(option, dict) or not all(option.get(k) for k in
                                                   ("id", "short", "text", "source")):
            problems.append(f"deadline_options #{n}: needs id, short, text and source")
    if "certificates" in data:
        problems += validate_certificates(data["certificates"], folder)
    return problems


def _declared_facts(folder: Path) -> set[str] | None:
    """The facts the folder's rulebase.yaml declares; None for an overlay (`extends:`), whose
    facts add to the base's."""
    try:
        meta = yaml_cache.safe_load((folder / "rulebase.yaml").read_bytes())
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    if not isinstance(meta, dict) or meta.get("extends"):
        return None
    return set(meta.get("facts") or {})


def dominant(planning: dict | None, fact: dict) -> set[str]:
    """Standards addressing a dominant risk, from the facts the rules inferred."""
    if not planning:
        return set()
    return {standard for standard, name in planning["dominant_risks"].items() if fact.get(name)}


def concurrency(planning: dict, profile: Profile) -> int:
    spec = planning["concurrency"]
    count = next(n for upper, n in spec["by_size"] if upper is None or profile.employees <= upper)
    for field_name, steps in spec["adjust"].items():
        count += steps.get(getattr(profile, field_name, None), 0) if getattr(
            profile, field_name, None) else 0
    return max(spec["minimum"], min(spec["maximum"], count))


@dataclass
class _Item:
    rec: Recommendation
    kind: str
    months: tuple[int, int]
    merged: list[str] = field(default_factory=list)
    start: int = 0
    ready: tuple[int, int] = (0, 0)


def roadmap(planning: dict, profile: Profile, ranked: list[Recommendation],
            covered: dict[str, str], critical: set[str], checks: list[CertificateCheck],
            as_of: dt.date, options: list[Reason]) -> Roadmap:
    """Place the plan's projects in waves of at most `concurrency` projects.

    `covered`: standard -> the plan entry it is built inside; `critical`: standards a deadline
    depends on (certificates demanded as a pass/fail condition)."""
    width = concurrency(planning, profile)
    conc = planning["concurrency"]
    lapsed = {c.standard for c in checks if not c.in_place}
    items: list[_Item] = []
    by_name: dict[str, _Item] = {}
    for rec in ranked:
        if rec.standard in covered and covered[rec.standard] in by_name:
            by_name[covered[rec.standard]].merged.append(rec.standard)
            continue
        if rec.effort is None or (rec.currently == "certified") or (
                rec.decision == "implement" and rec.currently == "implemented"):
            continue
        kind = ("new_certificate" if rec.standard in lapsed and rec.decision == "certify" else
                rec.decision)
        if rec.standard in lapsed and rec.decision == "implement":
            continue                          # the system stays; no project
        item = _Item(rec, kind, (rec.effort.typical_months[0], rec.effort.typical_months[1]))
        items.append(item)
        by_name[rec.standard] = item
    # deadline-critical projects go into the first wave, then the rest in priority order
    items.sort(key=lambda i: (0 if i.rec.standard in critical else 1))
    projects: list[Project] = []
    start = 0
    for wave_start in range(0, len(items), width):
        wave = items[wave_start:wave_start + width]
        together = [i for i in wave if catalog.BY_NAME[i.rec.standard].harmonized_structure]
        extra = int(conc["extra_months_per_added_system"]) * max(0, len(together) - 1)
        for item in wave:
            lengthen = extra if item in together else 0
            item.start = start
            item.ready = (start + item.months[0] + lengthen, start + item.months[1] + lengthen)
        groups = _groups(wave, together)
        for group in groups:
            projects.append(_project(planning, group))
        start = min(i.ready[0] for i in wave)
    done = [max((p.ready_months[0] for p in projects), default=0),
            max((p.ready_months[1] for p in projects), default=0)]
    projects += _certificate_projects(planning, checks, as_of, ranked, done[1])
    projects.sort(key=lambda p: (p.start_month, p.ready_months[0]))
    fits, shortfall, note, chosen = _deadline(profile, items, critical, options)
    return Roadmap.trusted(
        projects=projects, concurrency=width,
        concurrency_basis=f"{width} project(s) at a time: {conc['basis']}",
        done_months=done, deadline_months=profile.deadline_months, fits_deadline=fits,
        shortfall_months=shortfall, deadline_note=note, options=chosen,
        estimate=bool(conc.get("estimate", True)))


def _groups(wave: list[_Item], together: list[_Item]) -> list[list[_Item]]:
    """Systems sharing the harmonized structure and of the same kind run as one project."""
    groups: list[list[_Item]] = []
    joint: dict[str, list[_Item]] = {}
    for item in wave:
        if item in together and len(together) > 1:
            if item.kind not in joint:
                joint[item.kind] = []
                groups.append(joint[item.kind])
            joint[item.kind].append(item)
        else:
            groups.append([item])
    return groups


def _project(planning: dict, group: list[_Item]) -> Project:
    miles = planning["milestones"]
    start = group[0].start
    low = max(i.ready[0] for i in group)
    high = max(i.ready[1] for i in group)
    names = [i.rec.standard for i in group]
    merged = [m for i in group for m in i.merged]
    kind = group[0].kind
    if kind in ("certify", "new_certificate"):
        milestones = [
            Milestone.trusted(month=max(start, low - int(miles["stage1_before_ready"])),
                              what="stage 1 audit (readiness)"),
            Milestone.trusted(month=max(start, low - int(miles["stage2_before_ready"])),
                              what="stage 2 audit (effectiveness)"),
            Milestone.trusted(month=low, what="certification decision")]
        note = (" and ".join(names) + (" as one integrated project" if len(names) > 1 else "")
                + f"; {miles['basis']}")
    else:
        milestones = [Milestone.trusted(month=low, what="system in place (no certificate)")]
        note = f"{' and '.join(names)} implemented without certification"
    if merged:
        note += f"; built inside it: {', '.join(merged)}"
    return Project.trusted(standards=names, kind=kind, start_month=start, ready_months=[low, high],
                           milestones=milestones, merged=merged, note=note)


def _certificate_projects(planning: dict, checks: list[CertificateCheck], as_of: dt.date,
                          ranked: list[Recommendation], plan_end: int) -> list[Project]:
    """Recertifications and transition audits of certificates held that fall due within the
    planning horizon or before the roadmap's work is done."""
    keep = {r.standard for r in ranked if r.decision == "certify"}
    horizon = max(int(planning["certificates"]["horizon_months"]), plan_end)
    projects = []
    for check in checks:
        if check.standard not in keep or check.status not in ("expiring", "transition", "valid"):
            continue
        if check.action_by is None:
            continue
        due = months_until(as_of, check.action_by)
        if due > horizon and check.status == "valid":
            continue
        kind = "transition" if check.status == "transition" else "recertify"
        what = "transition audit" if kind == "transition" else "recertification audit"
        month = max(0, due - 1)
        projects.append(Project.trusted(
            standards=[check.standard], kind=kind, start_month=max(0, due - 3),
            ready_months=[due, due], milestones=[Milestone.trusted(month=month, what=what)],
            merged=[], note=f"{check.action} (by {check.action_by})"))
    return projects


def _deadline(profile: Profile, items: list[_Item], critical: set[str],
              options: list[Reason]) -> tuple[bool | None, int | None, str | None, list[Reason]]:
    deadline = profile.deadline_months
    certifying = [i for i in items if i.kind in ("certify", "new_certificate")]
    needed = [i for i in certifying if i.rec.standard in critical] or certifying
    if deadline is None or not needed:
        return None, None, None, []
    late = [i for i in needed if i.ready[0] > deadline]
    if not late:
        latest = max(i.ready[0] for i in needed)
        return True, 0, (f"Fits the deadline of {deadline} months: "
                         f"{', '.join(i.rec.standard for i in needed)} typically certified by "
                         f"month {latest}."), []
    shortfall = max(i.ready[0] for i in late) - deadline
    alone = [i for i in late if i.months[0] <= deadline]
    parts = [f"{i.rec.standard} is typically certified by month {i.ready[0]}-{i.ready[1]}"
             for i in late]
    note = (f"The deadline of {deadline} months cannot be met as planned: {'; '.join(parts)}, "
            f"{shortfall} month{'s' if shortfall != 1 else ''} late.")
    fits = []
    if alone:
        names = " and ".join(i.rec.standard for i in alone)
        spans = sorted({f"{i.months[0]}-{i.months[1]}" for i in alone})
        fits.append(f"running {names} first, each as a project of its own (typically "
                    f"{' or '.join(spans)} months), with the other systems after")
    elif len(late) > 1:
        note += " Even run on their own they typically take longer than the deadline."
    else:
        note += " Even run on its own it typically takes longer than the deadline."
    fits += [o.text.split(":", 1)[0] for o in options]
    if fits:
        note += " What would fit: " + (", ".join(fits[:-1]) + f", or {fits[-1]}."
                                       if len(fits) > 1 else f"{fits[0]}.")
    return False, shortfall, note, options


def deadline_options(planning: dict | None) -> list[Reason]:
    """The options planning.yaml lists for a deadline the plan misses, as reasons with sources."""
    if not planning:
        return []
    return [Reason.trusted(rule=o["id"], text=f"{o['short']}: {o['text']}", source=o["source"],
                           driver="plan", answers={}, inferred_from=[])
            for o in planning["deadline_options"]]
