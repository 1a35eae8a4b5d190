"""`iso-advisor replay RECORD...`: re-evaluate decision records and report what differs."""
from __future__ import annotations

import json
from pathlib import Path

import click

from advisor.cli.app import Finished, Settings, cli, output_option, pass_settings


@cli.command("replay")
@click.argument("records", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@output_option
@click.option("--claim-rules", type=click.Path(path_type=Path), default=None,
              help="Replay claim checks on this claim rule base instead of the shipped one.")
@click.option("--ignore-rulebase", is_flag=True,
              help="A record made with another rule base is not a difference by itself: compare "
                   "the advice only (to check a rule change against earlier records).")
@pass_settings
@click.pass_context
def replay_command(ctx: click.Context, settings: Settings, records: tuple[str, ...], fmt: str,
                   output: str | None, claim_rules: Path | None, ignore_rulebase: bool) -> None:
    """Re-evaluate decision RECORDS and report any difference in decisions, priorities or reasons.

    RECORDS are JSON or JSON Lines files: assessments (evaluate --format json), batch outputs
    (batch --format json or jsonl) and claim checks (check-claim --format json). Each record is
    replayed from its own normalised input, on its own as_of date, with the current rule base
    (--rules to choose another). Exit 0 when every record gives the same advice with the same
    rule base, 1 when anything differs or a record cannot be replayed (for example one written
    by a newer iso-advisor). Records of profiles that could not be scored are skipped.
    """
    from advisor.advice.replay import ReplaySummary, replay
    from advisor.render.output import write_text

    summary = ReplaySummary(list(replay(records, rules=settings.rules, claim_rules=claim_rules,
                                        engine=settings.engine,
                                        ignore_rulebase=ignore_rulebase)))
    if fmt == "json":
        text = json.dumps({"clean": summary.clean, "results": [r.to_dict() for r in
                                                                summary.results]},
                          indent=2, ensure_ascii=False, default=str) + "\n"
    else:
        text = _text(summary)
    write_text(output, text)
    if not summary.clean:
        raise Finished("replay differs")


def _text(summary) -> str:
    lines = []
    for result in summary.results:
        who = f" ({result.subject})" if result.subject else ""
        if result.status == "same":
            lines.append(f"{result.source}{who}: same decisions, priorities and reasons")
        elif result.status == "different":
            lines.append(f"{result.source}{who}: DIFFERS")
            lines += [f"  - {d}" for d in result.differences]
        elif result.status == "skipped":
            lines.append(f"{result.source}{who}: skipped: {result.message}")
        else:
            lines.append(f"{result.source}{who}: CANNOT REPLAY: {result.message}")
        lines += [f"  note: {n}" for n in result.notes]
    counts = {s: summary.count(s) for s in ("same", "different", "not_replayable", "skipped")}
    lines.append(f"{len(summary.results)} records: {counts['same']} same, {counts['different']} "
                 f"differ, {counts['not_replayable']} cannot be replayed, {counts['skipped']} "
                 "skipped (no assessment in them)")
    if not summary.results:
        lines.append("no records found: nothing was compared")
    return "\n".join(lines) + "\n"
