"""Demo activity so a newcomer sees every part working: procurements, a contract with returns,
spend data, and a published annual report, for each demo council that has example calculators.

Idempotent: each council's demo activity is made once (recognised by its procurement references).
Refuses to run with DJANGO_DEBUG off unless --allow-production, like load_demo_data.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from procurement.contract_models import KpiReturn, LineStatus, ReturnLine, ReturnStatus
from procurement.models import Award, Commitment, Contract, ContractSource, Kpi, Procurement, Stage, Tender
from reporting import services
from reporting.models import AnnualReport
from socialvalue.models import Council, User
from suppliers.models import Supplier
from toms.models import Calculator

SPEND = """Body,Date,Transaction Number,Amount,Supplier Name,Expense Type,Service Area
{council},{d1},DEMO-{slug}-1,48250.00,{local},Construction works,Highways
{council},{d2},DEMO-{slug}-2,12600.00,{vcse},Community services,Adult social care
{council},{d3},DEMO-{slug}-3,96000.00,National Facilities Group plc,Facilities management,Property
{council},{d4},DEMO-{slug}-4,7450.50,Corner Print Shop,Printing,Communications
"""


class Command(BaseCommand):
    help = __doc__.splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument("--allow-production", action="store_true")

    def handle(self, *args, allow_production, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("Demo data is for development; refusing with DJANGO_DEBUG off.")
        for council in Council.objects.order_by("name"):
            calculator = Calculator.objects.filter(council=council, category="services").first()
            officer = User.objects.filter(email=f"officer@{council.slug}.example").first()
            manager = User.objects.filter(email=f"manager@{council.slug}.example").first()
            if calculator is None or officer is None:
                continue
            if Procurement.objects.filter(council=council, reference=f"DEMO-{council.slug.upper()[:6]}-1").exists():
                self.stdout.write(f"{council.name}: demo activity already loaded")
                continue
            self._activity(council, calculator, officer, manager)

    @transaction.atomic
    def _activity(self, council, calculator, officer, manager):
        prefix = f"DEMO-{council.slug.upper()[:6]}"
        local = Supplier.objects.filter(name="Midlands Community Builders Ltd").first() or Supplier.objects.create(
            name="Midlands Community Builders Ltd"
        )
        vcse = Supplier.objects.filter(name="Humber Green Services CIC").first() or Supplier.objects.create(
            name="Humber Green Services CIC"
        )
        now = timezone.now()
        this_year = council.financial_year_of(timezone.localdate())
        last_year = this_year - 1
        tz = timezone.get_default_timezone()

        # Open for tenders: suppliers can commit social value in the live calculator.
        open_p = Procurement.objects.create(
            council=council,
            reference=f"{prefix}-1",
            title="Community transport services",
            category="services",
            estimated_value=Decimal("250000"),
            lead_officer=officer,
            stage=Stage.TENDERING,
            calculator=calculator,
            tender_deadline=now + datetime.timedelta(days=21),
            approved_by=officer,
            approved_at=now,
            approval_reference="Leadership Team, demo decision",
        )
        open_p.outcomes.set(list(calculator.measures.values_list("outcomes", flat=True).distinct()[:3]))

        # Awarded last year, with the winner's commitments as KPIs and returns verified since.
        awarded_on = datetime.datetime(last_year, 7, 1, 10, tzinfo=tz)
        won = Procurement.objects.create(
            council=council,
            reference=f"{prefix}-2",
            title="Highways maintenance framework",
            category="works",
            estimated_value=Decimal("420000"),
            lead_officer=officer,
            stage=Stage.AWARDED,
            calculator=calculator,
            tender_deadline=awarded_on - datetime.timedelta(days=30),
            opened_at=awarded_on,
            opened_by=officer,
            approved_by=officer,
            approved_at=awarded_on,
            approval_reference="Cabinet, demo decision",
        )
        Procurement.objects.filter(pk=won.pk).update(created_at=awarded_on - datetime.timedelta(days=90))
        tender = Tender.objects.create(
            procurement=won,
            supplier=local,
            price=Decimal("398500"),
            social_value_response="Local apprentices and supply chain",
            submitted_at=awarded_on - datetime.timedelta(days=31),
        )
        measures = [m for m in calculator.ordered_measures() if m.is_quantitative]
        priced = [(m, m.as_calculation_input().proxy_values.get(last_year)) for m in measures]
        priced = [(m, v) for m, v in priced if v][:4]
        for measure, value in priced:
            # About £10,000 of social value per measure: some 10% of the contract across four.
            q = max(Decimal("1"), (Decimal("10000") / value).quantize(Decimal("1")))
            Commitment.objects.create(
                tender=tender,
                measure=measure,
                quantity=q,
                year=last_year,
                proxy_value=value,
                value=(q * value).quantize(Decimal("0.01")),
            )
        award = Award.objects.create(
            procurement=won, tender=tender, reason="Highest total score", awarded_by=officer, awarded_at=awarded_on
        )
        contract = Contract.objects.create(
            council=council,
            procurement=won,
            award=award,
            supplier=local,
            reference=won.reference,
            title=won.title,
            value=tender.price,
            start_date=awarded_on.date(),
            end_date=awarded_on.date().replace(year=last_year + 3),
            contract_manager=manager,
            source=ContractSource.AWARD,
        )
        kpis = [
            Kpi.objects.create(
                contract=contract,
                commitment=c,
                measure=c.measure,
                name=c.measure.name,
                unit=c.measure.unit,
                target_quantity=c.quantity,
                proxy_value=c.proxy_value,
                target_value=c.value,
                position=i,
            )
            for i, c in enumerate(tender.commitments.select_related("measure"), start=1)
        ]
        for number, share in ((1, Decimal("0.15")), (2, Decimal("0.12"))):
            start = contract.start_date + datetime.timedelta(days=91 * (number - 1))
            verified = datetime.datetime.combine(start + datetime.timedelta(days=100), datetime.time(11), tz)
            ret = KpiReturn.objects.create(
                contract=contract,
                number=number,
                period_start=start,
                period_end=start + datetime.timedelta(days=90),
                status=ReturnStatus.VERIFIED,
                submitted_at=verified,
                verified_at=verified,
                verified_by=manager,
            )
            for kpi in kpis:
                ReturnLine.objects.create(
                    kpi_return=ret,
                    kpi=kpi,
                    status=LineStatus.ACCEPTED,
                    verified_at=verified,
                    verified_by=manager,
                    quantity=(kpi.target_quantity * share).quantize(Decimal("0.01")),
                )

        # Spend over £500 last year, and the year's report, published.
        days = [datetime.date(last_year, m, 15) for m in (5, 8, 11, 12)]
        content = SPEND.format(
            council=council.name,
            slug=council.slug,
            local=local.name,
            vcse=vcse.name,
            d1=days[0].strftime("%d/%m/%Y"),
            d2=days[1].strftime("%d/%m/%Y"),
            d3=days[2].strftime("%d/%m/%Y"),
            d4=days[3].strftime("%d/%m/%Y"),
        ).encode()
        services.spend_import(council=council, content=content, filename="demo-spend.csv", by=officer)
        report = AnnualReport.objects.create(council=council, year=last_year, version=1, requested_by=officer)
        services.report_build(report_id=report.pk)
        report.refresh_from_db()
        if report.status == AnnualReport.Status.SUCCEEDED:
            services.report_publish(report=report, by=officer)
        self.stdout.write(
            f"{council.name}: demo procurements, a contract with returns, spend and the "
            f"{last_year}/{(last_year + 1) % 100:02d} report ({report.status})"
        )
