"""Procurement Act 2023 thresholds for sub-central contracting authorities, by date.

A dated table, because thresholds are revised every two years: the value in force on a date is the
row whose ``valid_from`` is the latest on or before it. Figures include VAT.

- Until 31 December 2025: goods and services £214,904; works £5,372,609.
- From 1 January 2026: goods and services £207,720; works £5,193,000.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Threshold:
    valid_from: datetime.date
    goods: Decimal
    services: Decimal
    works: Decimal

    def for_category(self, category: str) -> Decimal:
        return getattr(self, category)


THRESHOLDS = (
    Threshold(datetime.date(2024, 1, 1), Decimal("214904"), Decimal("214904"), Decimal("5372609")),
    Threshold(datetime.date(2026, 1, 1), Decimal("207720"), Decimal("207720"), Decimal("5193000")),
)


def threshold_on(category: str, on: datetime.date) -> tuple[Decimal, Threshold]:
    """The threshold for ``category`` ("goods", "services" or "works") in force on ``on``."""
    in_force = [t for t in THRESHOLDS if t.valid_from <= on]
    row = max(in_force, key=lambda t: t.valid_from) if in_force else THRESHOLDS[0]
    return row.for_category(category), row
