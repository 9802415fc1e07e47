"""`flush` as Django has it, allowed to empty the audit table too.

On SQLite a DELETE trigger guards the audit trail (triggers.py); flush empties every table with
DELETE, so it runs with the trigger's permission. (PostgreSQL's flush uses TRUNCATE, which row
triggers do not see.) Tests that reset the database between them go through here.
"""

from django.core.management.commands.flush import Command as FlushCommand

from lodestar.audit.triggers import flushing


class Command(FlushCommand):
    def handle(self, **options):
        with flushing():
            return super().handle(**options)
