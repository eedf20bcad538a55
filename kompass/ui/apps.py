from django.apps import AppConfig


class UiConfig(AppConfig):
    """The page shell: base template, start page, dashboard, legal pages and feedback."""

    name = "kompass.ui"
    label = "ui"
    verbose_name = "Oberfläche"

    def ready(self) -> None:
        from kompass.ui import registrations

        registrations.register()
