"""`manage.py audit_prune`: delete the audit events older than AUDIT_KEEP_DAYS (the scheduler's
daily "audit_prune" job does the same)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from lodestar.audit.retention import audit_cutoff, audit_events_due, audit_prune


class Command(BaseCommand):
    help = "Delete the audit events older than AUDIT_KEEP_DAYS."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count them, delete nothing.")

    def handle(self, *args, dry_run: bool = False, **options):
        cutoff = audit_cutoff()
        if cutoff is None:
            self.stdout.write("AUDIT_KEEP_DAYS is 0: every audit event is kept.")
            return
        if dry_run:
            count = audit_events_due()
            self.stdout.write(f"{count} audit event(s) recorded before {cutoff:%Y-%m-%d %H:%M}.")
            return
        count = audit_prune()
        self.stdout.write(
            f"{count} audit event(s) older than {settings.AUDIT_KEEP_DAYS} days deleted."
        )
