from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Rights of data subjects (DSGVO Art. 15, 17, 30): per-person export, erasure with journal,
    retention, Verzeichnis von Verarbeitungstätigkeiten."""

    name = "kompass.privacy"
    label = "kompass_privacy"
    verbose_name = "Datenschutzrechte"

    def ready(self) -> None:
        from kompass.privacy import retention

        retention.register()

