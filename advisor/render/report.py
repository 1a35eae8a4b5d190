"""The board report: the assessment in words a board understands, as Markdown or one HTML file.

Both formats render the same content (`Board`), built from the Assessment alone, so the report
always says what `evaluate` decided. The HTML is self-contained (inline CSS and SVG, no network
assets), escapes every text, prints on A4 and carries a roadmap drawn as inline SVG.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from advisor.advice import catalog
from advisor.advice.models import Assessment, Profile, Recommendation

ACTIONS = {
    ("certify", "none"): "Certify",
    ("certify", "implemented"): "Certify (system in place)",
    ("certify", "certified"): "Keep the certificate",
    ("implement", "none"): "Implement, no certificate",
    ("implement", "implemented"): "Keep it implemented",
    ("implement", "certified"): "Keep the system; no separate certificate needed",
}

HOW_CERTIFICATION_WORKS = [
    "ISO writes the standards but certifies no one. A certificate comes from a certification "
    "body, which is itself accredited by a national accreditation body (UKAS in the UK, DAkkS in "
    "Germany, ANAB in the US, ...) that is a signatory of the IAF Multilateral Recognition "
    "Arrangement (MLA). A claim to be \"certified by ISO\" is a red flag.",
    "Initial certification takes two audits. Stage 1 checks readiness: scope, documentation and "
    "context. Stage 2 checks that the system works in practice. Before stage 2 the body expects "
    "at least one internal audit and one management review; major nonconformities must be "
    "corrected before the certificate is issued.",
    "A certificate runs for three years. Surveillance audits follow every year (the first within "
    "12 months of certification) and a recertification audit in year three, before expiry. A "
    "missed surveillance audit lets the certificate lapse.",
    "Implementing a standard without certifying is legitimate and common: certification is "
    "independent proof for others, worth paying for when customers, tenders or regulators ask.",
]
HOW_SOURCES = ("ISO/IEC 17021-1:2015 §9.1.3 (audit cycle); IAF MLA; ISO, \"Certification\" "
               "(domain notes §1.1, §3.1, §3.2)")

CHOOSING_A_BODY = [
    "Accredited for that standard: the body's accreditation must name the standard (and your "
    "sector), granted by an accreditation body that is an IAF MLA signatory for that scope. "
    "Check it on the accreditation body's register or IAF CertSearch.",
    "Ask several bodies for a quote and compare the auditor-days with the figures in this report "
    "(IAF MD 5): a quote far below them cannot be a real accredited audit, and the cheapest "
    "audit can cost more later.",
    "Do not buy consulting from the body that certifies you: accredited bodies may not consult "
    "for the clients they certify. \"No pass, no fee\" offers and certificates in days are red "
    "flags.",
]
CHOOSING_SOURCES = ("IAF MLA and MD 5; ISO, \"Certification\"; UKAS (domain notes §3.1, §5.1, "
                    "§5.2)")
INTEGRATED = ("Certifying several standards? Ask for an integrated audit: one audit team for "
              "all of them can cut audit time by up to 20 % (IAF MD 11).")

SCHEDULE_RULE = ("One standard at a time, in priority order: each starts when the previous one "
                 "is typically ready (the short end of its range); the pale part of a bar is the "
                 "long end. A standard that is the base of another (such as ISO 9001 inside IATF "
                 "16949) is built alongside it. Standards already in place need no project.")


@dataclass
class Step:
    """One plan entry, in board words, with its place on the roadmap."""

    rec: Recommendation
    action: str
    why: list[str]
    takes: str
    prerequisites: list[str]
    start: int | None = None          # month the work starts; None when already in place
    months: tuple[int, int] | None = None

    @property
    def in_place(self) -> bool:
        return self.start is None

    @property
    def ready(self) -> tuple[int, int] | None:
        if self.start is None or self.months is None:
            return None
        return self.start + self.months[0], self.start + self.months[1]


@dataclass
class Board:
    title: str
    summary: str
    steps: list[Step]
    leave: list[tuple[str, str]]           # (standard or group, why)
    open_questions: list[tuple[str, str, str]]   # (question, field, what it could change)
    warnings: list[str]
    notes: list[str]
    choosing: list[str] = field(default_factory=list)
    footer: str = ""


def _first_clause(text: str) -> str:
    """The first clause of a reason, for the summary."""
    plain = re.sub(r"\s*\([^()]*\)", "", text)
    head = re.split(r"; |: |\. ", plain, maxsplit=1)[0].rstrip(".")
    return head[0].lower() + head[1:] if head[1:2].islower() or head[1:2] == " " else head


def _names(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _takes(rec: Recommendation) -> str:
    e = rec.effort
    if e is None:
        return "No estimate."
    low, high = e.typical_months
    days = "" if e.initial_audit_days is None else f"{e.initial_audit_days:g} auditor-days"
    if e.integrated_audit_days is not None:
        days += f" ({e.integrated_audit_days:g} if audited with your current certificates)"
    estimate = " Figures are estimates." if e.estimate else ""
    if rec.currently == "certified" and rec.decision == "certify":
        return f"Yearly surveillance audits; recertification every three years.{estimate}"
    if rec.currently != "none" and rec.decision == "implement":
        return "Already in place: keep it running with internal audits and management reviews."
    if rec.decision == "implement":
        later = f" Certifying later: {days} of initial audit." if days else ""
        return f"About {low} to {high} months to implement.{later}{estimate}"
    return f"About {low} to {high} months to certificate; {days} of initial audit (stage 1 + 2), " \
           f"then yearly surveillance.{estimate}"


def _prerequisites(rec: Recommendation, plan: list[Recommendation]) -> list[str]:
    """Plan entries that are this one's base (their reasons read this standard's decision)."""
    key = f"decision_{catalog.BY_NAME[rec.standard].key}"
    found = [f"{other.standard} as its base" + (" (in place)" if other.currently != "none" else
                                                 ", built alongside it") for other in plan
             if other is not rec and any(key in r.answers for r in other.reasons)]
    if rec.decision == "certify" and rec.currently != "certified":
        found.append("one internal audit and one management review before the stage 2 audit")
    return found


def _schedule(steps: list[Step]) -> None:
    """Place each step on the roadmap (see SCHEDULE_RULE)."""
    month = 0
    placed: dict[str, Step] = {}
    for step in steps:
        rec = step.rec
        keep = (rec.currently == "certified") or (rec.decision == "implement" and
                                                 rec.currently == "implemented")
        if keep or rec.effort is None:
            continue
        step.months = (rec.effort.typical_months[0], rec.effort.typical_months[1])
        base_of = [s for s in placed.values()
                   if f"decision_{catalog.BY_NAME[s.rec.standard].key}" in
                   {k for r in rec.reasons for k in r.answers}]
        if base_of:
            step.start = base_of[0].start
        else:
            step.start = month
            month += step.months[0]
        placed[rec.standard] = step


def _question(field_name: str) -> str:
    info = Profile.model_fields.get(field_name)
    extra = info.json_schema_extra if info and isinstance(info.json_schema_extra, dict) else {}
    return str(extra.get("question", field_name))


def board(a: Assessment) -> Board:
    """The report's content, from the assessment alone."""
    plan = [r for r in a.recommendations if r.priority is not None]
    steps = [Step(r, ACTIONS[(r.decision, r.currently)], [x.text for x in r.reasons]
                  + [f"Note: {n.text}" for n in r.notes], _takes(r), _prerequisites(r, plan))
             for r in plan]
    _schedule(steps)
    certify = [s.rec.standard for s in steps if s.action.startswith("Certify")]
    implement = [s.rec.standard for s in steps if s.action.startswith("Implement")]
    keep = [s.rec.standard for s in steps if s.action.startswith("Keep")]
    rest = [r for r in a.recommendations if r.priority is None]

    if plan:
        parts = []
        if certify:
            parts.append(f"certifying {_names(certify)}")
        if implement:
            parts.append(f"implementing {_names(implement)} without certification")
        if keep:
            parts.append(f"keeping {_names(keep)}")
        summary = f"For {a.organization} we recommend {_names(parts)}."
        work = [s for s in steps if s.ready]
        if steps[0].in_place:
            summary += f" First priority: {steps[0].rec.standard}, {steps[0].action.lower()}, " \
                       f"because {_first_clause(steps[0].rec.reasons[0].text)}."
        if work:
            summary += f" {'Start with' if work[0] is steps[0] else 'The first project is'} " \
                       f"{work[0].rec.standard}: {_first_clause(work[0].rec.reasons[0].text)}."
            low = max(s.ready[0] for s in work)
            high = max(s.ready[1] for s in work)
            days = sum(s.rec.effort.initial_audit_days or 0 for s in work
                       if s.rec.decision == "certify" and s.rec.effort)
            audit = f", with about {days:g} auditor-days of initial certification audits and " \
                    "then surveillance audits every year" if days else ""
            summary += f" Done one after another, the work takes about {low} to {high} " \
                       f"months{audit}."
    else:
        summary = f"Nothing in the answers for {a.organization} calls for an ISO " \
                  "management-system standard now."
    other = "other " if plan else ""
    summary += f" {len(rest)} {other}standards are not needed now." if len(rest) != 1 else \
        f" One {other}standard is not needed now."
    if a.unknowns:
        count = "One open answer" if len(a.unknowns) == 1 else f"{len(a.unknowns)} open answers"
        summary += f" {count} could change this plan (see below)."

    leave: list[tuple[str, str]] = []
    if implement:
        leave.append((f"Certificates for {_names(implement)}",
                      "Implement now; certify only when a customer, tender or regulator asks "
                      "for the certificate."))
    could = {s for u in a.unknowns for s in u.could_change}
    quiet = []
    for r in rest:
        if r.notes:
            leave.append((r.standard, " ".join(n.text for n in r.notes)))
        elif r.standard in could:
            fields = [u.field for u in a.unknowns if r.standard in u.could_change]
            leave.append((r.standard, f"Not needed on what we know; the open answer on "
                                      f"{_names(fields)} could change that."))
        else:
            quiet.append(r.standard)
    if quiet:
        leave.append((_names(quiet), "Nothing in your answers calls for them: no customer, "
                                     "tender or regulatory demand, and no risk or goal they "
                                     "would serve."))

    choosing = list(CHOOSING_A_BODY)
    audited = certify + [s.rec.standard for s in steps
                         if s.rec.decision == "certify" and s.rec.currently == "certified"]
    if sum(catalog.BY_NAME[s].harmonized_structure for s in audited) >= 2:
        choosing.append(INTEGRATED)
    choosing += [catalog.BY_NAME[s].certification_note for s in audited
                 if s in catalog.BY_NAME and catalog.BY_NAME[s].certification_note]

    return Board(
        title=f"Management-system certification plan for {a.organization}",
        summary=summary, steps=steps, leave=leave,
        open_questions=[(_question(u.field), u.field, _names(u.could_change)) for u in a.unknowns],
        warnings=list(a.warnings), notes=[n.text for n in a.notes], choosing=choosing,
        footer=f"Rule base {a.rulebase_version}. Every reason names a rule; `iso-advisor rules "
               "show ID` explains it and cites its source. Audit days follow IAF MD 5 and "
               "ISO/IEC 27006 where published, else they are marked as estimates; months are "
               "typical figures from certification providers.")


