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
        _after_restore()
        _navigation()


def _navigation() -> None:
    from django.utils.translation import gettext_lazy as _

    from kompass.core.extensions import NAV_ENTRIES, NavEntry
    from kompass.privacy.access import CAPABILITY

    NAV_ENTRIES.register(
        NavEntry(
            key="privacy.index",
            group="verwaltung",
            label=_("Datenschutz"),
            url_name="privacy:index",
            order=50,
            capability=CAPABILITY.value,
        )
    )


def _after_restore() -> None:
    """A restore of an older backup must not bring an erased person back (docs/security.md D4)."""
    from kompass.core.extensions import AFTER_RESTORE, AfterRestore
    from kompass.privacy import services

    def replay() -> None:
        services.replay_erasures()

    AFTER_RESTORE.register(AfterRestore(key="privacy.replay_erasures", label="Löschungen erneut anwenden", run=replay))
