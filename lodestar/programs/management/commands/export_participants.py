"""Write a program's participants as CSV, the same file the coordinator screen downloads."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lodestar.programs.models import Program
from lodestar.programs.services.exports import participants_export_csv


class Command(BaseCommand):
    help = "Export a program's enrolments and intake answers as CSV (re-importable)."

    def add_arguments(self, parser):
        parser.add_argument("program", help="The program's short name (slug).")
        parser.add_argument(
            "-o", "--output", type=Path, help="Write to this file instead of standard output."
        )

    def handle(self, *args, program: str, output: Path | None, **options):
        program_obj = Program.objects.filter(slug=program).first()
        if program_obj is None:
            raise CommandError(f"No program has the short name “{program}”.")
        text = participants_export_csv(program=program_obj)
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            # With a byte-order mark, as Excel needs to read the file as UTF-8.
            output.write_text(text, encoding="utf-8-sig", newline="")
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror}.") from None
        self.stdout.write(f"Wrote {output}.")
