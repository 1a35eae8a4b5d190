"""Renderers for batch results, chosen by name from `BATCH_FORMATS`; each writes as records arrive.

`--summary` (the portfolio view) is appended to json (which then becomes one object,
`{"records": [...], "summary": {...}}`) and markdown; csv and jsonl keep one record per row or
line, so their summary is text for stderr (`summary_text`).
"""
from __future__ import annotations

import csv
import io
import json
from typing import IO, Iterable, Union

from advisor.advice import catalog
from advisor.advice.batch import BatchError, Portfolio, Result, Scored
from advisor.advice.models import Assessment

def csv_columns() -> tuple[str, ...]:
    """The contract's CSV columns: a column per standard of the catalog in use."""
    return ("source", "organization", *catalog.NAMES, "top_priority", "error", *COST_COLUMNS)


#: After the contract's columns: the three-year cost and the roadmap (blank without a cost model).
COST_COLUMNS = ("audit_days_3y", "audit_fees_low", "audit_fees_high", "currency",
                "internal_person_months", "done_by_month", "fits_deadline")


def cost_cells(result: Row) -> list[str]:
    """The cost columns of one record (estimates; blank for failures and without a cost model)."""
    cost = None if isinstance(result, BatchError) else result.cost
    if cost is None:
        return [""] * len(COST_COLUMNS)
    fits = "" if cost.fits_deadline is None else "yes" if cost.fits_deadline else "no"
    return [f"{cost.audit_days:g}", f"{cost.fees_low:.0f}", f"{cost.fees_high:.0f}", cost.currency,
            f"{cost.person_months_low:g}-{cost.person_months_high:g}",
            "" if cost.done_months is None else str(cost.done_months), fits]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DECISIONS = ("certify", "implement", "not_needed")

Row = Union[Scored, BatchError]


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would run as a formula, shown as text (OWASP "CSV injection")."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _planned(scored: Scored, decision: str) -> list[str]:
    return [standard for standard, planned in scored.plan if planned == decision]


def _organization(result: Row) -> str:
    return result.organization or ""


class BatchFormat:
    """Header, one piece of text per record, footer: output streams whatever the batch size."""

    summary_on_stderr = True
    needs_json = False              # records embed the whole assessment as JSON

    def __init__(self, summary: bool = False):
        self.summary = summary

    def header(self) -> str:
        return ""

    def record(self, source: str, result: Row) -> str:
        raise NotImplementedError

    def footer(self, portfolio: Portfolio) -> str:
        return ""


class CsvFormat(BatchFormat):
    """Contract §5: source, organization, one decision column per standard, top_priority, error."""

    def __init__(self, summary: bool = False):
        super().__init__(summary)
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\n")

    def _row(self, cells: Iterable[str]) -> str:
        self._writer.writerow(cells)
        text = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return text

    def header(self) -> str:
        return self._row(csv_columns())

    def record(self, source: str, result: Row) -> str:
        """Text cells (source, organization, error) are neutralised; the others are fixed words."""
        if isinstance(result, BatchError):
            return self._row([neutralise(source), neutralise(_organization(result)),
                              *[""] * len(catalog.NAMES), "",
                              neutralise(result.message().replace("\n", " ")),
                              *cost_cells(result)])
        return self._row([neutralise(source), neutralise(result.organization),
                          *result.decisions, result.top, "", *cost_cells(result)])


def record_json(source: str, result: Row) -> str:
    """One record as compact JSON: source and organization, then `assessment` or `error`."""
    head = (f'{{"source": {json.dumps(source, ensure_ascii=False)}, "organization": '
            f'{json.dumps(_organization(result) or None, ensure_ascii=False)}, ')
    if isinstance(result, BatchError):
        return head + f'"error": {json.dumps(result.to_dict(), ensure_ascii=False)}}}'
    return head + f'"assessment": {result.json}}}'


class JsonlFormat(BatchFormat):
    needs_json = True

    def record(self, source: str, result: Row) -> str:
        return record_json(source, result) + "\n"


class JsonFormat(BatchFormat):
    """One array, one record per line; with --summary one object: {"records": [...], "summary"}."""

    summary_on_stderr = False
    needs_json = True

    def __init__(self, summary: bool = False):
        super().__init__(summary)
        self._first = True

    def header(self) -> str:
        return '{"records": [' if self.summary else "["

    def record(self, source: str, result: Row) -> str:
        separator = "\n" if self._first else ",\n"
        self._first = False
        return separator + record_json(source, result)

    def footer(self, portfolio: Portfolio) -> str:
        close = "]" if self._first else "\n]"
        if self.summary:
            return close + f', "summary": {json.dumps(portfolio.to_dict())}}}\n'
        return close + "\n"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


