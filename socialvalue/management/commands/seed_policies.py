from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from socialvalue.services import SEED_DIR, policy_load, read_policy_file


class Command(BaseCommand):
    help = (
        "Load the councils and policy frameworks of the seed documents from the reviewed data "
        "files in socialvalue/seed_data/policies/. Safe to run twice: a policy version already "
        "loaded is left alone unless --replace is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path, help="Policy files (default: all seed files).")
        parser.add_argument("--replace", action="store_true", help="Rebuild loaded policies from the files.")

    def handle(self, *args, files, replace, **options):
        paths = files or sorted(SEED_DIR.glob("*.yaml"))
        if not paths:
            raise CommandError(f"No policy files found in {SEED_DIR}.")
        for path in paths:
            try:
                result = policy_load(data=read_policy_file(path), replace=replace)
            except (ValidationError, KeyError, OSError) as exc:
                raise CommandError(f"{path}: {exc}") from exc
            state = "loaded" if result.created or replace else "already loaded, left as it is"
            self.stdout.write(
                f"{result.council.name}: {result.policy.title} — {state} "
                f"({result.themes} themes, {result.outcomes} outcomes, {result.indicators} indicators)"
            )
