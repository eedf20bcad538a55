from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kompass.accounts"
    verbose_name = "Konten"

    def ready(self) -> None:
        from kompass.accounts import registrations

        registrations.register()
