"""The command line: each command parses, makes one library call, renders, and exits.

Errors become messages and exit codes here, in `AdvisorGroup.invoke`, and nowhere else: an
AdvisorError's code comes from the error table (`advisor.errors.OUTCOMES`), every other ending
from `EXIT_CODES`; a command that ran but must fail raises `Finished`. 0 success, 1 invalid input
or items that failed, 2 usage error (click), 130 interrupted.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import errno
import importlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import click

from advisor import engines, schemas
from advisor.cli.signals import stop_like_interrupt
from advisor.errors import AdvisorError, InputError, Problem, outcome, printable
from advisor.render.formats import OUTPUT_FORMATS
from advisor.version import __version__

# Only what the group and the commands' options need is imported here: `iso-advisor --version`
# and `--help` load no models, rule base or renderer (tests/test_cli_startup.py checks it).
# Commands import the library when they run.

#: Commands defined in their own modules, imported only when used (keeps start-up fast).
LAZY_COMMANDS = {"ask": "advisor.cli.ask", "batch": "advisor.cli.batch",
                 "check-claim": "advisor.cli.claims", "rules": "advisor.cli.rules",
                 "serve": "advisor.cli.serve", "replay": "advisor.cli.replay"}


@dataclass
class Settings:
    rules: Path | None = None
    debug: bool = False
    engine_choice: str | None = None      # --engine as given; None = the default
    _engine: str | None = field(default=None, init=False, repr=False)

    @property
    def engine(self) -> str:
        """The engine for `evaluate(..., engine=settings.engine)`; notes a fallback once, on stderr."""
        if self._engine is None:
            self._engine = engines.resolve(self.engine_choice)
            notice = None if self.engine_choice else engines.fallback_notice()
            if notice:
                click.echo(f"note: {notice}", err=True)
        return self._engine


#: How a command ends when no AdvisorError ended it (those: advisor.errors.OUTCOMES). A usage
#: error is click's own exit 2.
EXIT_CODES = {
    "items failed": 1,          # batch records, claims that could not be scored or checked
    "replay differs": 1,        # a re-evaluated record differs from the one kept
    "verdict at fail-on": 1,    # check-claim --fail-on: a claim at or below that verdict
    "end of input": 1,          # ask: standard input ended before the questionnaire did
    "machine error": 1,         # an OSError: a disk full, EIO
    "internal error": 1,        # a bug (traceback with --debug)
    "interrupted": 130,         # Ctrl-C, SIGTERM, SIGHUP
}


class Finished(Exception):
    """Ends a command that ran but must exit non-zero (`how` is a key of EXIT_CODES); what went
    wrong is already on standard error."""

    def __init__(self, how: str):
        super().__init__(how)
        self.how = how


class AdvisorGroup(click.Group):
    """Turns library errors into messages on stderr and exit codes, in one place."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(LAZY_COMMANDS))

    def get_command(self, ctx: click.Context, name: str):
        if name in LAZY_COMMANDS:
            importlib.import_module(LAZY_COMMANDS[name])
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context):
        try:
            with stop_like_interrupt(), _catalog_of(ctx.params.get("rules")):
                return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Finished as exc:
            ctx.exit(EXIT_CODES[exc.how])
        except AdvisorError as exc:
            if _debug(ctx):
                raise
            for problem in exc.problems:
                click.echo(f"error: {problem}", err=True)
            ctx.exit(outcome(exc).exit_code)
        except BrokenPipeError:
            raise
        except OSError as exc:       # the machine, not the input or a bug: a disk full, EIO
            if _debug(ctx):
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            code = errno.errorcode.get(exc.errno or 0)
            click.echo(f"error: {where}{exc.strerror or exc}" + (f" ({code})" if code else "")
                       + "; nothing was written", err=True)
            ctx.exit(EXIT_CODES["machine error"])
        except KeyboardInterrupt:
            click.echo("interrupted; nothing was written", err=True)
            ctx.exit(EXIT_CODES["interrupted"])
        except Exception as exc:  # a bug: say so briefly, traceback only with --debug
            if _debug(ctx):
                raise
            click.echo(f"internal error: {type(exc).__name__}: {exc} "
                       "(run with --debug for the traceback)", err=True)
            ctx.exit(EXIT_CODES["internal error"])


def _catalog_of(rules: Path | None):
    """Profiles and outputs read against the catalog of `--rules DIR` (standards, vocabularies);
    a rule base that does not load leaves the shipped one: the command reports its problems."""
    if rules is None:
        return contextlib.nullcontext()
    from advisor.advice import catalog
    from advisor.kernel.rulebase import load
    try:
        return catalog.using(catalog.of(load(rules)))
    except AdvisorError:
        return contextlib.nullcontext()


def _debug(ctx: click.Context) -> bool:
    return isinstance(ctx.obj, Settings) and ctx.obj.debug


@click.group(cls=AdvisorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--rules", "rules", type=click.Path(path_type=Path), default=None,
              help="Use this rule base folder instead of the shipped one.")
@click.option("--engine", type=click.Choice(engines.ENGINES), default=None, envvar=engines.ENV,
              show_envvar=True,
              help="Rules engine (same results): durable_rules, or the built-in Python evaluator. "
                   "Default: durable where it is installed and imports, else python.")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(__version__, prog_name="iso-advisor")   # no metadata lookup
@click.pass_context
def cli(ctx: click.Context, rules: Path | None, engine: str | None, debug: bool) -> None:
    """Which ISO management-system standards to certify, implement or leave, in what order, and why."""
    ctx.obj = Settings(rules=rules, debug=debug, engine_choice=engine)


pass_settings = click.make_pass_decorator(Settings)


