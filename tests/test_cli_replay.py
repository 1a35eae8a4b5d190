"""`iso-advisor replay`: decision records re-evaluated and compared, through click's CliRunner."""
from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from advisor.cli.app import cli
from advisor.kernel.rulebase import shipped_rules_dir

from conftest import DATA, PROFILES, ROOT

DAY = "2026-06-30"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    """The batch output of every sample, as JSON Lines and as JSON with the summary."""
    folder = tmp_path_factory.mktemp("records")
    for fmt, extra in (("jsonl", []), ("json", ["--summary"])):
        result = run("batch", str(ROOT / "profiles"), "--format", fmt, "--as-of", DAY,
                     "--jobs", "1", "--output", str(folder / f"samples.{fmt}"), *extra)
        assert result.exit_code == 0, result.stderr
    return folder


@pytest.fixture
def changed_rules(tmp_path):
    """A copy of the shipped rule base in which a tender's certificate demand only asks for
    implementing the standard (tender-gate concludes implement, not certify)."""
    rules = tmp_path / "rules"
    shutil.copytree(shipped_rules_dir(), rules)
    text = (rules / "hard_demands.yaml").read_text()
    old = 'then: {recommend: certify, standard: "{standard}", driver: hard_demand}'
    assert text.count(old) >= 1
    (rules / "hard_demands.yaml").write_text(text.replace(old, old.replace("certify", "implement"), 1))
    return rules


def test_the_batch_output_of_every_sample_replays_clean(samples):
    for name in ("samples.jsonl", "samples.json"):
        result = run("replay", str(samples / name))
        assert result.exit_code == 0, result.stdout + result.stderr
        assert result.stdout.count("same decisions, priorities and reasons") == len(PROFILES)
        assert f"{len(PROFILES)} records: {len(PROFILES)} same, 0 differ" in result.stdout


def test_a_changed_rule_shows_the_difference(samples, changed_rules):
    result = run("--rules", str(changed_rules), "replay", str(samples / "samples.jsonl"))
    assert result.exit_code == 1
    assert "DIFFERS" in result.stdout and "rule base: digest 2026.11 (sha256:" in result.stdout
    # Rheinbau's tenders demand ISO 9001 and ISO 45001: tender-gate now concludes implement, so
    # it is no longer a reason for the certify decision (reasons stand under their decision)
    block = result.stdout.split("(Rheinbau Bauunternehmung GmbH): DIFFERS", 1)[1].split("\n/", 1)[0]
    assert "ISO 9001: reasons [tender-gate, tender-quality, b2b-quality] -> " \
           "[tender-quality, b2b-quality]\n" in block + "\n"
    assert "ISO 45001: reasons [tender-gate" in block
    assert "differ" in result.stdout.splitlines()[-1]


def test_ignore_rulebase_compares_the_advice_only(samples, changed_rules, tmp_path):
    changed = run("--rules", str(changed_rules), "replay", "--ignore-rulebase",
                  str(samples / "samples.jsonl"))
    assert changed.exit_code == 1 and "rule base: digest" not in changed.stdout
    comment_only = tmp_path / "comment"
    shutil.copytree(shipped_rules_dir(), comment_only)
    with open(comment_only / "market.yaml", "a") as f:
        f.write("\n# reviewed, no change\n")
    strict = run("--rules", str(comment_only), "replay", str(samples / "samples.jsonl"))
    assert strict.exit_code == 1 and "rule base: digest" in strict.stdout
    lenient = run("--rules", str(comment_only), "replay", "--ignore-rulebase",
                  str(samples / "samples.jsonl"))
    assert lenient.exit_code == 0, lenient.stdout
    assert "note: made with another rule base" in lenient.stdout


def test_json_output(samples, changed_rules):
    data = json.loads(run("--rules", str(changed_rules), "replay", "--format", "json",
                          str(samples / "samples.json")).stdout)
    assert data["clean"] is False
    differing = [r for r in data["results"] if r["status"] == "different"]
    assert differing and all(r["differences"][0]["what"] == "digest" for r in differing)


