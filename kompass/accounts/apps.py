from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kompass.accounts"
    verbose_name = "Konten"
