from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kompass.audit"
    verbose_name = "Protokoll"

    def ready(self) -> None:
        from kompass.audit import registrations, triggers
        from kompass.core import security_log

        registrations.register()
        triggers.connect_signals()
        security_log.connect_signals()
