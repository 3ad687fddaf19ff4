import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from procurement.models import Category, Procurement, Stage, Tender
from socialvalue.tests.factories import CouncilFactory, UserFactory
from suppliers.tests.factories import SupplierFactory


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


class TenderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tender

    procurement = factory.SubFactory(ProcurementFactory)
    supplier = factory.SubFactory(SupplierFactory)
    price = Decimal("240000")
    social_value_response = "We will recruit locally and train apprentices."
