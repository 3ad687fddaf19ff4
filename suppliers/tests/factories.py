import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from socialvalue.tests.factories import CouncilFactory, UserFactory
from suppliers import questions
from suppliers.models import (
    Campaign,
    CampaignRecipient,
    CampaignResponse,
    DiversityAccess,
    DiversitySettings,
    Supplier,
    SupplierCouncil,
    SupplierMember,
)


class SupplierFactory(factory.django.DjangoModelFactory):
    """A small limited company in Coventry (postcode area CV), unless told otherwise."""

    class Meta:
        model = Supplier
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Supplier {n} Ltd")
    companies_house_number = factory.Sequence(lambda n: f"{n:08d}")
    address_line_1 = "1 High Street"
    town = "Coventry"
    postcode = "CV1 2AB"
    headcount = 12
    turnover = Decimal("1500000")
    balance_sheet_total = Decimal("800000")
    figures_year = 2026

    @factory.post_generation
    def classified(obj, create, extracted, **kwargs):
        obj.classify()
        if create:
            obj.save()


class SupplierMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierMember

    supplier = factory.SubFactory(SupplierFactory)
    user = factory.SubFactory(UserFactory)
    is_admin = True


class SupplierCouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierCouncil

    supplier = factory.SubFactory(SupplierFactory)
    council = factory.SubFactory(CouncilFactory)
    relationship = SupplierCouncil.Relationship.REGISTERED


def _today():
    return timezone.localdate()


class CampaignFactory(factory.django.DjangoModelFactory):
    """Open today unless dates are given."""

    class Meta:
        model = Campaign

    council = factory.SubFactory(CouncilFactory)
    title = factory.Sequence(lambda n: f"Supplier diversity questionnaire {n}")
    opens_on = factory.LazyFunction(lambda: _today() - datetime.timedelta(days=10))
    closes_on = factory.LazyFunction(lambda: _today() + datetime.timedelta(days=20))
    year = factory.LazyAttribute(lambda o: o.opens_on.year if o.opens_on.month >= 4 else o.opens_on.year - 1)
    question_set_version = factory.LazyFunction(lambda: questions.CURRENT_VERSION)
    questions = factory.LazyAttribute(lambda o: questions.question_set(o.question_set_version))
    privacy_notice = "We use your answers to understand the diversity of our supply chain."


class CampaignRecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CampaignRecipient

    campaign = factory.SubFactory(CampaignFactory)
    supplier = factory.SubFactory(SupplierFactory)


def answers(default="no", **overrides):
    """A complete set of answers to question set 1; every characteristic ``default`` unless overridden."""
    schema = questions.question_set(1)
    data = {
        questions.answer_key(d["key"], c["key"]): default
        for d in schema["dimensions"]
        for c in schema["characteristics"]
    }
    data.update({"barriers": ["paperwork"], "barriers_other": "", "council_could_do": "", "meet_the_buyer": "yes"})
    data.update(overrides)
    return data


class CampaignResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CampaignResponse

    campaign = factory.SubFactory(CampaignFactory)
    supplier = factory.SubFactory(SupplierFactory)
    question_set_version = questions.CURRENT_VERSION
    answers = factory.LazyFunction(answers)
    consent_given_at = factory.LazyFunction(timezone.now)
    size_class = factory.LazyAttribute(lambda o: o.supplier.size_class)
    is_local = True


class DiversityAccessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DiversityAccess

    user = factory.SubFactory(UserFactory)
    council = factory.SubFactory(CouncilFactory)


class DiversitySettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DiversitySettings

    council = factory.SubFactory(CouncilFactory)
