from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kompass.audit"
    verbose_name = "Protokoll"

    def ready(self) -> None:
        from kompass.audit import registrations, triggers

        registrations.register()
        triggers.connect_signals()
