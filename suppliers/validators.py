"""Format checks for UK registration numbers and postcodes. Formats only: no network lookups."""

import re

from django.core.exceptions import ValidationError

# Companies House prefixes for registers other than English and Welsh companies (which are all
# digits): Scotland (SC), Northern Ireland (NI), LLPs (OC, SO, NC), limited partnerships (LP, SL,
# NL), and the other registers Companies House keeps (overseas, industrial and provident, etc.).
COMPANIES_HOUSE_PREFIXES = frozenset(
    [
        "AC",
        "BR",
        "CE",
        "CS",
        "FC",
        "FE",
        "GE",
        "GN",
        "GS",
        "IC",
        "IP",
        "LP",
        "NA",
        "NC",
        "NF",
        "NI",
        "NL",
        "NO",
        "NP",
        "NR",
        "NZ",
        "OC",
        "OE",
        "PC",
        "R0",
        "RC",
        "SA",
        "SC",
        "SE",
        "SF",
        "SG",
        "SI",
        "SL",
        "SO",
        "SP",
        "SR",
        "SZ",
        "ZC",
    ]
)
_COMPANY = re.compile(r"^(?:\d{8}|[A-Z][A-Z0-9]\d{6})$")
_CHARITY = re.compile(r"^(?:\d{6,7}(?:-\d{1,2})?|SC\d{6}|NIC\d{6})$")
# The shape of a UK postcode: outward code (area letters, district) and inward code.
_POSTCODE = re.compile(r"^([A-Z]{1,2})(\d[A-Z\d]?) ?(\d[A-Z]{2})$")


def normalise_companies_house_number(value: str) -> str:
    """Upper case without spaces; numbers written without their leading zeros get them back."""
    value = re.sub(r"\s+", "", value or "").upper()
    if value.isdigit() and 5 <= len(value) < 8:
        value = value.zfill(8)
    return value


def validate_companies_house_number(value: str) -> None:
    if not _COMPANY.match(value) or (not value.isdigit() and value[:2] not in COMPANIES_HOUSE_PREFIXES):
        raise ValidationError(
            "Enter a Companies House number in the correct format: 8 digits, like 01234567, "
            "or 2 letters and 6 digits, like SC123456",
            code="companies_house_number",
        )


def normalise_charity_number(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def validate_charity_number(value: str) -> None:
    if not _CHARITY.match(value):
        raise ValidationError(
            "Enter a charity number in the correct format: 6 or 7 digits in England and Wales, "
            "like 1234567 or 1234567-1; SC and 6 digits in Scotland, like SC012345; "
            "NIC and 6 digits in Northern Ireland, like NIC100001",
            code="charity_number",
        )


def normalise_postcode(value: str) -> str:
    """``cv1 2ab`` → ``CV1 2AB``; a value that is not a postcode is returned upper-cased."""
    compact = re.sub(r"\s+", "", value or "").upper()
    match = _POSTCODE.match(compact)
    if not match:
        return (value or "").strip().upper()
    return f"{match[1]}{match[2]} {match[3]}"


def validate_postcode(value: str) -> None:
    if not _POSTCODE.match(re.sub(r"\s+", "", value or "").upper()):
        raise ValidationError("Enter a real postcode, like CV1 2AB", code="postcode")


def postcode_area(postcode: str) -> str:
    """The postcode area: the letters at the start, ``CV`` for ``CV1 2AB``."""
    match = _POSTCODE.match(re.sub(r"\s+", "", postcode or "").upper())
    return match[1] if match else ""
