from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kompass.core"
    verbose_name = "Kern"
