"""Renderers: one function per output format, chosen by name from `ASSESSMENT_FORMATS`."""
from __future__ import annotations

import sys
from typing import Callable

from advisor.advice.models import Assessment, Profile, Recommendation
from advisor.errors import InputError, Problem
from advisor.render.costs import (certificate_lines, cost_basis, cost_rows, months,
                                  roadmap_lines)
from advisor.render.escape import markdown, terminal
from advisor.render.formats import TEXT_FORMATS
from advisor.render.report import as_html, as_report

WORDS = {"certify": "CERTIFY", "implement": "IMPLEMENT (no certificate)", "not_needed": "not needed"}
SCHEME_WORDS = {"required": "required", "expected": "expected by customers",
                "alternative": "an alternative"}



def _section(title: str, items: list[str]) -> list[str]:
    """A titled list of the text output, followed by a blank line; nothing when it is empty."""
    return [title, *(f"  - {item}" for item in items), ""] if items else []


def as_json(assessment: Assessment) -> str:
    return assessment.model_dump_json(indent=2) + "\n"


def _effort_line(rec: Recommendation) -> str:
    e = rec.effort
    if not e:
        return ""
    low, high = e.typical_months
    days = f"{e.initial_audit_days:g} audit days" if e.initial_audit_days is not None else ""
    if e.integrated_audit_days is not None:
        days += f" ({e.integrated_audit_days:g} if audited with your current certificates)"
    estimate = " (estimate)" if e.estimate else ""
    if rec.decision == "implement":
        return f"about {low}-{high} months to implement; certifying later: {days}{estimate}"
    return f"{days}{estimate}, typically {low}-{high} months to certificate"


def _plan(assessment: Assessment) -> list[Recommendation]:
    return [r for r in assessment.recommendations if r.priority is not None]


def as_text(assessment: Assessment) -> str:
    lines = [f"ISO management-system advice for {assessment.organization}",
             f"(rule base {assessment.rulebase_version}, as of {assessment.as_of})", ""]
    plan = _plan(assessment)
    if plan:
        lines.append("Plan, in order:")
        for rec in plan:
            held = f" [currently {rec.currently}]" if rec.currently != "none" else ""
            lines.append(f"{rec.priority:>3}. {rec.standard}: {WORDS[rec.decision]}{held}")
            lines.append(f"     {rec.title}")
            for reason in rec.reasons:
                lines.append(f"     - {reason.text} [{reason.rule}]")
            for reason in rec.also:
                lines.append(f"     - also (the system, not the certificate): {reason.text} "
                             f"[{reason.rule}]")
            for note in rec.notes:
                lines.append(f"     note: {note.text} [{note.rule}]")
            if rec.effort:
                lines.append(f"     effort: {_effort_line(rec)}")
            lines.append("")
    else:
        lines += ["Nothing found that calls for an ISO management-system standard now.", ""]
    if assessment.certificates:
        lines.append(f"Certificates held, as of {assessment.as_of}:")
        lines += [f"  - {line}" for line in certificate_lines(assessment)] + [""]
    if assessment.roadmap and assessment.roadmap.projects:
        road = assessment.roadmap
        lines.append(f"Roadmap ({road.concurrency} project(s) at a time; done by month "
                     f"{months(*road.done_months)}):")
        lines += [f"  - {line}" for line in roadmap_lines(assessment)] + [""]
    if assessment.costs:
        lines.append("Three-year cost (auditor-days; fees; internal person-months):")
        lines += [f"  - {s}: {days} days; {fees}; {pm} person-months"
                  for s, _, days, fees, pm in cost_rows(assessment)]
        lines += [f"  {cost_basis(assessment)}", ""]
    rest = [r.standard for r in assessment.recommendations if r.priority is None]
    if rest:
        lines += ["Not needed now: " + ", ".join(rest), ""]
    lines += _section("Unknown answers that could change this advice:",
                      [f"{u.field}: {', '.join(u.could_change)}" for u in assessment.unknowns])
    lines += _section("Warnings:", assessment.warnings)
    lines += _section("Notes:", [f"{n.text} [{n.rule}]" for n in assessment.notes])
    if assessment.schemes:
        lines.append("Other schemes (outside the ISO catalog):")
        for sch in assessment.schemes:
            held = " [held]" if sch.held else ""
            lines.append(f"  - {sch.scheme}: {SCHEME_WORDS[sch.level]}{held}")
            lines += [f"    {r.text} [{r.rule}]" for r in sch.reasons]
        lines.append("")
    return terminal("\n".join(lines).rstrip() + "\n")


_cell = markdown              # rule ids and field names go in code spans: they are [a-z0-9_-]


