"""`iso-advisor ask`: the questionnaire in a terminal or from a pipe, then the assessment.

Prompts and questions go to standard error and answers are read from standard input, so the
assessment on standard output (or in --output) stays clean for scripts.
"""
from __future__ import annotations

import contextlib
import sys

import click

from advisor.advice.assess import evaluate, rulebase
from advisor.cli.app import Settings, cli, output_option, pass_settings
from advisor.advice.explain import explain as explain_all
from advisor.render.assessment import ASSESSMENT_FORMATS, render
from advisor.render.output import write_text
from advisor.advice.questionnaire import Relevance, interview, load_start, profile_yaml


class TerminalConsole:
    """Questions on stderr, answers from stdin (a terminal or a pipe)."""

    def say(self, text: str) -> None:
        click.echo(text, err=True)

    def ask(self, prompt: str) -> str:
        with contextlib.redirect_stdout(sys.stderr):
            return click.termui.visible_prompt_func(prompt)


@cli.command("ask")
@click.option("--save", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Also write the answers as a profile (YAML) that `evaluate` reads back.")
@click.option("--format", "fmt", type=click.Choice(sorted(ASSESSMENT_FORMATS)), default="text",
              show_default=True, help="Output format of the assessment.")
@output_option
@click.option("--from", "start", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Start from this profile (.yaml, .yml or .json): ask only what it leaves open, "
                   "then review.")
@pass_settings
@click.pass_context
def ask_command(ctx: click.Context, settings: Settings, save: str | None, fmt: str,
                output: str | None, start: str | None) -> None:
    """Answer a short questionnaire and get the advice.

    Only questions whose answer can still change the advice are asked. Type ? at any question
    to hear why it is asked, - if you don't know. Ctrl-C stops without writing anything.
    """
    rb = rulebase(settings.rules)
    relevance = Relevance(rb)
    state = load_start(relevance, start) if start else None
    try:
        state = interview(relevance, TerminalConsole(), state)
    except EOFError:
        click.echo("\nend of input before the questionnaire was finished; nothing was written",
                   err=True)
        ctx.exit(1)
    except KeyboardInterrupt:
        click.echo("\ninterrupted; nothing was written", err=True)
        ctx.exit(130)
    if fmt == "json":   # as `evaluate --format json`: every standard's explanation included
        assessment = explain_all(state.profile(), None, rules=rb, engine=settings.engine)
    else:
        assessment = evaluate(state.profile(), rules=rb, engine=settings.engine)
    if save:
        write_text(save, profile_yaml(state))
        click.echo(f"Saved your answers to {save}; `iso-advisor evaluate {save}` gives this "
                   "advice again.", err=True)
    write_text(output, render(assessment, fmt))
