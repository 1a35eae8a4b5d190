"""`iso-advisor schema`: JSON Schema for integrations, valid for real documents."""
import json

import pytest
from click.testing import CliRunner

from advisor.cli.app import cli
from advisor.advice.models import FIELDS

from conftest import PROFILES


@pytest.mark.parametrize("kind", ["profile", "assessment"])
def test_schema_is_json(kind):
    result = CliRunner().invoke(cli, ["schema", kind])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["type"] == "object"


def test_profile_schema_has_every_field_with_a_description():
    schema = json.loads(CliRunner().invoke(cli, ["schema", "profile"]).stdout)
    assert set(schema["properties"]) == set(FIELDS)
    assert schema["additionalProperties"] is False
    assert all(p.get("description") for p in schema["properties"].values())


def test_unknown_kind_is_a_usage_error():
    assert CliRunner().invoke(cli, ["schema", "nope"]).exit_code == 2


def test_rule_file_schema_accepts_every_shipped_rule_file_and_catches_typos():
    import jsonschema
    import yaml

    from advisor.kernel.rulebase import shipped_rules_dir
    schema = json.loads(CliRunner().invoke(cli, ["schema", "rules"]).stdout)
    validator = jsonschema.Draft202012Validator(schema)
    files = [f for f in sorted(shipped_rules_dir().glob("*.yaml"))
             if "rules" in (yaml.safe_load(f.read_text()) or {})]
    assert len(files) >= 5
    for file in files:
        assert not list(validator.iter_errors(yaml.safe_load(file.read_text()))), file.name
    rule = yaml.safe_load(files[0].read_text())["rules"][0]
    for broken in ({**rule, "whne": rule["when"]}, {**rule, "when": {"sectr": "retail"}},
                   {**rule, "when": {"sector": {"contain": "x"}}}, {**rule, "then": {"recomend": "certify"}}):
        assert list(validator.iter_errors({"rules": [broken]})), broken


@pytest.mark.parametrize("kind", ["profile", "assessment", "claim", "claim-check"])
def test_schemas_name_their_dialect_and_identity_and_are_valid_schemas(kind):
    import jsonschema
    from advisor.version import __version__
    schema = json.loads(CliRunner().invoke(cli, ["schema", kind]).stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"urn:iso-advisor:schema:{kind}:{__version__}"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_the_assessment_schema_validates_a_real_record():
    import jsonschema
    schema = json.loads(CliRunner().invoke(cli, ["schema", "assessment"]).stdout)
    record = json.loads(CliRunner().invoke(cli, ["evaluate", str(PROFILES[0]), "--format",
                                                 "json"]).stdout)
    jsonschema.Draft202012Validator(schema).validate(record)
