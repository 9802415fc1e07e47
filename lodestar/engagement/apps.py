from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "lodestar.engagement"
    verbose_name = _("Engagement")

    def ready(self) -> None:
        # Celebrations follow what happens in meetings and goals, without those apps knowing.
        from . import celebrations

        post_save.connect(
            celebrations.meeting_saved,
            sender="meetings.Meeting",
            dispatch_uid="engagement_celebrate_meeting",
        )
        post_save.connect(
            celebrations.goal_saved,
            sender="mentorships.Goal",
            dispatch_uid="engagement_celebrate_goal",
        )
