"""How figures read on every page (JOURNEYS.md): £1,234.56, 12.5%, 1 April 2026, 2025/26."""

import calendar
from decimal import ROUND_HALF_UP, Decimal


def money(value) -> str:
    if value is None or value == "":
        return ""
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


def percent(value, places: int = 1) -> str:
    if value is None or value == "":
        return ""
    amount = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{amount:.{places}f}%"


def month_name(number: int) -> str:
    return calendar.month_name[int(number)]


def financial_year(start_year: int) -> str:
    """The financial year starting in ``start_year``, as "2025/26"."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"
