"""`iso-advisor standards`: the catalog with what each standard is for."""
import json

from click.testing import CliRunner

from advisor.advice.catalog import NAMES
from advisor.cli.app import cli


def test_text_lists_every_catalog_standard_and_guidance():
    result = CliRunner().invoke(cli, ["standards"])
    assert result.exit_code == 0
    assert all(name in result.stdout for name in NAMES)
    assert "never certifiable" in result.stdout and "ISO 31000" in result.stdout


def test_json():
    data = json.loads(CliRunner().invoke(cli, ["standards", "--format", "json"]).stdout)
    assert [d["standard"] for d in data if not d.get("guidance_only")] == list(NAMES)
