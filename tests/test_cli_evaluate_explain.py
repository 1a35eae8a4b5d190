"""`iso-advisor evaluate PROFILE --explain STANDARD`, and explanations in the JSON output."""
from __future__ import annotations

import json

from click.testing import CliRunner

from advisor import evaluate, load_profile
from advisor.advice.catalog import NAMES
from advisor.cli.app import cli

from conftest import ROOT

AUTOMOTIVE = str(ROOT / "profiles" / "automotive-supplier.yaml")


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input)


def test_text_explains_how_why_not_what_would_change_and_unknowns():
    result = run("evaluate", AUTOMOTIVE, "--explain", "iso 9001")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.startswith("ISO 9001 for Moravia Pressings a.s.: IMPLEMENT (no certificate)\n")
    for section in ("How it was decided:", "Why not certify:", "What would change it",
                    "Unknown answers:"):
        assert f"\n{section}" in out
    assert "  - automotive-oem-supplier -> IATF 16949: certify" in out
    assert "  - iatf-covers-9001 (from automotive-oem-supplier) -> ISO 9001: at most implement" in out
    line = "  - certify if customer_requirements also included ISO 9001 ["
    assert line in out
    # what the line says holds when the changed profile is evaluated
    data = load_profile(AUTOMOTIVE).model_dump()
    data["customer_requirements"] = ["ISO 9001"]
    assert evaluate(data).recommendation("ISO 9001").decision == "certify"


def test_markdown_and_json_explanations(tmp_path):
    md = run("evaluate", AUTOMOTIVE, "--explain", "ISO 45001", "--format", "markdown")
    assert md.exit_code == 0
    assert md.stdout.startswith("# ISO 45001 for Moravia Pressings a\\.s\\.: IMPLEMENT")
    assert "\n## Why not certify\n" in md.stdout and "\n## What would change it" in md.stdout
    out = tmp_path / "e.json"
    js = run("evaluate", AUTOMOTIVE, "--explain", "45001", "--format", "json", "--output", str(out))
    assert js.exit_code == 0 and js.stdout == ""
    data = json.loads(out.read_text())
    assert data["organization"] == "Moravia Pressings a.s." and data["rulebase_version"] == "2026.11"
    e = data["explanation"]
    assert e["standard"] == "ISO 45001" and e["decision"] == "implement"
    assert {"how", "why_not_higher", "what_would_change", "unknowns"} <= set(e)
    assert e["what_would_change"][0]["changes"][0] == {"field": "customer_requirements",
                                                      "op": "add", "value": "ISO 45001"}


def test_json_output_carries_an_explanation_for_every_standard_after_the_contract_keys():
    result = run("evaluate", AUTOMOTIVE, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    plain = json.loads(evaluate(load_profile(AUTOMOTIVE)).model_dump_json())
    assert list(data)[:-1] == list(plain) and list(data)[-1] == "explanations"
    assert {k: v for k, v in data.items() if k != "explanations"} == plain
    assert [e["standard"] for e in data["explanations"]] == list(NAMES)


def test_text_output_without_explain_is_unchanged():
    result = run("evaluate", AUTOMOTIVE)
    assert "How it was decided" not in result.stdout and "Plan, in order:" in result.stdout


def test_an_unknown_or_guidance_standard_exits_1_saying_what_is_valid():
    bad = run("evaluate", AUTOMOTIVE, "--explain", "ISO 9002")
    assert bad.exit_code == 1 and bad.stdout == ""
    assert "field '--explain': 'ISO 9002' is not a standard in the catalog" in bad.stderr
    assert "did you mean" in bad.stderr
    guidance = run("evaluate", AUTOMOTIVE, "--explain", "ISO 31000")
    assert guidance.exit_code == 1 and "ISO 31000 is a guidance standard" in guidance.stderr


def test_formats_without_an_explanation_renderer_are_a_usage_error():
    result = run("evaluate", AUTOMOTIVE, "--explain", "ISO 9001", "--format", "html")
    assert result.exit_code == 2 and "with --explain use one of: text, json, markdown" in result.stderr
