from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from socialvalue.models import Council
from toms import services
from toms.imports import ImportProblems


class Command(BaseCommand):
    help = (
        "Import a council's TOMs measure library from a CSV or XLSX file. Columns: code, name, unit, "
        "year, proxy_value, outcome (required); guidance, type, local_only, source (optional); see "
        "toms/imports.py. Every row is checked first; nothing is saved if any row has a problem. "
        "Re-importing the same file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--council", required=True, help="The council's slug, like coventry.")
        parser.add_argument("file", help="Path to a .csv or .xlsx file.")

    def handle(self, *args, council, file, **options):
        try:
            council_obj = Council.objects.get(slug=council)
        except Council.DoesNotExist:
            raise CommandError(f"No council with the slug '{council}'. Run seed_policies first?") from None
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        try:
            result = services.measures_import_file(council=council_obj, content=path.read_bytes(), filename=path.name)
        except ImportProblems as exc:
            raise CommandError(
                f"{path.name}: nothing was imported. Fix these problems and try again:\n" + "\n".join(exc.messages)
            ) from None
        self.stdout.write(f"{council_obj.short_name}: imported {path.name}. {result.summary}")
