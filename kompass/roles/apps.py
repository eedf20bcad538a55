from django.apps import AppConfig


class RolesConfig(AppConfig):
    name = "kompass.roles"
    verbose_name = "Rollenmodell"

    def ready(self) -> None:
        # What the role model adds to lower apps' pages and checks: registries, no names in strings.
        from kompass.roles import registrations

        registrations.register()
