"""Email each person a digest of their unread messages, at most one an hour (run it from cron,
e.g. every 10 minutes: `*/10 * * * * lodestar send_message_digests`).

A worker with deferred tasks checks each recipient about 15 minutes after a message by itself;
this command is the catch-all for installations without one, and harmless alongside it.
"""

from django.core.management.base import BaseCommand

from lodestar.messaging.digests import digests_send_due


class Command(BaseCommand):
    help = "Email unread-message digests to the people who have one due (at most one an hour)."

    def handle(self, *args, **options):
        count = digests_send_due()
        self.stdout.write(f"Sent {count} message digest{'s' if count != 1 else ''}.")
