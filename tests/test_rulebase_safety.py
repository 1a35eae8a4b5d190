"""Custom rule bases written by a curious author (issue 20, item 6): each repro of the issue is
refused when the rule base is loaded, with the file named, so `rules check` catches what
`evaluate` would otherwise crash or hang on.
"""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from advisor import evaluate
from advisor.claims.check import check_claim, claims_rulebase
from advisor.cli.app import cli
from advisor.errors import RuleBaseError
from advisor.kernel.rulebase import load, shipped_rules_dir
from advisor.kernel.text import fill

GOOD = {"name": "Acme", "sector": "retail", "employees": 12}
RULE = {"id": "custom-rule", "title": "A custom rule", "when": {"sector": "retail"},
        "then": {"recommend": "implement", "standard": "ISO 9001", "driver": "internal"},
        "text": "Retail shops should implement ISO 9001.", "rationale": "Because.",
        "source": "A consultant", "examples": {"fires": [{"sector": "retail"}],
                                               "not_fires": [{"sector": "mining"}]}}


def copied(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(shipped_rules_dir(), folder)
    return folder


def with_file(tmp_path: Path, text: str, name: str = "zz_custom.yaml") -> Path:
    folder = copied(tmp_path)
    (folder / name).write_text(text)
    return folder


def rules_file(**changes) -> str:
    return yaml.safe_dump({"rules": [{**RULE, **changes}]}, sort_keys=False)


def rejected(folder: Path, *fragments: str) -> str:
    with pytest.raises(RuleBaseError) as err:
        load(folder)
    for fragment in fragments:
        assert fragment in str(err.value), str(err.value)
    result = CliRunner().invoke(cli, ["--rules", str(folder), "rules", "check"])
    assert result.exit_code == 1 and "internal error" not in result.stderr, result.output
    return str(err.value)


BILLION_LAUGHS = ("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
                  + "".join(f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n"
                            for p, n in zip("abcdefgh", "bcdefghi"))
                  + "rules: []\n")


def test_a_billion_laughs_rule_file_is_refused_not_expanded(tmp_path):
    """The repro: a 1 KB rule file with nested aliases grew to 1.4 GB through the cache."""
    rejected(with_file(tmp_path, BILLION_LAUGHS), "zz_custom.yaml", "aliases")


def test_aliases_in_a_rule_file_are_refused(tmp_path):
    text = ("rules:\n  - &r " + yaml.safe_dump(RULE, default_flow_style=True)
            + "  - *r\n")
    rejected(with_file(tmp_path, text), "zz_custom.yaml", "aliases (*name)")


@pytest.mark.parametrize("text", ["{standard:>3000000000}", "{sector.__class__.__mro__}",
                                  "{sector[0]}", "{sector!r}", "a { b"])
def test_rule_texts_take_fields_by_name_only(tmp_path, text):
    """The repro: `{standard:>3000000000}` took 11 GB, `{x.__class__.__mro__}` walked objects."""
    rejected(with_file(tmp_path, rules_file(text=f"Shops should. {text}")),
             "zz_custom.yaml", "rule custom-rule", "field 'text'", "not a plain {field}")


def test_the_one_template_function_is_bounded_and_never_reaches_attributes():
    assert fill("{a.__class__} {b:>99999} {c}", {"a": 1, "b": 2, "c": 3}) == \
        "{a.__class__} {b:>99999} 3"
    assert len(fill("{x} {x} {x}", {"x": "y" * 1_000_000})) <= 4000


@pytest.mark.parametrize("name", ["$s", "sid", "id", "_unknown", "$eq", "Has Space", "1x"])
def test_fact_names_must_be_identifiers_the_engines_do_not_reserve(tmp_path, name):
    """The repro: a fact named `$s` hung durable_rules; `sid` and `_unknown` never fired."""
    folder = copied(tmp_path)
    meta = yaml.safe_load((folder / "rulebase.yaml").read_text())
    meta["facts"][name] = {"type": "bool", "description": "x"}
    (folder / "rulebase.yaml").write_text(yaml.safe_dump(meta, sort_keys=False))
    rejected(folder, "rulebase.yaml", "cannot name a fact")


def test_an_empty_rule_base_is_an_error_naming_the_file(tmp_path):
    """The repro: an empty rule base raised a bare KeyError in every evaluate."""
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "rulebase.yaml").write_text('version: "1"\n')
    rejected(folder, "rulebase.yaml", "no rule file holds any rules")
    shutil.copy(shipped_rules_dir() / "effort.yaml", folder)
    (folder / "market.yaml").write_text("rules:\n")          # caught while being written
    rejected(folder, "market.yaml")
    result = CliRunner().invoke(cli, ["--rules", str(folder), "evaluate", "-"],
                                input='{"name": "A", "sector": "retail", "employees": 3}')
    assert result.exit_code == 1 and "KeyError" not in result.output


