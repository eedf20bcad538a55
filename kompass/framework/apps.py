from django.apps import AppConfig


class FrameworkConfig(AppConfig):
    name = "kompass.framework"
    verbose_name = "Orientierungsrahmen"

    def ready(self) -> None:
        from kompass.framework import registrations

        registrations.register()
