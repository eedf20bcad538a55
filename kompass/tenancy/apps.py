from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "kompass.tenancy"
    verbose_name = "Kommunen"

    def ready(self) -> None:
        from kompass.tenancy import registrations

        registrations.register()
