import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from procurement.models import Category, Contract, ContractSource, Kpi, Procurement, Stage, Tender
from socialvalue.tests.factories import CouncilFactory, UserFactory
from suppliers.tests.factories import SupplierFactory
from toms.tests.factories import CalculatorFactory, MeasureFactory

YEARS = {2024: "1", 2025: "1", 2026: "1", 2027: "1"}


def calculator_for(council, *values):
    """A calculator of measures with £ per unit ``values``, priced for every year a test may hit."""
    measures = [MeasureFactory(council=council, unit="weeks", values={y: v for y in YEARS}) for v in values or ("100",)]
    return CalculatorFactory(council=council, measures=measures)


class ProcurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procurement

    council = factory.SubFactory(CouncilFactory)
    reference = factory.Sequence(lambda n: f"SV-2026-{n:04d}")
    title = factory.Sequence(lambda n: f"Grounds maintenance lot {n}")
    category = Category.SERVICES
    estimated_value = Decimal("250000")
    lead_officer = factory.SubFactory(UserFactory)
    tender_deadline = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))
    stage = Stage.PLANNING
    calculator = factory.LazyAttribute(lambda o: calculator_for(o.council, "100", "2500"))


class TenderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tender

    procurement = factory.SubFactory(ProcurementFactory)
    supplier = factory.SubFactory(SupplierFactory)
    price = Decimal("240000")
    social_value_response = "We will recruit locally and train apprentices."


class ContractFactory(factory.django.DjangoModelFactory):
    """A contract entered by hand, a year into its three years by default."""

    class Meta:
        model = Contract

    council = factory.SubFactory(CouncilFactory)
    supplier = factory.SubFactory(SupplierFactory)
    reference = factory.Sequence(lambda n: f"C-{n:05d}")
    title = factory.Sequence(lambda n: f"Highways maintenance {n}")
    value = Decimal("1000000")
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=365))
    end_date = factory.LazyAttribute(lambda o: o.start_date + datetime.timedelta(days=3 * 365))
    source = ContractSource.ENTERED


class KpiFactory(factory.django.DjangoModelFactory):
    """A KPI with a £ value: 100 weeks at £10 a week unless told otherwise."""

    class Meta:
        model = Kpi

    contract = factory.SubFactory(ContractFactory)
    name = factory.Sequence(lambda n: f"Apprenticeship weeks {n}")
    unit = "weeks"
    target_quantity = Decimal("100")
    proxy_value = Decimal("10")
    target_value = factory.LazyAttribute(
        lambda o: (
            (Decimal(o.target_quantity) * Decimal(o.proxy_value)).quantize(Decimal("0.01"))
            if o.proxy_value is not None
            else None
        )
    )
    position = factory.Sequence(lambda n: n)
