from django.core.management.base import BaseCommand

from lodestar.network.services import introductions_remind_due


class Command(BaseCommand):
    help = "Remind, once, whoever has not answered an introduction after three days."

    def handle(self, *args, **options):
        sent = introductions_remind_due()
        self.stdout.write(f"{sent} reminder(s) sent.")
