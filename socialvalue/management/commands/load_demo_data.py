import datetime
import random
from decimal import Decimal

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from socialvalue.models import Council, Membership, Role, User
from suppliers import questions, services
from suppliers.models import (
    Campaign,
    CampaignRecipient,
    CampaignResponse,
    DiversitySettings,
    Supplier,
    SupplierCouncil,
    SupplierMember,
    TargetGroup,
)

DEMO_PASSWORD = "social-value-demo"

# (email prefix, full name prefix, roles) for each seed council.
DEMO_PEOPLE = [
    ("admin", "Council admin", [Role.COUNCIL_ADMIN]),
    ("officer", "Procurement officer", [Role.PROCUREMENT_OFFICER]),
    ("manager", "Contract manager", [Role.CONTRACT_MANAGER]),
    ("cabinet", "Cabinet member", [Role.CABINET_MEMBER]),
]

DEMO_SUPPLIERS = [
    ("Midlands Community Builders Ltd", "supplier@midlands-builders.example"),
    ("Humber Green Services CIC", "supplier@humber-green.example"),
]
# Organisation details for the demo suppliers, and the council each registered with.
DEMO_SUPPLIER_DETAILS = {
    "Midlands Community Builders Ltd": {
        "council": "coventry",
        "organisation_type": "company",
        "companies_house_number": "09876543",
        "address_line_1": "12 Far Gosford Street",
        "town": "Coventry",
        "postcode": "CV1 5DZ",
        "headcount": 34,
        "turnover": Decimal("4200000"),
        "balance_sheet_total": Decimal("1800000"),
        "figures_year": 2026,
    },
    "Humber Green Services CIC": {
        "council": "north-east-lincolnshire",
        "organisation_type": "social_enterprise",
        "companies_house_number": "11223344",
        "address_line_1": "8 Victoria Street",
        "town": "Grimsby",
        "postcode": "DN31 1HU",
        "headcount": 6,
        "turnover": Decimal("450000"),
        "balance_sheet_total": Decimal("120000"),
        "figures_year": 2026,
        "is_social_enterprise": True,
        "is_vcse": True,
    },
}
# Last year's questionnaire gets this many made-up answers, so the baseline has figures to show.
DEMO_RESPONDENTS = 14


