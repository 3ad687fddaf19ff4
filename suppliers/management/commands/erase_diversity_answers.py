from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from socialvalue.models import Council
from suppliers.models import Supplier
from suppliers.services import diversity_answers_erase


class Command(BaseCommand):
    help = (
        "Erase a supplier's individual diversity answers on request (UK GDPR art. 17), in every "
        "council or one. Closed questionnaires keep their suppressed totals, frozen first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--supplier", type=int, required=True, help="The supplier's id")
        parser.add_argument("--council", help="Only this council's questionnaires (its slug)")

    def handle(self, *args, supplier, council, **options):
        supplier_obj = Supplier.objects.filter(pk=supplier).first()
        if supplier_obj is None:
            raise CommandError(f"There is no supplier with id {supplier}.")
        council_obj = None
        if council:
            council_obj = Council.objects.filter(slug=council).first()
            if council_obj is None:
                raise CommandError(f"There is no council with slug '{council}'.")
        try:
            erased = diversity_answers_erase(supplier=supplier_obj, council=council_obj)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        where = f" for {council_obj}" if council_obj else ""
        self.stdout.write(f"Erased {erased} set{'s' if erased != 1 else ''} of answers from {supplier_obj}{where}.")
