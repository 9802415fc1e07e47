"""Restore the database (and media files, if the backup has them) from `lodestar backup`."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lodestar.core.backup import BackupError, backup_inspect, backup_restore, database_label


class Command(BaseCommand):
    # A backup must work even when something else in the project is broken.
    requires_system_checks = []
    help = (
        "Replace the configured database with a backup made by `lodestar backup` (and the media "
        "folder too, for a --with-media archive; the current one is kept beside it). The file "
        "is checked first: a bad file changes nothing. The current database is backed up to "
        "var/backups/pre-restore-<time> first."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The backup file (.sqlite3, .dump, .tar.gz).")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask for confirmation (for scripts)."
        )
        parser.add_argument(
            "--no-safety-backup",
            action="store_true",
            help="Do not back up the current database before replacing it.",
        )

    def handle(self, *args, path: Path, yes: bool, no_safety_backup: bool, **options):
        try:
            info = backup_inspect(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        what = "database and media files" if info.with_media else "database"
        if not yes:
            self._confirm(
                f"This replaces everything in {database_label()} with the {what} in {path}."
            )
        try:
            result = backup_restore(path=path, safety_backup=not no_safety_backup)
        except BackupError as error:
            raise CommandError(str(error)) from None
        if result.safety_backup:
            self.stdout.write(f"The database as it was is saved in {result.safety_backup}.")
        if result.media_set_aside:
            self.stdout.write(f"The media files as they were are in {result.media_set_aside}.")
        self.stdout.write(self.style.SUCCESS(f"Restored {result.target} from {path}."))
        if result.pending_migrations:
            self.stdout.write(
                self.style.WARNING(
                    f"The backup predates {len(result.pending_migrations)} migrations of this "
                    "version: run `lodestar migrate` before starting the server."
                )
            )

    def _confirm(self, warning: str) -> None:
        if not sys.stdin.isatty():
            raise CommandError(f"{warning} Pass --yes to confirm; nothing was changed.")
        self.stdout.write(self.style.WARNING(warning))
        answer = input("Type “yes” to go on: ")
        if answer.strip().lower() != "yes":
            raise CommandError("Not confirmed; nothing was changed.")
