from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "kompass.org"
    verbose_name = "Organisation"
