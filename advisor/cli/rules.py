"""`iso-advisor rules list | show | check | test | version`: thin commands over advisor.kernel.rulecheck."""
from __future__ import annotations

import json
from pathlib import Path

import click

from advisor.cli.app import Settings, pass_settings, rules_group

# The rule base, its checker and the models load when a command runs, not for `--help`.

FORMATS = click.Choice(["text", "json"])


def _folder(settings: Settings) -> Path:
    from advisor.kernel.rulebase import shipped_rules_dir
    return Path(settings.rules) if settings.rules else shipped_rules_dir()


@rules_group.command("list")
@click.option("--standard", default=None, metavar="STANDARD",
              help="Only rules that conclude something about this standard or read its decision.")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@pass_settings
def rules_list(settings: Settings, standard: str | None, fmt: str) -> None:
    """Every rule: id, standard, kind of driver, title and source."""
    from advisor.advice.assess import rulebase
    from advisor.kernel import rulecheck
    rb = rulebase(settings.rules)
    rows = rulecheck.rule_rows(rb, standard)
    if fmt == "json":
        click.echo(json.dumps({"rulebase_version": rb.version, "rules": rows}, indent=2,
                              ensure_ascii=False))
        return
    click.echo(f"# rule base {rb.version}: {len(rows)} of {len(rb.rules)} rules")
    width = max((len(r["id"]) for r in rows), default=2)
    for r in rows:
        click.echo(f"{r['id']:<{width}}  {r['standard'] or '-':<16} {r['driver']:<12} "
                   f"{r['title']}  [{r['source']}]")


@rules_group.command("show")
@click.argument("rule_id", metavar="ID")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@pass_settings
def rules_show(settings: Settings, rule_id: str, fmt: str) -> None:
    """One rule: its condition in plain words, conclusion, rationale, source and examples."""
    from advisor.advice.assess import rulebase
    from advisor.kernel import rulecheck
    info = rulecheck.describe_rule(rulebase(settings.rules), rule_id)
    if fmt == "json":
        click.echo(json.dumps(info, indent=2, ensure_ascii=False))
        return
    lines = [f"{info['id']}: {info['title']}", f"file: {info['file']}", f"when: {info['when']}",
             f"then: {info['then']}", f"says: {info['says']}", f"rationale: {info['rationale']}",
             f"source: {info['source']}",
             f"reads facts from: {', '.join(info['reads_from']) or '-'}",
             f"its conclusion is read by: {', '.join(info['feeds']) or '-'}",
             "examples where it fires:"]
    lines += [f"  {json.dumps(e, ensure_ascii=False)}" for e in info["examples"]["fires"]]
    lines.append("examples where it does not fire:")
    lines += [f"  {json.dumps(e, ensure_ascii=False)}" for e in info["examples"]["not_fires"]]
    click.echo("\n".join(lines))


@rules_group.command("check")
@pass_settings
def rules_check(settings: Settings) -> None:
    """Validate the rule base: load errors, duplicate ids, conditions that can never be true,
    conflicting conclusions, unused or never-inferred facts, standards no rule can recommend, and
    rules whose examples misbehave. Exit 1 listing every finding."""
    from advisor.advice.assess import rulebase
    from advisor.kernel import rulecheck
    folder = _folder(settings)
    rulecheck.check_or_raise(folder, engine=settings.engine)
    rb = rulebase(folder)
    click.echo(f"rule base {rb.version} at {folder}: {len(rb.rules)} rules "
               f"({len(rb.instances)} with templates expanded), no findings")


@rules_group.command("test")
@click.option("--samples", type=click.Path(file_okay=False, exists=True, path_type=Path),
              default=None, help="Folder of sample profiles with expected/decisions.yaml "
                                 "(default: the profiles/ folder next to the rule base, if any).")
@pass_settings
def rules_test(settings: Settings, samples: Path | None) -> None:
    """Run every rule's examples and the sample profiles' expected decisions; report the rules
    that no example or sample fired. Exit 1 if anything failed or coverage is below 100 %."""
    from advisor.advice.assess import rulebase
    from advisor.kernel import rulecheck
    rb = rulebase(settings.rules)
    report = rulecheck.run_tests(rb, samples or rulecheck.default_samples(rb), engine=settings.engine)
    fired = len(report.rules) - len(report.never_fired)
    click.echo(f"rule base {report.version}: {len(report.rules)} rules")
    click.echo(f"examples: {report.examples} run, "
               f"{sum(f.code == 'example' for f in report.failures)} failed")
    if report.samples_folder:
        click.echo(f"samples: {report.samples} profiles in {report.samples_folder}, "
                   f"{sum(f.code == 'sample' for f in report.failures)} failed")
    else:
        click.echo("samples: none (no --samples, and no profiles/expected/decisions.yaml next to "
                   "the rule base)")
    click.echo(f"coverage: {fired} of {len(report.rules)} rules fired by an example or sample "
               f"({report.coverage:.0f} %); by samples alone: {len(report.by_samples & set(report.rules))}")
    if report.never_fired:
        click.echo("never fired: " + ", ".join(report.never_fired))
    failures = list(report.failures) + [
        rulecheck.Finding("coverage", "no example or sample fires it", str(rb.path / rb.rule(r).file), r)
        for r in report.never_fired]
    if failures:
        raise rulecheck.RuleCheckError(failures)


@rules_group.command("version")
@pass_settings
def rules_version(settings: Settings) -> None:
    """The rule base version (printed in every assessment), with its changelog entry."""
    from advisor.advice.assess import rulebase
    from advisor.kernel import rulecheck
    rb = rulebase(settings.rules)
    click.echo(f"{rb.version}  digest {rb.digest}  ({rb.path})")
    entry = rulecheck.changelog_entry(rb)
    click.echo(entry if entry else f"CHANGELOG.md has no entry for {rb.version}")
