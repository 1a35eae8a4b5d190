"""Renderers for `evaluate --explain STANDARD`: one function per format, chosen by name."""
from __future__ import annotations

import json
from itertools import groupby
from typing import Callable

from advisor.render.escape import markdown, terminal
from advisor.advice.assess import _show
from advisor.advice.explain import Explanation, ExplainedAssessment, WhatIf, _word
from advisor.advice.models import RECORD_KEYS
from advisor.render.assessment import WORDS

MAX_LINES = 12       # what-if lines shown in text and markdown; JSON has them all


def _header(assessment: ExplainedAssessment, e: Explanation) -> str:
    return f"{e.standard} for {assessment.organization}: {WORDS[e.decision]}"


def _what_if_lines(items: list[WhatIf]) -> list[str]:
    """What-ifs with the same kind of change and outcome on one line: `sector were a, b or c`."""
    lines = []
    def key(w: WhatIf) -> tuple:
        return (w.decision, tuple((c.field, c.op) for c in w.changes)) if len(w.changes) == 1 else id(w)
    for _, group in groupby(items, key=key):
        group = list(group)
        first = group[0]
        rules = sorted({r for w in group for r in w.fires} | {f"no {r}" for w in group for r in w.stops})
        tail = f" [{', '.join(rules)}]" if rules else ""
        if len(group) == 1:
            lines.append(first.text + tail)
            continue
        values = [_show(w.changes[0].value) for w in group]
        shown = ", ".join(values[:-1]) + " or " + values[-1]
        change = first.changes[0]
        verb = {"add": "also included", "remove": "no longer included", "set": "were"}[change.op]
        lines.append(f"{_word(first.decision)} if {change.field} {verb} {shown}{tail}")
    return lines


def _sections(e: Explanation) -> list[tuple[str, list[str]]]:
    how = []
    for n, step in enumerate(e.how, 1):
        uses = f" (from {', '.join(step.uses)})" if step.uses else ""
        answers = "; ".join(f"{k}: {_show(v)}" for k, v in step.answers.items())
        how.append(f"{step.rule}{uses} -> {step.concludes}\n{step.text}\nanswers used: {answers}")
    if not how:
        how = ["No rule concluded anything about this standard."]
    higher = [f"{m.rule} ({_word(m.would)}): needs " + "; and ".join(m.missing)
              for m in e.why_not_higher]
    if e.decision == "certify":
        higher = ["Certify is the strongest decision."]
    elif not higher:
        higher = ["No rule in the rule base concludes a stronger decision."]
    changes = _what_if_lines(e.what_would_change)
    if len(changes) > MAX_LINES:
        changes = changes[:MAX_LINES] + [f"... and {len(changes) - MAX_LINES} more (--format json "
                                         "lists every one)"]
    changes = changes or [
        "No single change of one answer (or pair of answers) that was tried changes it."]
    unknowns = [f"{u.field}: " + ", ".join(f"{_show(o.value)} -> {_word(o.decision)}" for o in u.outcomes)
                + (" (robust)" if u.robust else " (depends on it)") for u in e.unknowns]
    return [("How it was decided", how),
            ("Why not " + ("higher" if e.decision == "certify" else
                           "certify" if e.decision == "implement" else "implement or certify"), higher),
            ("What would change it (each checked by evaluating the changed profile)", changes),
            ("Unknown answers", unknowns or ["No unknown answer affects this decision."])]


def as_text(assessment: ExplainedAssessment) -> str:
    lines = []
    for e in assessment.explanations:
        lines += [_header(assessment, e),
                  f"(rule base {assessment.rulebase_version}, as of {assessment.as_of})", ""]
        for title, items in _sections(e):
            lines.append(f"{title}:")
            for item in items:
                first, *rest = item.split("\n")
                lines.append(f"  - {first}")
                lines += [f"    {r}" for r in rest]
            lines.append("")
    return terminal("\n".join(lines).rstrip() + "\n")


def as_markdown(assessment: ExplainedAssessment) -> str:
    lines = []
    for e in assessment.explanations:
        lines += [f"# {markdown(_header(assessment, e))}", "",
                  f"Rule base {markdown(assessment.rulebase_version)}, as of {assessment.as_of}.",
                  ""]
        for title, items in _sections(e):
            lines += [f"## {title}", ""]
            for item in items:
                first, *rest = item.split("\n")
                lines.append(f"- {markdown(first)}")
                lines += [f"  {markdown(r)}" for r in rest]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def as_json(assessment: ExplainedAssessment) -> str:
    data = {"organization": assessment.organization,
            "rulebase_version": assessment.rulebase_version,
            **assessment.model_dump(mode="json", include=set(RECORD_KEYS)),
            "explanation": assessment.explanations[0].model_dump(mode="json")}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


EXPLANATION_FORMATS: dict[str, Callable[[ExplainedAssessment], str]] = {
    "text": as_text, "json": as_json, "markdown": as_markdown,
}
