"""One text-safety rule for every input text, and escaping in every renderer (issue 20, item 3).

A supplier controls the text of its own claim, a client the name in its profile: neither may
take over the buyer's terminal, hide or reorder what is shown, or inject HTML, links or images
into a Markdown output. Markdown outputs are checked by rendering them with markdown-it-py
(CommonMark with raw HTML on, plus linkify and tables, as the common renderers do).
"""
from __future__ import annotations

import csv
import html
import io
import json

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import example, given, settings, strategies as st
from markdown_it import MarkdownIt

from advisor import ProfileError, evaluate
from advisor.advice.models import Profile
from advisor.cli.app import cli
from advisor.claims.models import parse_claim
from advisor.errors import ClaimError
from advisor.kernel.text import check_text
from advisor.render.assessment import as_text
from advisor.render.escape import csv_cell, markdown

GOOD = {"name": "Acme", "sector": "retail", "employees": 12}
CLAIM = {"supplier": "Acme Ltd", "standard": "ISO 9001:2015", "as_of": "2026-06-30",
         "certification_body": "BSI", "accreditation_body": "UKAS",
         "issued": "2025-01-10", "expires": "2028-01-09", "scope": "Machining"}
HOSTILE = ('<img src=x onerror=alert(1)> [click](javascript:alert(1)) ![i](http://evil.example/a.png)'
           ' www.evil.example <script>alert(1)</script> *b* `c` &lt;u&gt;')

MD = MarkdownIt("commonmark", {"html": True, "linkify": True}).enable(
    ["linkify", "table", "strikethrough"])


def run(*args: str, input: str | None = None):
    result = CliRunner().invoke(cli, list(args), input=input)
    assert "Traceback" not in result.output and "internal error" not in result.stderr, result.output
    return result


def assert_inert(markdown_text: str) -> None:
    """Rendered, the Markdown holds no HTML, script, image or link that came from the input
    (links the report itself makes to its sources are allowed)."""
    rendered = MD.render(markdown_text)
    for bad in ("<script", "<img", 'href="javascript', 'href="http://evil', 'href="http://www.evil',
                "<em>b</em>", "<code>c</code>", "<u>"):
        assert bad not in rendered, (bad, rendered)
    assert "www.evil.example" in rendered           # the text itself is still shown


# -- the input rule ---------------------------------------------------------------------------

REFUSED = {
    "escape (ANSI)": "Acme \x1b[2J\x1b[H Verdict: CREDIBLE",
    "OSC title": "\x1b]0;pwned\x07Acme",
    "NUL": "Acme\x00Ltd",
    "C1 CSI": "Acme\x9b2J",
    "bidi override": "Acme \u202egnp.exe",
    "bidi isolate": "Acme \u2067Ltd",
    "right-to-left mark": "Acme\u200f Ltd",
    "line separator": "Acme\u2028Verdict: CREDIBLE",
    "paragraph separator": "Acme\u2029Ltd",
    "zero-width space": "Ac\u200bme",
    "zero-width joiner between Latin letters": "Ac\u200dme",
    "byte-order mark": "Ac\ufeffme",
    "soft hyphen": "Ac\u00adme",
    "tag characters": "Acme\U000e0041",
}


@pytest.mark.parametrize("text", REFUSED.values(), ids=REFUSED.keys())
def test_profile_names_refuse_controls_bidi_and_invisible_characters(text):
    with pytest.raises(ProfileError) as err:
        evaluate({**GOOD, "name": text})
    assert "character (U+" in str(err.value)
    assert not any(c in str(err.value) for c in "\x1b\x00\u202e\u2028\u200b")


@pytest.mark.parametrize("field", ["supplier", "certification_body", "accreditation_body",
                                   "wording", "scope", "purchased_scope", "certificate_number",
                                   "sites"])
@pytest.mark.parametrize("text", REFUSED.values(), ids=REFUSED.keys())
def test_every_claim_text_field_refuses_them_too(field, text):
    with pytest.raises(ClaimError) as err:
        parse_claim({**CLAIM, field: [text] if field == "sites" else text})
    assert field in str(err.value) and "character (U+" in str(err.value)


