"""Account emails (their links and codes) are emptied once sent."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_heartbeat_and_idempotency'),
    ]

    operations = [
        migrations.AddField(
            model_name='outgoingemail',
            name='forget_body_once_sent',
            field=models.BooleanField(default=False, verbose_name='body emptied once sent'),
        ),
    ]
