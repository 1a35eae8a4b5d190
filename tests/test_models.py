"""The profile model: every field, normalisation, and errors that say what would be valid."""
import pytest

from advisor import Profile, ProfileError
from advisor.advice.models import parse_profile

BASE = {"name": "Acme", "sector": "construction", "employees": 80}


def test_defaults_match_the_contract():
    p = parse_profile(BASE)
    assert p.sites == 1 and p.countries == [] and p.bids_for_tenders is None
    assert p.data_sensitivity is None and p.budget is None and p.goals == []


def test_values_are_normalised():
    p = parse_profile({**BASE, "sector": "Construction", "countries": "de; uk ;DE",
                       "customer_types": ["Public sector"], "tender_requirements": ["iso9001", "ISO 9001:2015"],
                       "regulations": "NIS2", "employees": "80", "bids_for_tenders": "yes"})
    assert p.sector == "construction"
    assert p.countries == ["DE", "GB"]
    assert p.customer_types == ["public_sector"]
    assert p.tender_requirements == ["ISO 9001"]
    assert p.regulations == ["nis2"] and p.employees == 80 and p.bids_for_tenders is True


def test_unknown_key_is_rejected_with_a_suggestion():
    with pytest.raises(ProfileError) as err:
        parse_profile({**BASE, "countrys": ["DE"]}, source="p.yaml")
    assert "p.yaml: field 'countrys': unknown field 'countrys'; did you mean 'countries'?" in str(err.value)


def test_every_problem_is_reported_at_once_with_field_and_valid_values():
    with pytest.raises(ProfileError) as err:
        parse_profile({"name": "", "sector": "constructon", "employees": -3,
                       "countries": ["XX"], "regulations": ["nis3"], "annual_energy_tj": float("nan"),
                       "customer_requirements": ["ISO 9002"]}, source="bad.yaml")
    text = str(err.value)
    assert len(err.value.problems) == 7
    assert "field 'sector': 'constructon' is not valid; did you mean 'construction'?" in text
    assert "field 'employees'" in text and "greater than or equal to 1" in text
    assert "field 'countries[0]': 'XX' is not an ISO 3166-1 alpha-2 country code" in text
    assert "field 'regulations[0]'" in text and "did you mean 'nis2'" in text
    assert "field 'annual_energy_tj'" in text and "finite" in text
    assert "'ISO 9002' is not a standard" in text
    assert all(p.source == "bad.yaml" for p in err.value.problems)


def test_missing_required_fields_are_named():
    with pytest.raises(ProfileError) as err:
        parse_profile({})
    assert {p.field for p in err.value.problems} == {"name", "sector", "employees"}


def test_profile_error_is_a_value_error():
    assert issubclass(ProfileError, ValueError)


def test_a_profile_is_frozen_and_rejects_extra_fields():
    p = parse_profile(BASE)
    with pytest.raises(Exception):
        p.employees = 3
    with pytest.raises(Exception):
        Profile(**BASE, colour="red")


def test_guidance_references_are_accepted():
    assert parse_profile({**BASE, "implemented": ["ISO 31000"]}).implemented == ["ISO 31000"]
