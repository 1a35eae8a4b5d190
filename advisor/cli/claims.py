"""`iso-advisor check-claim`: is a supplier's "ISO certified" claim credible? (contract §6)."""
from __future__ import annotations

import itertools
from pathlib import Path

import click

from advisor.cli.app import (Finished, Settings, as_of_option, cli, output_option, pass_settings,
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
@click.option("--fail-on", "fail_on", type=click.Choice(["verify", "not_credible"]), default=None,
              help="Exit 1 when any claim's verdict is this or worse (verify: anything not "
                   "credible; not_credible: only claims not credible), for gating a pipeline.")
@as_of_option
@pass_settings
@click.pass_context
def check_claim_command(ctx: click.Context, settings: Settings, file: str, fmt: str,
                        output: str | None, claim_rules: Path | None, fail_on: str | None,
                        as_of=None) -> None:
    """Judge the certification claims in FILE: credible, verify first, or not credible.

    FILE is .yaml, .yml or .json (one claim, or a list of claims), .jsonl (one claim a line) or
    .csv (one claim a row, columns named as the claim fields, lists separated by ';'). Each
    claim gets a verdict, its red flags (rule, text, source) and what to verify, and where.
    A claim that cannot be read gets a record saying why; the others are still checked, and
    the exit code is 1. A claim's own `as_of` is the day it is judged on; --as-of is the day
    for claims that give none.
    """
    from advisor.claims.check import check_file
    from advisor.render.claims import is_single, write_claims
    from advisor.render.output import atomic_output

    refuse_output_over_inputs(output, [file])
    results = check_file(file, rules=claim_rules or _claims_in(settings.rules),
                         engine=settings.engine, as_of=as_of)
    head = list(itertools.islice(results, 2))
    if is_single(head) and head[0].error is not None:   # one claim: an error, as `evaluate` gives
        raise AdvisorError(list(head[0].error.problems))
    failures: list[str] = []
    gating: list[str] = []                  # "supplier (verdict)" of the first claims --fail-on
    gated = 0                               # stops on, and how many there are
    worst = VERDICT_ORDER[VERDICT_ORDER.index(fail_on):] if fail_on else ()

    def noted(items):
        nonlocal gated
        for result in items:
            if result.error is not None and len(failures) < MAX_LISTED_FAILURES:
                failures.append(f"error: {result.source}: {result.error.message()}")
            if result.check is not None and result.check.verdict in worst:
                gated += 1
                if len(gating) < 20:
                    gating.append(f"{result.supplier} ({result.check.verdict})")
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
    if gated:
        click.echo(f"{gated} of {tally.total} claims are judged {_WORDS[fail_on]}: "
                   + ", ".join(gating) + (", ..." if gated > len(gating) else ""), err=True)
    if tally.failed:
        raise Finished("items failed")
    if gated:
        raise Finished("verdict at fail-on")


#: Verdicts from best to worst; --fail-on X fails on X and everything after it.
VERDICT_ORDER = ("credible", "verify", "not_credible")
_WORDS = {"verify": "'verify' or worse", "not_credible": "not credible"}

