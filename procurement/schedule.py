"""Reporting periods for a contract: quarterly by default, from the contract's start date."""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive

    def label(self) -> str:
        return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    # Clamp to the month's last day (31 January + 1 month = 28/29 February).
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, d)
        except ValueError:
            continue
    raise ValueError("unreachable")


def periods(start: datetime.date, end: datetime.date, *, months: int = 3) -> list[Period]:
    """Consecutive periods of ``months`` from ``start``; the last one ends on ``end``."""
    if end < start:
        raise ValueError("The contract must end on or after its start")
    result = []
    n = 0
    while True:
        p_start = _add_months(start, months * n)
        if p_start > end:
            break
        p_end = min(_add_months(start, months * (n + 1)) - datetime.timedelta(days=1), end)
        result.append(Period(p_start, p_end))
        n += 1
    return result
