from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kompass.audit"
    verbose_name = "Protokoll"
