"""`lodestar demo`: load the demo program and its people, then print how to log in."""

import argparse
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from lodestar.accounts.models import User
from lodestar.demo import data, generator


def count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{value}” is not a whole number.") from None
    if number < 0:
        raise argparse.ArgumentTypeError("Give a number of 0 or more.")
    return number


class Command(BaseCommand):
    help = (
        "Load the demo: a program enrolling mentors and mentees with realistic profiles and "
        "intake answers, its coordinator, and a site admin. The same seed gives the same data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only if the database has no users yet (what `make run` does).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo programs and every demo person first, then load again.",
        )
        parser.add_argument("--seed", type=int, default=7, help="Random seed (default 7).")
        parser.add_argument(
            "--mentors", type=count, default=40, help="Approved mentors (default 40)."
        )
        parser.add_argument(
            "--mentees", type=count, default=120, help="Approved mentees (default 120)."
        )

    def handle(self, *args, if_empty, reset, seed, mentors, mentees, **options):
        if if_empty and User.objects.exists():
            self.stdout.write("The database already has users, so no demo data was loaded.")
        else:
            self._load(reset=reset, seed=seed, mentors=mentors, mentees=mentees)
        self._print_logins()

    def _load(self, *, reset: bool, seed: int, mentors: int, mentees: int) -> None:
        try:
            # One transaction: a failure halfway leaves the database as it was, reset included.
            with transaction.atomic():
                if reset:
                    removed = generator.reset()
                    self.stdout.write(f"Deleted the demo programs and {removed} demo people.")
                summary = generator.generate(seed=seed, mentors=mentors, mentees=mentees)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded “{data.PROGRAM_NAME}” ({summary.program_slug}): "
                f"{summary.mentors} mentors and {summary.mentees} mentees approved, "
                f"{summary.applicants} applications to review, {summary.waitlisted} waitlisted "
                f"— {summary.people} people and {summary.answers} answers in "
                f"{summary.seconds:.1f} s."
            )
        )

    def _print_logins(self) -> None:
        present = set(
            User.objects.filter(email__in=[login.email for login in data.LOGINS]).values_list(
                "email", flat=True
            )
        )
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {data.DEMO_PASSWORD}):")
        width = max(len(login.email) for login in data.LOGINS)
        for login in data.LOGINS:
            self.stdout.write(
                f"  {login.email:<{width}}  {data.DEMO_PASSWORD}  {login.role} ({login.name})"
            )
        if len(present) < len(data.LOGINS):
            self.stdout.write(
                self.style.WARNING(
                    "These logins are not in this database: run `lodestar demo` to add them."
                )
            )
        port = os.environ.get("PORT", "8000")
        self.stdout.write(f"Open http://127.0.0.1:{port}")
