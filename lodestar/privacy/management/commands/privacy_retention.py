"""`manage.py privacy_retention`: purge archived programs whose retention period has run out
(the scheduler's daily "retention_purge" job does the same)."""

from django.core.management.base import BaseCommand

from lodestar.privacy.retention import programs_due, retention_purge_due


class Command(BaseCommand):
    help = "Purge the private content of archived programs past their retention period."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List the programs due, purge nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        if dry_run:
            from django.utils import timezone

            for program in programs_due(timezone.now()):
                self.stdout.write(f"{program.slug}: archived {program.archived_at:%Y-%m-%d}")
            return
        count = retention_purge_due()
        self.stdout.write(f"{count} program(s) purged.")
