"""Back up the database (and optionally the media files) to one checked file."""

from django.core.management.base import BaseCommand, CommandError

from lodestar.core.backup import BackupError, backup_create, backup_dir


class Command(BaseCommand):
    # A backup must work even when something else in the project is broken.
    requires_system_checks = []
    help = (
        "Back up the database to a timestamped file under var/backups/ (or --output): SQLite "
        "through its online backup API, safe while the server and worker write; PostgreSQL "
        "with pg_dump --format=custom. The file is written under a temporary name, checked, "
        "then renamed. Restore it with `lodestar restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            metavar="PATH",
            help=(
                "A file to write, or an existing directory (or one ending in /) to write a "
                f"timestamped file in. Default: {backup_dir()}/."
            ),
        )
        parser.add_argument(
            "--with-media",
            action="store_true",
            help="Also save the media files: writes a .tar.gz holding the database and media/.",
        )
        parser.add_argument(
            "--keep",
            type=int,
            metavar="N",
            help=(
                "Then delete all but the N newest timestamped backups (lodestar-<time>.*) in "
                "the directory written to."
            ),
        )

    def handle(self, *args, output: str | None, with_media: bool, keep: int | None, **options):
        try:
            result = backup_create(output=output, with_media=with_media, keep=keep)
        except BackupError as error:
            raise CommandError(str(error)) from None
        what = "database and media files" if result.with_media else "database"
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up the {what} ({result.kind}) to {result.path} "
                f"({_size(result.size)}, checked)."
            )
        )
        for path in result.removed:
            self.stdout.write(f"Removed old backup {path}.")


def _size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")
