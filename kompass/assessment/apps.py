from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "kompass.assessment"
    verbose_name = "Selbstbewertung"

    def ready(self) -> None:
        from kompass.assessment import registrations

        registrations.register()
