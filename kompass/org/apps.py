from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "kompass.org"
    verbose_name = "Organisation"

    def ready(self) -> None:
        from kompass.org import registrations

        registrations.register()
