"""Delivered against committed, and the RAG status that says whether a KPI is keeping pace.

A commitment is spread over the contract's life, so what counts is delivery against what should
have been delivered *by now*: expected = target × (time elapsed ÷ contract length). The pace is
delivered ÷ expected, compared with the council's tolerances (defaults below):

- ahead of schedule: pace ≥ 110%
- on track:          pace ≥ 90%
- at risk:           pace ≥ 70%
- failing:           below 70%

Before the contract starts nothing is expected, so any KPI is on track (or ahead if something has
already been delivered). At or after the end, expected = the whole target.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
HUNDRED = Decimal("100")


class Rag:
    AHEAD = "ahead"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    FAILING = "failing"

    LABELS = {AHEAD: "Ahead of schedule", ON_TRACK: "On track", AT_RISK: "At risk", FAILING: "Failing"}
    ORDER = {FAILING: 0, AT_RISK: 1, ON_TRACK: 2, AHEAD: 3}


@dataclass(frozen=True)
class Tolerances:
    ahead_from: Decimal = Decimal("110")  # % of expected
    on_track_from: Decimal = Decimal("90")
    at_risk_from: Decimal = Decimal("70")


def fraction_elapsed(start: datetime.date, end: datetime.date, today: datetime.date) -> Decimal:
    """How far through the contract we are, 0 to 1."""
    if today <= start:
        return ZERO
    if today >= end or end <= start:
        return Decimal("1")
    return Decimal((today - start).days) / Decimal((end - start).days)


@dataclass(frozen=True)
class Progress:
    target: Decimal
    delivered: Decimal
    expected: Decimal
    percent_delivered: Decimal | None  # of the whole target
    pace: Decimal | None  # % of expected by now
    rag: str

    @property
    def rag_label(self) -> str:
        return Rag.LABELS[self.rag]


def pace_and_rag(
    *,
    target: Decimal,
    delivered: Decimal,
    start: datetime.date,
    end: datetime.date,
    today: datetime.date,
    tolerances: Tolerances = Tolerances(),
) -> tuple[Decimal, Decimal | None, str]:
    """The rule itself: (expected by now, pace as an unrounded % of expected or None, RAG status).
    ``progress`` adds the rounded figures a page shows; a report over thousands of contracts
    classes them all with this and rounds only the ones it shows."""
    expected = (target * fraction_elapsed(start, end, today)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    if expected <= 0:
        return expected, None, (Rag.AHEAD if delivered > 0 and target > 0 else Rag.ON_TRACK)
    exact = delivered * HUNDRED / expected  # compared unrounded; shown to one place
    if exact >= tolerances.ahead_from:
        rag = Rag.AHEAD
    elif exact >= tolerances.on_track_from:
        rag = Rag.ON_TRACK
    elif exact >= tolerances.at_risk_from:
        rag = Rag.AT_RISK
    else:
        rag = Rag.FAILING
    return expected, exact, rag


def progress(
    *,
    target: Decimal,
    delivered: Decimal,
    start: datetime.date,
    end: datetime.date,
    today: datetime.date,
    tolerances: Tolerances = Tolerances(),
) -> Progress:
    """Progress of one KPI (or one contract's £ totals) and its RAG status."""
    target, delivered = Decimal(target), Decimal(delivered)
    expected, exact, rag = pace_and_rag(
        target=target, delivered=delivered, start=start, end=end, today=today, tolerances=tolerances
    )
    percent = (delivered * HUNDRED / target).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if target else None
    pace = None if exact is None else exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return Progress(target, delivered, expected, percent, pace, rag)
