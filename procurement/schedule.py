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


# A period's return is due this many days after the period ends. Neither seed council states a
# deadline; four weeks is the usual contract-management allowance and a council can change it here.
RETURN_DUE_DAYS = 28


def due_date(period: Period, *, days: int = RETURN_DUE_DAYS) -> datetime.date:
    """When the supplier's return for ``period`` is due."""
    return period.end + datetime.timedelta(days=days)


class Due:
    NOT_YET = "not_yet"  # the period has not ended
    DUE_SOON = "due_soon"  # ended; the due date has not passed
    OVERDUE = "overdue"  # the due date has passed


def due_state(period: Period, today: datetime.date, *, days: int = RETURN_DUE_DAYS) -> str:
    """Where an unsubmitted return for ``period`` stands on ``today``."""
    if today <= period.end:
        return Due.NOT_YET
    if today <= due_date(period, days=days):
        return Due.DUE_SOON
    return Due.OVERDUE
