"""Rules hold between their valid_from and valid_until, taken as of the assessment day; rules of
one series take over from each other with no gap and no overlap, swept over the samples."""
import datetime as dt
import shutil

import pytest
import yaml
from click.testing import CliRunner

from advisor import evaluate, load_profile
from advisor.cli import cli
from advisor.errors import RuleBaseError
from advisor.kernel.rulebase import load, shipped_rules_dir
from advisor.kernel.rulecheck import check, date_findings
from conftest import PROFILES

DAY = dt.timedelta(days=1)
ENERGY = {"name": "Mill", "sector": "manufacturing", "employees": 300, "countries": ["DE"],
          "annual_energy_tj": 120}


def boundaries(rb):
    days = {r.valid_from for r in rb.rules if r.valid_from} | {
        r.valid_until + DAY for r in rb.rules if r.valid_until}
    return sorted(days)


def test_the_eed_duty_reads_as_of_the_day():
    before = evaluate(ENERGY, as_of=dt.date(2027, 10, 10))
    after = evaluate(ENERGY, as_of=dt.date(2027, 10, 11))
    assert "eed-certified-enms" in before.fired_rules and "eed-certified-enms-in-force" not in before.fired_rules
    assert "eed-certified-enms-in-force" in after.fired_rules and "eed-certified-enms" not in after.fired_rules
    assert before.recommendation("ISO 50001").decision == after.recommendation("ISO 50001").decision == "certify"
    assert any("since 11 October 2027" in r.text for r in after.recommendation("ISO 50001").reasons)


def test_cmmc_phase_two_starts_on_10_november_2026():
    profile = {"name": "D", "sector": "aerospace_defence", "employees": 40, "regulations": ["cmmc"]}
    assert "cmmc-not-iso-phase-1" in evaluate(profile, as_of=dt.date(2026, 11, 9)).fired_rules
    assert "cmmc-not-iso" in evaluate(profile, as_of=dt.date(2026, 11, 10)).fired_rules


def test_every_series_has_one_rule_on_every_day_of_the_sweep_over_the_samples():
    rb = load()
    assert date_findings(rb) == [] and boundaries(rb)
    series = {}
    for rule in rb.rules:
        if rule.series:
            series.setdefault(rule.series, []).append(rule)
    assert {"eed-certified-enms", "cmmc-phase"} <= set(series)
    profiles = [load_profile(p) for p in PROFILES]
    for boundary in boundaries(rb):
        for day in (boundary - DAY, boundary):
            view = rb.at(day)
            for name, rules in series.items():
                assert sum(r.holds_on(day) for r in rules) == 1, (name, day)
                assert sum(r.id in {v.id for v in view.rules} for r in rules) == 1, (name, day)
            for profile in profiles:          # every sample is assessed on every side of a date
                fired = evaluate(profile, as_of=day).fired_rules
                for rules in series.values():
                    assert sum(r.id in fired for r in rules) <= 1


def test_gaps_overlaps_and_bad_dates_are_found(tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(shipped_rules_dir(), folder, ignore=shutil.ignore_patterns("claims"))
    (folder / "CHANGELOG.md").write_text("# test\n")
    text = (folder / "hard_demands.yaml").read_text().replace('valid_from: "2027-10-11"',
                                                              'valid_from: "2027-10-13"')
    (folder / "hard_demands.yaml").write_text(text)
    found = [f for f in check(folder) if f.code == "dates"]
    assert len(found) == 1 and "a gap of 2 days" in found[0].message
    other = tmp_path / "other"                # a fresh folder: load() rechecks a folder once a second
    shutil.copytree(folder, other)
    (other / "hard_demands.yaml").write_text(text.replace('"2027-10-13"', '"2027-13-01"'))
    with pytest.raises(RuleBaseError, match=r"hard_demands.yaml:\d+, rule eed-certified-enms-in-force: "
                                            r"field 'valid_from': '2027-13-01' is not a date"):
        load(other)


def test_the_command_line_takes_as_of():
    path = next(p for p in PROFILES if p.stem == "energy-intensive-manufacturer")
    runner = CliRunner()
    late = runner.invoke(cli, ["evaluate", str(path), "--format", "json", "--as-of", "2028-01-01"])
    assert late.exit_code == 0 and "eed-certified-enms-in-force" in late.stdout
    bad = runner.invoke(cli, ["evaluate", str(path), "--as-of", "tomorrow"])
    assert bad.exit_code == 2 and "--as-of" in bad.output
