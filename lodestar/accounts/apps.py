from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lodestar.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from . import signals  # noqa: F401
        from .security import create_cache_table, start_session_clock

        post_migrate.connect(create_cache_table, sender=self)
        user_logged_in.connect(start_session_clock)
