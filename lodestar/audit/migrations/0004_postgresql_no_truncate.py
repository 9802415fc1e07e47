"""PostgreSQL: TRUNCATE of the audit table is refused too (a statement trigger; see
lodestar/audit/triggers.py). Installs the triggers again for whichever database this is."""

from django.db import migrations

from lodestar.audit import triggers


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_second_factor_failed")]

    operations = [migrations.RunPython(triggers.install, triggers.install, elidable=False)]