# ---------------------------------------------------------------------------------------------
# Markdown


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def as_report(a: Assessment) -> str:
    """The board report in Markdown."""
    b = board(a)
    lines = [f"# {_md(b.title)}", "", "## Summary", "", _md(b.summary), ""]
    if b.steps:
        lines += ["## The plan", "", "| # | Standard | Decision | Ready (months from start) |",
                  "|---|---|---|---|"]
        for s in b.steps:
            ready = "in place" if s.ready is None else f"{s.ready[0]}-{s.ready[1]}"
            lines.append(f"| {s.rec.priority} | {s.rec.standard}: {_md(s.rec.title)} | {s.action} "
                         f"| {ready} |")
        lines += ["", f"_{SCHEDULE_RULE}_", ""]
        for s in b.steps:
            lines += [f"### {s.rec.priority}. {s.rec.standard}: {s.action}", "", "Why:", ""]
            lines += [f"- {_md(w)}" for w in s.why]
            lines += ["", f"What it takes: {_md(s.takes)}"]
            if s.prerequisites:
                lines.append(f"Prerequisites: {_md('; '.join(s.prerequisites))}.")
            lines += ["", "Rules: " + ", ".join(f"`{r.rule}`" for r in s.rec.reasons), ""]
    lines += ["## What to leave for now", ""]
    lines += [f"- **{_md(what)}**: {_md(why)}" for what, why in b.leave] + [""]
    if b.open_questions:
        lines += ["## Open questions that could change the plan", "",
                  "| Question | Field | Could change |", "|---|---|---|"]
        lines += [f"| {_md(q)} | `{f}` | {_md(c)} |" for q, f, c in b.open_questions] + [""]
    if b.warnings:
        lines += ["## Warnings", ""] + [f"- {_md(w)}" for w in b.warnings] + [""]
    if b.notes:
        lines += ["## Notes", ""] + [f"- {_md(n)}" for n in b.notes] + [""]
    lines += ["## How certification works", ""] + [p + "\n" for p in HOW_CERTIFICATION_WORKS]
    lines += [f"_Sources: {HOW_SOURCES}_", "", "## How to choose a certification body", ""]
    lines += [f"- {c}" for c in b.choosing] + ["", f"_Sources: {CHOOSING_SOURCES}_", "", "---", "",
                                               b.footer]
    return "\n".join(lines).rstrip() + "\n"


