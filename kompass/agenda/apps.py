from django.apps import AppConfig


class AgendaConfig(AppConfig):
    name = "kompass.agenda"
    verbose_name = "Digitale Agenda"

    def ready(self) -> None:
        from kompass.agenda import registrations

        registrations.register()
