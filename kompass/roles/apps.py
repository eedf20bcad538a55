from django.apps import AppConfig


class RolesConfig(AppConfig):
    name = "kompass.roles"
    verbose_name = "Rollenmodell"