@pytest.mark.parametrize("damage", [
    lambda e: e["tables"].update(qms="oops"),
    lambda e: e["tables"]["ems"]["columns"].update(high=[1, 2]),
    lambda e: e.pop("months"),
    lambda e: e["standards"].update({"ISO 14001": {"table": "nope"}}),
    lambda e: e["tables"]["isms"].update(bands=[[10, "five"]]),
], ids=["table not a mapping", "short column", "no months", "unknown table", "days not numbers"])
def test_a_broken_effort_file_fails_rules_check_not_every_evaluate(tmp_path, damage):
    """The repro: a broken effort.yaml passed `rules check`, then failed every `evaluate`."""
    folder = copied(tmp_path)
    effort = yaml.safe_load((folder / "effort.yaml").read_text())
    damage(effort)
    (folder / "effort.yaml").write_text(yaml.safe_dump(effort))
    rejected(folder, "effort.yaml")


def test_a_half_written_rule_file_is_an_error_naming_it(tmp_path):
    folder = copied(tmp_path)
    text = (folder / "market.yaml").read_text()
    (folder / "market.yaml").write_text(text[:len(text) // 2])
    rejected(folder, "market.yaml")


def test_a_two_day_certificate_is_not_credible_as_it_stands():
    check = check_claim({"supplier": "Acme Ltd", "standard": "ISO 9001:2015",
                         "certification_body": "BSI Assurance UK Ltd", "accreditation_body": "UKAS",
                         "certificate_number": "FM 1", "scope": "Machining",
                         "issued": "2026-06-28", "expires": "2026-06-30", "as_of": "2026-06-30"})
    assert check.verdict != "credible"
    assert "validity-implausibly-short" in [f.rule for f in check.red_flags]
    assert evaluate(GOOD)                                 # the advice rule base is untouched


def _aged(folder: Path, seconds: int = 60) -> None:
    """Every file older than the loader's 2-second "racy" window, so its stamp cache is used."""
    past = time.time() - seconds
    for path in [folder, *folder.rglob("*")]:
        os.utime(path, (past, past))


def test_claim_rules_are_read_again_when_the_effort_tables_they_point_to_change(tmp_path, monkeypatch):
    """The repro: claims data read ../effort.yaml, but the claim rule base was cached by its own
    folder's files only, so an edited table kept its old days in a running process."""
    from advisor.kernel import rulebase
    monkeypatch.setattr(rulebase, "RECHECK_SECONDS", 0)
    folder = copied(tmp_path)
    _aged(folder)
    claim = {"supplier": "Acme Ltd", "standard": "ISO 9001:2015", "scope": "Machining",
             "certification_body": "BSI Assurance UK Ltd", "accreditation_body": "UKAS",
             "certificate_number": "FM 1", "issued": "2025-06-28", "expires": "2028-06-27",
             "as_of": "2026-06-30", "employees": 200, "audit_days": 2}

    def flag_text() -> str:
        found = check_claim(claim, rules=folder / "claims").red_flags
        return next(f.text for f in found if f.rule == "audit-days-implausible")

    before = load(folder / "claims").digest
    assert "the 9 days of the IAF MD 5 table" in flag_text()
    effort = (folder / "effort.yaml").read_text()
    (folder / "effort.yaml").write_text(effort.replace("[275, 9]", "[275, 19]"))
    _aged(folder / "effort.yaml", 30)
    assert load(folder / "claims").digest != before
    assert "the 19 days of the IAF MD 5 table" in flag_text()


def test_the_advice_rule_base_is_read_again_when_its_edition_table_changes(tmp_path, monkeypatch):
    from advisor.kernel import rulebase
    monkeypatch.setattr(rulebase, "RECHECK_SECONDS", 0)
    folder = copied(tmp_path)
    _aged(folder)
    before = load(folder)
    editions = folder / "claims" / "editions.yaml"
    editions.write_text(editions.read_text() + "\n# edited\n")
    _aged(editions, 30)
    assert load(folder).digest != before.digest


def test_a_scalar_alias_in_a_rule_file_is_refused_like_any_other(tmp_path):
    """Rule files refused aliases of lists and mappings, but an aliased string passed, since the
    parsed value cannot tell it from a repeated one: aliases are now counted while parsing."""
    text = yaml.safe_dump({"rules": [RULE]}, sort_keys=False).replace(
        "title: A custom rule", "title: &t A custom rule").replace(
        "rationale: Because.", "rationale: *t")
    assert "*t" in text and yaml.safe_load(text)["rules"][0]["rationale"] == "A custom rule"
    rejected(with_file(tmp_path, text), "zz_custom.yaml", "aliases (*name)")


def test_scalar_aliases_in_data_files_count_against_the_expansion_budget():
    from advisor.kernel.rulebase import AliasesUsed, _parse_yaml
    small = b"a: &x " + b"y" * 100 + b"\nb: [*x, *x, *x]\n"
    assert _parse_yaml(small)["b"] == ["y" * 100] * 3             # data files may repeat a value
    big = b"a: &x " + b"y" * 50_000 + b"\nb: [" + b", ".join([b"*x"] * 400) + b"]\n"
    with pytest.raises(AliasesUsed, match="far more than its size"):
        _parse_yaml(big)                                          # 20 MB from a 52 KB file
