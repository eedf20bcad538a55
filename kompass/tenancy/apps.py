from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "kompass.tenancy"
    verbose_name = "Kommunen"
