"""Numbers as people write them (advisor.inputs.quantity): one reader for the terminal and web
questionnaires and for spreadsheet cells; it converts units and never guesses a separator."""
from __future__ import annotations

import pytest

from advisor.errors import ProfileError
from advisor.inputs.quantity import (ENERGY_IN_TJ, AmbiguousNumber, NumberError, read_number,
                                     show_number)

ENERGY = dict(units=ENERGY_IN_TJ, in_unit="TJ")


def test_decimal_comma_with_a_unit_is_nine_terajoules_not_ninety():
    reading = read_number("2,5 GWh", **ENERGY)
    assert reading.value == 9.0                        # issue 18/20: was read as 25 GWh = 90 TJ
    assert reading.needs_confirmation and reading.describe() == "2.5 GWh = 9 TJ"
    assert reading.describe("comma") == "2,5 GWh = 9 TJ"


@pytest.mark.parametrize("text", ["2.500 MWh", "2,500 MWh", "2.500", "2,500", "12,345", "1.000 kWh"])
def test_a_separator_two_conventions_read_differently_is_never_guessed(text):
    with pytest.raises(AmbiguousNumber) as err:
        read_number(text, **ENERGY)
    assert len(err.value.readings) == 2 and "type it again as" in str(err.value)
    assert isinstance(err.value, ProfileError)        # one error tree: callers catch it as input


def test_ambiguous_energy_shows_both_readings_converted():
    with pytest.raises(AmbiguousNumber) as err:
        read_number("2.500 MWh", **ENERGY)
    message = str(err.value)
    assert "2500 MWh = 9 TJ" in message and "2.5 MWh = 0.009 TJ" in message
    assert "type it again as 2500 MWh or as 2.5 MWh" in message


@pytest.mark.parametrize("text,decimal,value", [
    ("2.500", "comma", 2500.0), ("2.500", "point", 2.5),
    ("2,500", "comma", 2.5), ("2,500", "point", 2500.0),
])
def test_a_declared_convention_decides(text, decimal, value):
    assert read_number(text, decimal=decimal).value == value


@pytest.mark.parametrize("text,value", [
    ("2,5", 2.5), ("2.5", 2.5), ("2,50", 2.5), ("0,125", 0.125), (",5", 0.5),
    ("1.234,5", 1234.5), ("1,234.5", 1234.5), ("1.234.567", 1234567.0),
    ("1,234,567", 1234567.0), ("2 500", 2500.0), ("2\u00a0500", 2500.0), ("2'500", 2500.0),
    ("1234.567", 1234.567), ("12", 12.0),
])
def test_unambiguous_forms_read_in_any_convention(text, value):
    for decimal in ("auto", "point", "comma"):
        assert read_number(text, decimal=decimal).value == value, decimal


@pytest.mark.parametrize("text,tj", [
    ("9 TJ", 9.0), ("1 PJ", 1000.0), ("9000 GJ", 9.0), ("1 TWh", 3600.0), ("3 GWh", 10.8),
    ("1000 MWh", 3.6), ("2 500 MWh", 9.0), ("1000000 kWh", 3.6), ("2.5gwh", 9.0), ("12", 12.0),
])
def test_energy_units_convert_to_terajoules_exactly(text, tj):
    assert read_number(text, **ENERGY).value == tj


def test_a_bare_number_is_in_the_questions_unit_and_needs_no_confirmation():
    reading = read_number("12.5", **ENERGY)
    assert reading.value == 12.5 and not reading.needs_confirmation
    assert reading.describe() == "12.5 TJ"


@pytest.mark.parametrize("text,says", [
    ("5 barrels", "unknown unit 'barrels'"), ("abc", "is not a number"),
    ("1.2.3", "groups of three"), ("25 00", "groups of three"), ("1,23.4", "write it as"),
    ("9" * 61, "too long"), ("1e3", "is not a number"),
])
def test_what_cannot_be_read_says_why(text, says):
    with pytest.raises(NumberError) as err:
        read_number(text, **ENERGY)
    assert says in str(err.value)


def test_whole_numbers():
    assert read_number("1,200", integer=True).value == 1200       # 1.2 people is no reading
    assert read_number("1.200", integer=True).value == 1200
    with pytest.raises(NumberError, match="not a whole number"):
        read_number("12.5", integer=True)


def test_hostile_lengths_are_refused_before_any_pattern_runs():
    with pytest.raises(NumberError, match="too long"):
        read_number(" " * 131_072 + "1")


def test_numbers_are_shown_without_float_noise():
    assert show_number(2.5 * 3.6) == "9"
    assert show_number(2500.5) == "2,500.5" and show_number(2500.5, "comma") == "2.500,5"
    assert show_number(0.0036) == "0.0036" and show_number(0) == "0"
