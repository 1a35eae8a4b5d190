"""Renderers of claim checks, chosen by name from `CLAIM_FORMATS`.

Each renders the results of one input file: one claim (`single`: a file holding one mapping),
or a supplier list, with the claims that could not be checked in their places. `write_claims`
writes them as they come, one claim at a time, so a supplier list of any length is checked in
flat memory (the totals come last); the `as_*` functions render a list the same way.
"""
from __future__ import annotations

import csv
import io
import json
import itertools
import shutil
import tempfile
from dataclasses import dataclass, field
from typing import IO, Callable, Iterable, Sequence

from advisor.render.escape import csv_cell, markdown, terminal
from advisor.claims.models import ClaimCheck
from advisor.claims.check import ClaimResult

VERDICTS = {"credible": "CREDIBLE", "verify": "VERIFY FIRST", "not_credible": "NOT CREDIBLE"}
SEVERITIES = {"not_credible": "not credible", "verify": "verify"}
CSV_COLUMNS = ("source", "supplier", "standard", "verdict", "red_flags", "checks", "summary",
               "as_of", "error")


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


@dataclass
class Tally:
    """How many claims got each verdict, and how many could not be checked."""

    verdicts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(VERDICTS, 0))
    failed: int = 0

    def add(self, result: ClaimResult) -> None:
        if result.check is None:
            self.failed += 1
        else:
            self.verdicts[result.check.verdict] += 1

    @property
    def total(self) -> int:
        return self.failed + sum(self.verdicts.values())

    def __str__(self) -> str:
        counts = self.verdicts
        text = (f"{self.total} claims: {counts['credible']} credible, {counts['verify']} to "
                f"verify first, {counts['not_credible']} not credible")
        return text + (f"; {self.failed} could not be checked" if self.failed else "")


_cell = markdown              # rule ids go in code spans: they are [a-z0-9-] (checked on load)


class _Format:
    """Header, one piece of text per claim, footer."""

    def __init__(self, single: bool):
        self.single = single

    def header(self) -> str:
        return ""

    def record(self, r: ClaimResult, first: bool) -> str:
        raise NotImplementedError

    def footer(self, tally: Tally) -> str:
        return ""

    def finish(self, stream: IO[str], tally: Tally) -> None:
        stream.write(self.footer(tally))


class _Text(_Format):
    def record(self, r: ClaimResult, first: bool) -> str:
        lines = [] if self.single else [f"== {r.source} ==", ""]
        if r.check is not None:
            lines += _text_check(r.check)
        else:
            lines += [f"Could not be checked: {r.error.message()}", ""]
        text = "\n".join(lines)
        return terminal(text.rstrip() + "\n" if self.single else text + "\n")

    def footer(self, tally: Tally) -> str:
        return "" if self.single else f"{tally}\n"


class _Json(_Format):
    def header(self) -> str:
        return "" if self.single else "["

    def record(self, r: ClaimResult, first: bool) -> str:
        text = json.dumps(r.to_dict(), indent=2, ensure_ascii=False)
        if self.single:
            return text + "\n"
        return ("\n" if first else ",\n") + "\n".join("  " + line for line in text.split("\n"))

    def footer(self, tally: Tally) -> str:
        return "" if self.single else ("\n]\n" if tally.total else "]\n")


class _Markdown(_Format):
    """One section per claim, then (for a list) a table of all of them, kept in a temporary
    file until the end rather than in memory."""

    def __init__(self, single: bool):
        super().__init__(single)
        self.rows = None if single else tempfile.SpooledTemporaryFile(
            max_size=1 << 20, mode="w+", encoding="utf-8")

    def header(self) -> str:
        return "# Certification claim check" + ("" if self.single else "s") + "\n\n"

    def record(self, r: ClaimResult, first: bool) -> str:
        c = r.check
        if self.rows is not None:
            self.rows.write(
                f"| {_cell(r.source)} | {_cell(c.supplier if c else r.supplier or '')} | "
                f"{_cell(c.standard if c else '')} | "
                f"{VERDICTS[c.verdict] if c else 'could not be checked'} | "
                f"{', '.join(f'`{f.rule}`' for f in c.red_flags) if c else ''} |\n")
        if c is None:
            lines = [f"## {_cell(r.source)}: could not be checked", "",
                     _cell(r.error.message()), ""]
            return "\n".join(lines) + "\n"
        lines = [f"## {_cell(c.supplier)}: {_cell(c.standard)}: {VERDICTS[c.verdict]}", ""]
        if not self.single:
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
        return "\n".join(lines) + "\n"

    def finish(self, stream: IO[str], tally: Tally) -> None:
        if self.rows is None:
            return
        stream.write(f"## All claims\n\n{_cell(str(tally))}.\n\n"
                     "| Source | Supplier | Standard | Verdict | Red flags |\n|---|---|---|---|---|\n")
        self.rows.seek(0)
        shutil.copyfileobj(self.rows, stream)
        self.rows.close()


class _Csv(_Format):
    """One row per claim; every cell is neutralised for spreadsheets (advisor.render.escape)."""

    def header(self) -> str:
        return self._row(CSV_COLUMNS)

    def record(self, r: ClaimResult, first: bool) -> str:
        c = r.check
        if c is None:
            row = [r.source, r.supplier or "", "", "", "", "", "", "", r.error.message()]
        else:
            row = [r.source, c.supplier, c.standard, c.verdict,
                   "; ".join(f"{f.rule} ({f.severity})" for f in c.red_flags),
                   " | ".join(f"{k.what} ({k.where})" for k in c.checks),
                   c.summary, c.as_of.isoformat(), ""]
        return self._row([csv_cell(cell) for cell in row])

    @staticmethod
    def _row(cells: Iterable[str]) -> str:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(cells)
        return out.getvalue()


_FORMATS: dict[str, type[_Format]] = {"text": _Text, "json": _Json, "markdown": _Markdown,
                                      "csv": _Csv}


def is_single(head: Sequence[ClaimResult]) -> bool:
    """The first results of a file hold one claim given as a mapping (not a list or rows)."""
    return len(head) == 1 and head[0].location is None


def write_claims(results: Iterable[ClaimResult], stream: IO[str], fmt: str, *,
                 single: bool | None = None) -> Tally:
    """Render `results` to `stream` as they come; the tally they add up to."""
    iterator = iter(results)
    head = list(itertools.islice(iterator, 2))
    renderer = _FORMATS[fmt](is_single(head) if single is None else single)
    tally = Tally()
    stream.write(renderer.header())
    for result in itertools.chain(head, iterator):
        stream.write(renderer.record(result, first=tally.total == 0))
        tally.add(result)
    renderer.finish(stream, tally)
    return tally


def _render(fmt: str) -> Callable[[Sequence[ClaimResult], bool], str]:
    def render(results: Sequence[ClaimResult], single: bool) -> str:
        out = io.StringIO()
        write_claims(results, out, fmt, single=single)
        return out.getvalue()
    render.__name__ = f"as_{fmt}"
    return render


as_text, as_json, as_markdown, as_csv = (_render(f) for f in ("text", "json", "markdown", "csv"))
CLAIM_FORMATS: dict[str, Callable[[Sequence[ClaimResult], bool], str]] = {
    "text": as_text, "json": as_json, "markdown": as_markdown, "csv": as_csv,
}
