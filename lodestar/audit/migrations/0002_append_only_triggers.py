"""Database triggers that refuse UPDATE and DELETE on the audit table (SQLite or PostgreSQL,
chosen by the connection's vendor; see lodestar/audit/triggers.py)."""

from django.db import migrations

from lodestar.audit import triggers


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_events")]

    operations = [migrations.RunPython(triggers.install, triggers.uninstall, elidable=False)]
