from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from socialvalue.models import Council, Membership, Role, User
from suppliers.models import Supplier, SupplierMember

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
        self.stdout.write(
            f"Demo sign-ins ready for {Council.objects.count()} councils; password '{DEMO_PASSWORD}'. "
            "Try officer@coventry.example."
        )

    def _user(self, email, full_name):
        user, created = User.objects.get_or_create(email=email, defaults={"full_name": full_name})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        return user
