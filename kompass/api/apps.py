from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kompass.api"
    verbose_name = "API"
