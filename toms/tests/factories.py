from decimal import Decimal

import factory

from socialvalue.tests.factories import CouncilFactory
from toms.models import Calculator, CalculatorMeasure, ImportJob, Measure, ProxyValue


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure
        skip_postgeneration_save = True

    council = factory.SubFactory(CouncilFactory)
    code = factory.Sequence(lambda n: f"M{n:03d}")
    name = factory.Sequence(lambda n: f"Measure {n}")
    unit = "hours"

    @factory.post_generation
    def values(self, create, extracted, **kwargs):
        """``values={2025: "12.50"}`` adds proxy values; by default one for 2025/26 at £10."""
        if not create:
            return
        for year, value in (extracted if extracted is not None else {2025: "10"}).items():
            ProxyValue.objects.create(measure=self, year=year, value=Decimal(value), source="Test")

    @factory.post_generation
    def outcomes(self, create, extracted, **kwargs):
        if create and extracted:
            self.outcomes.set(extracted)


class CalculatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Calculator
        skip_postgeneration_save = True

    council = factory.SubFactory(CouncilFactory)
    name = factory.Sequence(lambda n: f"Calculator {n}")
    category = Calculator.Category.SERVICES

    @factory.post_generation
    def measures(self, create, extracted, **kwargs):
        if create and extracted:
            for position, measure in enumerate(extracted, start=1):
                CalculatorMeasure.objects.create(calculator=self, measure=measure, position=position)


class ImportJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportJob

    council = factory.SubFactory(CouncilFactory)
    filename = "measures.csv"
    status = ImportJob.Status.SUCCEEDED
    summary = "Measures: 1 added, 0 changed. Proxy values: 1 added, 0 changed."
