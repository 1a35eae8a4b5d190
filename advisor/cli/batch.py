"""`iso-advisor batch`: score many profiles into one table or stream (contract §3 and §5)."""
from __future__ import annotations

import datetime as dt
import sys
from typing import Iterable, Iterator, TypeVar

import click

from advisor.cli.app import (Finished, Settings, assessment_options, cli, output_option, pass_settings,
                              refuse_output_over_inputs)
from advisor.cli.signals import between_records

T = TypeVar("T")


def _progress(items: Iterable[T], inputs: tuple[str, ...]) -> Iterator[T]:
    """A progress bar on stderr (count, total where the inputs tell it, rate, time left), only
    when stderr is a terminal: logs and pipes get nothing."""
    if not sys.stderr.isatty():
        yield from items
        return
    from tqdm import tqdm

    from advisor.inputs.tables import estimate_rows
    with tqdm(items, total=estimate_rows(inputs), desc="scoring", unit=" profiles",
              file=sys.stderr, dynamic_ncols=True, smoothing=0.1) as bar:
        yield from bar


def _codec(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An encoding Python knows, or a usage error that says so."""
    if value is None:
        return None
    import codecs
    try:
        return codecs.lookup(value).name
    except LookupError:
        raise click.BadParameter(f"'{value}' is not a known encoding (try utf-8, cp1252, "
                                 "latin-1, utf-16)") from None


@cli.command("batch")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--format", "fmt",
              type=click.Choice(["csv", "jsonl", "json", "markdown", "xlsx", "html"]),
              default="csv", show_default=True,
              help="Output format: xlsx is a workbook (decisions, plan, effort, errors, summary "
                   "with a chart), html a portfolio report with charts.")
@output_option
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes scoring in parallel (default and most: one per CPU); output is the same.")
@click.option("--summary", is_flag=True,
              help="Add a portfolio view: decisions per standard and the most common reasons "
                   "(appended for json and markdown, on stderr for csv and jsonl).")
@click.option("--sheet", default=None, metavar="NAME",
              help="The sheet of .xlsx inputs to read (default: the first).")
@click.option("--delimiter", type=click.Choice([",", ";", "tab"]), default=None,
              help="Column separator of CSV inputs (default: detected from the header).")
@click.option("--encoding", default=None, callback=_codec, metavar="NAME",
              help="Text encoding of CSV inputs, such as utf-8, cp1252, utf-16 (default: "
                   "detected; Windows-1252 when the file is not UTF-8, with a note).")
@click.option("--id-column", default=None, metavar="NAME",
              help="Column (or key) holding the client id carried into every output record "
                   "(default: a column named id or client_id, if any).")
@click.option("--keep-columns", is_flag=True,
              help="Carry unknown columns into the output instead of failing their rows.")
@click.option("--reports", "reports", default=None, metavar="DIR",
              type=click.Path(file_okay=False, path_type=str),
              help="Also write each client's board report (HTML) into DIR, named by id or name.")
@click.option("--report-format", type=click.Choice(["html", "pdf", "both"]), default="html",
              show_default=True,
              help="Format of the --reports files (pdf is printed by headless Chromium, about "
                   "a second per client).")
@click.option("--excel", is_flag=False, flag_value="auto", default=None,
              type=click.Choice(["auto", ",", ";"]),
              help="CSV for Excel: UTF-8 with a byte-order mark, CRLF, and the list separator "
                   "of your locale (';' where the decimal separator is a comma) or the one "
                   "given: --excel=';'.")
@assessment_options
@pass_settings
@click.pass_context
def batch_command(ctx: click.Context, settings: Settings, inputs: tuple[str, ...], fmt: str,
                  output: str | None, jobs: int | None, summary: bool, sheet: str | None,
                  delimiter: str | None, encoding: str | None, id_column: str | None,
                  keep_columns: bool, reports: str | None, report_format: str,
                  excel: str | None, as_of: dt.date | None, day_rate: str | None) -> None:
    """Score every profile in INPUT files and folders (.yaml, .yml, .json, .jsonl, .csv, .tsv,
    .xlsx).

    One record per profile, in input order. A profile that cannot be scored gets a record with
    an error; the others are still scored, and the exit code is 1. Every data row of a
    spreadsheet is one record, so scored + failed is the number of rows read.
    """
    from advisor.advice.assess import as_of_date, record_fields, rulebase
    from advisor.advice.batch import BATCH_SUFFIXES, default_jobs, score_paths_for_output
    from advisor.inputs.tables import TableOptions
    from advisor.render.batch import (BATCH_FORMATS, excel_delimiter, failure_report,
                                      summary_text, write_batch)
    from advisor.render.output import atomic_output

    refuse_output_over_inputs(output, inputs, BATCH_SUFFIXES)
    available = default_jobs()
    if jobs is not None and jobs > available:
        click.echo(f"note: --jobs {jobs} is more than the {available} CPUs this process may use; "
                   f"using {available}", err=True)
        jobs = available
    if excel and fmt != "csv":
        raise click.UsageError("--excel shapes CSV output; use it with --format csv")
    if fmt == "xlsx" and output in (None, "-") and sys.stdout.isatty():
        raise click.UsageError("--format xlsx writes a binary workbook: give --output FILE")
    as_of = as_of_date(as_of)            # one date for the whole batch, even across midnight
    report = None
    if reports is not None:
        from advisor.render.report import as_html as report
    options = TableOptions(sheet=sheet, delimiter=delimiter, encoding=encoding,
                           id_column=id_column, keep_columns=keep_columns,
                           unknown_column_hint=" (--keep-columns carries unknown columns into "
                                               "the output)",
                           notes=lambda text: click.echo(f"note: {text}", err=True))
    detailed = fmt in ("xlsx", "html")
    results = score_paths_for_output(
        inputs, with_json=fmt in BATCH_FORMATS and BATCH_FORMATS[fmt].needs_json,
        with_details=detailed, report=report, jobs=jobs, rules=settings.rules,
        engine=settings.engine, options=options, as_of=as_of, day_rate=day_rate)
    results = _progress(between_records(results), inputs)
    if reports is not None:
        from advisor.render.reports import ReportFolder
        results = ReportFolder(reports, ("html", "pdf") if report_format == "both"
                               else (report_format,)).write_each(results)
    with atomic_output(output, newline="", binary=fmt == "xlsx") as stream:
        if fmt == "xlsx":
            from advisor.render.workbook import write_workbook
            portfolio = write_workbook(results, stream)
        elif fmt == "html":
            from advisor.render.portfolio import write_portfolio_html
            portfolio = write_portfolio_html(results, stream)
        else:
            rb = rulebase(settings.rules)
            record = {"rulebase_version": rb.version, **record_fields(rb, settings.engine, as_of)}
            portfolio = write_batch(results, stream, fmt, summary=summary, record=record,
                                    excel=excel_delimiter(excel) if excel else None)
    if summary and (detailed or BATCH_FORMATS[fmt].summary_on_stderr):
        click.echo(summary_text(portfolio), err=True)
    if portfolio.failed:
        click.echo("\n".join(failure_report(portfolio)), err=True)
        raise Finished("items failed")
