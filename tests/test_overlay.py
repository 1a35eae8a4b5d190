"""A custom rule base that `extends: shipped` adds, replaces and disables rules by id and adds
vocabulary, and passes `rules check` and `rules test`; `--rules DIR` takes it everywhere."""
import json
import shutil

import pytest
from click.testing import CliRunner

from advisor import evaluate
from advisor.cli import cli
from advisor.errors import RuleBaseError
from advisor.kernel.rulebase import load, shipped_rules_dir
from conftest import DATA

OVERLAY = DATA / "overlay"


def test_overlay_adds_replaces_and_disables_rules():
    rb, shipped = load(OVERLAY), load()
    ids = [r.id for r in rb.rules]
    assert "space-quality" in ids and "mdsap-canada" not in ids
    assert len(ids) == len(shipped.rules)                 # one added, one disabled
    assert "Acme books" in rb.rule("customer-gate").text
    assert rb.version == "2026.11-acme.1" and rb.digest != shipped.digest


def test_overlay_vocabulary_and_rules_give_advice():
    a = evaluate({"name": "Orbit", "sector": "satellites", "employees": 30,
                  "customer_requirements": ["ISO 9001"]}, rules=OVERLAY)
    as9100 = next(r for r in a.recommendations if r.standard == "AS9100")
    assert as9100.decision == "implement" and "space industry" in as9100.reasons[0].text
    assert "Acme books" in next(r for r in a.recommendations if r.standard == "ISO 9001").reasons[0].text
    essential = {"name": "B", "sector": "medical_devices", "employees": 90, "countries": ["CA"]}
    assert "mdsap-canada" in evaluate(essential).fired_rules
    assert "mdsap-canada" not in evaluate(essential, rules=OVERLAY).fired_rules


@pytest.mark.parametrize("command", [["rules", "check"], ["rules", "test"],
                                     ["schema", "profile"], ["standards"]])
def test_cli_commands_take_the_overlay(command):
    result = CliRunner().invoke(cli, ["--rules", str(OVERLAY), *command])
    assert result.exit_code == 0, result.output
    if command == ["schema", "profile"]:
        assert "space" in json.loads(result.stdout)["properties"]["sector"]["enum"]


def test_disabling_an_unknown_rule_is_an_error(tmp_path):
    folder = tmp_path / "overlay"
    shutil.copytree(OVERLAY, folder)
    text = (folder / "rulebase.yaml").read_text().replace("mdsap-canada",
                                                          "mdsap-canda")
    (folder / "rulebase.yaml").write_text(text)
    with pytest.raises(RuleBaseError, match="'mdsap-canda' is not a rule of the base "
                                            "rule base; did you mean 'mdsap-canada'"):
        load(folder)


def test_the_shipped_rule_base_cannot_extend_itself(tmp_path):
    assert "extends" not in (shipped_rules_dir() / "rulebase.yaml").read_text()
