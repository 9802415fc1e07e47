from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "lodestar.meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        from lodestar.mentorships.signals import mentorship_finished

        from .services import cancel_when_finished

        mentorship_finished.connect(cancel_when_finished, dispatch_uid="meetings_cancel_upcoming")
