from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "lodestar.network"
    verbose_name = _("Directory and introductions")
