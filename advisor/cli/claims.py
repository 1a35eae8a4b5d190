"""`iso-advisor check-claim`: is a supplier's "ISO certified" claim credible? (contract §6)."""
from __future__ import annotations

from pathlib import Path

import click

from advisor.cli.app import Settings, cli, output_option, pass_settings
from advisor.errors import AdvisorError


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
    from advisor.render.claims import CLAIM_FORMATS
    from advisor.claims.check import check_file
    from advisor.render.output import atomic_output

    results = list(check_file(file, rules=claim_rules or _claims_in(settings.rules),
                              engine=settings.engine))
    single = len(results) == 1 and results[0].location is None
    if single and results[0].error is not None:      # one claim: an error, as `evaluate` gives
        raise AdvisorError(list(results[0].error.problems))
    with atomic_output(output, newline="") as stream:
        stream.write(CLAIM_FORMATS[fmt](results, single))
    failed = [r for r in results if r.error is not None]
    for result in failed:
        click.echo(f"error: {result.source}: {result.error.message()}", err=True)
    if failed:
        click.echo(f"{len(failed)} of {len(results)} claims could not be checked", err=True)
        ctx.exit(1)
