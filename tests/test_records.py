"""Decision records: every assessment and claim check states how it was made (as_of, rule base
version and content digest, advisor version, engine, format version, normalised input)."""
from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import shutil

import jsonschema
import pytest

from advisor import AdvisorError, check_claim, evaluate, evaluate_many
from advisor.advice.models import FORMAT_VERSION, Assessment
from advisor.kernel.rulebase import load, shipped_rules_dir
from advisor.version import __version__

from conftest import DATA

PROFILE = {"name": "Acme", "sector": "construction", "employees": 80,
           "countries": ["uk", "de"], "certified": ["iso9001"]}


def test_an_assessment_records_how_it_was_made():
    a = evaluate(PROFILE, as_of="2026-06-30", engine="python")
    assert a.as_of == dt.date(2026, 6, 30)
    assert a.engine == "python"
    assert a.advisor_version == __version__ == importlib.metadata.version("iso-advisor")
    assert a.format_version == FORMAT_VERSION
    assert a.rulebase_version == load().version
    assert a.rulebase_digest == load().content_digest
    assert a.rulebase_digest.startswith("sha256:") and len(a.rulebase_digest) == 7 + 64
    for day in ("2025-01-01", "2027-12-01"):       # dated rules: the digest of the whole base
        assert evaluate(PROFILE, as_of=day).rulebase_digest == a.rulebase_digest


def test_the_record_holds_the_normalised_profile():
    profile = evaluate(PROFILE, as_of="2026-06-30").profile
    assert profile.countries == ["GB", "DE"] and profile.certified == ["ISO 9001"]
    assert profile.sites == 1 and profile.ohs_risk is None      # defaults and unknowns written out
    assert evaluate(profile.model_dump(), as_of="2026-06-30").model_dump_json() == \
        evaluate(PROFILE, as_of="2026-06-30").model_dump_json()


def test_as_of_defaults_to_today_and_accepts_dates_and_iso_text():
    assert evaluate(PROFILE).as_of == dt.date.today()
    assert evaluate(PROFILE, as_of=dt.date(2025, 1, 2)).as_of == dt.date(2025, 1, 2)
    assert evaluate(PROFILE, as_of=dt.datetime(2025, 1, 2, 23, 59)).as_of == dt.date(2025, 1, 2)


@pytest.mark.parametrize("bad", ["2026-13-01", "yesterday", "", "2026/06/30"])
def test_a_bad_as_of_is_an_error_naming_it(bad):
    with pytest.raises(AdvisorError) as info:
        evaluate(PROFILE, as_of=bad)
    problem = info.value.problems[0]
    assert problem.field == "as_of" and "YYYY-MM-DD" in problem.valid


def test_the_record_validates_against_the_published_schema():
    record = json.loads(evaluate(PROFILE, as_of="2026-06-30").model_dump_json())
    jsonschema.validate(record, Assessment.model_json_schema())
    assert Assessment.model_validate(record).as_of == dt.date(2026, 6, 30)


def test_the_digest_depends_on_content_only(tmp_path):
    """Same files in another folder, written in reverse order: same digest; CRLF line endings (a
    Windows checkout) too. A changed byte or a renamed file: another digest. The CHANGELOG's
    16-digit digest is its beginning."""
    shipped = shipped_rules_dir()
    reference = load().content_digest
    assert reference.startswith("sha256:" + load().digest) and len(reference) == 7 + 64

    def copy(name: str, change=lambda file, data: (file, data)) -> str:
        folder = tmp_path / name
        folder.mkdir()
        for file in sorted(shipped.iterdir(), reverse=True):
            if file.is_file():
                target, data = change(file.name, file.read_bytes())
                (folder / target).write_bytes(data)
        return load(folder).content_digest

    assert copy("same") == reference
    assert copy("crlf", lambda f, d: (f, d.replace(b"\n", b"\r\n"))) == reference
    assert copy("comment", lambda f, d: (f, d + b"\n# a comment\n" if f == "market.yaml"
                                         else d)) != reference
    assert copy("renamed", lambda f, d: ("markets.yaml" if f == "market.yaml" else f, d)) \
        != reference


def test_a_custom_rule_base_has_its_own_digest():
    custom = evaluate(PROFILE, rules=DATA / "custom_rules", as_of="2026-06-30")
    assert custom.rulebase_digest == load(DATA / "custom_rules").content_digest
    assert custom.rulebase_digest != load().content_digest


def test_batch_results_share_one_as_of():
    results = list(evaluate_many([PROFILE, {"name": "B", "sector": "retail", "employees": 3}],
                                 jobs=1, as_of="2024-02-29"))
    assert [r.as_of for r in results] == [dt.date(2024, 2, 29)] * 2


CLAIM = {"supplier": "Acme", "standard": "ISO 9001:2015", "certification_body": "BSI"}


def test_a_claim_check_records_how_it_was_made():
    c = check_claim(CLAIM, as_of="2026-06-30", engine="python")
    assert (c.as_of, c.engine, c.advisor_version, c.format_version) == (
        dt.date(2026, 6, 30), "python", __version__, FORMAT_VERSION)
    from advisor.claims.check import claims_rulebase
    assert c.rulebase_digest == claims_rulebase().content_digest
    assert c.claim.supplier == "Acme" and c.claim.standard == "ISO 9001"


def test_a_claims_own_date_wins_over_the_default():
    assert check_claim({**CLAIM, "as_of": "2025-03-01"}, as_of="2026-06-30").as_of == \
        dt.date(2025, 3, 1)
    assert check_claim(CLAIM).as_of == dt.date.today()
