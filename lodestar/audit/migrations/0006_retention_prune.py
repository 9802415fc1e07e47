"""The delete trigger lets the retention job remove events older than its cutoff, and nothing
else (lodestar/audit/triggers.py, AUDIT_KEEP_DAYS). Installs the triggers again for whichever
database this is."""

from django.db import migrations

from lodestar.audit import triggers


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_token_refused")]

    operations = [migrations.RunPython(triggers.install, triggers.install, elidable=False)]