def test_an_evaluate_record_and_a_claim_check_replay(tmp_path):
    record = tmp_path / "a.json"
    record.write_text(run("evaluate", str(PROFILES[0]), "--format", "json").stdout)
    claims = tmp_path / "claims.json"
    claims.write_text(run("check-claim", str(ROOT / "profiles" / "claims" / "suppliers.csv"),
                          "--format", "json").stdout)
    result = run("replay", str(record), str(claims))
    assert result.exit_code == 0, result.stdout
    assert result.stdout.count("same decisions") == 1 + len(json.loads(claims.read_text()))


def _record(**changes) -> dict:
    data = json.loads(run("evaluate", str(PROFILES[0]), "--format", "json", "--as-of", DAY).stdout)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("changes, words", [
    ({"format_version": 2, "advisor_version": "9.0.0"}, "newer iso-advisor (9.0.0)"),
    ({"format_version": None}, "is not a decision record"),
    ({"profile": None}, "holds no profile"),
    ({"profile": {"name": "X"}}, "is no longer accepted"),
    ({"as_of": "someday"}, "no valid as_of"),
])
def test_records_that_cannot_be_replayed_say_why(tmp_path, changes, words):
    path = tmp_path / "r.json"
    path.write_text(json.dumps(_record(**changes)))
    result = run("replay", str(path))
    assert result.exit_code == 1
    assert "CANNOT REPLAY" in result.stdout and words in result.stdout
    assert "same decisions" not in result.stdout


def test_a_tampered_decision_is_found(tmp_path):
    data = _record()
    first = data["recommendations"][0]
    first["decision"] = "not_needed" if first["decision"] != "not_needed" else "certify"
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data))
    result = run("replay", str(path))
    assert result.exit_code == 1 and f"{first['standard']}: decision" in result.stdout


def test_error_records_are_skipped_and_unreadable_inputs_refused(tmp_path):
    mixed = tmp_path / "mixed.jsonl"
    result = run("batch", str(DATA / "batch" / "mixed"), "--format", "jsonl", "--output",
                 str(mixed))
    assert result.exit_code == 1           # the folder holds profiles that cannot be scored
    replayed = run("replay", str(mixed))
    assert replayed.exit_code == 0, replayed.stdout
    assert "4 skipped" in replayed.stdout and "8 same" in replayed.stdout
    csv = tmp_path / "out.csv"
    csv.write_text("source,organization\n")
    refused = run("replay", str(csv))
    assert refused.exit_code == 1 and "CSV and Markdown outputs hold no input" in refused.stdout
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"format_version": 1\n')
    assert run("replay", str(broken)).exit_code == 1
    empty = tmp_path / "empty.json"
    empty.write_text("[]")
    assert run("replay", str(empty)).exit_code == 1


def test_a_rule_changed_in_an_overlay_shows_the_difference(samples, tmp_path):
    """A consultant's overlay (extends: shipped) that replaces tender-gate so that a tender's
    certificate demand only asks for implementing: replay names what that changes."""
    import yaml
    shipped = yaml.safe_load((shipped_rules_dir() / "hard_demands.yaml").read_text())
    gate = next(r for r in shipped["rules"] if r["id"] == "tender-gate")
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "rulebase.yaml").write_text('extends: shipped\nversion: "2026.11-test.1"\n')
    changed = {**gate, "then": {**gate["then"], "recommend": "implement"}}
    (overlay / "tenders.yaml").write_text(yaml.safe_dump({"rules": [changed]}, sort_keys=False))
    result = run("--rules", str(overlay), "replay", "--ignore-rulebase",
                 str(samples / "samples.jsonl"))
    assert result.exit_code == 1, result.stdout
    assert "note: made with another rule base: 2026.11 (sha256:" in result.stdout
    assert "replayed with 2026.11-test.1 (sha256:" in result.stdout
    block = result.stdout.split("(Rheinbau Bauunternehmung GmbH): DIFFERS", 1)[1].split("\n/", 1)[0]
    assert "ISO 9001: reasons [tender-gate, tender-quality, b2b-quality] -> " in block
    differ = result.stdout.count("DIFFERS")
    assert 1 <= differ < len(PROFILES)          # profiles without tender demands are unchanged
    assert result.stdout.count("same decisions") == len(PROFILES) - differ
