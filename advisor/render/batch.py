"""Renderers for batch results, chosen by name from `BATCH_FORMATS`; each writes as records arrive.

`--summary` (the portfolio view) is appended to json (which then becomes one object,
`{"records": [...], "summary": {...}}`) and markdown; csv and jsonl keep one record per row or
line, so their summary is text for stderr (`summary_text`).
"""
from __future__ import annotations

import csv
import io
import json
import re
from typing import IO, Any, Iterable, Mapping, Union

from advisor.advice import catalog
from advisor.advice.batch import (BatchError, Portfolio, Result, Scored, brief,
                                  collect_valid_values)
from advisor.advice.models import Assessment
from advisor.render.escape import FORMULA_STARTS, csv_cell, markdown, terminal

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

    def __init__(self, summary: bool = False, record: Mapping[str, Any] | None = None):
        self.summary = summary
        #: What every JSON record states about how it was made (as_of, rule base digest, ...),
        #: so that a record that could not be scored says so too; pre-encoded once.
        self.provenance = "".join(f"{json.dumps(k)}: {json.dumps(v, default=str)}, "
                                  for k, v in (record or {}).items())
        self.made = dict(record or {})

    def header(self, first: Row | None) -> str:
        """Written before the first record, which tells whether records carry ids and kept
        columns (None: there are no records)."""
        return ""

    def record(self, source: str, result: Row) -> str:
        raise NotImplementedError

    def footer(self, portfolio: Portfolio) -> str:
        return ""


class CsvFormat(BatchFormat):
    """Contract §5: source, organization, one decision column per standard, top_priority, error."""

    def __init__(self, summary: bool = False, record: Mapping[str, Any] | None = None,
                 excel: str | None = None):
        super().__init__(summary, record)
        self._buffer = io.StringIO()
        self._excel = excel
        self._writer = csv.writer(self._buffer, lineterminator="\r\n" if excel else "\n",
                                  delimiter=excel or ",")

    def _row(self, cells: Iterable[str]) -> str:
        self._writer.writerow(cells)
        text = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return text

    def header(self, first: Row | None) -> str:
        """Contract columns; `id` first when the input has ids, kept columns last (with
        `other_columns` for kept columns that later files add)."""
        self._with_id = first is not None and first.record_id is not None
        self._kept = [name for name, _ in first.columns] if first is not None else []
        bom = "\ufeff" if self._excel else ""
        return bom + self._row((["id"] if self._with_id else []) + list(csv_columns()) + self._kept
                               + (["other_columns"] if self._kept else []))

    def record(self, source: str, result: Row) -> str:
        """Text cells (source, organization, error, ids, kept columns) are neutralised; the
        others are fixed words."""
        if isinstance(result, BatchError):
            cells = [neutralise(source), neutralise(_organization(result)),
                     *[""] * len(catalog.NAMES), "",
                     neutralise(result.message(listed_once=True).replace("\n", " ")),
                     *cost_cells(result)]
        else:
            cells = [neutralise(source), neutralise(result.organization), *result.decisions,
                     result.top, "", *cost_cells(result)]
        if self._with_id:
            cells.insert(0, neutralise(result.record_id or ""))
        if self._kept:
            given = dict(result.columns)
            cells += [neutralise(given.pop(name, "")) for name in self._kept]
            cells.append(neutralise("; ".join(f"{k}={v}" for k, v in given.items())))
        return self._row(cells)


def record_json(source: str, result: Row, provenance: str = "") -> str:
    """One record as compact JSON: source, id and kept columns when given, organization, the
    pre-encoded `provenance` keys, then `assessment` or `error`."""
    head = f'{{"source": {json.dumps(source, ensure_ascii=False)}, '
    if result.record_id is not None:
        head += f'"id": {json.dumps(result.record_id, ensure_ascii=False)}, '
    if result.columns:
        head += f'"columns": {json.dumps(dict(result.columns), ensure_ascii=False)}, '
    head += (f'"organization": {json.dumps(_organization(result) or None, ensure_ascii=False)}, '
             + provenance)
    if isinstance(result, BatchError):
        return head + f'"error": {json.dumps(result.to_dict(listed_once=True), ensure_ascii=False)}}}'
    return head + f'"assessment": {result.json}}}'


class JsonlFormat(BatchFormat):
    needs_json = True

    def record(self, source: str, result: Row) -> str:
        return record_json(source, result, self.provenance) + "\n"


class JsonFormat(BatchFormat):
    """One array, one record per line; with --summary one object: {"records": [...], "summary"}."""

    summary_on_stderr = False
    needs_json = True

    def __init__(self, summary: bool = False, record: Mapping[str, Any] | None = None):
        super().__init__(summary, record)
        self._first = True

    def header(self, first: Row | None) -> str:
        return '{"records": [' if self.summary else "["

    def record(self, source: str, result: Row) -> str:
        separator = "\n" if self._first else ",\n"
        self._first = False
        return separator + record_json(source, result, self.provenance)

    def footer(self, portfolio: Portfolio) -> str:
        close = "]" if self._first else "\n]"
        if self.summary:
            return close + f', "summary": {json.dumps(portfolio.to_dict())}}}\n'
        return close + "\n"


