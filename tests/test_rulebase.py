"""The rule base: every rule's own examples, and loader validation of broken rule files."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from advisor import evaluate
from advisor.errors import RuleBaseError
from advisor.kernel.rulebase import load, shipped_rules_dir

from conftest import DATA, example

RULES = load().rules


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_examples(rule, rb):
    day = rule.valid_from or rule.valid_until          # a dated rule: a day it holds
    for fragment in rule.examples["fires"]:
        fired = evaluate(example(fragment), rules=rb, as_of=day).fired_rules
        assert rule.id in fired, f"{rule.id} should fire on {fragment}"
    for fragment in rule.examples["not_fires"]:
        fired = evaluate(example(fragment), rules=rb, as_of=day).fired_rules
        assert rule.id not in fired, f"{rule.id} should not fire on {fragment}"


def test_shipped_rule_base_has_version_changelog_and_sources(rb):
    assert rb.version == "2026.11"
    assert "2026.11" in rb.changelog
    assert all(r.source and r.rationale for r in rb.rules)


def test_rules_are_layered_so_inferred_facts_come_first(rb):
    infer_layer = {i.key: i.stratum for i in rb.instances if i.conclusion.kind == "infer"}
    for inst in rb.instances:
        for name in inst.uses:
            producers = [i for i in rb.instances if dict(i.conclusion.facts).get(name) is not None]
            assert all(p.stratum < inst.stratum for p in producers), (inst.key, name)
    assert infer_layer


def _broken(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(shipped_rules_dir(), folder)
    (folder / "zz_broken.yaml").write_text(text)
    return folder


def test_broken_rule_file_reports_every_problem_with_file_rule_and_field(tmp_path):
    folder = _broken(tmp_path, (DATA / "broken_rules.yaml").read_text())
    with pytest.raises(RuleBaseError) as err:
        load(folder)
    text = str(err.value)
    for expected in ["zz_broken.yaml", "rule bad-field", "'sectr' is not a profile field",
                     "did you mean 'sector'", "rule bad-op", "unknown operator 'contain'",
                     "rule bad-value", "'constructon' is not a valid value",
                     "rule no-source", "field 'source'", "rule bad-standard",
                     "'ISO 9002' is not a standard", "duplicate rule id", "rule bad-set",
                     "unknown set '$EUU'", "rule no-examples", "field 'examples'",
                     "rule empty-list", "'in' takes a non-empty list"]:
        assert expected in text, expected


def test_invalid_yaml_names_file_and_line(tmp_path):
    folder = _broken(tmp_path, "rules:\n  - id: x\n    when: {sector: [\n")
    with pytest.raises(RuleBaseError, match=r"zz_broken.yaml.*not valid YAML at line"):
        load(folder)


def test_missing_rulebase_yaml(tmp_path):
    with pytest.raises(RuleBaseError, match="rulebase.yaml"):
        load(tmp_path)


def test_a_cycle_between_rules_is_reported(tmp_path):
    folder = _broken(tmp_path, (DATA / "cyclic_rules.yaml").read_text())
    with pytest.raises(RuleBaseError, match="cycle|reads a fact it concludes"):
        load(folder)


def _age(folder: Path, seconds: float) -> None:
    """Backdate every file: files changed in the last 2 s are never cached (racy mtimes)."""
    import os
    import time
    for file in folder.iterdir():
        os.utime(file, (time.time() - seconds,) * 2)


def test_an_unchanged_folder_is_not_read_again_and_an_edit_is_seen_after_the_recheck(
        tmp_path, monkeypatch):
    from advisor.kernel import rulebase
    folder = tmp_path / "rules"
    shutil.copytree(shipped_rules_dir(), folder, ignore=shutil.ignore_patterns("claims"))
    (folder / "claims").mkdir()                 # planning.yaml reads the edition table there
    shutil.copy(shipped_rules_dir() / "claims" / "editions.yaml", folder / "claims")
    _age(folder, 60)
    monkeypatch.setattr(rulebase, "RECHECK_SECONDS", 3600)
    first = load(folder)
    assert load(str(folder)) is first                       # same folder, any spelling
    main = folder / "rulebase.yaml"
    main.write_text(main.read_text().replace('version: "2026.11"', 'version: "2099.1"'))
    _age(folder, 30)
    assert load(folder) is first                            # within RECHECK_SECONDS: not looked at
    monkeypatch.setattr(rulebase, "RECHECK_SECONDS", 0)
    assert load(folder).version == "2099.1"


def test_duplicate_keys_and_when_then_errors_are_reported_at_once_with_lines(tmp_path):
    import shutil
    folder = tmp_path / "rules"
    shutil.copytree(shipped_rules_dir(), folder, ignore=shutil.ignore_patterns("claims"))
    (folder / "zz.yaml").write_text(
        "rules:\n"
        "  - id: twice\n"
        "    title: T\n"
        "    when: {sector: retail}\n"
        "    when: {sector: construction}\n"
        "    then: {recommend: certify, standard: ISO 9001, driver: market}\n"
        "    text: t\n    rationale: r\n    source: s\n"
        "    examples: {fires: [{sector: retail}], not_fires: [{}]}\n"
        "  - id: both-wrong\n"
        "    title: T\n"
        "    when: {sectr: retail}\n"
        "    then: {recommend: certfy, standard: ISO 9001, driver: markt}\n"
        "    text: t\n    rationale: r\n    source: s\n"
        "    examples: {fires: [{sector: retail}], not_fires: [{}]}\n")
    with pytest.raises(RuleBaseError) as err:
        load(folder)
    text = str(err.value)
    assert "zz.yaml:5, rule twice: field 'when': duplicate key 'when' (also at line 4)" in text
    assert "zz.yaml:13, rule both-wrong: field 'when.sectr'" in text
    assert "zz.yaml:14, rule both-wrong: field 'then.recommend': must be certify or implement" in text
    assert "field 'then.driver'" in text
