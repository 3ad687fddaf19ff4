import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reporting.models import AnnualReport
from socialvalue.models import Council


class Command(BaseCommand):
    help = "Build a council's annual social value report for a financial year (YYYY = the year it starts)."

    def add_arguments(self, parser):
        parser.add_argument("--council", required=True, help="The council's slug, like coventry")
        parser.add_argument(
            "--year", required=True, type=int, help="The year the financial year starts: 2025 is 2025/26"
        )
        parser.add_argument(
            "--wait", type=int, default=600, help="Seconds to wait for a worker to finish (default 600)"
        )

    def handle(self, *args, council, year, **options):
        from reporting import services

        try:
            council_obj = Council.objects.get(slug=council)
        except Council.DoesNotExist:
            raise CommandError(f"No council with the slug '{council}'.") from None
        try:
            report = services.report_request(council=council_obj, year=year)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        deadline = time.monotonic() + options["wait"]
        report.refresh_from_db()
        while not report.is_finished and time.monotonic() < deadline:
            time.sleep(0.5)
            report.refresh_from_db()
        if not report.is_finished:
            self.stdout.write(f"{report} (id {report.pk}) is {report.status}; a worker is building it.")
        elif report.status == AnnualReport.Status.SUCCEEDED:
            c = report.figures["sections"]["committed"]
            self.stdout.write(
                f"Built {report} (id {report.pk}): £{c['value']} committed in {c['contracts']} contracts."
            )
        else:
            raise CommandError(f"{report} {report.status}: {report.error}")
