"""`iso-advisor batch`: score many profiles into one table or stream (contract §3 and §5)."""
from __future__ import annotations

import contextlib
import signal
import sys
import time
from typing import Iterable, Iterator, TypeVar

import click

from advisor.cli.app import Settings, assessment_options, cli, output_option, pass_settings

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


@contextlib.contextmanager
def _terminate_like_interrupt() -> Iterator[None]:
    """SIGTERM (`kill`, a scheduler's timeout) stops a batch the way Ctrl-C does: the temporary
    output is removed and a previous output file is kept. Signals are left alone off the main
    thread (an application embedding the CLI owns them)."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt
    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@cli.command("batch")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "json", "markdown"]),
              default="csv", show_default=True, help="Output format.")
@output_option
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes scoring in parallel (default: one per CPU); output is the same.")
@click.option("--summary", is_flag=True,
              help="Add a portfolio view: decisions per standard and the most common reasons "
                   "(appended for json and markdown, on stderr for csv and jsonl).")
@assessment_options
@pass_settings
@click.pass_context
def batch_command(ctx: click.Context, settings: Settings, inputs: tuple[str, ...], fmt: str,
                  output: str | None, jobs: int | None, summary: bool, as_of: str | None,
                  day_rate: str | None) -> None:
    """Score every profile in INPUT files and folders (.yaml, .yml, .json, .jsonl, .csv).

    One record per profile, in input order. A profile that cannot be scored gets a record with
    an error; the others are still scored, and the exit code is 1.
    """
    from advisor.advice.batch import score_paths_for_output
    from advisor.render.batch import BATCH_FORMATS, failure_report, summary_text, write_batch
    from advisor.render.output import atomic_output

    results = score_paths_for_output(inputs, with_json=BATCH_FORMATS[fmt].needs_json, jobs=jobs,
                                     rules=settings.rules, engine=settings.engine,
                                     as_of=as_of, day_rate=day_rate)
    with _terminate_like_interrupt(), atomic_output(output, newline="") as stream:
        portfolio = write_batch(_progress(results), stream, fmt, summary=summary)
    if summary and BATCH_FORMATS[fmt].summary_on_stderr:
        click.echo(summary_text(portfolio), err=True)
    if portfolio.failed:
        click.echo("\n".join(failure_report(portfolio)), err=True)
        ctx.exit(1)
