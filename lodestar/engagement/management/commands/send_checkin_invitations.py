"""Invite members to check in when a new period of their mentorship opens (run it daily from
cron, or more often: each member is invited once per period whatever runs again)."""

from django.core.management.base import BaseCommand

from lodestar.engagement.checkins import checkin_invitations_due


class Command(BaseCommand):
    help = "Invite the members of active mentorships whose check-in period has opened."

    def handle(self, *args, **options):
        count = checkin_invitations_due()
        self.stdout.write(f"Sent {count} check-in invitation{'s' if count != 1 else ''}.")
