from django.apps import AppConfig
from django.core.signals import request_finished, request_started
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class TenancyConfig(AppConfig):
    name = "kompass.tenancy"
    verbose_name = "Kommunen"

    def ready(self) -> None:
        from kompass.tenancy import registrations, rls

        registrations.register()
        # Row-level security on PostgreSQL (docs/security.md T4): policies after every migrate, the
        # serving role on every connection, and no Kommune carried from one request into the next.
        post_migrate.connect(rls.install_after_migrate, dispatch_uid="kompass.tenancy.rls.install")
        connection_created.connect(rls.on_connection_created, dispatch_uid="kompass.tenancy.rls.role")
        request_started.connect(rls.reset_on_request, dispatch_uid="kompass.tenancy.rls.started")
        request_finished.connect(rls.reset_on_request, dispatch_uid="kompass.tenancy.rls.finished")