def test_scripts_that_need_joiners_and_multiline_scopes_are_accepted():
    assert Profile(**{**GOOD, "name": "می\u200cخواهم"}).name == "می\u200cخواهم"   # Persian ZWNJ
    assert check_text("Acme \u2764\ufe0f Ltd") == "Acme \u2764\ufe0f Ltd"        # emoji selector
    claim = parse_claim({**CLAIM, "scope": "Design and\nmanufacture of\tparts"})
    assert claim.scope == "Design and manufacture of parts"


def test_a_crafted_certification_body_cannot_repaint_the_verdict(tmp_path):
    """The issue's repro: ANSI escapes in a claim clear the terminal and paint CREDIBLE over a
    not-credible verdict. Now the claim is refused, escaped in the message."""
    path = tmp_path / "claim.yaml"
    path.write_text(yaml.safe_dump({**CLAIM, "iso_logo_used": True, "accreditation_body": "IAF",
                                    "certification_body": "\x1b[2J\x1b[HVerdict: CREDIBLE\x1b[8m"}))
    result = run("check-claim", str(path))
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "U+001B" in result.stderr


# -- renderers ------------------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("ab1 -+=#*_.:/<>[]()!`~|&;@\\\"'{}^$\t\n") + [
    "www.", "http://", "&lt;", "<img src=x onerror=a>", "javascript:", "1.", "</p>", "a@b.co",
    "\x1b[2J", "\u202e"]), max_size=30).map("".join))
@example("1. item")
@example("- item")
@example("# heading")
@example("    code")
def test_markdown_escape_renders_as_the_text_itself(text):
    """Whatever the text, markdown(text) renders as one paragraph showing exactly that text."""
    shown = " ".join(markdown(text).split())
    if not shown:
        return
    plain = " ".join(text.split()).replace("\x1b", "\\x1b").replace("\u202e", "\\u202e")
    expected = "<p>" + html.escape(plain, quote=False).replace('"', "&quot;") + "</p>\n"
    assert MD.render(markdown(text)) == expected


def test_every_markdown_output_of_evaluate_is_inert(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({**GOOD, "name": HOSTILE[:200], "certified": ["ISO 9001"]}))
    for fmt in ("markdown", "report"):
        result = run("evaluate", str(path), "--format", fmt)
        assert result.exit_code == 0, result.output
        assert_inert(result.stdout)
    result = run("evaluate", str(path), "--format", "markdown", "--explain", "ISO 9001")
    assert result.exit_code == 0
    assert_inert(result.stdout)


def test_batch_markdown_is_inert(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps({**GOOD, "name": HOSTILE[:200]}) + "\n"
                    + json.dumps({"name": HOSTILE[:200], "sector": "nope"}) + "\n")
    result = run("batch", "--jobs", "1", "--format", "markdown", str(path))
    assert_inert(result.stdout)


def test_claim_markdown_is_inert(tmp_path):
    path = tmp_path / "claims.yaml"
    path.write_text(yaml.safe_dump([
        {**CLAIM, "supplier": HOSTILE[:200], "certification_body": HOSTILE[:200],
         "scope": HOSTILE, "sites": [HOSTILE[:300]], "purchased_scope": HOSTILE},
        {"supplier": HOSTILE[:200], "standard": "ISO 9001", "issued": "not a date"}]))
    result = run("check-claim", str(path), "--format", "markdown")
    assert_inert(result.stdout)


def test_terminal_text_escapes_what_a_library_caller_put_in_a_model():
    assessment = evaluate(GOOD).model_copy(update={"organization": "\x1b[2JEvil\u202e"})
    text = as_text(assessment)
    assert "\x1b" not in text and "\u202e" not in text and "\\x1b[2JEvil" in text


def test_html_report_escapes_names(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({**GOOD, "name": "<script>alert(1)</script>"}))
    page = run("evaluate", str(path), "--format", "html").stdout
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_outputs_neutralise_formulas_in_every_text_cell(tmp_path, start):
    assert csv_cell(start + "HYPERLINK(\"http://x\")").startswith("'")
    path = tmp_path / "claims.json"
    name = start + "cmd|' /C calc'!A0"
    path.write_text(json.dumps([{**CLAIM, "supplier": "S" + name},
                                {**CLAIM, "supplier": name.strip() or "x", "standard": "nope"}]))
    out = run("check-claim", str(path), "--format", "csv").stdout
    for row in csv.reader(io.StringIO(out)):
        assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in row), row
