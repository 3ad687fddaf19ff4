"""Registration numbers and postcodes: formats only, no lookups."""

import pytest
from django.core.exceptions import ValidationError

from suppliers.validators import (
    normalise_companies_house_number,
    normalise_postcode,
    postcode_area,
    validate_charity_number,
    validate_companies_house_number,
    validate_postcode,
)


@pytest.mark.parametrize("number", ["01234567", "12345678", "SC123456", "NI123456", "OC123456", "SO123456", "NC123456"])
def test_companies_house_numbers_in_the_right_format_pass(number):
    validate_companies_house_number(number)


@pytest.mark.parametrize("number", ["1234567", "123456789", "XX123456", "SC12345", "SC1234567", "AB-12345", ""])
def test_companies_house_numbers_in_the_wrong_format_are_refused(number):
    with pytest.raises(ValidationError, match="Companies House number"):
        validate_companies_house_number(number)


def test_companies_house_numbers_are_tidied_before_checking():
    assert normalise_companies_house_number(" sc 123456 ") == "SC123456"
    assert normalise_companies_house_number("1234567") == "01234567"


@pytest.mark.parametrize("number", ["123456", "1234567", "1234567-1", "1234567-12", "SC012345", "NIC100001"])
def test_charity_numbers_of_england_and_wales_scotland_and_northern_ireland_pass(number):
    validate_charity_number(number)


@pytest.mark.parametrize("number", ["12345", "12345678", "1234567-123", "SC12345", "NI100001", "NIC10000"])
def test_charity_numbers_in_the_wrong_format_are_refused(number):
    with pytest.raises(ValidationError, match="charity number"):
        validate_charity_number(number)


def test_postcodes_are_checked_tidied_and_give_their_area():
    validate_postcode("CV1 2AB")
    assert normalise_postcode("cv12ab") == "CV1 2AB"
    assert postcode_area("DN31 1HU") == "DN"
    assert postcode_area("B1 1AA") == "B"
    with pytest.raises(ValidationError, match="real postcode"):
        validate_postcode("not a postcode")
