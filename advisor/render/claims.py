"""Renderers of claim checks: one function per format, chosen by name from `CLAIM_FORMATS`.

Each renders the results of one input file: one claim (`single`: a file holding one mapping),
or a supplier list, with the claims that could not be checked in their places.
"""
from __future__ import annotations

import csv
import io
import json
from typing import Callable, Sequence

from advisor.render.escape import csv_cell, markdown, terminal
from advisor.claims.models import ClaimCheck
from advisor.claims.check import ClaimResult

VERDICTS = {"credible": "CREDIBLE", "verify": "VERIFY FIRST", "not_credible": "NOT CREDIBLE"}
SEVERITIES = {"not_credible": "not credible", "verify": "verify"}
CSV_COLUMNS = ("source", "supplier", "standard", "verdict", "red_flags", "checks", "summary",
               "as_of", "error")


def as_json(results: Sequence[ClaimResult], single: bool) -> str:
    data = [r.to_dict() for r in results]
    return json.dumps(data[0] if single else data, indent=2, ensure_ascii=False) + "\n"


def _depends(check: ClaimCheck) -> list[str]:
    return [f"{d.title} ({d.file}" + (f", {d.date}" if d.date else "") + ")"
            + (f": refresh from {d.refresh}" if d.refresh else "") for d in check.depends_on]


def _text_check(check: ClaimCheck) -> list[str]:
    judged = {"scheme": f" (read as {check.scheme})",
              "outside the catalog": " (a standard outside the catalog)"}.get(check.judged_as, "")
    lines = [f"Claim: {check.supplier}, {check.standard}{judged}",
             f"Verdict: {VERDICTS[check.verdict]} (judged on {check.as_of}, claim rules "
             f"{check.rulebase_version})", check.summary, ""]
    if check.red_flags:
        lines.append("Red flags:")
        for flag in check.red_flags:
            lines.append(f"  - [{SEVERITIES[flag.severity]}] {flag.text} [{flag.rule}]")
            lines.append(f"    source: {flag.source}")
        lines.append("")
    if check.checks:
        lines.append("Verify:")
        for n, item in enumerate(check.checks, 1):
            lines.append(f"  {n}. {item.what} [{item.rule}]")
            lines.append(f"     where: {item.where}")
        lines.append("")
    if check.depends_on:
        lines.append("This verdict rests on:")
        lines += [f"  - {d}" for d in _depends(check)]
        lines.append("")
    return lines


def _tally(results: Sequence[ClaimResult]) -> str:
    checked = [r.check for r in results if r.check is not None]
    counts = {v: sum(c.verdict == v for c in checked) for v in VERDICTS}
    text = (f"{len(results)} claims: {counts['credible']} credible, {counts['verify']} to verify "
            f"first, {counts['not_credible']} not credible")
    failed = len(results) - len(checked)
    return text + (f"; {failed} could not be checked" if failed else "")


def as_text(results: Sequence[ClaimResult], single: bool) -> str:
    lines: list[str] = []
    for result in results:
        if not single:
            lines += [f"== {result.source} ==", ""]
        if result.check is not None:
            lines += _text_check(result.check)
        else:
            lines += [f"Could not be checked: {result.error.message()}"]
            lines.append("")
    if not single:
        lines.append(_tally(results))
    return terminal("\n".join(lines).rstrip() + "\n")


_cell = markdown              # rule ids go in code spans: they are [a-z0-9-] (checked on load)


def as_markdown(results: Sequence[ClaimResult], single: bool) -> str:
    lines = ["# Certification claim check" + ("" if single else "s"), ""]
    if not single:
        lines += [_tally(results) + ".", "",
                  "| Source | Supplier | Standard | Verdict | Red flags |", "|---|---|---|---|---|"]
        for r in results:
            c = r.check
            lines.append(f"| {_cell(r.source)} | {_cell(c.supplier if c else r.supplier or '')} | "
                         f"{_cell(c.standard if c else '')} | "
                         f"{VERDICTS[c.verdict] if c else 'could not be checked'} | "
                         f"{', '.join(f'`{f.rule}`' for f in c.red_flags) if c else ''} |")
        lines.append("")
    for r in results:
        c = r.check
        if c is None:
            lines += [f"## {_cell(r.source)}: could not be checked", ""]
            lines += [_cell(r.error.message()), ""]
            continue
        lines += [f"## {_cell(c.supplier)}: {_cell(c.standard)}: {VERDICTS[c.verdict]}", ""]
        if not single:
            lines += [f"Source: {_cell(r.source)}.", ""]
        lines += [f"{_cell(c.summary)} Judged on {_cell(c.as_of)}.", ""]
        if c.red_flags:
            lines += ["### Red flags", ""]
            lines += [f"- **{SEVERITIES[f.severity]}**: {_cell(f.text)} (`{f.rule}`; source: "
                      f"{_cell(f.source)})" for f in c.red_flags] + [""]
        if c.checks:
            lines += ["### What to verify, and where", "", "| # | Check | Where |", "|---|---|---|"]
            lines += [f"| {n} | {_cell(k.what)} | {_cell(k.where)} |"
                      for n, k in enumerate(c.checks, 1)] + [""]
        if c.depends_on:
            lines += ["### Data this verdict rests on", ""]
            lines += [f"- {_cell(d)}" for d in _depends(c)] + [""]
    return "\n".join(lines).rstrip() + "\n"


def as_csv(results: Sequence[ClaimResult], single: bool) -> str:
    """One row per claim; every cell is neutralised for spreadsheets (advisor.render.escape)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in results:
        c = r.check
        if c is None:
            row = [r.source, r.supplier or "", "", "", "", "", "", "", r.error.message()]
        else:
            row = [r.source, c.supplier, c.standard, c.verdict,
                   "; ".join(f"{f.rule} ({f.severity})" for f in c.red_flags),
                   " | ".join(f"{k.what} ({k.where})" for k in c.checks),
                   c.summary, c.as_of.isoformat(), ""]
        writer.writerow([csv_cell(cell) for cell in row])
    return out.getvalue()


CLAIM_FORMATS: dict[str, Callable[[Sequence[ClaimResult], bool], str]] = {
    "text": as_text, "json": as_json, "markdown": as_markdown, "csv": as_csv,
}
