import datetime

import factory

from socialvalue.models import Council, Indicator, Membership, Outcome, Policy, Role, Theme, User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.django.Password(PASSWORD)


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Borough Council {n}")
    short_name = factory.LazyAttribute(lambda o: o.name.replace(" Council", ""))
    slug = factory.Sequence(lambda n: f"borough-{n}")
    local_postcode_areas = "CV"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    council = factory.SubFactory(CouncilFactory)
    role = Role.PROCUREMENT_OFFICER


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Policy

    council = factory.SubFactory(CouncilFactory)
    title = "Social Value Policy"
    effective_date = datetime.date(2024, 4, 1)
    source = "Test policy"


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    policy = factory.SubFactory(PolicyFactory)
    name = factory.Sequence(lambda n: f"Theme {n}")


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    theme = factory.SubFactory(ThemeFactory)
    name = factory.Sequence(lambda n: f"Outcome {n}")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    outcome = factory.SubFactory(OutcomeFactory)
    text = factory.Sequence(lambda n: f"Number of things {n}")


def member(council, role, email=None):
    """A user holding ``role`` in ``council``."""
    user = UserFactory(email=email) if email else UserFactory()
    Membership.objects.create(user=user, council=council, role=role)
    return user