class IsoDate(click.ParamType):
    """An ISO 8601 date (YYYY-MM-DD); anything else is a usage error naming the option."""

    name = "date"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"'{printable(value, 40)}' is not a date; give an ISO 8601 date, YYYY-MM-DD "
                      "(for example 2026-06-30)", param, ctx)


def as_of_option(f):
    """`--as-of DATE` (contract §7) on every command that assesses or judges; default today."""
    return click.option("--as-of", "as_of", type=IsoDate(), default=None, metavar="DATE",
                        help="Assess as of this day (YYYY-MM-DD; default today): the rules in "
                             "force then, and certificates held checked against editions and "
                             "expiry on it. Every output states it.")(f)


def assessment_options(f):
    """--as-of and --day-rate, for every command that assesses."""
    f = click.option("--day-rate", "day_rate", metavar="AMOUNT[ CUR]", default=None,
                     help="Auditor day rate for the cost model instead of the table's estimate "
                          "for your country, e.g. 1200 or '1200 EUR' (currency: ISO 4217 code).")(f)
    return as_of_option(f)


def output_option(f):
    return click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=str),
                        default=None, help="Write to this file (whole or not at all) instead of stdout.")(f)


def refuse_output_over_inputs(output: str | None, inputs: tuple[str, ...] | list[str],
                              suffixes: tuple[str, ...] = ()) -> None:
    """Refuse, before anything is read, an --output that is one of the inputs (through links
    and hard links too), or a file with an input suffix inside an input folder: writing it
    would replace the data being scored with the scores."""
    if output in (None, "-"):
        return
    target = Path(output)
    try:
        info = target.stat()
    except OSError:
        info = None
    for given in inputs:
        if given == "-":
            continue
        path = Path(given)
        same = info is not None and path.exists() and os.path.samefile(path, target)
        inside = (path.is_dir() and target.suffix.lower() in suffixes
                  and os.path.realpath(target.parent) == os.path.realpath(path))
        if same or inside:
            raise InputError([Problem(
                "is " + ("an input of this command" if same else "in an input folder, and would be "
                         "read as an input") + ": writing it would replace the data being read; "
                "choose another --output", source=str(output))])


@cli.command("evaluate")
@click.argument("profile", type=click.Path(dir_okay=True, allow_dash=True, path_type=str))
@click.option("--format", "fmt", type=click.Choice(OUTPUT_FORMATS), default="text",
              show_default=True, help="Output format; report, html and pdf are the board report "
                                      "(pdf needs Chromium and --output FILE).")
@output_option
@click.option("--explain", "explain_standard", metavar="STANDARD", default=None,
              help="Explain one standard: how it was decided, why not higher, what would change "
                   "it (each checked by re-evaluating), and the unknown answers it depends on.")
@assessment_options
@pass_settings
def evaluate_command(settings: Settings, profile: str, fmt: str, output: str | None,
                     explain_standard: str | None, as_of: dt.date | None,
                     day_rate: str | None) -> None:
    """Assess one PROFILE (.yaml, .yml or .json; - reads YAML or JSON from stdin)."""
    from advisor.advice.assess import evaluate
    from advisor.inputs.loaders import load_profile
    from advisor.render.assessment import render, write_assessment
    from advisor.render.output import write_text
    refuse_output_over_inputs(output, [profile])
    if explain_standard is None and fmt != "json":
        organization = load_profile(profile)
        assessment = evaluate(organization, rules=settings.rules, engine=settings.engine,
                              as_of=as_of, day_rate=day_rate)
        write_assessment(output, assessment, fmt, organization)
        return
    from advisor.advice.explain import explain
    from advisor.render.explain import EXPLANATION_FORMATS
    if explain_standard is not None and fmt not in EXPLANATION_FORMATS:
        raise click.BadParameter(f"with --explain use one of: {', '.join(EXPLANATION_FORMATS)}",
                                 param_hint="--format")
    explained = explain(load_profile(profile), explain_standard, rules=settings.rules,
                        engine=settings.engine, as_of=as_of, day_rate=day_rate)   # JSON: every standard explained
    write_text(output, EXPLANATION_FORMATS[fmt](explained) if explain_standard
               else render(explained, fmt))


@cli.command("standards")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def standards_command(fmt: str) -> None:
    """The catalog of standards, with what each is for."""
    from advisor.advice import catalog
    if fmt == "json":
        click.echo(json.dumps(catalog.describe(), indent=2))
        return
    width = max(len(s.name) for s in catalog.STANDARDS)
    for s in catalog.STANDARDS:
        click.echo(f"{s.name:<{width}}  {s.title}")
        click.echo(f"{'':<{width}}  {s.purpose}")
    click.echo("\nGuidance standards (accepted in profiles, never certifiable): "
               + ", ".join(catalog.GUIDANCE))
    click.echo("Related standards outside the catalog (accepted in profiles, with a note): "
               + ", ".join(catalog.RELATED))


@cli.command("schema")
@click.argument("kind", type=click.Choice(sorted([*schemas.MODELS, "rules"])), default="profile")
@click.pass_obj
def schema_command(settings: Settings, kind: str) -> None:
    """JSON Schema of a profile, an assessment, a claim, a claim check, or a rule file (`rules`:
    of the rule base in use, naming the fields its rules may test), for integrations and
    editors."""
    if kind == "rules":
        from advisor.kernel.rulebase import load, rule_file_schema
        click.echo(json.dumps(rule_file_schema(load(settings.rules)), indent=2))
        return
    click.echo(json.dumps(schemas.json_schema(kind), indent=2))


@cli.group("rules")
def rules_group() -> None:
    """Inspect, validate and test the rule base."""



def main() -> None:
    try:
        cli(prog_name="iso-advisor")
    except BrokenPipeError:  # the reader (e.g. `| head`) went away: not an error
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)


if __name__ == "__main__":  # pragma: no cover
    main()
