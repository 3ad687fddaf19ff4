"""Business size classification (Coventry 2022 note, 3.2.3).

| Turnover or balance sheet total | Headcount      | Business size |
|---------------------------------|----------------|---------------|
| ≤ £50m or ≤ £43m                | less than 250  | Medium        |
| ≤ £10m or ≤ £10m                | less than 50   | Small         |
| ≤ £2m or ≤ £2m                  | less than 10   | Micro         |

Anything else is large. An organisation is the smallest class whose headcount limit it is under
and whose turnover *or* balance sheet limit it meets. Pure: no database, so it is tested at every
boundary and reused by forms, services and reports.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import models

from socialvalue.formatting import money


class SizeClass(models.TextChoices):
    MICRO = "micro", "Micro"
    SMALL = "small", "Small"
    MEDIUM = "medium", "Medium"
    LARGE = "large", "Large"


SME_SIZES = (SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM)


@dataclass(frozen=True)
class SizeBand:
    size: SizeClass
    headcount_below: int
    turnover_max: Decimal
    balance_sheet_max: Decimal


# Smallest first: the first band an organisation fits is its size (Coventry note 3.2.3).
BANDS = (
    SizeBand(SizeClass.MICRO, 10, Decimal("2000000"), Decimal("2000000")),
    SizeBand(SizeClass.SMALL, 50, Decimal("10000000"), Decimal("10000000")),
    SizeBand(SizeClass.MEDIUM, 250, Decimal("50000000"), Decimal("43000000")),
)


@dataclass(frozen=True)
class SizeResult:
    size: SizeClass
    reason: str

    @property
    def is_sme(self) -> bool:
        return self.size in SME_SIZES

    @property
    def label(self) -> str:
        return self.size.label


def _fits(band: SizeBand, headcount: int, turnover: Decimal | None, balance_sheet: Decimal | None) -> bool:
    money_ok = (turnover is not None and turnover <= band.turnover_max) or (
        balance_sheet is not None and balance_sheet <= band.balance_sheet_max
    )
    return headcount < band.headcount_below and money_ok


def classify(*, headcount: int, turnover: Decimal | None, balance_sheet: Decimal | None = None) -> SizeResult:
    """The size class for these figures and a sentence saying why.

    ``balance_sheet`` may be unknown (a sole trader has none): then turnover alone decides.
    """
    if headcount < 0:
        raise ValueError("Headcount cannot be negative.")
    for band in BANDS:
        if _fits(band, headcount, turnover, balance_sheet):
            return SizeResult(band.size, _reason(band, headcount, turnover, balance_sheet))
    return SizeResult(SizeClass.LARGE, _large_reason(headcount, turnover, balance_sheet))


def _reason(band: SizeBand, headcount: int, turnover, balance_sheet) -> str:
    if turnover is not None and turnover <= band.turnover_max:
        money_part = f"a turnover of {money(turnover)}, which is {money(band.turnover_max)} or less"
    else:
        money_part = (
            f"a balance sheet total of {money(balance_sheet)}, which is {money(band.balance_sheet_max)} or less"
        )
    people = "person" if headcount == 1 else "people"
    return f"{band.size.label}: {headcount} {people}, which is fewer than {band.headcount_below}, and {money_part}."


def _large_reason(headcount: int, turnover, balance_sheet) -> str:
    medium = BANDS[-1]
    if headcount >= medium.headcount_below:
        return f"Large: {headcount} people, which is {medium.headcount_below} or more."
    parts = []
    if turnover is not None:
        parts.append(f"a turnover of {money(turnover)}, over {money(medium.turnover_max)}")
    if balance_sheet is not None:
        parts.append(f"a balance sheet total of {money(balance_sheet)}, over {money(medium.balance_sheet_max)}")
    if not parts:
        return "Large: no turnover or balance sheet total was given."
    return "Large: " + " and ".join(parts) + "."
