from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FlashConfig(AppConfig):
    name = "lodestar.flash"
    verbose_name = _("Flash mentoring")