_cell = markdown


class MarkdownFormat(BatchFormat):
    """A table, one row per profile; --summary appends the portfolio tables."""

    summary_on_stderr = False

    def header(self, first: Row | None) -> str:
        self._with_id = first is not None and first.record_id is not None
        return (("| id " if self._with_id else "")
                + "| source | organization | certify | implement | first | three-year cost "
                  "(estimate) | error |\n"
                + ("|---" if self._with_id else "") + "|---|---|---|---|---|---|---|\n")

    def record(self, source: str, result: Row) -> str:
        if isinstance(result, BatchError):
            cells = [source, _organization(result), "", "", "", "",
                     result.message(listed_once=True)]
        else:
            cells = [source, result.organization, ", ".join(_planned(result, "certify")),
                     ", ".join(_planned(result, "implement")), result.top, _cost(result), ""]
        if self._with_id:
            cells.insert(0, result.record_id or "")
        return "| " + " | ".join(_cell(c) for c in cells) + " |\n"

    def footer(self, portfolio: Portfolio) -> str:
        made = self.made
        stated = (f"\nScored as of {made['as_of']} with rule base {made.get('rulebase_version')} "
                  f"({made.get('rulebase_digest')}), iso-advisor {made.get('advisor_version')}.\n"
                  if "as_of" in made else "")
        if not self.summary:
            return stated
        lines = [stated.rstrip("\n"), "", "## Portfolio summary", "",
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
    """`scored N profiles, K failed:`, one line per problem (file, row, field, closest matches),
    records failing for the same reason (a bad header) once with their count, then the valid
    values of each field named, listed once for the whole run."""
    lines = [f"scored {portfolio.scored} profiles, {portfolio.failed} failed:"]
    valid: dict[str, list[str]] = {}           # a list of valid values -> the fields it is for
    groups: list[list] = []                   # [problem lines, first failure, last, count]
    for failure in portfolio.failures:
        collect_valid_values(valid, failure.problems)
        key = [str(brief(p)) for p in failure.problems]
        if groups and groups[-1][0] == key:
            groups[-1][2:] = [failure, groups[-1][3] + 1]
        else:
            groups.append([key, failure, failure, 1])
    for key, first, last, count in groups:
        lines += [f"  {text}" for text in key]
        if count > 1:
            span = (f"{first.file}, {first.location} to {last.location}"
                    if first.file == last.file else f"{first.source} to {last.source}")
            lines.append(f"    (the same for {count:,} records, {span})")
    hidden = portfolio.failed - len(portfolio.failures)
    if hidden:
        lines.append(f"  ... and {hidden} more; every failure is in the output's error column")
    for values, fields in valid.items():
        more = f" and {len(fields) - 3:,} more" if len(fields) > 3 else ""
        lines.append(f"valid values for {', '.join(fields[:3])}{more}: {values}")
    return lines


BATCH_FORMATS: dict[str, type[BatchFormat]] = {
    "csv": CsvFormat, "jsonl": JsonlFormat, "json": JsonFormat, "markdown": MarkdownFormat,
}


def excel_delimiter(choice: str) -> str:
    """The list separator Excel expects: `;` where the locale's decimal separator is a comma
    (German, French, Italian, ... Excel), else `,`; or the one chosen. No single CSV opens in
    columns in every locale: the byte-order mark makes every Excel read UTF-8, and a `sep=`
    line would fix the separator but makes Excel ignore the byte-order mark (umlauts garbled),
    so the separator follows the locale of the machine that runs the command. `--format xlsx`
    opens the same everywhere."""
    if choice != "auto":
        return choice
    import locale
    previous = locale.setlocale(locale.LC_NUMERIC)
    try:
        locale.setlocale(locale.LC_NUMERIC, "")
        return ";" if locale.localeconv()["decimal_point"] == "," else ","
    except locale.Error:
        return ","
    finally:
        locale.setlocale(locale.LC_NUMERIC, previous)


def write_batch(results: Iterable[tuple[str, Result | Scored]], stream: IO[str], fmt: str, *,
                summary: bool = False, excel: str | None = None,
                record: Mapping[str, Any] | None = None) -> Portfolio:
    """Render `(source, result)` pairs to `stream` as they come; the portfolio they add up to.
    Results may come as assessments or, cheaper, as `Scored` (with JSON where the format
    `needs_json`). `record` (`advisor.advice.assess.record_fields`) is stated in every JSON
    record, scored or not."""
    renderer = (BATCH_FORMATS[fmt](summary, record, excel=excel) if excel
                else BATCH_FORMATS[fmt](summary, record))
    portfolio = Portfolio(detailed=summary)
    started = False
    for source, result in results:
        if isinstance(result, Assessment):
            result = Scored.of(result, renderer.needs_json)
        if not started:
            stream.write(renderer.header(result))
            started = True
        portfolio.add(result)
        stream.write(renderer.record(source, result))
    if not started:
        stream.write(renderer.header(None))
    stream.write(renderer.footer(portfolio))
    return portfolio
