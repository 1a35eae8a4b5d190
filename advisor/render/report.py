"""The board report: the assessment in words a board understands, as Markdown, one HTML file,
or a PDF (advisor.render.pdf prints the HTML in headless Chromium).

Every format renders the same content (`Board`), built from the Assessment (and, when given, the
profile, for the deadline), so the report always says what `evaluate` decided. It leads with
the decisions, the deadline and the cost, then next steps with suggested owners and warnings;
the roadmap is HTML that reflows at any width; sources are titled links, never internal notes.
The HTML is self-contained (inline CSS, no network assets, no script), escapes every text, and
prints on A4 with page numbers and a running footer, no card split across pages.
"""
from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field

from advisor.advice import catalog
from advisor.advice.models import Assessment, Profile, Reason, Recommendation
from advisor.render.costs import certificate_lines, cost_basis, cost_rows, money
from advisor.advice.wording import WORDING
from advisor.render.escape import markdown

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
HOW_SOURCES = ("ISO/IEC 17021-1:2015 §9.1.3 (audit cycle); IAF MLA "
               "https://iaf.nu/; ISO, Certification "
               "https://www.iso.org/certification.html")

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
CHOOSING_SOURCES = ("IAF MLA and MD 5 https://iaf.nu/; ISO, Certification "
                    "https://www.iso.org/certification.html; IAF CertSearch https://www.iafcertsearch.org/")
INTEGRATED = ("Certifying several standards? Ask for an integrated audit: one audit team for "
              "all of them can cut audit time by up to 20 % (IAF MD 11).")

SCHEDULE_RULE = ("Systems that share the ISO harmonized structure run together as one project "
                 "when the organization can carry it ({concurrency} at a time here), the others "
                 "after them in priority order; a bar runs from the start to when the system is "
                 "typically ready (the pale part is the long end of the range); marks on a bar "
                 "are the stage 1 audit, the stage 2 audit and the certification decision. A "
                 "standard built inside another (such as ISO 9001 inside IATF 16949) shares its "
                 "bar. Standards already in place need no project.")


def _rule(a: Assessment) -> str:
    return SCHEDULE_RULE.format(concurrency=a.roadmap.concurrency if a.roadmap else 1)


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
    milestones: list[tuple[int, str]] = field(default_factory=list)
    due: tuple[int, str] | None = None    # recertification or transition audit of a held one
    also: list[str] = field(default_factory=list)   # needs the system, not its certificate

    @property
    def in_place(self) -> bool:
        return self.start is None

    @property
    def ready(self) -> tuple[int, int] | None:
        if self.start is None or self.months is None:
            return None
        return self.start + self.months[0], self.start + self.months[1]


#: Over a card's reasons that need the management system but not its certificate (a law such
#: as NIS2, a risk): they hold too, and a board should not read them as reasons to certify.
ALSO_HEADING = "Also needs the system, not the certificate"


def _cited(rec: Recommendation) -> list[Reason]:
    """Every reason a card cites: the decision's own, then those that need only the system."""
    return list(rec.reasons) + list(rec.also)


SCHEME_LEVEL_WORDS = {"required": "Required", "expected": "Expected by customers",
                      "alternative": "Alternative"}


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
    organization: str = ""
    prepared: str = ""                     # the date the report was made (ISO 8601)
    as_of: str = ""                        # the date the assessment holds for
    decisions: list[tuple[str, str, str]] = field(default_factory=list)  # (standard, action, kind)
    deadline: str = ""                     # the deadline against the roadmap, in one sentence
    cost: str = ""                         # the cost, or what is known of it
    next_steps: list[tuple[str, str]] = field(default_factory=list)      # (step, suggested owner)
    schemes: list[tuple[str, str, str, str]] = field(default_factory=list)  # name, level, why, source


#: Who usually leads the work on each standard, suggested in the next steps (a role, not a name).
OWNERS = {
    "ISO 9001": "Quality manager", "IATF 16949": "Quality manager", "AS9100": "Quality manager",
    "ISO 13485": "Quality and regulatory manager", "ISO 14001": "Environment (EHS) manager",
    "ISO 45001": "Health and safety (EHS) manager", "ISO/IEC 27001": "IT security lead (CISO)",
    "ISO/IEC 27701": "Data protection officer", "ISO 22301": "Operations director (COO)",
    "ISO/IEC 20000-1": "IT service manager", "ISO 50001": "Energy or facilities manager",
    "ISO 22000": "Food safety team leader", "FSSC 22000": "Food safety team leader",
    "ISO 37001": "Compliance officer", "ISO/IEC 42001": "Head of AI or CTO",
    "ISO 55001": "Asset manager", "ISO 21001": "Head of academic quality",
    "ISO 39001": "Fleet or transport manager", "ISO 28000": "Supply-chain security manager",
}


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


