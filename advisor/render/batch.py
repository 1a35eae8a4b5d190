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
from advisor.render.escape import FORMULA_STARTS, csv_cell, markdown, terminal

def csv_columns() -> tuple[str, ...]:
    """The contract's CSV columns: a column per standard of the catalog in use."""
    return ("source", "organization", *catalog.NAMES, "top_priority", "error")
DECISIONS = ("certify", "implement", "not_needed")

Row = Union[Scored, BatchError]


neutralise = csv_cell


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
                              neutralise(result.message().replace("\n", " "))])
        return self._row([neutralise(source), neutralise(result.organization),
                          *result.decisions, result.top, ""])


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


_cell = markdown


class MarkdownFormat(BatchFormat):
    """A table, one row per profile; --summary appends the portfolio tables."""

    summary_on_stderr = False

    def header(self) -> str:
        return ("| source | organization | certify | implement | first | error |\n"
                "|---|---|---|---|---|---|\n")

    def record(self, source: str, result: Row) -> str:
        if isinstance(result, BatchError):
            cells = [source, _organization(result), "", "", "", result.message()]
        else:
            cells = [source, result.organization, ", ".join(_planned(result, "certify")),
                     ", ".join(_planned(result, "implement")), result.top, ""]
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
        return "\n".join(lines) + "\n"


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
    return "\n".join(lines)


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
