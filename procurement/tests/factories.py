import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from procurement.models import Category, Procurement, Stage, Tender
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
