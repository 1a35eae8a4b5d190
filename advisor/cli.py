"""The command line: each command parses, makes one library call, renders, and exits.

Errors become messages and exit codes here, in `AdvisorGroup.invoke`, and nowhere else:
0 success, 1 invalid input (AdvisorError), 2 usage error (click), 130 interrupted.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import click

from . import catalog, engines
from .assess import evaluate, rulebase
from .errors import AdvisorError
from .formats import ASSESSMENT_FORMATS, render
from .loaders import load_profile
from .models import Assessment, Profile
from .output import write_text


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


class AdvisorGroup(click.Group):
    """Turns library errors into messages on stderr and exit codes, in one place."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except AdvisorError as exc:
            if _debug(ctx):
                raise
            for problem in exc.problems:
                click.echo(f"error: {problem}", err=True)
            ctx.exit(1)
        except BrokenPipeError:
            raise
        except KeyboardInterrupt:
            click.echo("interrupted; nothing was written", err=True)
            ctx.exit(130)
        except Exception as exc:  # a bug: say so briefly, traceback only with --debug
            if _debug(ctx):
                raise
            click.echo(f"internal error: {type(exc).__name__}: {exc} "
                       "(run with --debug for the traceback)", err=True)
            ctx.exit(1)


def _debug(ctx: click.Context) -> bool:
    return isinstance(ctx.obj, Settings) and ctx.obj.debug


@click.group(cls=AdvisorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--rules", "rules", type=click.Path(path_type=Path), default=None,
              help="Use this rule base folder instead of the shipped one.")
@click.option("--engine", type=click.Choice(engines.ENGINES), default=None,
              help="Rules engine (same results): durable_rules, or the built-in Python evaluator. "
                   "Default: durable where it is installed and imports, else python.")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(package_name="iso-advisor", prog_name="iso-advisor")
@click.pass_context
def cli(ctx: click.Context, rules: Path | None, engine: str | None, debug: bool) -> None:
    """Which ISO management-system standards to certify, implement or leave, in what order, and why."""
    ctx.obj = Settings(rules=rules, debug=debug, engine_choice=engine)


pass_settings = click.make_pass_decorator(Settings)


def output_option(f):
    return click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=str),
                        default=None, help="Write to this file (whole or not at all) instead of stdout.")(f)


@cli.command("evaluate")
@click.argument("profile", type=click.Path(dir_okay=True, allow_dash=True, path_type=str))
@click.option("--format", "fmt", type=click.Choice(sorted(ASSESSMENT_FORMATS)), default="text",
              show_default=True, help="Output format.")
@output_option
@pass_settings
def evaluate_command(settings: Settings, profile: str, fmt: str, output: str | None) -> None:
    """Assess one PROFILE (.yaml, .yml or .json; - reads YAML or JSON from stdin)."""
    assessment = evaluate(load_profile(profile), rules=settings.rules, engine=settings.engine)
    write_text(output, render(assessment, fmt))


@cli.command("standards")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def standards_command(fmt: str) -> None:
    """The catalog of standards, with what each is for."""
    if fmt == "json":
        data = [{"standard": s.name, "title": s.title, "purpose": s.purpose,
                 "harmonized_structure": s.harmonized_structure,
                 "sectors": list(s.fit_sectors)} for s in catalog.STANDARDS]
        data += [{"standard": name, "guidance_only": True, "why": why}
                 for name, why in catalog.GUIDANCE.items()]
        click.echo(json.dumps(data, indent=2))
        return
    width = max(len(s.name) for s in catalog.STANDARDS)
    for s in catalog.STANDARDS:
        click.echo(f"{s.name:<{width}}  {s.title}")
        click.echo(f"{'':<{width}}  {s.purpose}")
    click.echo("\nGuidance standards (accepted in profiles, never certifiable): "
               + ", ".join(catalog.GUIDANCE))


SCHEMAS = {"profile": Profile, "assessment": Assessment}


@cli.command("schema")
@click.argument("kind", type=click.Choice(sorted(SCHEMAS)), default="profile")
def schema_command(kind: str) -> None:
    """JSON Schema of a profile or an assessment, for integrations."""
    click.echo(json.dumps(SCHEMAS[kind].model_json_schema(), indent=2))


@cli.group("rules")
def rules_group() -> None:
    """Inspect, validate and test the rule base."""


@rules_group.command("list")
@click.option("--standard", default=None, help="Only rules about this standard.")
@pass_settings
def rules_list(settings: Settings, standard: str | None) -> None:
    """Every rule: id, standard, driver, title and source."""
    rb = rulebase(settings.rules)
    wanted = catalog.resolve(standard) if standard else None
    for rule in rb.rules:
        conclusions = [i.conclusion for i in rb.instances_of(rule.id)]
        standards = sorted({c.standard for c in conclusions if c.standard},
                           key=catalog.NAMES.index)
        if wanted and wanted not in standards:
            continue
        c = conclusions[0]
        driver = c.driver or c.kind
        shown = "each standard" if rule.for_each else (", ".join(standards) or "-")
        click.echo(f"{rule.id:<34} {shown:<16} {driver:<12} {rule.title}")


@rules_group.command("show")
@click.argument("rule_id")
@pass_settings
def rules_show(settings: Settings, rule_id: str) -> None:
    """Explain one rule: condition in words, conclusion, rationale, source and examples."""
    rb = rulebase(settings.rules)
    try:
        rule = rb.rule(rule_id)
    except KeyError:
        from .errors import Problem, closest
        raise AdvisorError([Problem(f"no rule '{rule_id}'",
                                    suggestions=closest(rule_id, [r.id for r in rb.rules]))]) from None
    then = ", ".join(f"{k}: {v}" for k, v in rule.then.items())
    lines = [f"{rule.id}: {rule.title}", f"file: {rule.file}",
             f"when: {rule.describe_when()}" + (" (for each catalog standard)" if rule.for_each else ""),
             f"then: {then}", f"says: {rule.text}", f"rationale: {rule.rationale}",
             f"source: {rule.source}", "examples where it fires:"]
    lines += [f"  {json.dumps(e)}" for e in rule.examples.get("fires", [])]
    lines.append("examples where it does not fire:")
    lines += [f"  {json.dumps(e)}" for e in rule.examples.get("not_fires", [])]
    click.echo("\n".join(lines))


from . import cli_batch  # noqa: E402,F401  (registers `batch`)
from . import cli_ask  # noqa: E402,F401  (registers `ask`)


def main() -> None:
    try:
        cli(prog_name="iso-advisor")
    except BrokenPipeError:  # the reader (e.g. `| head`) went away: not an error
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)


if __name__ == "__main__":  # pragma: no cover
    main()
