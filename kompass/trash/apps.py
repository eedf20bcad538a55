from django.apps import AppConfig


class TrashConfig(AppConfig):
    """The Papierkorb: deleted people, units, roles and measures stay restorable for 30 days."""

    name = "kompass.trash"
    label = "kompass_trash"
    verbose_name = "Papierkorb"

    def ready(self) -> None:
        from kompass.trash import registrations

        registrations.register()