def _schedule(steps: list[Step], a: Assessment) -> None:
    """Place each step where the assessment's roadmap puts its project (advisor.advice.plan)."""
    if a.roadmap is None:
        return
    for step in steps:
        project = next((p for p in a.roadmap.projects
                        if step.rec.standard in p.standards + p.merged
                        and p.kind not in ("recertify", "transition")), None)
        if project is None:
            continue
        step.start = project.start_month
        step.months = (project.ready_months[0] - project.start_month,
                       project.ready_months[1] - project.start_month)
        step.milestones = [(m.month, m.what) for m in project.milestones]
    due = {p.standards[0]: p for p in a.roadmap.projects if p.kind in ("recertify", "transition")}
    for step in steps:
        if step.rec.standard in due:
            p = due[step.rec.standard]
            step.due = (p.milestones[0].month, p.milestones[0].what)


def _question(field_name: str) -> str:
    if field_name in WORDING:
        return WORDING[field_name].text
    info = Profile.model_fields.get(field_name)
    extra = info.json_schema_extra if info and isinstance(info.json_schema_extra, dict) else {}
    return str(extra.get("question", field_name))


def _deadline(steps: list[Step], profile: Profile | None, a: Assessment) -> str:
    """The deadline against the roadmap, in one sentence (empty when there is none)."""
    road = a.roadmap
    if road is None or road.deadline_months is None:
        return ""
    if road.deadline_note:
        return f"Deadline: a certificate within {road.deadline_months} months. {road.deadline_note}"
    return f"Deadline: a certificate within {road.deadline_months} months; nothing in the plan " \
           "needs a new certificate."


def _cost(a: Assessment, steps: list[Step]) -> str:
    """The three-year cost in one sentence, from the cost model (estimates, with the basis in
    the cost table)."""
    c = a.costs
    if c is None or not c.standards:
        return "Cost: no certification audits in the plan; the cost is internal effort." \
            if steps else ""
    r = c.day_rate
    rate = (f"{money(r.low, r.high, r.currency)} a day" + (f" ({r.country} estimate)" if r.country
                                                          else " (your day rate)"))
    return (f"Cost over the three-year certificate cycle: about {c.integrated_audit_days:g} "
            f"auditor-days, {money(c.audit_fees.low, c.audit_fees.high, c.audit_fees.currency)} "
            f"in audit fees at {rate}, and {c.internal_person_months[0]:g} to "
            f"{c.internal_person_months[1]:g} person-months of your staff (estimates; see the "
            "cost table).")


def _next_steps(steps: list[Step], a: Assessment) -> list[tuple[str, str]]:
    """What to do in the next weeks, each with the role that usually leads it."""
    out: list[tuple[str, str]] = []
    if steps:
        out.append(("Approve the plan and its budget; name one person to lead it.",
                    "Managing director (CEO)"))
    for step in [s for s in steps if s.ready][:3]:
        owner = OWNERS.get(step.rec.standard, "Management-system lead")
        if step.rec.decision == "certify":
            out.append((f"Start {step.rec.standard}: gap analysis, then ask three accredited "
                        "certification bodies for quotes.", owner))
        else:
            out.append((f"Start implementing {step.rec.standard} (no certificate needed now).",
                        owner))
    held = [s for s in steps if s.rec.currently == "certified"]
    if held:
        out.append((f"Keep the surveillance audits of {_names([s.rec.standard for s in held])} "
                    "on schedule.", "Quality manager"))
    if a.unknowns:
        out.append(("Answer the open questions below: they could change the plan.",
                    "Management-system lead"))
    if a.warnings:
        out.append(("Resolve the warnings at the top of this report.", "Management-system lead"))
    return out


