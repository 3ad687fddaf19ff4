from django.core.management.base import BaseCommand

from suppliers.services import diversity_retention_apply


class Command(BaseCommand):
    help = (
        "Erase individual diversity answers older than each council's retention period, keeping "
        "each questionnaire's suppressed totals. Celery beat runs this daily; safe to run again."
    )

    def handle(self, *args, **options):
        erased = diversity_retention_apply()
        self.stdout.write(f"Erased {erased} set{'s' if erased != 1 else ''} of answers past their retention period.")
