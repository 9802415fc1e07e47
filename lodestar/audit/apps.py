from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "lodestar.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from . import signals, triggers

        signals.connect()
        connection_created.connect(
            triggers.register_sqlite_function, dispatch_uid="audit_sqlite_function"
        )
