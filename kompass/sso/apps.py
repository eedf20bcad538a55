from django.apps import AppConfig


class SsoConfig(AppConfig):
    """Single sign-on (OIDC) and the second factor (TOTP) for local accounts."""

    name = "kompass.sso"
    label = "kompass_sso"
    verbose_name = "Anmeldung und zweiter Faktor"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from kompass.sso import registrations, signals

        registrations.register()
        # Every login starts without the second factor; the step (or the enrolment) follows.
        user_logged_in.connect(signals.login_started, dispatch_uid="kompass_sso.login_started")
