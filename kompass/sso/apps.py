from django.apps import AppConfig


class SsoConfig(AppConfig):
    """Single sign-on (OIDC) and the second factor (TOTP) for local accounts."""

    name = "kompass.sso"
    label = "kompass_sso"
    verbose_name = "Anmeldung und zweiter Faktor"
