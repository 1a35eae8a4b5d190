"""`batch --format xlsx`: the portfolio as a workbook a consultant can hand on and print.

Sheets: Summary (counts per standard and a native chart), Decisions (one row per client, one
column per standard), Plan (each client's steps in order, with reasons), Effort (audit days per
client), Errors (every row that could not be scored, then the valid values once). Written in
openpyxl's write-only mode, row by row as results arrive, so memory stays flat for 100,000
clients.

Printed in black and white a decision still reads: `CERTIFY` is bold white on a dark fill,
`implement` is italic on a dotted fill, `-` is plain; the chart's series differ by pattern, not
only by colour. Text from inputs is stored as text, never as a formula (`=`, `+`, `-`, `@`).
"""
from __future__ import annotations

import copy
import re
import weakref
from typing import Any, BinaryIO, Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.drawing.fill import ColorChoice, PatternFillProperties
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from advisor.advice import catalog
from advisor.advice.batch import BatchError, Portfolio, Scored, brief, collect_valid_values
from advisor.advice.models import Assessment
from advisor.errors import printable
from advisor.inputs.tables import column_letter

MAX_CELL_CHARS = 32_767               # Excel's limit for one cell
MAX_SHEET_ROWS = 1_048_576            # and for one sheet
FORMULA_STARTS = ("=", "+", "-", "@")
_HEAD_FONT = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="D9D9D9")
_HEAD_BORDER = Border(bottom=Side(style="medium"))
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTRE = Alignment(horizontal="center")
_TITLE_FONT = Font(bold=True, size=13)
#: How each decision looks: text, font, fill; legible without colour.
DECISION_LOOK = {
    "certify": ("CERTIFY", Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1F3864")),
    "implement": ("implement", Font(italic=True),
                  PatternFill("gray125", fgColor="808080", bgColor="FFFFFF")),
    "not_needed": ("-", Font(color="595959"), None),
}
LEGEND = ("CERTIFY (bold, dark): pursue accredited certification.  implement (italic, dotted): "
          "adopt the standard without a certificate.  -: nothing calls for it now.")


_STYLES: "weakref.WeakKeyDictionary[Any, dict]" = weakref.WeakKeyDictionary()


def _style(cell: WriteOnlyCell, **style: Any) -> WriteOnlyCell:
    """Give `cell` these style objects. Setting fonts and fills hashes them into the workbook's
    tables, about 0.1 ms a cell; a combination already used in this workbook is copied instead
    (the style is the workbook's index array), which makes 100,000-client workbooks feasible."""
    if not style:
        return cell
    known = _STYLES.setdefault(cell.parent.parent, {})
    key = tuple((name, id(look)) for name, look in style.items())
    if key in known:
        cell._style = copy.copy(known[key])
        return cell
    for name, look in style.items():
        setattr(cell, name, look)
    known[key] = copy.copy(cell._style)
    return cell


def _text(sheet: Any, value: object, **style: Any) -> WriteOnlyCell:
    """A text cell that stays text: formula-like input is stored as a string (and marked with
    Excel's quote prefix, so editing it keeps it text); control characters are shown escaped."""
    text = printable("" if value is None else value, MAX_CELL_CHARS)
    cell = _style(WriteOnlyCell(sheet, value=text), **style)
    if text.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _printable_page(sheet: Any) -> None:
    """Landscape, as wide as one page, header row repeated on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"                 # A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0


def _header(sheet: Any, names: list[str], widths: list[float]) -> None:
    _printable_page(sheet)
    sheet.print_title_rows = "1:1"
    for i, width in enumerate(widths):
        sheet.column_dimensions[column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_text(sheet, n, font=_HEAD_FONT, fill=_HEAD_FILL, border=_HEAD_BORDER,
                        alignment=_WRAP) for n in names])


class _Sheet:
    """A write-only sheet that counts its rows, for the filter range set at the end, and goes
    on in a new sheet (`Plan (2)`) when Excel's 1,048,576 rows are full."""

    def __init__(self, book: Workbook, title: str, names: list[str], widths: list[float]):
        self.book, self.title, self.names, self.widths = book, title, names, widths
        self.sheet = book.create_sheet(title)
        self.full: list[tuple[Any, int]] = []
        self.width = len(names)
        self.rows = 1
        _header(self.sheet, names, widths)

    def append(self, cells: list) -> None:
        if self.rows >= MAX_SHEET_ROWS:
            self.full.append((self.sheet, self.rows))
            self.sheet = self.book.create_sheet(f"{self.title} ({len(self.full) + 1})")
            self.rows = 1
            _header(self.sheet, self.names, self.widths)
        self.sheet.append(cells)
        self.rows += 1

    def finish(self) -> None:
        for sheet, rows in [*self.full, (self.sheet, self.rows)]:
            sheet.auto_filter.ref = f"A1:{column_letter(self.width - 1)}{max(rows, 2)}"


def _decision(sheet: Any, decision: str) -> WriteOnlyCell:
    text, font, fill = DECISION_LOOK[decision]
    look = {"font": font, "alignment": _CENTRE, **({"fill": fill} if fill is not None else {})}
    return _style(WriteOnlyCell(sheet, value=text), **look)


def _problem_rows(failure: BatchError) -> Iterable[tuple[str, str, str]]:
    for problem in failure.problems:
        shown = brief(problem)
        text = shown.message + (f" (valid: {shown.valid})" if shown.valid else "")
        yield problem.field or "", text, " or ".join(problem.suggestions)


def write_workbook(results: Iterable[tuple[str, Scored | BatchError | Assessment]],
                   stream: BinaryIO) -> Portfolio:
    """Render `(source, result)` pairs as a workbook into `stream`; the portfolio they add up to.
    Results need their plan (`Scored.of(..., with_details=True)`)."""
    book = Workbook(write_only=True)
    summary = book.create_sheet("Summary")
    portfolio = Portfolio(detailed=True)
    sheets: dict[str, _Sheet] = {}
    kept: list[str] = []
    with_id = False
    valid: dict[str, list[str]] = {}
    for source, result in results:
        if isinstance(result, Assessment):
            result = Scored.of(result, with_details=True)
        if not sheets:
            with_id = result.record_id is not None
            kept = [name for name, _ in result.columns]
            sheets = _sheets(book, with_id, kept)
        portfolio.add(result)
        ident = [_text(sheets["Decisions"].sheet, result.record_id)] if with_id else []
        _decisions_row(sheets["Decisions"], source, result, ident, kept)
        if isinstance(result, BatchError):
            errors = sheets["Errors"]
            for field, text, hints in _problem_rows(result):
                errors.append([*([_text(errors.sheet, result.record_id)] if with_id else []),
                               _text(errors.sheet, source),
                               _text(errors.sheet, result.organization),
                               _text(errors.sheet, field), _text(errors.sheet, text),
                               _text(errors.sheet, hints)])
            collect_valid_values(valid, result.problems)
            continue
        _plan_rows(sheets["Plan"], result, with_id)
        _effort_row(sheets["Effort"], result, with_id)
    if not sheets:
        sheets = _sheets(book, False, [])
    for sheet in sheets.values():
        sheet.finish()
    if valid:
        errors = sheets["Errors"].sheet
        errors.append([])
        errors.append([_text(errors, "Valid values", font=_HEAD_FONT)])
        for values, fields in valid.items():
            errors.append([_text(errors, ", ".join(fields)), _text(errors, values)])
    _summary(summary, portfolio)
    book.save(stream)
    return portfolio


def _sheets(book: Workbook, with_id: bool, kept: list[str]) -> dict[str, _Sheet]:
    ident = ["Id"] if with_id else []
    idw = [14.0] if with_id else []
    return {
        "Decisions": _Sheet(book, "Decisions",
                            ident + ["Source", "Organization", *catalog.NAMES, "First step",
                                     "Error", *kept],
                            idw + [28, 32] + [15.5] * len(catalog.NAMES) + [16, 48]
                            + [18] * len(kept)),
        "Plan": _Sheet(book, "Plan", ident + ["Organization", "Priority", "Standard", "Decision",
                                              "Currently", "Initial audit days",
                                              "Typical months", "Reasons"],
                       idw + [32, 9, 16, 12, 12, 11, 10, 110]),
        "Effort": _Sheet(book, "Effort", ident + ["Organization", "To certify", "To implement",
                                                  "Initial audit days (to certify)",
                                                  "Longest typical months", "Estimates included"],
                         idw + [32, 11, 12, 16, 14, 22]),
        "Errors": _Sheet(book, "Errors", ident + ["Source", "Organization", "Field", "Problem",
                                                  "Did you mean"],
                         idw + [34, 28, 20, 90, 24]),
    }


def _decisions_row(target: _Sheet, source: str, result: Scored | BatchError, ident: list,
                   kept: list[str]) -> None:
    sheet = target.sheet
    given = dict(result.columns)
    extra = [_text(sheet, given.pop(name, "")) for name in kept]
    if isinstance(result, BatchError):
        cells = [_text(sheet, source), _text(sheet, result.organization),
                 *[None] * len(catalog.NAMES), None,
                 _text(sheet, result.message(listed_once=True), alignment=_WRAP)]
    else:
        cells = [_text(sheet, source), _text(sheet, result.organization),
                 *[_decision(sheet, d) for d in result.decisions], _text(sheet, result.top),
                 None]
    target.append(ident + cells + extra)


def _months(months: tuple[int, ...]) -> str:
    return "-".join(str(m) for m in months)


def _plan_rows(target: _Sheet, result: Scored, with_id: bool) -> None:
    sheet = target.sheet
    for step in result.details:
        reasons = "\n".join(f"{text} [{rule}]" for rule, text in step.reasons)
        target.append([*([_text(sheet, result.record_id)] if with_id else []),
                       _text(sheet, result.organization), step.priority,
                       _text(sheet, step.standard), _decision(sheet, step.decision),
                       _text(sheet, step.currently),
                       step.audit_days, _text(sheet, _months(step.months)),
                       _text(sheet, reasons, alignment=_WRAP)])


def _effort_row(target: _Sheet, result: Scored, with_id: bool) -> None:
    sheet = target.sheet
    to_certify = [s for s in result.details if s.decision == "certify" and
                  s.currently != "certified"]
    days = sum(s.audit_days or 0 for s in to_certify)
    longest = max((s.months for s in result.details if s.months), key=lambda m: m[-1],
                  default=())
    estimates = ", ".join(s.standard for s in to_certify if s.estimate)
    target.append([*([_text(sheet, result.record_id)] if with_id else []),
                   _text(sheet, result.organization), len(to_certify),
                   sum(1 for s in result.details if s.decision == "implement"),
                   days, _text(sheet, _months(longest)), _text(sheet, estimates)])


def _summary(sheet: Any, portfolio: Portfolio) -> None:
    """Counts per standard and a stacked bar chart of them (series told apart by pattern)."""
    _printable_page(sheet)
    for letter, width in zip("ABCDEF", (18, 10, 11, 11, 12, 16)):
        sheet.column_dimensions[letter].width = width
    sheet.append([_text(sheet, f"Portfolio: {portfolio.scored:,} clients scored, "
                               f"{portfolio.failed:,} could not be scored (see Errors)",
                        font=_TITLE_FONT)])
    sheet.append([_text(sheet, LEGEND)])
    sheet.append([])
    sheet.append([_text(sheet, n, font=_HEAD_FONT, fill=_HEAD_FILL, border=_HEAD_BORDER,
                        alignment=_WRAP)
                  for n in ("Standard", "Certify", "Implement", "Not needed", "First step for",
                            "Initial audit days to certify")])
    for name in catalog.NAMES:
        counts = portfolio.decisions[name]
        days = portfolio.audit_days.get(name)
        sheet.append([_text(sheet, name), counts["certify"], counts["implement"],
                      counts["not_needed"], portfolio.first_steps.get(name, 0),
                      None if days is None else round(days, 1)])
    first, last = 5, 4 + len(catalog.NAMES)
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "Decisions per standard"
    chart.y_axis.title = "clients"
    chart.x_axis.scaling.orientation = "maxMin"          # catalog order, top to bottom
    chart.add_data(Reference(sheet, min_col=2, max_col=3, min_row=first - 1, max_row=last),
                   titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=first, max_row=last))
    certify, implement = chart.series
    certify.graphicalProperties.solidFill = "1F3864"
    certify.graphicalProperties.line.solidFill = "000000"
    implement.graphicalProperties.pattFill = PatternFillProperties(
        prst="ltUpDiag", fgClr=ColorChoice(srgbClr="404040"), bgClr=ColorChoice(srgbClr="FFFFFF"))
    implement.graphicalProperties.line.solidFill = "000000"
    chart.gapWidth = 40
    chart.height, chart.width = 14, 16
    sheet.add_chart(chart, "H1")
