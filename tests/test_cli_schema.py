"""`iso-advisor schema`: JSON Schema for integrations, valid for real documents."""
import json

import pytest
from click.testing import CliRunner

from advisor.cli.app import cli
from advisor.advice.models import FIELDS


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