def board(a: Assessment, profile: Profile | None = None, prepared: str | None = None) -> Board:
    """The report's content, from the assessment (and the profile, for the deadline)."""
    plan = [r for r in a.recommendations if r.priority is not None]
    steps = [Step(r, ACTIONS[(r.decision, r.currently)], [x.text for x in r.reasons]
                  + [f"Note: {n.text}" for n in r.notes], _takes(r), _prerequisites(r, plan),
                  also=[x.text for x in r.also])
             for r in plan]
    _schedule(steps, a)
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
            summary += f" On the roadmap the work is typically done {low} to {high} months " \
                       "from now."
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

    as_of = str(getattr(a, "as_of", None) or prepared or dt.date.today().isoformat())
    made = str(prepared or as_of)
    return Board(
        title=f"Management-system certification plan for {a.organization}",
        summary=summary, steps=steps, leave=leave,
        open_questions=[(_question(u.field), u.field, _names(u.could_change)) for u in a.unknowns],
        warnings=list(a.warnings), notes=[n.text for n in a.notes], choosing=choosing,
        schemes=[(sch.scheme + (" (held)" if sch.held else ""), SCHEME_LEVEL_WORDS[sch.level],
                  " ".join(r.text for r in sch.reasons),
                  "; ".join(dict.fromkeys(r.source for r in sch.reasons))) for sch in a.schemes],
        footer=f"Prepared on {made} with rule base {a.rulebase_version}. Each reason cites its "
               "source and the rule that produced it. Audit days follow IAF MD 5, MD 9, ISO/IEC "
               "27006-1 and ISO/TS 22003-1 where published, else they are marked as estimates; "
               "months are typical figures from certification providers; fees and internal "
               "effort are estimates.",
        organization=a.organization, prepared=made, as_of=as_of,
        decisions=[(st.rec.standard, st.action, _kind(st)) for st in steps],
        deadline=_deadline(steps, profile, a), cost=_cost(a, steps),
        next_steps=_next_steps(steps, a))


# ---------------------------------------------------------------------------------------------
# Sources, as titled links


@dataclass(frozen=True)
class Citation:
    title: str
    url: str | None = None


_NOTES = re.compile(r"\([^()]*\bdomain notes\b[^()]*\)", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s;()]+")
_EU_ACT = re.compile(r"\b(Directive|Regulation) (?:\(EU\) )?(\d{4})/(\d{1,4})(?:/EU)?|"
                     r"\b(Directive) (\d{4})/(\d{1,4})/EU")


def _title_from_url(url: str) -> str:
    """`vda-qmc.de: faq zertifizierungs schema` when a source gives no title of its own."""
    host = re.sub(r"^https?://(www\.)?", "", url).split("/")[0]
    path = [p for p in re.sub(r"^https?://[^/]+", "", url).split("?")[0].split("/") if p]
    slug = re.sub(r"\.(html?|aspx?|php)$", "", path[-1]) if path else ""
    words = re.sub(r"[-_+]+", " ", slug).strip()
    return f"{host}: {words}" if words and not words.isdigit() else host


def _eu_link(text: str) -> str | None:
    """EUR-Lex address of an EU directive or regulation cited by number."""
    m = _EU_ACT.search(text)
    if not m:
        return None
    kind, year, number = (m.group(1), m.group(2), m.group(3)) if m.group(1) else \
        (m.group(4), m.group(5), m.group(6))
    return f"https://eur-lex.europa.eu/eli/{'dir' if kind == 'Directive' else 'reg'}/{year}/" \
           f"{int(number)}/oj"


def citations(source: str) -> list[Citation]:
    """A rule's source as titled citations: internal research notes dropped, each address a
    link (titled by the text before it, else by its site and page), EU acts linked to EUR-Lex."""
    text = source
    while True:
        cleaned = _NOTES.sub("", text)
        if cleaned == text:
            break
        text = cleaned
    out: list[Citation] = []
    for part in re.split(r"\s*;\s*", text):
        part = part.strip(" ,.")
        if not part or re.match(r"(and\s+)?§|domain notes", part, re.IGNORECASE):
            continue
        urls = _URL.findall(part)
        title = _URL.sub("", part)
        title = re.sub(r"\(\s*mirror:\s*\)|\(\s*\)|mirror:", "", title)
        title = _balanced(re.sub(r"\s{2,}", " ", title).strip(" ,.:"))
        if urls:
            out += [Citation(title or _title_from_url(u), u) for u in urls]
        elif title:
            out.append(Citation(title, _eu_link(title)))
    unique: list[Citation] = []
    for c in out:
        if c not in unique:
            unique.append(c)
    return unique