class MarkdownFormat(BatchFormat):
    """A table, one row per profile; --summary appends the portfolio tables."""

    summary_on_stderr = False

    def header(self) -> str:
        return ("| source | organization | certify | implement | first | three-year cost "
                "(estimate) | error |\n|---|---|---|---|---|---|---|\n")

    def record(self, source: str, result: Row) -> str:
        if isinstance(result, BatchError):
            cells = [source, _organization(result), "", "", "", "", result.message()]
        else:
            cells = [source, result.organization, ", ".join(_planned(result, "certify")),
                     ", ".join(_planned(result, "implement")), result.top, _cost(result), ""]
        return "| " + " | ".join(_cell(c) for c in cells) + " |\n"

    def footer(self, portfolio: Portfolio) -> str:
        if not self.summary:
            return ""
        lines = ["", "## Portfolio summary", "",
                 f"{portfolio.scored} profiles scored, {portfolio.failed} failed.", "",
                 "| standard | certify | implement | not needed | most common reasons |",
                 "|---|---|---|---|---|"]
        for name in catalog.NAMES:
            counts = portfolio.decisions[name]
            lines.append(f"| {name} | {counts['certify']} | {counts['implement']} | "
                         f"{counts['not_needed']} | {_reasons(portfolio, name, '`')} |")
        lines += ["", *_cost_totals(portfolio)]
        return "\n".join(lines) + "\n"


def _cost(result: Scored) -> str:
    c = result.cost
    if c is None:
        return ""
    return (f"{c.audit_days:g} auditor-days; {c.currency} {c.fees_low:,.0f}-{c.fees_high:,.0f}; "
            f"{c.person_months_low:g}-{c.person_months_high:g} person-months")


def _cost_totals(portfolio: Portfolio) -> list[str]:
    """Three-year totals per currency, and how many plans miss their deadline."""
    lines = [f"Three-year cost of the portfolio (estimates): {t['audit_days']:g} auditor-days, "
             f"{t['currency']} {t['audit_fees_low']:,.0f}-{t['audit_fees_high']:,.0f} in audit "
             f"fees, {t['internal_person_months'][0]:g}-{t['internal_person_months'][1]:g} "
             "person-months of internal effort" for t in portfolio.cost_totals()]
    if portfolio.missed_deadlines:
        lines.append(f"{portfolio.missed_deadlines} plan(s) miss their deadline.")
    return lines


def _reasons(portfolio: Portfolio, standard: str, quote: str = "") -> str:
    return ", ".join(f"{quote}{rule}{quote} ({count})"
                     for rule, count in portfolio.top_reasons(standard))


def summary_text(portfolio: Portfolio) -> str:
    """The portfolio view as plain text, for stderr."""
    width = max(len(n) for n in catalog.NAMES)
    lines = [f"portfolio: {portfolio.scored} profiles scored, {portfolio.failed} failed",
             f"{'standard':<{width}}  certify  implement  not_needed  most common reasons"]
    for name in catalog.NAMES:
        c = portfolio.decisions[name]
        lines.append(f"{name:<{width}}  {c['certify']:>7}  {c['implement']:>9}  "
                     f"{c['not_needed']:>10}  {_reasons(portfolio, name)}".rstrip())
    return "\n".join(lines + _cost_totals(portfolio))


def failure_report(portfolio: Portfolio) -> list[str]:
    """`scored N profiles, K failed:` then one line per problem: file, row, field, what is valid."""
    lines = [f"scored {portfolio.scored} profiles, {portfolio.failed} failed:"]
    for failure in portfolio.failures:
        lines += [f"  {problem}" for problem in failure.problems]
    hidden = portfolio.failed - len(portfolio.failures)
    if hidden:
        lines.append(f"  ... and {hidden} more; every failure is in the output's error column")
    return lines


BATCH_FORMATS: dict[str, type[BatchFormat]] = {
    "csv": CsvFormat, "jsonl": JsonlFormat, "json": JsonFormat, "markdown": MarkdownFormat,
}


def write_batch(results: Iterable[tuple[str, Result | Scored]], stream: IO[str], fmt: str, *,
                summary: bool = False) -> Portfolio:
    """Render `(source, result)` pairs to `stream` as they come; the portfolio they add up to.
    Results may come as assessments or, cheaper, as `Scored` (with JSON where the format
    `needs_json`)."""
    renderer = BATCH_FORMATS[fmt](summary)
    portfolio = Portfolio(detailed=summary)
    stream.write(renderer.header())
    for source, result in results:
        if isinstance(result, Assessment):
            result = Scored.of(result, renderer.needs_json)
        portfolio.add(result)
        stream.write(renderer.record(source, result))
    stream.write(renderer.footer(portfolio))
    return portfolio
