"""Awarded procurements built the way the application builds them: through the services."""

import datetime
from decimal import Decimal

from django.utils import timezone

from procurement import contract_services, services
from procurement.models import Procurement, Stage
from procurement.tests.factories import ProcurementFactory, calculator_for
from socialvalue.models import Outcome
from suppliers.models import Supplier


def awarded_procurement(*, council, officer, supplier: Supplier, sensitive=False, quantities=("3", "2"), **fields):
    """A procurement tendered, opened, evaluated and awarded to ``supplier`` with its commitments."""
    calculator = calculator_for(council, "100", "2500")
    procurement = ProcurementFactory(
        council=council,
        lead_officer=officer,
        stage=Stage.TENDERING,
        calculator=calculator,
        tender_deadline=timezone.now() + datetime.timedelta(days=7),
        **fields,
    )
    policy = council.current_policy
    if policy is not None:
        procurement.outcomes.set(Outcome.objects.filter(theme__policy=policy)[:1])
    measures = calculator.ordered_measures()
    member = supplier.members.select_related("user").first()
    supplier_user = member.user if member else officer
    tender = services.tender_save(
        procurement=procurement,
        supplier=supplier,
        by=supplier_user,
        price=Decimal("240000"),
        social_value_response="We will recruit locally and train apprentices.",
        quantities={m: Decimal(q) for m, q in zip(measures, quantities, strict=False)},
    )
    services.tender_submit(tender=tender, by=supplier_user)
    Procurement.objects.filter(pk=procurement.pk).update(tender_deadline=timezone.now() - datetime.timedelta(hours=1))
    procurement.refresh_from_db()
    services.tenders_open(procurement=procurement, by=officer)
    tender.refresh_from_db()
    return services.contract_award(
        procurement=procurement,
        tender=tender,
        reason="Highest total score",
        commercially_sensitive=sensitive,
        by=officer,
        start_date=datetime.date(2026, 4, 1),
        end_date=datetime.date(2028, 3, 31),
    )


def supplier_of(user) -> Supplier:
    return user.supplier_memberships.get().supplier


def kpi_return(contract, *, by, number=1, comment="", submit=True):
    """Return ``number`` of ``contract`` with a figure for every KPI, saved (and submitted) by the services.

    Opened as on the period's first day, so it does not depend on today's date.
    """
    period = contract.periods()[number - 1]
    opened = contract_services.return_open(contract=contract, number=number, today=period.start)
    lines = {kpi.pk: (Decimal("1"), comment) for kpi in contract.kpis.all()}
    contract_services.return_save(kpi_return=opened, by=by, lines=lines)
    if submit:
        contract_services.return_submit(kpi_return=opened, by=by)
    return opened