def _balanced(text: str) -> str:
    """`Art. 62(2)` kept whole; a parenthesis left open or closed by the cleaning dropped."""
    while text.endswith(")") and text.count(")") > text.count("("):
        text = text[:-1].rstrip(" ,.:")
    while text.startswith("(") and text.count("(") > text.count(")"):
        text = text[1:].lstrip()
    if text.count("(") > text.count(")") and text.rstrip().endswith(("(", "( ")):
        text = text.rstrip(" (")
    return text


def card_citations(sources: list[str]) -> list[Citation]:
    """The citations of several reasons, each once, in order."""
    seen: list[Citation] = []
    for source in sources:
        seen += [c for c in citations(source) if c not in seen]
    return seen


# ---------------------------------------------------------------------------------------------
# Markdown


_md = markdown                # rule ids and field names go in code spans: they are [a-z0-9_-]


def _md_sources(source: str) -> str:
    return "; ".join(f"[{_md(c.title)}](<{c.url}>)" if c.url else _md(c.title)
                     for c in citations(source))


def as_report(a: Assessment, profile: Profile | None = None) -> str:
    """The board report in Markdown."""
    b = board(a, profile)
    lines = [f"# {_md(b.title)}", "", f"Prepared on {b.prepared}; assessment as of {b.as_of}; "
             f"rule base {_md(a.rulebase_version)}.", "", "## Summary", ""]
    if b.decisions:
        lines += [f"- **{_md(st)}**: {_md(action)}" for st, action, _ in b.decisions] + [""]
    lines += [_md(b.summary), ""]
    lines += [_md(x) for x in (b.deadline, b.cost) if x] + [""]
    if b.warnings:
        lines += ["## Warnings", ""] + [f"- {_md(w)}" for w in b.warnings] + [""]
    if b.next_steps:
        lines += ["## Next steps", "", "| Step | Suggested owner |", "|---|---|"]
        lines += [f"| {_md(step)} | {_md(owner)} |" for step, owner in b.next_steps] + [""]
    if b.steps:
        lines += ["## The plan", "", "| # | Standard | Decision | Starts (month) | Ready (month) "
                  "| Milestones |", "|---|---|---|---|---|---|"]
        for s in b.steps:
            ready = "in place" if s.ready is None else f"{s.ready[0]}-{s.ready[1]}"
            start = "" if s.start is None else str(s.start)
            marks = "; ".join(f"{what} {month}" for month, what in s.milestones)
            if s.due:
                marks = f"{s.due[1]} by month {s.due[0]}"
            lines.append(f"| {s.rec.priority} | {_md(s.rec.standard)}: {_md(s.rec.title)} | "
                         f"{_md(s.action)} | {start} | {ready} | {_md(marks)} |")
        lines += ["", f"_{_md(_rule(a))}_", ""]
        if a.roadmap and a.roadmap.options:
            lines += ["What would fit the deadline:", ""]
            lines += [f"- {_md(o.text)} ({_md_sources(o.source)})" for o in a.roadmap.options]
            lines.append("")
        if a.certificates:
            lines += [f"## Certificates held, as of {a.as_of}", ""]
            lines += [f"- {_md(line)}" for line in certificate_lines(a)] + [""]
        if a.costs and a.costs.standards:
            lines += ["## Three-year cost", "", "| Standard | Covers | Auditor-days | Audit fees | "
                      "Your staff (person-months) |", "|---|---|---|---|---|"]
            lines += ["| " + " | ".join(_md(x) for x in row) + " |" for row in cost_rows(a)]
            lines += ["", f"_{_md(cost_basis(a))}_", ""]
        for s in b.steps:
            lines += [f"### {s.rec.priority}. {_md(s.rec.standard)}: {_md(s.action)}", "",
                      "Why:", ""]
            lines += [f"- {_md(w)}" for w in s.why]
            if s.also:
                lines += ["", f"{ALSO_HEADING}:", ""] + [f"- {_md(w)}" for w in s.also]
            lines += ["", f"What it takes: {_md(s.takes)}"]
            if s.prerequisites:
                lines.append(f"Prerequisites: {_md('; '.join(s.prerequisites))}.")
            sources = "; ".join(f"[{_md(c.title)}](<{c.url}>)" if c.url else _md(c.title)
                                for c in card_citations([r.source for r in _cited(s.rec)]))
            lines += ["", f"Sources: {sources}" if sources else "",
                      "Rules: " + ", ".join(f"`{r.rule}`" for r in _cited(s.rec)), ""]
    if b.schemes:
        lines += ["## Other schemes to plan for", "", "| Scheme | Level | Why |", "|---|---|---|"]
        lines += [f"| {_md(n)} | {_md(lv)} | {_md(why)} (source: {_md(src)}) |"
                  for n, lv, why, src in b.schemes] + [""]
    lines += ["## What to leave for now", ""]
    lines += [f"- **{_md(what)}**: {_md(why)}" for what, why in b.leave] + [""]
    if b.open_questions:
        lines += ["## Open questions that could change the plan", "",
                  "| Question | Could change |", "|---|---|"]
        lines += [f"| {_md(q)} | {_md(c)} |" for q, f, c in b.open_questions] + [""]
    if b.notes:
        lines += ["## Notes", ""] + [f"- {_md(n)}" for n in b.notes] + [""]
    lines += ["## How certification works", ""] + [_md(p) + "\n" for p in HOW_CERTIFICATION_WORKS]
    lines += [f"_Sources: {_md_sources(HOW_SOURCES)}_", "", "## How to choose a certification body",
              ""]
    lines += [f"- {_md(c)}" for c in b.choosing] + ["", f"_Sources: {_md_sources(CHOOSING_SOURCES)}_",
                                                    "", "---", "", _md(b.footer)]
    return "\n".join(lines).rstrip() + "\n"


