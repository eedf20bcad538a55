from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: backup and restore, tenant export, import and deletion."""

    name = "kompass.ops"
    label = "kompass_ops"
    verbose_name = "Betrieb"
