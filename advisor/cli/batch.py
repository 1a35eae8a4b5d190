"""`iso-advisor batch`: score many profiles into one table or stream (contract §3 and §5)."""
from __future__ import annotations

import sys
import time
from typing import Iterable, Iterator, TypeVar

import click

from advisor.cli.app import (Settings, cli, output_option, pass_settings,
                              refuse_output_over_inputs)
from advisor.cli.signals import between_records

T = TypeVar("T")


def _progress(items: Iterable[T]) -> Iterator[T]:
    """A count on stderr, refreshed a few times a second, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield from items
        return
    shown = 0.0
    n = 0
    for n, item in enumerate(items, 1):
        now = time.monotonic()
        if now - shown > 0.2:
            click.echo(f"\rscoring: {n} profiles", nl=False, err=True)
            shown = now
        yield item
    click.echo(f"\rscoring: {n} profiles, done", err=True)


@cli.command("batch")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "json", "markdown"]),
              default="csv", show_default=True, help="Output format.")
@output_option
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes scoring in parallel (default and most: one per CPU); output is the same.")
@click.option("--summary", is_flag=True,
              help="Add a portfolio view: decisions per standard and the most common reasons "
                   "(appended for json and markdown, on stderr for csv and jsonl).")
@pass_settings
@click.pass_context
def batch_command(ctx: click.Context, settings: Settings, inputs: tuple[str, ...], fmt: str,
                  output: str | None, jobs: int | None, summary: bool) -> None:
    """Score every profile in INPUT files and folders (.yaml, .yml, .json, .jsonl, .csv).

    One record per profile, in input order. A profile that cannot be scored gets a record with
    an error; the others are still scored, and the exit code is 1.
    """
    from advisor.advice.batch import default_jobs, score_paths_for_output
    from advisor.render.batch import BATCH_FORMATS, failure_report, summary_text, write_batch
    from advisor.render.output import atomic_output

    from advisor.advice.batch import BATCH_SUFFIXES
    refuse_output_over_inputs(output, inputs, BATCH_SUFFIXES)
    available = default_jobs()
    if jobs is not None and jobs > available:
        click.echo(f"note: --jobs {jobs} is more than the {available} CPUs this process may use; "
                   f"using {available}", err=True)
        jobs = available
    results = score_paths_for_output(inputs, with_json=BATCH_FORMATS[fmt].needs_json, jobs=jobs,
                                     rules=settings.rules, engine=settings.engine)
    with atomic_output(output, newline="") as stream:
        portfolio = write_batch(_progress(between_records(results)), stream, fmt, summary=summary)
    if summary and BATCH_FORMATS[fmt].summary_on_stderr:
        click.echo(summary_text(portfolio), err=True)
    if portfolio.failed:
        click.echo("\n".join(failure_report(portfolio)), err=True)
        ctx.exit(1)
