"""Load the example TOMs measure library we ship, and example calculators, into seed councils."""

import csv
import io
from pathlib import Path

import yaml
from django.core.management.base import BaseCommand, CommandError

from socialvalue.models import Council
from toms import services
from toms.imports import ImportProblems

SEED_DIR = Path(__file__).resolve().parents[2] / "seed_data"


class Command(BaseCommand):
    help = (
        "Load toms/seed_data/example_measures.csv (our own example library: the National TOMs values "
        "are CC BY-NC-ND and are not shipped) into each council named in example_outcome_map.yaml, "
        "mapping each measure's area to that council's outcome, and build a Goods, Services and Works "
        "calculator for each. Idempotent: a second run changes nothing, and calculators that already "
        "exist are left as the council has them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--council", action="append", help="Only this council's slug (repeatable).")

    def handle(self, *args, council=None, **options):
        config = yaml.safe_load((SEED_DIR / "example_outcome_map.yaml").read_text(encoding="utf-8"))
        with open(SEED_DIR / "example_measures.csv", encoding="utf-8", newline="") as fh:
            example = list(csv.DictReader(fh))
        slugs = council or list(config["outcomes"])
        for slug in slugs:
            council_obj = Council.objects.filter(slug=slug).first()
            if council_obj is None or slug not in config["outcomes"]:
                self.stdout.write(f"{slug}: skipped (council not loaded, or not in the outcome map).")
                continue
            content = self._council_file(council_obj, example, config["outcomes"][slug])
            try:
                result = services.measures_import_file(council=council_obj, content=content, filename="example.csv")
                made = services.example_calculators_load(council=council_obj, calculators=config["calculators"])
            except ImportProblems as exc:
                raise CommandError(f"{slug}: the example library did not load:\n" + "\n".join(exc.messages)) from None
            self.stdout.write(f"{council_obj.short_name}: {result.summary} Calculators added: {made}.")

    def _council_file(self, council, example, area_map) -> bytes:
        """The example rows with this council's outcome names in place of areas, as a CSV."""
        names = list(
            council.current_policy.themes.values_list("outcomes__name", flat=True).exclude(outcomes__name=None)
            if council.current_policy
            else []
        )
        resolved = {}
        for area, opening in area_map.items():
            if opening is None:
                continue
            match = next((n for n in names if n.casefold().startswith(opening.casefold())), None)
            if match is None:
                raise CommandError(f"{council.slug}: no outcome starts with '{opening}' (area {area}).")
            resolved[area] = match
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            ["code", "name", "unit", "year", "proxy_value", "outcome", "guidance", "type", "local_only", "source"]
        )
        for row in example:
            if row["area"] not in area_map:
                raise CommandError(f"Area '{row['area']}' of {row['code']} is not in example_outcome_map.yaml.")
            if row["area"] in resolved:
                outcome = resolved[row["area"]]
                writer.writerow(
                    [
                        row[c] if c != "outcome" else outcome
                        for c in (
                            "code",
                            "name",
                            "unit",
                            "year",
                            "proxy_value",
                            "outcome",
                            "guidance",
                            "type",
                            "local_only",
                            "source",
                        )
                    ]
                )
        return out.getvalue().encode("utf-8")
