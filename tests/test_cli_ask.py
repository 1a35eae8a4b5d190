"""`iso-advisor ask` end to end: scripted input through CliRunner, and one real terminal (pexpect)."""
from __future__ import annotations

import json
import os
import re
import sys

import pytest
import yaml
from click.testing import CliRunner

from advisor.cli import ask as cli_ask
from advisor.cli.app import cli
from advisor.advice.questionnaire import QUESTIONS

from conftest import ROOT
from test_questionnaire import ACME, TEXT_TO_FIELD, script_for, typed


QUESTION_LINE = re.compile(r"Question \d+ of about \d+: ")


def run(args: list[str], lines: list[str]):
    return CliRunner().invoke(cli, ["ask", *args], input="".join(f"{line}\n" for line in lines))


@pytest.mark.slow
def test_whole_flow_with_skipping_help_dont_know_re_asking_and_review(tmp_path):
    answers = dict(ACME, annual_energy_tj=None)
    lines = script_for(answers, before={"countries": ["Atlantis"], "ohs_risk": ["?"]},
                       review=["3", ""], changes={"employees": "90"})
    saved = tmp_path / "acme.yaml"
    result = run(["--save", str(saved), "--format", "json"], lines)
    assert result.exit_code == 0, result.output
    err = result.stderr
    # skipping: asked questions are numbered against an estimate; a non-bidder gets no tender question
    assert re.search(r"Question \d+ of about \d+: In which countries do you operate", err)
    assert QUESTIONS["tender_requirements"].text not in err
    assert re.search(r"Certificates tenders require\s+\(not asked: bids for tenders: no\)", err)
    # ? help in business words (no rule ids), re-asking, don't know
    assert f"Why we ask: {QUESTIONS['ohs_risk'].why}" in err and "ohs-hazards" not in err
    assert "Not valid: 'Atlantis' is not an ISO 3166-1 alpha-2 country code" in err
    assert re.search(r"Energy use per year\s+don't know", err)
    # review and change: employees changed from 80 to 90 at the review
    assert err.count("Your answers:") == 2
    assessment = json.loads(result.stdout)
    data = yaml.safe_load(saved.read_text())
    assert data["employees"] == 90 and data["annual_energy_tj"] is None
    # the saved profile gives exactly this assessment
    again = CliRunner().invoke(cli, ["evaluate", str(saved), "--format", "json"])
    assert again.exit_code == 0
    assert again.stdout == result.stdout and assessment["organization"] == "Acme Metal Works"
    assert "Why we ask" not in result.stdout and "Question" not in result.stdout


def test_saved_profile_round_trip_equals_evaluate_in_text(tmp_path):
    saved, out = tmp_path / "p.yaml", tmp_path / "advice.txt"
    result = run(["--save", str(saved), "--output", str(out)], script_for(ACME))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    evaluated = CliRunner().invoke(cli, ["evaluate", str(saved)])
    assert out.read_text() == evaluated.stdout
    assert "Plan, in order:" in out.read_text()


@pytest.mark.parametrize("cut", [0, 3, 9])
def test_end_of_input_leaves_no_file(tmp_path, cut):
    saved, out = tmp_path / "p.yaml", tmp_path / "out.html"
    result = run(["--save", str(saved), "--output", str(out), "--format", "html"],
                 script_for(ACME)[:cut])
    assert result.exit_code == 1
    assert "end of input before the questionnaire was finished; nothing was written" in result.stderr
    assert not saved.exists() and not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_leaves_no_file_and_keeps_an_existing_one(tmp_path, monkeypatch):
    saved = tmp_path / "p.yaml"
    saved.write_text("keep me\n")
    calls, lines = [], script_for(ACME)

    def interrupt(self, prompt):
        calls.append(prompt)
        if len(calls) == 6:
            raise KeyboardInterrupt
        return lines[len(calls) - 1]

    monkeypatch.setattr(cli_ask.TerminalConsole, "ask", interrupt)
    result = CliRunner().invoke(cli, ["ask", "--save", str(saved)])
    assert result.exit_code == 130
    assert "interrupted; nothing was written" in result.stderr
    assert saved.read_text() == "keep me\n"
    assert [p.name for p in tmp_path.iterdir()] == ["p.yaml"]


@pytest.mark.slow
def test_from_file_asks_only_what_is_missing_then_reviews(tmp_path):
    start = tmp_path / "start.yaml"
    known = dict(ACME, annual_energy_tj=2.5)
    start.write_text(yaml.safe_dump({k: v for k, v in known.items() if k != "ohs_risk"}))
    result = run(["--from", str(start), "--format", "json"], ["high", ""])
    assert result.exit_code == 0, result.output
    asked = re.findall(QUESTION_LINE.pattern + "(.*)", result.stderr)
    assert [TEXT_TO_FIELD[q] for q in asked] == ["ohs_risk"]
    full = tmp_path / "full.yaml"
    full.write_text(yaml.safe_dump(known))
    evaluated = CliRunner().invoke(cli, ["evaluate", str(full), "--format", "markdown"])
    again = run(["--from", str(full), "--format", "markdown"], [""])
    assert again.exit_code == 0 and again.stdout == evaluated.stdout
    assert not QUESTION_LINE.search(again.stderr)


