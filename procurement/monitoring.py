"""Reads for the contract monitoring pages: queryset aggregates combined with the pure rules.

Every function here runs a fixed number of queries whatever the number of contracts, KPIs or
returns: figures come from one annotated query, and RAG, due dates and "needing attention" are
worked out in Python from those rows (``performance.progress``, ``schedule.due_state``).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from . import performance, schedule
from .contract_models import KpiReturn, LineStatus, ReturnLine, ReturnStatus
from .models import ContractStatus, Kpi

ZERO = Decimal("0")
RAG_TAGS = {
    performance.Rag.AHEAD: "govuk-tag--turquoise",
    performance.Rag.ON_TRACK: "govuk-tag--green",
    performance.Rag.AT_RISK: "govuk-tag--yellow",
    performance.Rag.FAILING: "govuk-tag--red",
}
RATING_INTERVAL_DAYS = 365


def tolerances_for(council) -> performance.Tolerances:
    """The council's own RAG boundaries (council settings), as the pure module takes them."""
    return performance.Tolerances(
        ahead_from=council.rag_ahead_from,
        on_track_from=council.rag_on_track_from,
        at_risk_from=council.rag_at_risk_from,
    )


@dataclass(frozen=True)
class Shown:
    """A progress with what the page needs to show it."""

    progress: performance.Progress

    @property
    def rag(self):
        return self.progress.rag

    @property
    def label(self):
        return self.progress.rag_label

    @property
    def tag(self):
        return RAG_TAGS[self.progress.rag]


def contract_progress(contract, *, today, tolerances) -> Shown | None:
    """The contract's delivered £ against committed £ at its pace; None if no KPI carries a £ target.

    Uses the ``committed_value``/``delivered_value`` annotations of ``with_performance()``.
    """
    if not contract.committed_value:
        return None
    return Shown(
        performance.progress(
            target=contract.committed_value,
            delivered=contract.delivered_value,
            start=contract.start_date,
            end=contract.end_date,
            today=today,
            tolerances=tolerances,
        )
    )


@dataclass
class KpiRow:
    kpi: Kpi
    delivered: Decimal
    delivered_value: Decimal | None
    shown: Shown


def kpi_rows(contract, *, today, tolerances) -> list[KpiRow]:
    """Each KPI with cumulative accepted quantity, its £ and RAG: one query for all KPIs."""
    accepted = (
        ReturnLine.objects.filter(kpi=OuterRef("pk"), status=LineStatus.ACCEPTED)
        .order_by()
        .values("kpi")
        .annotate(total=Sum("quantity"))
        .values("total")[:1]
    )
    output = DecimalField(max_digits=20, decimal_places=4)
    kpis = contract.kpis.select_related("measure").annotate(
        delivered=Coalesce(Subquery(accepted, output_field=output), Value(ZERO), output_field=output)
    )
    rows = []
    for kpi in kpis:
        value = (kpi.delivered * kpi.proxy_value).quantize(Decimal("0.01")) if kpi.proxy_value is not None else None
        progress = performance.progress(
            target=kpi.target_quantity,
            delivered=kpi.delivered,
            start=contract.start_date,
            end=contract.end_date,
            today=today,
            tolerances=tolerances,
        )
        rows.append(KpiRow(kpi, kpi.delivered, value, Shown(progress)))
    return rows


@dataclass
class PeriodRow:
    number: int
    period: schedule.Period
    due: datetime.date
    state: str  # schedule.Due value, or "submitted" once a return has gone in
    kpi_return: KpiReturn | None

    @property
    def is_open(self) -> bool:
        """A supplier may report on a period once it has started."""
        return self.period.start <= self._today

    _today: datetime.date = field(default=datetime.date.min, repr=False)

    @property
    def label(self) -> str:
        if self.kpi_return is not None and self.kpi_return.status != ReturnStatus.DRAFT:
            return self.kpi_return.get_status_display()
        return {
            schedule.Due.NOT_YET: "Not due yet",
            schedule.Due.DUE_SOON: "Due",
            schedule.Due.OVERDUE: "Overdue",
        }[self.state]

    @property
    def tag(self) -> str:
        if self.kpi_return is not None and self.kpi_return.status != ReturnStatus.DRAFT:
            return self.kpi_return.status_tag
        return {
            schedule.Due.NOT_YET: "govuk-tag--grey",
            schedule.Due.DUE_SOON: "govuk-tag--yellow",
            schedule.Due.OVERDUE: "govuk-tag--red",
        }[self.state]


def period_rows(contract, returns, *, today) -> list[PeriodRow]:
    """The reporting schedule with each period's return (if any) and whether it is due or overdue."""
    by_start = {r.period_start: r for r in returns}
    rows = []
    for number, period in enumerate(contract.periods(), start=1):
        kpi_return = by_start.get(period.start)
        rows.append(
            PeriodRow(
                number=number,
                period=period,
                due=schedule.due_date(period),
                state=schedule.due_state(period, today),
                kpi_return=kpi_return,
                _today=today,
            )
        )
    return rows


