"""Make a realistic large council for benchmarks and load tests.

Defaults: 5,000 contracts, 100,000 commitments (20 per contract, each a KPI), 400,000 KPI return
lines (4 quarterly returns per contract) and 200,000 spend rows, over financial years 2024/25
and 2025/26. Rows are written with ``bulk_create`` in batches; change history is not recorded
for generated rows. Safe to run twice: it refuses when the council already exists unless --replace.
"""

import datetime
import random
import time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from procurement.contract_models import KpiReturn, LineStatus, ReturnLine, ReturnStatus
from procurement.models import Award, Commitment, Contract, ContractSource, Kpi, Procurement, Stage, Tender
from reporting.models import SpendFile, SpendRow
from socialvalue.models import Council, Membership, Policy, Role, User
from suppliers.models import Supplier
from toms.models import Calculator, CalculatorMeasure, Measure, ProxyValue

BATCH = 5000
SIZES = ["micro", "small", "medium", "large"]
AREAS = ["LB", "LB", "LB", "LS", "M", "B"]


class Command(BaseCommand):
    help = __doc__.splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument("--slug", default="large-borough")
        parser.add_argument("--contracts", type=int, default=5000)
        parser.add_argument("--commitments-per-contract", type=int, default=20)
        parser.add_argument("--returns-per-contract", type=int, default=4)
        parser.add_argument("--spend-rows", type=int, default=200_000)
        parser.add_argument("--suppliers", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--replace", action="store_true")

    def handle(
        self,
        *args,
        slug,
        contracts,
        commitments_per_contract,
        returns_per_contract,
        spend_rows,
        suppliers,
        seed,
        replace,
        **options,
    ):
        rng = random.Random(seed)
        started = time.monotonic()
        existing = Council.objects.filter(slug=slug).first()
        if existing and not replace:
            raise CommandError(f"Council '{slug}' exists; use --replace to make it again.")
        if existing:
            self._delete(existing)
        with transaction.atomic():
            council, officer, measures = self._council(slug, rng)
            supplier_ids = self._suppliers(suppliers, rng)
            contract_rows = self._procurements(
                council, officer, measures, supplier_ids, contracts, commitments_per_contract, rng
            )
            self._returns(council, officer, contract_rows, returns_per_contract, rng)
            self._spend(council, officer, supplier_ids, spend_rows, rng)
        # Statistics and visibility maps, as autovacuum would make them soon after a load this size:
        # without them PostgreSQL plans every join as if the tables held a handful of rows.
        # After --replace, VACUUM FULL also gives back the deleted rows' space, so a benchmark on
        # replaced data reads tables the size of a fresh load.
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and not connection.in_atomic_block:
                cursor.execute("VACUUM FULL ANALYZE" if existing else "VACUUM ANALYZE")
            else:  # SQLite, or inside a transaction (tests), where VACUUM cannot run
                cursor.execute("ANALYZE")
        self.stdout.write(
            f"{council.name}: {contracts} contracts, {contracts * commitments_per_contract} commitments, "
            f"{ReturnLine.objects.filter(kpi__contract__council=council).count()} return lines, "
            f"{spend_rows} spend rows in {time.monotonic() - started:.1f} s"
        )

    def _delete(self, council):
        # Children first: the models protect awards, tenders and contracts from cascading deletes.
        # Generated rows go without a trace: a plain delete() would fetch each one and write its
        # history (400,000 return lines took minutes), which made-up data has no use for.
        for qs in (
            ReturnLine.objects.filter(kpi__contract__council=council),
            KpiReturn.objects.filter(contract__council=council),
            Kpi.objects.filter(contract__council=council),
            Contract.objects.filter(council=council),
            Award.objects.filter(procurement__council=council),
            Commitment.objects.filter(tender__procurement__council=council),
            Tender.objects.filter(procurement__council=council),
            Procurement.objects.filter(council=council),
            SpendRow.objects.filter(council=council),
        ):
            qs._raw_delete(qs.db)
        council.delete()

    def _council(self, slug, rng):
        council = Council.objects.create(
            name="Large Borough Council", short_name="Large Borough", slug=slug, local_postcode_areas="LB"
        )
        officer, _ = User.objects.get_or_create(
            email=f"officer@{slug}.example", defaults={"full_name": "Scale Officer"}
        )
        Membership.objects.get_or_create(user=officer, council=council, role=Role.PROCUREMENT_OFFICER)
        policy = Policy.objects.create(
            council=council, title="Social Value Policy", effective_date=datetime.date(2024, 4, 1)
        )
        outcomes = []
        for t, theme_name in enumerate(("Economic", "Social", "Environmental"), start=1):
            theme = policy.themes.create(name=theme_name, position=t)
            for o in range(1, 4):
                outcomes.append(theme.outcomes.create(name=f"{theme_name} outcome {o}", position=o))
        calculator = Calculator.objects.create(council=council, name="Services", category="services")
        measures = []
        for i in range(40):
            m = Measure.objects.create(council=council, code=f"LB{i + 1:02d}", name=f"Measure {i + 1}", unit="units")
            m.outcomes.add(outcomes[i % len(outcomes)])
            for year in (2024, 2025, 2026):
                ProxyValue.objects.create(measure=m, year=year, value=Decimal(rng.randint(5, 5000)), source="Generated")
            CalculatorMeasure.objects.create(calculator=calculator, measure=m, position=i + 1)
            measures.append((m, {pv.year: pv.value for pv in m.proxy_values.all()}))
        return council, officer, measures

    def _suppliers(self, count, rng):
        made = Supplier.objects.bulk_create(
            [
                Supplier(
                    name=f"Scale Supplier {i:05d} Ltd",
                    companies_house_number=f"{90000000 + i}",
                    size_class=rng.choice(SIZES),
                    postcode_area=rng.choice(AREAS),
                    is_vcse=rng.random() < 0.08,
                    postcode="LB1 1AA",
                )
                for i in range(count)
            ],
            batch_size=BATCH,
        )
        return [s.pk for s in made]

    def _procurements(self, council, officer, measures, supplier_ids, count, per_contract, rng):
        tz = timezone.get_default_timezone()
        procurements = Procurement.objects.bulk_create(
            [
                Procurement(
                    council=council,
                    reference=f"LB-{i:05d}",
                    title=f"Contract {i}",
                    category="services",
                    estimated_value=Decimal(rng.randint(50_000, 2_000_000)),
                    lead_officer=officer,
                    stage=Stage.AWARDED,
                    opened_at=timezone.now(),
                    opened_by=officer,
                    tender_deadline=timezone.now(),
                )
                for i in range(count)
            ],
            batch_size=BATCH,
        )
        tenders = Tender.objects.bulk_create(
            [
                Tender(
                    procurement=p,
                    supplier_id=rng.choice(supplier_ids),
                    price=p.estimated_value,
                    submitted_at=timezone.now(),
                    social_value_response="Generated",
                )
                for p in procurements
            ],
            batch_size=BATCH,
        )
        commitments = []
        for t in tenders:
            for m, values in rng.sample(measures, per_contract):
                q = Decimal(rng.randint(1, 50))
                commitments.append(
                    Commitment(
                        tender=t, measure=m, quantity=q, year=2025, proxy_value=values[2025], value=q * values[2025]
                    )
                )
        Commitment.objects.bulk_create(commitments, batch_size=BATCH)
        awards, contract_objs = [], []
        for i, (p, t) in enumerate(zip(procurements, tenders, strict=True)):
            year = 2024 if i % 5 == 0 else 2025  # a fifth last year, for the year-on-year figures
            day = datetime.datetime(year, 4, 1, 12, tzinfo=tz) + datetime.timedelta(days=rng.randint(0, 360))
            awards.append(Award(procurement=p, tender=t, reason="Generated", awarded_by=officer, awarded_at=day))
        Award.objects.bulk_create(awards, batch_size=BATCH)
        for a in awards:
            start = a.awarded_at.date()
            contract_objs.append(
                Contract(
                    council=council,
                    procurement=a.procurement,
                    award=a,
                    supplier_id=a.tender.supplier_id,
                    reference=a.procurement.reference,
                    title=a.procurement.title,
                    value=a.tender.price,
                    start_date=start,
                    end_date=start + datetime.timedelta(days=730),
                    source=ContractSource.AWARD,
                )
            )
        Contract.objects.bulk_create(contract_objs, batch_size=BATCH)
        by_tender = {c.award.tender_id: c for c in contract_objs}
        kpis = [
            Kpi(
                contract=by_tender[c.tender_id],
                commitment=c,
                measure=c.measure,
                name=c.measure.name,
                unit="units",
                target_quantity=c.quantity,
                proxy_value=c.proxy_value,
                target_value=c.value,
            )
            for c in commitments
        ]
        Kpi.objects.bulk_create(kpis, batch_size=BATCH)
        rows = {}
        for k in kpis:
            rows.setdefault(k.contract.pk, (k.contract, []))[1].append(k)
        return list(rows.values())

    def _returns(self, council, officer, contract_rows, per_contract, rng):
        tz = timezone.get_default_timezone()
        returns, lines = [], []
        for contract, kpis in contract_rows:
            for n in range(1, per_contract + 1):
                start = contract.start_date + datetime.timedelta(days=91 * (n - 1))
                verified = datetime.datetime.combine(start + datetime.timedelta(days=100), datetime.time(12), tz)
                r = KpiReturn(
                    contract=contract,
                    number=n,
                    period_start=start,
                    period_end=start + datetime.timedelta(days=90),
                    status=ReturnStatus.VERIFIED,
                    submitted_by=officer,
                    submitted_at=verified,
                    verified_by=officer,
                    verified_at=verified,
                )
                returns.append(r)
                for k in kpis:
                    accepted = rng.random() < 0.9
                    lines.append(
                        ReturnLine(
                            kpi_return=r,
                            kpi=k,
                            quantity=(k.target_quantity * Decimal(rng.randint(0, 40)) / 100).quantize(Decimal("0.01")),
                            status=LineStatus.ACCEPTED if accepted else LineStatus.REJECTED,
                            reason="" if accepted else "Evidence missing",
                            verified_by=officer,
                            verified_at=verified,
                        )
                    )
        KpiReturn.objects.bulk_create(returns, batch_size=BATCH)
        ReturnLine.objects.bulk_create(lines, batch_size=BATCH)

    def _spend(self, council, officer, supplier_ids, count, rng):
        upload = SpendFile.objects.create(council=council, filename="generated.csv", uploaded_by=officer, rows=count)
        rows = []
        for i in range(count):
            matched = rng.random() < 0.85
            rows.append(
                SpendRow(
                    council=council,
                    file=upload,
                    body=council.name,
                    paid_on=datetime.date(2024, 4, 1) + datetime.timedelta(days=rng.randint(0, 729)),
                    transaction_number=f"T{i:07d}",
                    amount=Decimal(rng.randint(500, 250_000)),
                    payee=f"Payee {i % 5000}",
                    payee_key=f"PAYEE {i % 5000}",
                    supplier_id=rng.choice(supplier_ids) if matched else None,
                    match=SpendRow.Match.NAME if matched else SpendRow.Match.NONE,
                    fingerprint=f"gen-{i}",
                )
            )
        SpendRow.objects.bulk_create(rows, batch_size=BATCH)