def test_from_file_must_be_a_valid_profile(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: X\nsector: bakery\nemployees: 3\n")
    result = run(["--from", str(bad)], [])
    assert result.exit_code == 1 and "sector" in result.stderr and "bakery" in result.stderr


@pytest.mark.parametrize("fmt,marker", [("report", "## How to choose a certification body"),
                                        ("html", "<ol class=\"roadmap\"")])
def test_ask_and_evaluate_both_write_the_board_report(tmp_path, fmt, marker):
    saved = tmp_path / "p.yaml"
    result = run(["--save", str(saved), "--format", fmt], script_for(ACME))
    assert result.exit_code == 0 and marker in result.stdout
    evaluated = CliRunner().invoke(cli, ["evaluate", str(saved), "--format", fmt])
    assert evaluated.stdout == result.stdout


def test_ask_help_says_how_to_answer():
    result = CliRunner().invoke(cli, ["ask", "--help"])
    assert result.exit_code == 0
    for word in ("--save", "--from", "--output", "--format", "html", "Ctrl-C", "don't know"):
        assert word in result.output


# -- a real pseudo-terminal ---------------------------------------------------------------------

pexpect = pytest.importorskip("pexpect")
QUESTION = re.compile(r"(?:Basic question|Question) \d+ of (?:about )?\d+: ([^\r\n]+)")


def spawn(args: list[str], cwd) -> "pexpect.spawn":
    env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="100", PYTHONWARNINGS="ignore")
    return pexpect.spawn(sys.executable, ["-m", "advisor", "ask", *args], cwd=str(cwd), env=env,
                         encoding="utf-8", timeout=60, dimensions=(40, 120))


@pytest.mark.slow
def test_real_terminal_session_answers_real_prompts(tmp_path):
    saved = tmp_path / "acme.yaml"
    child = spawn(["--save", str(saved), "--output", str(tmp_path / "advice.md"),
                   "--format", "report"], tmp_path)
    asked = []
    while True:
        found = child.expect([QUESTION, r"press Enter to get the advice: "])
        if found == 1:
            child.sendline("")
            break
        field = TEXT_TO_FIELD[child.match.group(1).strip()]
        asked.append(field)
        child.expect("> ")
        if field == "ohs_risk":
            child.sendline("?")
            child.expect("Why we ask")
            child.expect("> ")
        child.sendline(typed(field, ACME[field]))
    child.expect("Saved your answers")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert asked[:3] == ["name", "sector", "employees"] and "tender_requirements" not in asked
    assert yaml.safe_load(saved.read_text())["name"] == ACME["name"]
    assert "# Management-system certification plan for Acme Metal Works" in \
        (tmp_path / "advice.md").read_text()


@pytest.mark.slow
def test_real_terminal_ctrl_c_writes_nothing(tmp_path):
    child = spawn(["--save", str(tmp_path / "acme.yaml")], tmp_path)
    child.expect(QUESTION)
    child.expect("> ")
    child.sendline(ACME["name"])
    child.expect(QUESTION)
    child.expect("> ")
    child.sendintr()
    child.expect(r"Save your answers so far to .*acme.yaml\? \[y/N\] ")
    child.sendline("n")
    child.expect("interrupted; nothing was written")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert list(tmp_path.iterdir()) == []


def test_real_terminal_ctrl_c_keeps_the_answers_when_asked_and_from_resumes(tmp_path):
    child = spawn([], tmp_path)
    for field in ("name", "sector"):
        child.expect(QUESTION)
        child.expect("> ")
        child.sendline(typed(field, ACME[field]))
    child.expect(QUESTION)
    child.expect("> ")
    child.sendintr()
    child.expect("Type a file name")
    child.sendline("partial.yaml")
    child.expect(r"continue with: iso-advisor ask --from partial.yaml")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    saved = yaml.safe_load((tmp_path / "partial.yaml").read_text())
    assert saved == {"name": ACME["name"], "sector": ACME["sector"]}
    # --from the part-way file asks the rest, starting with the first open required question
    lines = script_for(ACME)
    result = run(["--from", str(tmp_path / "partial.yaml"), "--format", "json"], lines[2:])
    assert result.exit_code == 0, result.output
    assert QUESTIONS["name"].text not in result.stderr
    assert result.stdout == run(["--format", "json"], lines).stdout
