"""Enrol participants from a CSV file, as the web import does: every row or none."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from lodestar.accounts.models import User
from lodestar.programs.models import Program
from lodestar.programs.policy import is_coordinator
from lodestar.programs.services.imports import import_commit, import_preview


class Command(BaseCommand):
    help = (
        "Check a participant CSV and enrol everyone in it, approved. New people get an "
        "invitation, existing people an email. Any error: nothing is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("program", help="The program's short name (slug).")
        parser.add_argument("file", type=Path, help="The CSV file (UTF-8).")
        parser.add_argument(
            "--by",
            required=True,
            metavar="EMAIL",
            help="Email of a coordinator of the program; invitations are sent in their name.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; change nothing."
        )

    def handle(self, *args, program: str, file: Path, by: str, dry_run: bool, **options):
        program_obj = Program.objects.filter(slug=program).first()
        if program_obj is None:
            raise CommandError(f"No program has the short name “{program}”.")
        coordinator = User.objects.filter(email__iexact=by.strip()).first()
        if coordinator is None or not is_coordinator(coordinator, program_obj):
            raise CommandError(f"{by} does not coordinate “{program_obj.slug}”.")
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None

        preview = import_preview(program=program_obj, file_bytes=data)
        if preview.has_errors:
            self._fail(preview.error_lines())
        if dry_run:
            self.stdout.write(
                f"{len(preview.rows)} rows checked, no errors: {preview.new_people} new people "
                f"would be invited, {preview.existing_people} existing people added. "
                "Nothing was imported (dry run)."
            )
            return
        try:
            result = import_commit(program=program_obj, text=preview.text, by=coordinator)
        except ValidationError as error:
            self._fail(error.messages)
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.enrolled} participants enrolled in “{program_obj.slug}”: "
                f"{result.invited} invitations sent, {result.added} existing people told by email."
            )
        )
        if result.profile_fields_kept:
            self.stdout.write(
                f"Profile fields kept as they were for {result.profile_fields_kept} existing people."
            )

    def _fail(self, lines: list[str]) -> None:
        for line in lines:
            self.stderr.write(line)
        raise CommandError(f"{len(lines)} errors; nothing was imported.")
