"""python manage.py import_contracts_ocds --council SLUG PATH... (files or folders of *.json)."""

from django.core.management.base import BaseCommand, CommandError

from procurement import ocds_import
from procurement.contract_services import contracts_import_ocds
from socialvalue.models import Council


class Command(BaseCommand):
    help = "Import awarded contracts from OCDS release packages (e.g. Contracts Finder) into a council's register."

    def add_arguments(self, parser):
        parser.add_argument("--council", required=True, help="The council's slug, like coventry")
        parser.add_argument("paths", nargs="+", help="Release package files, or folders of *.json files")

    def handle(self, *args, council, paths, **options):
        try:
            council_obj = Council.objects.get(slug=council)
        except Council.DoesNotExist:
            raise CommandError(f"No council with the slug {council!r}") from None
        report = ocds_import.read_files(paths)
        outcome = contracts_import_ocds(council=council_obj, report=report)
        if options["verbosity"] >= 2:
            for row in outcome.rows:
                self.stdout.write(f"{row.outcome:8} {row.ocid or '-'}  {row.title[:60]}  {row.detail}")
        elif options["verbosity"] >= 1:
            for row in outcome.rows:
                if row.outcome == "skipped":
                    self.stdout.write(f"skipped  {row.ocid or '-'}  {row.detail}")
        self.stdout.write(self.style.SUCCESS(outcome.summary()))