def as_markdown(assessment: Assessment) -> str:
    lines = [f"# ISO management-system advice for {_cell(assessment.organization)}", "",
             f"Rule base {_cell(assessment.rulebase_version)}, as of {assessment.as_of}.", ""]
    plan = _plan(assessment)
    if plan:
        lines += ["## Plan", "", "| # | Standard | Decision | Effort |", "|---|---|---|---|"]
        for rec in plan:
            lines.append(f"| {rec.priority} | {_cell(rec.standard)} | {WORDS[rec.decision]} | "
                         f"{_cell(_effort_line(rec))} |")
        lines.append("")
        for rec in plan:
            lines += [f"### {rec.priority}. {_cell(rec.standard)}: {_cell(rec.title)}", ""]
            lines += [f"- {_cell(r.text)} (`{r.rule}`; source: {_cell(r.source)})" for r in rec.reasons]
            lines += [f"- Also (the system, not the certificate): {_cell(r.text)} (`{r.rule}`; "
                      f"source: {_cell(r.source)})" for r in rec.also]
            lines += [f"- Note: {_cell(n.text)} (`{n.rule}`)" for n in rec.notes]
            lines.append("")
    else:
        lines += ["Nothing found that calls for an ISO management-system standard now.", ""]
    if assessment.certificates:
        lines += [f"## Certificates held, as of {assessment.as_of}", ""]
        lines += [f"- {_cell(line)}" for line in certificate_lines(assessment)] + [""]
    if assessment.roadmap and assessment.roadmap.projects:
        road = assessment.roadmap
        lines += ["## Roadmap", "", f"{road.concurrency} project(s) at a time; done by month "
                  f"{months(*road.done_months)}.", "",
                  "| Start | Ready by | Standards | Kind | Milestones |", "|---|---|---|---|---|"]
        for p in road.projects:
            inside = f" (built inside: {', '.join(p.merged)})" if p.merged else ""
            lines.append(f"| {p.start_month} | {months(*p.ready_months)} | "
                         f"{_cell(' + '.join(p.standards))}{_cell(inside)} | "
                         f"{p.kind.replace('_', ' ')} | "
                         f"{_cell('; '.join(f'{m.what}: month {m.month}' for m in p.milestones))} |")
        lines.append("")
        if road.deadline_note:
            lines += [f"**Deadline:** {_cell(road.deadline_note)}", ""]
        for option in road.options:
            lines.append(f"- {_cell(option.text)} ({_cell(option.source)})")
        lines += [""] if road.options else []
    if assessment.costs:
        lines += ["## Three-year cost", "", "| Standard | Covers | Auditor-days | Fees | "
                  "Internal person-months |", "|---|---|---|---|---|"]
        lines += [f"| {' | '.join(_cell(x) for x in row)} |" for row in cost_rows(assessment)]
        lines += ["", f"_{_cell(cost_basis(assessment))}_", ""]
    rest = [r.standard for r in assessment.recommendations if r.priority is None]
    if rest:
        lines += ["## Not needed now", "", _cell(", ".join(rest)), ""]
    if assessment.unknowns:
        lines += ["## Unknown answers that could change this advice", ""]
        lines += [f"- `{u.field}`: {_cell(', '.join(u.could_change))}" for u in assessment.unknowns]
        lines.append("")
    if assessment.warnings:
        lines += ["## Warnings", ""] + [f"- {_cell(w)}" for w in assessment.warnings] + [""]
    if assessment.notes:
        lines += ["## Notes", ""] + [f"- {_cell(n.text)} (`{n.rule}`)" for n in assessment.notes] + [""]
    if assessment.schemes:
        lines += ["## Other schemes (outside the ISO catalog)", "",
                  "| Scheme | Level | Why | Source |", "|---|---|---|---|"]
        lines += [f"| {_cell(sch.scheme)}{' (held)' if sch.held else ''} | {SCHEME_WORDS[sch.level]} "
                  f"| {_cell(' '.join(r.text for r in sch.reasons))} "
                  f"| {_cell('; '.join(dict.fromkeys(r.source for r in sch.reasons)))} |"
                  for sch in assessment.schemes] + [""]
    return "\n".join(lines).rstrip() + "\n"


ASSESSMENT_FORMATS: dict[str, Callable[[Assessment], str]] = {
    "text": as_text, "json": as_json, "markdown": as_markdown,
    "report": as_report, "html": as_html,   # the board report (advisor.render.report)
}


def render(assessment: Assessment, fmt: str) -> str:
    return ASSESSMENT_FORMATS[fmt](assessment)


if tuple(sorted(ASSESSMENT_FORMATS)) != TEXT_FORMATS:   # the CLI's choices are these names
    raise ImportError(f"advisor.render.formats.TEXT_FORMATS {TEXT_FORMATS} differs from the "
                      f"renderers {tuple(sorted(ASSESSMENT_FORMATS))}")
#: Formats that also read the profile (the board report shows the deadline).
_WITH_PROFILE = {"report": as_report, "html": as_html}


def as_pdf(assessment: Assessment, profile: Profile | None = None) -> bytes:
    """The board report printed to PDF by headless Chromium (advisor.render.pdf)."""
    from advisor.render.pdf import html_to_pdf
    return html_to_pdf(as_html(assessment, profile))


def write_assessment(path: str | None, assessment: Assessment, fmt: str,
                     profile: Profile | None = None) -> None:
    """Write `assessment` in `fmt` to `path` (stdout when None), whole or not at all."""
    from advisor.render.output import write_bytes, write_text
    if fmt == "pdf":
        if path in (None, "-") and sys.stdout.isatty():
            raise InputError([Problem("a PDF is binary: write it to a file with --output FILE")])
        write_bytes(path, as_pdf(assessment, profile))
    elif fmt in _WITH_PROFILE:
        write_text(path, _WITH_PROFILE[fmt](assessment, profile))
    else:
        write_text(path, render(assessment, fmt))
