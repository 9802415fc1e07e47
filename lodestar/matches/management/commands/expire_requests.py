"""Expire every mentorship request past its expiry (run it from cron, e.g. every 15 minutes).

A worker with deferred tasks expires each request on time by itself; this command is the
catch-all for installations without one, and harmless alongside it.
"""

from django.core.management.base import BaseCommand

from lodestar.matches.services.requests import requests_expire_due


class Command(BaseCommand):
    help = "Expire the mentorship requests whose time is up, and tell both people."

    def handle(self, *args, **options):
        count = requests_expire_due()
        self.stdout.write(f"Expired {count} request{'s' if count != 1 else ''}.")
