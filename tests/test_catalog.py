"""Standard references and country codes are read the way people write them."""
import pytest

from advisor.advice import catalog


@pytest.mark.parametrize("written, canonical", [
    ("ISO 27001", "ISO/IEC 27001"), ("iso27001", "ISO/IEC 27001"), ("27001", "ISO/IEC 27001"),
    ("ISO/IEC 27001:2022", "ISO/IEC 27001"), ("IATF16949", "IATF 16949"), ("AS 9100D", "AS9100"),
    ("EN 9100", "AS9100"), ("JISQ 9100", "AS9100"), ("BS EN ISO 14001:2015", "ISO 14001"),
    ("ISO/IEC 20000-1:2018", "ISO/IEC 20000-1"), ("fssc22000", "FSSC 22000"),
    ("ISO 26000", "ISO 26000"), ("iso 31000:2018", "ISO 31000"),
])
def test_references_resolve_to_canonical_names(written, canonical):
    assert catalog.resolve(written) == canonical


def test_unknown_reference_suggests_closest_catalog_entries():
    with pytest.raises(ValueError, match=r"'ISO 9002' is not a standard.*did you mean.*'ISO 9001'"):
        catalog.resolve("ISO 9002")


@pytest.mark.parametrize("obsolete, successor", [("OHSAS 18001", "ISO 45001"),
                                                 ("ISO/TS 16949", "IATF 16949")])
def test_obsolete_references_name_their_successor(obsolete, successor):
    with pytest.raises(ValueError, match=successor):
        catalog.resolve(obsolete)


def test_guidance_standards_are_known_but_not_in_the_catalog():
    assert "ISO 31000" in catalog.GUIDANCE and "ISO 31000" not in catalog.NAMES
    assert "cannot be certified" in catalog.guidance_warning("ISO 26000")


@pytest.mark.parametrize("written, code", [("de", "DE"), ("UK", "GB"), ("Germany", "DE"),
                                           (" fr ", "FR")])
def test_countries_resolve(written, code):
    assert catalog.resolve_country(written) == code


def test_unknown_country_suggests():
    with pytest.raises(ValueError, match=r"'Germny'.*did you mean 'DE'"):
        catalog.resolve_country("Germny")


def test_catalog_matches_the_contract():
    assert catalog.NAMES == (
        "ISO 9001", "ISO 14001", "ISO/IEC 27001", "ISO 45001", "ISO 13485", "IATF 16949",
        "AS9100", "ISO 22000", "FSSC 22000", "ISO 50001", "ISO/IEC 27701", "ISO 22301",
        "ISO/IEC 20000-1", "ISO 37001", "ISO/IEC 42001", "ISO 55001", "ISO 21001", "ISO 39001",
        "ISO 28000")
    assert len({s.key for s in catalog.STANDARDS}) == len(catalog.STANDARDS)


def test_hostile_references_are_quoted_back_escaped_and_short():
    with pytest.raises(ValueError) as err:
        catalog.resolve("\ud800" + "x" * 5000)
    assert "\\ud800" in str(err.value) and len(str(err.value)) < 800
    with pytest.raises(ValueError, match=r"\\x1b"):
        catalog.resolve_country("\x1b[31m")


def test_related_standards_are_known_and_explained():
    assert catalog.resolve("ISO/IEC 27017:2015") == "ISO/IEC 27017"
    assert catalog.resolve("iso 37301") == "ISO 37301"
    assert catalog.resolve("ISO 14064-1") == "ISO 14064-1"
    from advisor import evaluate
    a = evaluate({"name": "C", "sector": "software_saas", "employees": 30,
                  "customer_requirements": ["ISO 27018", "ISO 45003"]})
    assert any(w.startswith("ISO/IEC 27018 is not in the advisor's catalog") and
               "ISO/IEC 27001" in w for w in a.warnings)
    assert any(w.startswith("ISO 45003 is a guidance standard") for w in a.warnings)


@pytest.mark.parametrize("field, written, stored", [
    ("customer_types", "B2B", ["businesses"]), ("customer_types", "Public sector", ["public_sector"]),
    ("ohs_risk", "medium", "moderate"), ("sector", "IT services", "it_services"),
    ("sector", "Pharma", "pharmaceuticals"), ("regulations", "NIS 2", ["nis2"]),
    ("ai_role", "deployer", "user")])
def test_vocabulary_labels_and_synonyms_are_read(field, written, stored):
    from advisor.advice.models import parse_profile
    base = {"name": "X", "sector": "retail", "employees": 5}
    assert getattr(parse_profile({**base, field: written}), field) == stored


def test_vocabulary_data_is_checked():
    good = catalog.shipped_data()[1]
    assert catalog.vocabulary_problems(good) == []
    bad = {"vocabularies": {"sectors": {"values": [
        {"value": "retail", "synonyms": ["shops"]}, {"value": "Wholesale", "synonyms": ["shops"]},
        {"value": "x", "colour": "red"}]}}}
    problems = "\n".join(catalog.vocabulary_problems(bad))
    assert "'Wholesale' must be lower-case" in problems
    assert "'shops' also names 'retail'" in problems
    assert "unknown key 'colour'" in problems


def test_catalog_data_is_checked():
    good = catalog.shipped_data()[0]
    assert catalog.catalog_problems(good) == []
    bad = dict(good, standards=good["standards"] + [dict(good["standards"][0], titel="x")],
               related=[{"name": "ISO 37301", "is": "x", "see": "ISO 9999"}])
    problems = "\n".join(catalog.catalog_problems(bad))
    assert "unknown key 'titel' (did you mean 'title'?)" in problems
    bad = dict(good, related=[{"name": "ISO 37301", "is": "x", "see": "ISO 9999"}])
    assert "'ISO 9999' is not a catalog standard" in "\n".join(catalog.catalog_problems(bad))
    bad = dict(good, standards=good["standards"] + [good["standards"][0]])
    assert "'ISO 9001' is listed twice" in "\n".join(catalog.catalog_problems(bad))
