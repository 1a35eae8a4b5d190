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
    assert [d["standard"] for d in data if "title" in d] == list(NAMES)
    by_name = {d["standard"]: d for d in data}
    assert by_name["IATF 16949"]["scheme_owner"].startswith("International Automotive Task Force")
    assert by_name["ISO 31000"]["guidance_only"] is True
    assert by_name["ISO/IEC 27017"]["related_to"] == "ISO/IEC 27001"