def unsubmitted(contract, submitted_starts: set, *, today):
    """(period number, period, due state) for each ended period with no return submitted."""
    for number, period in enumerate(contract.periods(), start=1):
        if period.end >= today:
            break
        if period.start not in submitted_starts:
            yield number, period, schedule.due_state(period, today)


def returns_due(contracts, *, today) -> tuple[list[dict], list[tuple]]:
    """A supplier's returns to send, soonest due first, and the returns the council sent back for
    changes, as (contract, number): two queries however many contracts."""
    contracts = list(contracts)
    ids = [c.pk for c in contracts]
    submitted = {}
    for contract_id, start in (
        KpiReturn.objects.filter(contract__in=ids)
        .exclude(status=ReturnStatus.DRAFT)
        .values_list("contract_id", "period_start")
        .order_by()
    ):
        submitted.setdefault(contract_id, set()).add(start)
    to_correct = set(
        KpiReturn.objects.filter(contract__in=ids, status=ReturnStatus.CHANGES_REQUESTED)
        .values_list("contract_id", "number")
        .order_by()
    )
    due = []
    for contract in contracts:
        for number, period, state in unsubmitted(contract, submitted.get(contract.pk, set()), today=today):
            due.append(
                {
                    "contract": contract,
                    "number": number,
                    "period": period,
                    "due": schedule.due_date(period),
                    "overdue": state == schedule.Due.OVERDUE,
                }
            )
    due.sort(key=lambda row: row["due"])
    by_id = {c.pk: c for c in contracts}
    return due, [(by_id[contract_id], number) for contract_id, number in sorted(to_correct)]


def rating_due(contract, *, today) -> str:
    """Why a performance rating is due, or "" (Procurement Act 2023: at least yearly, and at the end).

    Due when the contract has ended without a final rating, or when twelve months have passed since
    the last rating (or, if none yet, since the start). Uses ``for_dashboard()`` annotations.
    """
    if contract.end_date < today or contract.status != ContractStatus.ACTIVE:
        return "" if contract.has_final_rating else "Final rating due"
    since = contract.last_rated_on or contract.start_date
    if (today - since).days >= RATING_INTERVAL_DAYS:
        return "Yearly rating due"
    return ""


@dataclass
class Attention:
    """The contract manager's home page: what needs doing, each list soonest or worst first."""

    at_risk: list = field(default_factory=list)  # (contract, shown)
    overdue: list = field(default_factory=list)  # (contract, number, period, due)
    awaiting: list = field(default_factory=list)  # (contract, lines awaiting)
    ratings_due: list = field(default_factory=list)  # (contract, reason)
    short_of_kpis: list = field(default_factory=list)  # (contract, short by)
    contract_count: int = 0

    @property
    def total(self):
        return (
            len(self.at_risk) + len(self.overdue) + len(self.awaiting) + len(self.ratings_due) + len(self.short_of_kpis)
        )


def attention(contracts, *, today, tolerances) -> Attention:
    """Contracts needing attention, in two queries whatever their number.

    ``contracts`` is a queryset (visible, for one council); terminated contracts are left out.
    """
    contracts = list(contracts.exclude(status=ContractStatus.TERMINATED).for_dashboard().order_by("end_date", "pk"))
    submitted = {}
    for contract_id, start in (
        KpiReturn.objects.filter(contract__in=[c.pk for c in contracts])
        .exclude(status=ReturnStatus.DRAFT)
        .values_list("contract_id", "period_start")
        .order_by()
    ):
        submitted.setdefault(contract_id, set()).add(start)
    result = Attention(contract_count=len(contracts))
    for contract in contracts:
        shown = contract_progress(contract, today=today, tolerances=tolerances)
        contract.shown = shown
        if shown and shown.rag in (performance.Rag.AT_RISK, performance.Rag.FAILING):
            result.at_risk.append((contract, shown))
        if contract.status == ContractStatus.ACTIVE:
            for number, period, state in unsubmitted(contract, submitted.get(contract.pk, set()), today=today):
                if state == schedule.Due.OVERDUE:
                    result.overdue.append((contract, number, period, schedule.due_date(period)))
        if contract.lines_awaiting or contract.returns_awaiting:
            result.awaiting.append((contract, contract.lines_awaiting))
        reason = rating_due(contract, today=today)
        if reason:
            result.ratings_due.append((contract, reason))
        short = contract.kpis_short_by(contract.kpi_count)
        if short:
            result.short_of_kpis.append((contract, short))
    result.at_risk.sort(key=lambda pair: (performance.Rag.ORDER[pair[1].rag], pair[1].progress.pace or ZERO))
    result.overdue.sort(key=lambda row: row[3])
    return result