# ---------------------------------------------------------------------------------------------
# HTML

CSS = """
:root { --ink: #1d2733; --muted: #4f5b69; --line: #d9dee5; --certify: #1f4e79;
        --implement: #1f7068; --keep: #5f6b78; --bg: #f5f7fa; --warn: #8a4b00; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
       font: 15px/1.5 "Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", sans-serif; }
main { max-width: 960px; margin: 0 auto; padding: 32px 28px 48px; background: #fff; }
.masthead { border-bottom: 3px solid var(--certify); margin-bottom: 20px; padding-bottom: 10px; }
.masthead p { margin: 4px 0 0; color: var(--muted); }
h1 { font-size: 26px; margin: 0; line-height: 1.25; overflow-wrap: anywhere; }
h2 { font-size: 19px; margin: 28px 0 10px; color: var(--certify); }
h3 { font-size: 16px; margin: 0; }
a { color: var(--certify); }
.summary { background: #eef3f9; border-left: 4px solid var(--certify); padding: 12px 16px; }
.summary p { margin: 6px 0; }
.decisions { list-style: none; padding: 0; margin: 0 0 8px; display: flex; flex-wrap: wrap; gap: 6px 10px; }
.decisions li { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 4px 10px; }
.keyfacts { margin: 8px 0 0; padding-left: 20px; }
.warnings { background: #fff6e5; border-left: 4px solid var(--warn); padding: 8px 16px; margin-top: 16px; }
.warnings h2 { color: var(--warn); margin-top: 6px; }
.roadmap { list-style: none; margin: 0; padding: 0; }
.roadmap li { display: grid; grid-template-columns: 190px 1fr; gap: 4px 12px; align-items: center;
              padding: 6px 0; border-bottom: 1px solid var(--line); }
.roadmap .name { font-weight: 600; }
.track { position: relative; height: 22px; background: repeating-linear-gradient(90deg, #f1f3f6 0 1px, transparent 1px calc(100% / var(--ticks))); }
.bar { position: absolute; top: 2px; height: 18px; border-radius: 3px; }
.bar .solid { position: absolute; left: 0; top: 0; bottom: 0; border-radius: 3px 0 0 3px; }
.bar.certify .solid { background: var(--certify); } .bar.implement .solid { background: var(--implement); }
.bar.certify { background: #c5d3e2; } .bar.implement { background: #c2dedb; }
.dot { position: absolute; left: 0; top: 5px; width: 12px; height: 12px; border-radius: 50%; background: var(--keep); }
.bar .mark { position: absolute; top: -2px; bottom: -2px; width: 2px; margin-left: -1px; background: #fff; }
.due { position: absolute; top: 4px; width: 12px; height: 12px; margin-left: -6px; background: #c77c02; transform: rotate(45deg); }
.deadline { position: absolute; top: -4px; bottom: -4px; width: 0; border-left: 2px dashed #a02a1f; }
.fits { color: #1e6b3a; font-weight: 600; margin: 8px 0; }
.misses { color: #a02a1f; font-weight: 600; margin: 8px 0; border-left: 4px solid #a02a1f; padding-left: 10px; }
table.costs tr:last-child td { font-weight: 600; border-top: 2px solid var(--ink); }
.when { grid-column: 2; color: var(--muted); font-size: 13px; }
.axis { display: flex; justify-content: space-between; color: var(--muted); font-size: 12px; margin: 4px 0 0 202px; }
.legend { color: var(--muted); font-size: 13px; margin: 8px 0 0; }
.legend span { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 12px; vertical-align: -1px; }
.rule { color: var(--muted); font-size: 13px; margin: 4px 0 0; }
.step { border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; margin: 10px 0;
        break-inside: avoid; page-break-inside: avoid; }
.step .head { display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; margin: 0 0 6px; }
.badge { display: inline-block; padding: 1px 9px; border-radius: 10px; color: #fff;
         font-size: 13px; font-weight: 600; }
.badge.certify { background: var(--certify); } .badge.implement { background: var(--implement); }
.badge.keep { background: var(--keep); }
.title { color: var(--muted); }
.step ul { margin: 4px 0 8px; padding-left: 20px; }
.step ul.also { list-style: circle; }
.step p { margin: 4px 0; }
.label { font-weight: 600; }
.sources { color: var(--muted); font-size: 13px; overflow-wrap: anywhere; }
.sources a { color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; border-bottom: 1px solid var(--line); padding: 6px 8px; vertical-align: top; }
th { background: #eef1f5; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; }
.cols p, .cols li { font-size: 14px; }
footer { margin-top: 28px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line);
         padding-top: 8px; }
@media (max-width: 720px) {
  .cols { grid-template-columns: 1fr; } main { padding: 16px; }
  .roadmap li { grid-template-columns: 1fr; } .when { grid-column: 1; } .axis { margin-left: 0; }
  h1 { font-size: 22px; }
}
@page { size: A4; margin: 14mm 14mm 18mm;

  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 8pt sans-serif; color: #4f5b69; } }
@media print {
  body { background: #fff; font-size: 10pt; }
  main { max-width: none; padding: 0; }
  h1 { font-size: 18pt; } h2 { font-size: 13pt; break-after: avoid; page-break-after: avoid; }
  #roadmap, .roadmap li, table tr, li, .summary, .warnings { break-inside: avoid; page-break-inside: avoid; }
  a { text-decoration: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _kind(step: Step) -> str:
    return "keep" if step.action.startswith("Keep") else step.rec.decision


def _html_sources(source: str) -> str:
    return "; ".join(f'<a href="{_e(c.url)}">{_e(c.title)}</a>' if c.url else _e(c.title)
                     for c in citations(source))


def roadmap_html(steps: list[Step], deadline: int | None = None) -> str:
    """The roadmap as an HTML list whose bars are placed in percent of the horizon, so it
    reflows at any width (a row becomes name, bar, then timing on a phone). Marks on a bar are
    its audit milestones; a diamond is the recertification or transition audit of a held
    certificate; a dashed red line is the deadline."""
    rows = [s for s in steps if s.ready or s.in_place]
    if not rows:
        return '<p class="rule">Nothing to schedule.</p>'
    horizon = max([s.ready[1] for s in rows if s.ready] + [s.due[0] for s in rows if s.due]
                  + [deadline or 0, 6])
    step_m = 3 if horizon <= 36 else 6 if horizon <= 72 else 12
    horizon = -(-horizon // step_m) * step_m
    ticks = horizon // step_m
    items = []
    for s in rows:
        kind = _kind(s)
        if s.ready is None:
            bar = '<span class="dot"></span>'
            when = f"in place: {s.action.lower()}"
            if s.due:
                bar += (f'<span class="due" style="left:{100 * s.due[0] / horizon:.2f}%" '
                        f'title="{_e(s.due[1])}"></span>')
                when += f"; {s.due[1]} by month {s.due[0]}"
        else:
            left, width = 100 * s.start / horizon, 100 * s.months[1] / horizon
            solid = 100 * s.months[0] / s.months[1]
            marks = "".join(
                f'<span class="mark" style="left:{100 * (m - s.start) / s.months[1]:.2f}%" '
                f'title="{_e(what)}: month {m}"></span>' for m, what in s.milestones
                if s.months[1] and (what.startswith("stage") or what.startswith("certification")))
            bar = (f'<span class="bar {kind}" style="left:{left:.2f}%;width:{width:.2f}%">'
                   f'<span class="solid" style="width:{solid:.2f}%"></span>{marks}</span>')
            word = "certified" if s.rec.decision == "certify" else "in place"
            when = f"starts month {s.start}, {word} by month {s.ready[0]}-{s.ready[1]}"
        if deadline:
            bar += f'<span class="deadline" style="left:{100 * deadline / horizon:.2f}%"></span>'
        items.append(f'<li><span class="name">{s.rec.priority}. {_e(s.rec.standard)}</span>'
                     f'<span class="track" style="--ticks:{ticks}" aria-hidden="true">{bar}</span>'
                     f'<span class="when">{_e(when)}</span></li>')
    axis = "".join(f"<span>{m}</span>" for m in range(0, horizon + 1, step_m))
    return (f'<ol class="roadmap" aria-label="Roadmap: when each standard would be ready">'
            f'{"".join(items)}</ol><div class="axis" aria-hidden="true">{axis}</div>'
            '<p class="legend"><span style="background:#1f4e79"></span>certify'
            '<span style="background:#1f7068"></span>implement'
            '<span style="background:#5f6b78;border-radius:50%"></span>already in place'
            ' · months from now; the pale part of a bar is the long end of the range; marks: '
            'stage 1, stage 2, decision; ◆ recertification or transition audit'
            + (f'; red dashes: the deadline (month {deadline})' if deadline else '') + '</p>')


def as_html(a: Assessment, profile: Profile | None = None) -> str:
    """The board report as one self-contained HTML page (screen and print)."""
    b = board(a, profile)
    running = f"{b.title} · {b.prepared}"
    body = [f'<header class="masthead"><h1>{_e(b.title)}</h1><p>Recommendation for the board · '
            f'prepared on {_e(b.prepared)} · assessment as of {_e(b.as_of)} · rule base '
            f'{_e(a.rulebase_version)}</p></header>']
    decisions = "".join(f'<li><strong>{_e(st)}</strong> <span class="badge {kind}">'
                        f'{_e(action)}</span></li>' for st, action, kind in b.decisions)
    facts = "".join(f"<li>{_e(x)}</li>" for x in (b.deadline, b.cost) if x)
    body.append('<section id="summary" aria-labelledby="h-summary"><h2 id="h-summary">Summary</h2>'
                '<div class="summary">'
                + (f'<ul class="decisions" aria-label="Decisions">{decisions}</ul>' if decisions
                   else "")
                + f'<p>{_e(b.summary)}</p>'
                + (f'<ul class="keyfacts">{facts}</ul>' if facts else "") + '</div></section>')
    if b.warnings:
        items = "".join(f"<li>{_e(w)}</li>" for w in b.warnings)
        body.append('<section id="warnings" class="warnings" aria-labelledby="h-warnings">'
                    f'<h2 id="h-warnings">Warnings</h2><ul>{items}</ul></section>')
    if b.next_steps:
        rows = "".join(f"<tr><td>{_e(step)}</td><td>{_e(owner)}</td></tr>"
                       for step, owner in b.next_steps)
        body.append('<section id="next-steps"><h2>Next steps</h2><table><thead><tr>'
                    '<th scope="col">Step</th><th scope="col">Suggested owner</th></tr></thead>'
                    f'<tbody>{rows}</tbody></table></section>')
    if b.steps:
        road = a.roadmap
        verdict = options = ""
        if road and road.deadline_note:
            verdict = (f'<p class="{"fits" if road.fits_deadline else "misses"}">'
                       f'{_e(road.deadline_note)}</p>')
        if road and road.options:
            options = ('<p class="label">What would fit the deadline</p><ul class="options">'
                       + "".join(f"<li>{_e(o.text)} <span class=\"sources\">"
                                 f"({_html_sources(o.source)})</span></li>" for o in road.options)
                       + "</ul>")
        body.append('<section id="roadmap"><h2>Roadmap</h2>'
                    + roadmap_html(b.steps, road.deadline_months if road else None)
                    + verdict + options + f'<p class="rule">{_e(_rule(a))}</p></section>')
        if a.certificates:
            items = "".join(f"<li>{_e(line)}</li>" for line in certificate_lines(a))
            body.append(f'<section id="certificates"><h2>Certificates held, as of '
                        f'{_e(a.as_of)}</h2><ul>{items}</ul></section>')
        if a.costs and a.costs.standards:
            rows = "".join("<tr>" + "".join(f"<td>{_e(x)}</td>" for x in row) + "</tr>"
                           for row in cost_rows(a))
            body.append('<section id="costs"><h2>Three-year cost</h2><table class="costs"><thead>'
                        '<tr><th scope="col">Standard</th><th scope="col">Covers</th>'
                        '<th scope="col">Auditor-days</th><th scope="col">Audit fees</th>'
                        '<th scope="col">Your staff (person-months)</th></tr></thead>'
                        f'<tbody>{rows}</tbody></table><p class="sources">{_e(cost_basis(a))}'
                        "</p></section>")
        cards = []
        for s in b.steps:
            why = "".join(f"<li>{_e(w)}</li>" for w in s.why)
            also = (f'<p class="label">{_e(ALSO_HEADING)}</p><ul class="also">'
                    + "".join(f"<li>{_e(w)}</li>" for w in s.also) + "</ul>") if s.also else ""
            pre = (f'<p><span class="label">Prerequisites:</span> '
                   f'{_e("; ".join(s.prerequisites))}.</p>') if s.prerequisites else ""
            sources = "; ".join(f'<a href="{_e(c.url)}">{_e(c.title)}</a>' if c.url
                                else _e(c.title)
                                for c in card_citations([r.source for r in _cited(s.rec)]))
            rules = ", ".join(_e(r.rule) for r in _cited(s.rec))
            cards.append(
                f'<article class="step"><div class="head"><h3>{s.rec.priority}. '
                f'{_e(s.rec.standard)}</h3><span class="badge {_kind(s)}">{_e(s.action)}</span>'
                f'<span class="title">{_e(s.rec.title)}</span></div>'
                f'<p class="label">Why</p><ul>{why}</ul>{also}'
                f'<p><span class="label">What it takes:</span> {_e(s.takes)}</p>{pre}'
                f'<p class="sources">Sources: {sources or "see the rule"} · rule {rules}</p>'
                '</article>')
        body.append('<section id="plan"><h2>The plan, in order</h2>' + "".join(cards) + "</section>")
    if b.schemes:
        rows = "".join(f"<tr><td><strong>{_e(n)}</strong></td><td>{_e(lv)}</td>"
                       f'<td>{_e(why)}<p class="sources">Source: {_e(src)}</p></td></tr>'
                       for n, lv, why, src in b.schemes)
        body.append('<section id="schemes"><h2>Other schemes to plan for</h2><table><thead><tr>'
                    f'<th>Scheme</th><th>Level</th><th>Why</th></tr></thead><tbody>{rows}'
                    '</tbody></table></section>')
    leave = "".join(f"<li><strong>{_e(w)}</strong>: {_e(y)}</li>" for w, y in b.leave)
    body.append(f'<section id="leave"><h2>What to leave for now</h2><ul>{leave}</ul></section>')
    if b.open_questions:
        rows = "".join(f"<tr><td>{_e(q)}</td><td>{_e(c)}</td></tr>"
                       for q, f, c in b.open_questions)
        body.append('<section id="unknowns"><h2>Open questions that could change the plan</h2>'
                    '<table><thead><tr><th scope="col">Question</th><th scope="col">Could change'
                    f'</th></tr></thead><tbody>{rows}</tbody></table></section>')
    if b.notes:
        items = "".join(f"<li>{_e(n)}</li>" for n in b.notes)
        body.append(f'<section id="notes"><h2>Notes</h2><ul>{items}</ul></section>')
    how = "".join(f"<p>{_e(p)}</p>" for p in HOW_CERTIFICATION_WORKS)
    choose = "".join(f"<li>{_e(c)}</li>" for c in b.choosing)
    body.append('<section id="certification" class="cols">'
                f'<div><h2>How certification works</h2>{how}'
                f'<p class="sources">Sources: {_html_sources(HOW_SOURCES)}</p></div>'
                f'<div><h2>How to choose a certification body</h2><ul>{choose}</ul>'
                f'<p class="sources">Sources: {_html_sources(CHOOSING_SOURCES)}</p></div></section>')
    body.append(f"<footer>{_e(b.footer)}</footer>")
    footer_css = ('@page { @bottom-left { content: "' + _css_string(running) +
                  '"; font: 8pt sans-serif; color: #4f5b69; } }')
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{_e(b.title)}</title>\n<style>{CSS}\n{footer_css}</style>\n</head>\n<body>\n"
            "<main>\n" + "\n".join(body) + "\n</main>\n</body>\n</html>\n")


def _css_string(text: str) -> str:
    """Text inside a CSS string: no quote, backslash, markup or control character can end it."""
    return "".join(ch if ch.isalnum() or ch in " .,:;-·()&'/+" else f"\\{ord(ch):x} "
                   for ch in text[:160])
