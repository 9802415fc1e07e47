"""Sync people with an HR directory export, as the API endpoint does: every row checked first."""

import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from lodestar.accounts.directory import InvalidDirectory, directory_sync
from lodestar.accounts.directory_file import CSV, FORMATS, JSON


class Command(BaseCommand):
    help = (
        "Create, update and deactivate people from an HR directory export (CSV with a header "
        "row, or a JSON list): email, name, department, title, manager_email, active. Any "
        "error: nothing changes. New people get no email; they sign in by resetting their "
        "password or through single sign-on."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The export (UTF-8), or - to read standard input.")
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help="csv or json; by default from the file name, else from the content.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; change nothing."
        )
        parser.add_argument(
            "--deactivate-missing",
            action="store_true",
            help="Also deactivate people an earlier sync brought in who are not in this file.",
        )

    def handle(self, *args, file: str, format: str | None, dry_run: bool, **options):
        text = self._read(file)
        try:
            report = directory_sync(
                data=text,
                format=format or _guess_format(file, text),
                dry_run=dry_run,
                deactivate_missing=options["deactivate_missing"],
            )
        except InvalidDirectory as invalid:
            self._fail(invalid.lines())
        except ValidationError as error:
            self._fail(error.messages)
        for line in report.lines():
            self.stdout.write(line)
        summary = report.summary()
        self.stdout.write(summary if dry_run else self.style.SUCCESS(summary))

    def _read(self, file: str) -> str:
        if file == "-":
            return sys.stdin.read()
        try:
            return Path(file).read_bytes().decode("utf-8-sig")
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not UTF-8 text.") from None

    def _fail(self, lines: list[str]) -> None:
        for line in lines:
            self.stderr.write(line)
        raise CommandError(f"{len(lines)} errors; nothing was changed.")


def _guess_format(file: str, text: str) -> str:
    if file.lower().endswith(".json"):
        return JSON
    if file.lower().endswith(".csv"):
        return CSV
    return JSON if text.lstrip().startswith("[") else CSV
