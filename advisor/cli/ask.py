"""`iso-advisor ask`: the questionnaire in a terminal or from a pipe, then the assessment.

Prompts and questions go to standard error and answers are read from standard input, so the
assessment on standard output (or in --output) stays clean for scripts.
"""
from __future__ import annotations

import datetime

import contextlib
import sys

import click

from typing import TYPE_CHECKING

from advisor.cli.app import Finished, Settings, as_of_option, cli, output_option, pass_settings
from advisor.inputs.quantity import DECIMAL_STYLES
from advisor.render.formats import OUTPUT_FORMATS
from advisor.render.output import write_text

if TYPE_CHECKING:   # the questionnaire and the models load when the command runs, not for --help
    from advisor.advice.questionnaire import Interview


class TerminalConsole:
    """Questions on stderr, answers from stdin (a terminal or a pipe)."""

    def say(self, text: str) -> None:
        click.echo(text, err=True)

    def ask(self, prompt: str) -> str:
        with contextlib.redirect_stdout(sys.stderr):
            return click.termui.visible_prompt_func(prompt)


def offer_to_save(state: Interview, save: str | None) -> str | None:
    """After Ctrl-C: offer to keep the answers given so far (to --save FILE, or a file named
    now). Returns the file written, or None. Another Ctrl-C or end of input writes nothing."""
    if not state.answers:
        return None
    console = TerminalConsole()
    try:
        if save:
            if console.ask(f"\nSave your answers so far to {save}? [y/N] ").strip().lower() \
                    not in ("y", "yes"):
                return None
            target = save
        else:
            target = console.ask("\nSave your answers so far? Type a file name (such as "
                                 "answers.yaml), or press Enter to discard them: ").strip()
            if not target:
                return None
        from advisor.advice.questionnaire import profile_yaml
        write_text(target, profile_yaml(state))
    except (KeyboardInterrupt, EOFError):
        return None
    return target


@cli.command("ask")
@click.option("--save", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Also write the answers as a profile (YAML) that `evaluate` reads back.")
@click.option("--format", "fmt", type=click.Choice(OUTPUT_FORMATS), default="text",
              show_default=True, help="Output format of the assessment (as for evaluate).")
@output_option
@click.option("--from", "start", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Start from this profile (.yaml, .yml or .json), complete or saved part-way: "
                   "ask only what it leaves open, then review.")
@click.option("--decimal", type=click.Choice(DECIMAL_STYLES), default="auto", show_default=True,
              help="How you write decimals: 'comma' (2,5 and 1.234,5), 'point' (2.5 and "
                   "1,234.5), or 'auto': read what is clear and ask again when an entry such as "
                   "2.500 could mean either.")
@as_of_option
@pass_settings
@click.pass_context
def ask_command(ctx: click.Context, settings: Settings, save: str | None, fmt: str,
                output: str | None, start: str | None, decimal: str, as_of=None) -> None:
    """Answer a short questionnaire and get the advice.

    Only questions whose answer can still change the advice are asked. Type ? at any question
    to hear why it is asked, < to go back, - if you don't know. Numbers may carry a unit
    (2,5 GWh) and are shown back for confirmation. On Ctrl-C you are offered to save the answers
    so far; `--from` that file continues where you stopped.
    """
    from advisor.advice.assess import evaluate, rulebase
    from advisor.advice.explain import explain as explain_all
    from advisor.advice.questionnaire import Interview, Relevance, interview, load_start, profile_yaml
    from advisor.render.assessment import write_assessment
    rb = rulebase(settings.rules).at(datetime.date.today())     # the rules as of today
    relevance = Relevance(rb)
    state = load_start(relevance, start) if start else Interview(relevance)
    state.decimal = decimal
    try:
        interview(relevance, TerminalConsole(), state)
    except EOFError:
        click.echo("\nend of input before the questionnaire was finished; nothing was written",
                   err=True)
        raise Finished("end of input") from None
    except KeyboardInterrupt:
        kept = offer_to_save(state, save)
        if kept:
            click.echo(f"interrupted; your answers so far are in {kept} "
                       f"(continue with: iso-advisor ask --from {kept})", err=True)
        else:
            click.echo("\ninterrupted; nothing was written", err=True)
        raise Finished("interrupted") from None
    if fmt == "json":   # as `evaluate --format json`: every standard's explanation included
        assessment = explain_all(state.profile(), None, rules=rb, engine=settings.engine,
                                 as_of=as_of)
    else:
        assessment = evaluate(state.profile(), rules=rb, engine=settings.engine, as_of=as_of)
    if save:
        write_text(save, profile_yaml(state))
        click.echo(f"Saved your answers to {save}; `iso-advisor evaluate {save}` gives this "
                   "advice again.", err=True)
    write_assessment(output, assessment, fmt, state.profile())
