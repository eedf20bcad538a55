from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kompass.accounts"
    verbose_name = "Konten"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from kompass.accounts import registrations, session_timeout

        registrations.register()
        # The session's clocks start at the login (docs/security.md A4), so its first page writes nothing.
        user_logged_in.connect(session_timeout.session_started, dispatch_uid="kompass.accounts.session_started")
