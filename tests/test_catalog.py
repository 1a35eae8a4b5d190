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