# ---------------------------------------------------------------------------------------------
# HTML

CSS = """
:root { --ink: #1d2733; --muted: #5b6776; --line: #d9dee5; --certify: #1f4e79;
        --implement: #2a8c82; --keep: #8a96a3; --bg: #f5f7fa; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
       font: 15px/1.5 "Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", sans-serif; }
main { max-width: 960px; margin: 0 auto; padding: 32px 28px 48px; background: #fff; }
header { border-bottom: 3px solid var(--certify); margin-bottom: 20px; padding-bottom: 10px; }
header p { margin: 4px 0 0; color: var(--muted); }
h1 { font-size: 26px; margin: 0; line-height: 1.25; }
h2 { font-size: 19px; margin: 28px 0 10px; color: var(--certify); }
h3 { font-size: 16px; margin: 0; }
.summary { background: #eef3f9; border-left: 4px solid var(--certify); padding: 12px 16px;
           font-size: 16px; }
.timeline { width: 100%; height: auto; display: block; }
.timeline text { font-family: inherit; }
.rule { color: var(--muted); font-size: 13px; margin: 4px 0 0; }
.step { border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; margin: 10px 0; }
.step header { border: 0; margin: 0 0 6px; padding: 0; display: flex; gap: 10px;
               align-items: baseline; flex-wrap: wrap; }
.badge { display: inline-block; padding: 1px 9px; border-radius: 10px; color: #fff;
         font-size: 13px; font-weight: 600; white-space: nowrap; }
.badge.certify { background: var(--certify); } .badge.implement { background: var(--implement); }
.badge.keep { background: var(--keep); }
.title { color: var(--muted); }
.step ul { margin: 4px 0 8px; padding-left: 20px; }
.step p { margin: 4px 0; }
.label { font-weight: 600; }
.rules { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; border-bottom: 1px solid var(--line); padding: 6px 8px;
         vertical-align: top; }
th { background: #eef1f5; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; }
.cols p, .cols li { font-size: 14px; }
.sources { color: var(--muted); font-size: 12px; }
footer { margin-top: 28px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line);
         padding-top: 8px; }
@media (max-width: 720px) { .cols { grid-template-columns: 1fr; } main { padding: 16px; } }
@page { size: A4; margin: 14mm 14mm 16mm; }
@media print {
  body { background: #fff; font-size: 10pt; }
  main { max-width: none; padding: 0; }
  h1 { font-size: 18pt; } h2 { font-size: 13pt; }
  .summary { font-size: 10.5pt; }
  .cols { grid-template-columns: 1fr 1fr; }
  .timeline, table, li, .step header { break-inside: avoid; page-break-inside: avoid; }
  .step header, .step .label { break-after: avoid; page-break-after: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _kind(step: Step) -> str:
    return "keep" if step.action.startswith("Keep") else step.rec.decision


def timeline_svg(steps: list[Step]) -> str:
    """The roadmap as inline SVG: one row per plan entry, months on the axis."""
    rows = [s for s in steps if s.ready or s.in_place]
    label_w, width, row_h, top = 230, 900, 34, 34
    if not rows:
        return (f'<svg class="timeline" viewBox="0 0 {width} 60" role="img" '
                'aria-label="Roadmap: nothing to schedule"><text x="10" y="35" fill="#5b6776">'
                'Nothing to schedule.</text></svg>')
    horizon = max([s.ready[1] for s in rows if s.ready] + [6])
    step_m = 3 if horizon <= 36 else 6 if horizon <= 72 else 12
    horizon = -(-horizon // step_m) * step_m
    scale = (width - label_w - 20) / horizon
    height = top + row_h * len(rows) + 44
    colors = {"certify": "#1f4e79", "implement": "#2a8c82", "keep": "#8a96a3"}
    out = [f'<svg class="timeline" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="Roadmap: when each recommended standard would be ready">',
           f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>']
    for m in range(0, horizon + 1, step_m):
        x = label_w + m * scale
        out.append(f'<line x1="{x:.1f}" y1="{top - 8}" x2="{x:.1f}" y2="{top + row_h * len(rows)}" '
                   'stroke="#d9dee5" stroke-width="1"/>')
        out.append(f'<text x="{x:.1f}" y="{top - 14}" font-size="12" text-anchor="middle" '
                   f'fill="#5b6776">{m}</text>')
    out.append(f'<text x="{label_w + horizon * scale:.1f}" y="{top + row_h * len(rows) + 18}" '
               'font-size="12" text-anchor="end" fill="#5b6776">months from start</text>')
    for n, s in enumerate(rows):
        y = top + n * row_h
        color = colors[_kind(s)]
        out.append(f'<text x="8" y="{y + 21}" font-size="13" fill="#1d2733">'
                   f'{s.rec.priority}. {_e(s.rec.standard)}</text>')
        if s.ready is None:
            x = label_w
            out.append(f'<circle cx="{x + 6}" cy="{y + 17}" r="6" fill="{color}"/>')
            out.append(f'<text x="{x + 18}" y="{y + 21}" font-size="12" fill="#5b6776">'
                       f'in place: {_e(s.action.lower())}</text>')
            continue
        x0 = label_w + s.start * scale
        solid = s.months[0] * scale
        pale = (s.months[1] - s.months[0]) * scale
        out.append(f'<rect x="{x0:.1f}" y="{y + 7}" width="{solid:.1f}" height="20" rx="3" '
                   f'fill="{color}"/>')
        out.append(f'<rect x="{x0 + solid:.1f}" y="{y + 7}" width="{pale:.1f}" height="20" rx="3" '
                   f'fill="{color}" fill-opacity="0.3"/>')
        word = "certified" if s.rec.decision == "certify" else "in place"
        text = f"{word} by month {s.ready[0]}-{s.ready[1]}"
        end = x0 + solid + pale
        anchor, tx = ("start", end + 6) if end + 150 < width else ("end", x0 - 6)
        out.append(f'<text x="{tx:.1f}" y="{y + 21}" font-size="12" text-anchor="{anchor}" '
                   f'fill="#1d2733">{_e(text)}</text>')
    ly = top + row_h * len(rows) + 18
    for i, (kind, name) in enumerate([("certify", "certify"), ("implement", "implement"),
                                      ("keep", "already in place")]):
        lx = 8 + i * 120
        out.append(f'<rect x="{lx}" y="{ly - 10}" width="12" height="12" fill="{colors[kind]}"/>')
        out.append(f'<text x="{lx + 17}" y="{ly}" font-size="12" fill="#5b6776">{name}</text>')
    out.append("</svg>")
    return "\n".join(out)


def as_html(a: Assessment) -> str:
    """The board report as one self-contained HTML page."""
    b = board(a)
    body = [f"<header><h1>{_e(b.title)}</h1><p>Recommendation for the board · rule base "
            f"{_e(a.rulebase_version)}</p></header>",
            '<section id="summary"><h2>Summary</h2>'
            f'<p class="summary">{_e(b.summary)}</p></section>']
    if b.steps:
        body.append('<section id="roadmap"><h2>Roadmap</h2>' + timeline_svg(b.steps) +
                    f'<p class="rule">{_e(SCHEDULE_RULE)}</p></section>')
        cards = []
        for s in b.steps:
            why = "".join(f"<li>{_e(w)}</li>" for w in s.why)
            pre = (f'<p><span class="label">Prerequisites:</span> '
                   f'{_e("; ".join(s.prerequisites))}.</p>') if s.prerequisites else ""
            rules = ", ".join(_e(f"{r.rule} ({r.source})") for r in s.rec.reasons)
            cards.append(
                f'<article class="step"><header><h3>{s.rec.priority}. {_e(s.rec.standard)}</h3>'
                f'<span class="badge {_kind(s)}">{_e(s.action)}</span>'
                f'<span class="title">{_e(s.rec.title)}</span></header>'
                f'<p class="label">Why</p><ul>{why}</ul>'
                f'<p><span class="label">What it takes:</span> {_e(s.takes)}</p>{pre}'
                f'<p class="rules">Rules: {rules}</p></article>')
        body.append('<section id="plan"><h2>The plan, in order</h2>' + "".join(cards) + "</section>")
    leave = "".join(f"<li><strong>{_e(w)}</strong>: {_e(y)}</li>" for w, y in b.leave)
    body.append(f'<section id="leave"><h2>What to leave for now</h2><ul>{leave}</ul></section>')
    if b.open_questions:
        rows = "".join(f"<tr><td>{_e(q)}</td><td><code>{_e(f)}</code></td><td>{_e(c)}</td></tr>"
                       for q, f, c in b.open_questions)
        body.append('<section id="unknowns"><h2>Open questions that could change the plan</h2>'
                    '<table><thead><tr><th>Question</th><th>Field</th><th>Could change</th></tr>'
                    f'</thead><tbody>{rows}</tbody></table></section>')
    if b.warnings or b.notes:
        items = "".join(f"<li>{_e(w)}</li>" for w in b.warnings + b.notes)
        body.append(f'<section id="warnings"><h2>Warnings and notes</h2><ul>{items}</ul></section>')
    how = "".join(f"<p>{_e(p)}</p>" for p in HOW_CERTIFICATION_WORKS)
    choose = "".join(f"<li>{_e(c)}</li>" for c in b.choosing)
    body.append('<section id="certification" class="cols">'
                f'<div><h2>How certification works</h2>{how}'
                f'<p class="sources">Sources: {_e(HOW_SOURCES)}</p></div>'
                f'<div><h2>How to choose a certification body</h2><ul>{choose}</ul>'
                f'<p class="sources">Sources: {_e(CHOOSING_SOURCES)}</p></div></section>')
    body.append(f"<footer>{_e(b.footer)}</footer>")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{_e(b.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
            + "\n".join(body) + "\n</main>\n</body>\n</html>\n")
