"""`flush` as Django has it, allowed to empty the audit table too.

Triggers guard the audit trail (triggers.py): on SQLite against DELETE, which flush empties
every table with, on PostgreSQL against TRUNCATE, which it uses there. Flush runs with their
permission. Tests that reset the database between them go through here.
"""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections

from lodestar.audit.triggers import flushing


class Command(FlushCommand):
    def handle(self, **options):
        with flushing(connections[options.get("database") or DEFAULT_DB_ALIAS]):
            return super().handle(**options)
