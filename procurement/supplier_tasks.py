"""What a supplier's people have to do, for the top of their home page ("Your organisation"):
returns due, overdue or sent back, tenders started but not submitted, and opportunities not yet
looked at. Every list comes through the models' ``visible_to`` and the user's own organisations,
in a fixed number of queries however many contracts and procurements there are."""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.utils import timezone

from . import monitoring
from .models import Contract, Procurement, Tender

SHOWN = 5  # rows of each list on the home page; the full lists are a link away


@dataclass
class SupplierTasks:
    due: list = field(default_factory=list)  # returns due and overdue, soonest first
    corrections: list = field(default_factory=list)  # (contract, return number) sent back
    drafts: list = field(default_factory=list)  # tenders started, deadline not passed
    not_started: int = 0  # opportunities open now with no tender of theirs

    @property
    def overdue(self) -> int:
        return sum(1 for row in self.due if row["overdue"])

    @property
    def due_shown(self) -> list:
        return self.due[:SHOWN]

    @property
    def due_caption(self) -> str:
        overdue = f", {self.overdue} overdue" if self.overdue else ""
        return f"Returns to send: {len(self.due)}{overdue}"

    @property
    def anything(self) -> bool:
        return bool(self.due or self.corrections or self.drafts or self.not_started)


def supplier_tasks(user, suppliers) -> SupplierTasks:
    now = timezone.now()
    contracts = (
        Contract.objects.visible_to(user)
        .filter(supplier__in=suppliers)
        .select_related("council")
        .order_by("end_date", "reference")
    )
    due, corrections = monitoring.returns_due(contracts, today=timezone.localdate())
    drafts = list(
        Tender.objects.visible_to(user)
        .filter(supplier__in=suppliers, submitted_at__isnull=True, procurement__tender_deadline__gt=now)
        .select_related("procurement__council", "supplier")
        .order_by("procurement__tender_deadline", "procurement__reference")
    )
    not_started = 0
    for supplier in suppliers:
        not_started += (
            Procurement.objects.visible_to(user)
            .open_to(supplier)
            .filter(tender_deadline__gt=now)
            .exclude(Exists(Tender.objects.filter(procurement=OuterRef("pk"), supplier=supplier)))
            .count()
        )
    return SupplierTasks(due=due, corrections=corrections, drafts=drafts, not_started=not_started)