class Command(BaseCommand):
    help = (
        "Create demo sign-ins for every loaded council (admin@, officer@, manager@, cabinet@ "
        "<council-slug>.example) and two supplier organisations, all with the password "
        f"'{DEMO_PASSWORD}'. Idempotent. Refuses to run with DJANGO_DEBUG off unless --allow-production."
    )

    def add_arguments(self, parser):
        parser.add_argument("--allow-production", action="store_true")

    @transaction.atomic
    def handle(self, *args, allow_production, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("Demo accounts have a published password; refusing with DJANGO_DEBUG off.")
        if not Council.objects.exists():
            call_command("seed_policies", stdout=self.stdout)
        for council in Council.objects.all():
            for prefix, name, roles in DEMO_PEOPLE:
                user = self._user(f"{prefix}@{council.slug}.example", f"{name}, {council.short_name}")
                for role in roles:
                    Membership.objects.get_or_create(user=user, council=council, role=role)
        for name, email in DEMO_SUPPLIERS:
            supplier, _ = Supplier.objects.get_or_create(name=name)
            user = self._user(email, f"Supplier user, {name}")
            SupplierMember.objects.get_or_create(supplier=supplier, user=user, defaults={"is_admin": True})
            self._supplier_details(supplier, dict(DEMO_SUPPLIER_DETAILS.get(name, {})))
        for council in Council.objects.all():
            self._diversity_campaigns(council)
        self.stdout.write(
            f"Demo sign-ins ready for {Council.objects.count()} councils; password '{DEMO_PASSWORD}'. "
            "Try officer@coventry.example."
        )

    def _supplier_details(self, supplier, details):
        council_slug = details.pop("council", None)
        if not supplier.size_class:  # fill in once; later edits in the application survive
            for key, value in details.items():
                setattr(supplier, key, value)
            supplier.full_clean()
            supplier.classify()
            supplier.save()
        council = Council.objects.filter(slug=council_slug).first()
        if council:
            SupplierCouncil.objects.get_or_create(
                supplier=supplier, council=council, relationship=SupplierCouncil.Relationship.REGISTERED
            )

    def _diversity_campaigns(self, council):
        """This year's questionnaire, open, and last year's, closed with made-up answers."""
        DiversitySettings.objects.get_or_create(council=council)
        admin = User.objects.filter(email=f"admin@{council.slug}.example").first()
        today = timezone.localdate()
        this_year = services.financial_year_of(today, council.financial_year_start_month)
        notice = services.DEFAULT_PRIVACY_NOTICE.format(council=council.name, months=24)
        current, _ = Campaign.objects.get_or_create(
            council=council,
            year=this_year,
            defaults={
                "title": f"Supplier diversity questionnaire {this_year}",
                "opens_on": today - datetime.timedelta(days=7),
                "closes_on": today + datetime.timedelta(days=23),
                "target_group": TargetGroup.LOCAL_SME_VCSE,
                "question_set_version": questions.CURRENT_VERSION,
                "questions": questions.question_set(),
                "privacy_notice": notice,
                "created_by": admin,
            },
        )
        services.campaign_target(campaign=current)
        area = (council.postcode_areas or ["CV"])[0]
        last, created = Campaign.objects.get_or_create(
            council=council,
            year=this_year - 1,
            defaults={
                "title": f"Supplier diversity questionnaire {this_year - 1}",
                "opens_on": today - datetime.timedelta(days=400),
                "closes_on": today - datetime.timedelta(days=370),
                "target_group": TargetGroup.LOCAL_SMES,
                "question_set_version": questions.CURRENT_VERSION,
                "questions": questions.question_set(),
                "privacy_notice": notice,
                "created_by": admin,
            },
        )
        if not created:
            return
        rng = random.Random(council.slug)  # noqa: S311 — the same made-up answers every time, not secrets
        schema = last.questions
        for i in range(DEMO_RESPONDENTS + 4):
            respondent, _ = Supplier.objects.get_or_create(
                name=f"Demo local business {i + 1} ({council.short_name})",
                defaults={
                    "organisation_type": "sole_trader" if i % 3 == 0 else "company",
                    "companies_house_number": "" if i % 3 == 0 else f"{90000000 + i * 7 + len(council.slug)}",
                    "postcode": f"{area}{1 + i % 9} {1 + i % 8}AB",
                    "headcount": rng.choice([1, 3, 8, 15, 40, 120]),
                    "turnover": Decimal(rng.choice([90_000, 400_000, 1_500_000, 6_000_000, 30_000_000])),
                    "figures_year": this_year,
                },
            )
            respondent.classify()
            respondent.save()
            CampaignRecipient.objects.get_or_create(campaign=last, supplier=respondent)
            SupplierCouncil.objects.get_or_create(
                supplier=respondent, council=council, relationship=SupplierCouncil.Relationship.CAMPAIGN
            )
            if i >= DEMO_RESPONDENTS:
                continue  # a few never answered
            answers = {
                questions.answer_key(d["key"], c["key"]): rng.choices(
                    ["yes", "no", "prefer_not_to_say"], weights=[3, 10, 1]
                )[0]
                for d in schema["dimensions"]
                for c in schema["characteristics"]
            }
            answers.update(
                barriers=[b["key"] for b in schema["barriers"] if rng.random() < 0.4],
                barriers_other="",
                council_could_do=rng.choice(["", "Publish a forward plan of contracts.", "Smaller lots, please."]),
                meet_the_buyer=rng.choice(["yes", "yes", "maybe", "no"]),
            )
            CampaignResponse.objects.get_or_create(
                campaign=last,
                supplier=respondent,
                defaults={
                    "question_set_version": last.question_set_version,
                    "answers": questions.validate_answers(schema, answers),
                    "consent_given_at": timezone.now(),
                    "size_class": respondent.size_class,
                    "is_local": respondent.is_local_to(council),
                },
            )

    def _user(self, email, full_name):
        user, created = User.objects.get_or_create(email=email, defaults={"full_name": full_name})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        return user
