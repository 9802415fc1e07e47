# Circles: former members keep their history; a goal may be shared by a whole circle.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mentorships", "0002_agreements_and_goals"),
        ("programs", "0002_program_forward_requests_program_max_open_requests_and_more"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="FormerMember",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[("mentor", "Mentor"), ("mentee", "Mentee"), ("peer", "Peer")],
                        max_length=10,
                        verbose_name="role",
                    ),
                ),
                ("joined_at", models.DateTimeField(blank=True, null=True, verbose_name="joined")),
                (
                    "left_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="left"),
                ),
                ("reason", models.TextField(blank=True, verbose_name="why they left")),
            ],
            options={
                "verbose_name": "former member",
                "verbose_name_plural": "former members",
                "ordering": ["mentorship", "left_at", "id"],
            },
        ),
        migrations.AlterField(
            model_name="goal",
            name="owner",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty for a goal the whole circle shares.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="whose goal",
            ),
        ),
        migrations.AddConstraint(
            model_name="goal",
            constraint=models.CheckConstraint(
                condition=models.Q(("owner__isnull", False), ("accepted", True), _connector="OR"),
                name="shared_goal_is_accepted",
            ),
        ),
        migrations.AddField(
            model_name="formermember",
            name="enrolment",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="programs.enrolment",
            ),
        ),
        migrations.AddField(
            model_name="formermember",
            name="mentorship",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="former_members",
                to="mentorships.mentorship",
            ),
        ),
        migrations.AddField(
            model_name="formermember",
            name="moved_to",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="mentorships.mentorship",
                verbose_name="moved to",
            ),
        ),
        migrations.AddField(
            model_name="formermember",
            name="removed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="removed by",
            ),
        ),
        migrations.AddField(
            model_name="formermember",
            name="user",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
