"""`iso-advisor check-claim`: is a supplier's "ISO certified" claim credible? (contract §6)."""
from __future__ import annotations

import itertools
from pathlib import Path

import click

from advisor.cli.app import (Settings, cli, output_option, pass_settings,
                              refuse_output_over_inputs)
from advisor.cli.signals import between_records
from advisor.errors import AdvisorError

MAX_LISTED_FAILURES = 1000     # on stderr; every failure is in the output


def _claims_in(rules: Path | None) -> Path | None:
    """The claim rule base that the group's --rules names: its claims/ folder, as in the shipped
    rules/, or else the folder itself (which must then be a claim rule base)."""
    if rules is None:
        return None
    nested = Path(rules) / "claims"
    return nested if (nested / "rulebase.yaml").is_file() else Path(rules)


@cli.command("check-claim")
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown", "csv"]),
              default="text", show_default=True, help="Output format.")
@output_option
@click.option("--claim-rules", type=click.Path(path_type=Path), default=None,
              help="Use this claim rule base folder instead of the shipped one (rules/claims); "
                   "without it, --rules DIR given to the group is used (DIR, or DIR/claims).")
@pass_settings
@click.pass_context
def check_claim_command(ctx: click.Context, settings: Settings, file: str, fmt: str,
                        output: str | None, claim_rules: Path | None) -> None:
    """Judge the certification claims in FILE: credible, verify first, or not credible.

    FILE is .yaml, .yml or .json (one claim, or a list of claims), .jsonl (one claim a line) or
    .csv (one claim a row, columns named as the claim fields, lists separated by ';'). Each
    claim gets a verdict, its red flags (rule, text, source) and what to verify, and where.
    A claim that cannot be read gets a record saying why; the others are still checked, and
    the exit code is 1.
    """
    from advisor.claims.check import check_file
    from advisor.render.claims import is_single, write_claims
    from advisor.render.output import atomic_output

    refuse_output_over_inputs(output, [file])
    results = check_file(file, rules=claim_rules or _claims_in(settings.rules),
                         engine=settings.engine)
    head = list(itertools.islice(results, 2))
    if is_single(head) and head[0].error is not None:   # one claim: an error, as `evaluate` gives
        raise AdvisorError(list(head[0].error.problems))
    failures: list[str] = []

    def noted(items):
        for result in items:
            if result.error is not None and len(failures) < MAX_LISTED_FAILURES:
                failures.append(f"error: {result.source}: {result.error.message()}")
            yield result

    with atomic_output(output, newline="") as stream:
        tally = write_claims(noted(between_records(itertools.chain(head, results))), stream, fmt)
    for line in failures:
        click.echo(line, err=True)
    if tally.failed > len(failures):
        click.echo(f"... and {tally.failed - len(failures):,} more; every one is in the output",
                   err=True)
    if tally.failed:
        click.echo(f"{tally.failed} of {tally.total} claims could not be checked", err=True)
        ctx.exit(1)
