"""`manage.py rls_setup [--role kompass_app]`: the serving role for row-level security (docs/security.md T4).

Run as the owner of the tables (the role that runs `migrate`), after `migrate`. It creates the
role NOLOGIN NOSUPERUSER NOBYPASSRLS if it is missing, refuses one that is superuser or BYPASSRLS,
grants it SELECT/INSERT/UPDATE/DELETE on the tables and USAGE on the sequences, also of later
migrations, and (re)installs the policies. See docs/operations.md.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from kompass.tenancy import rls


class Command(BaseCommand):
    help = "Legt die Datenbankrolle der App für die Zeilensicherheit (RLS) an und erteilt ihre Rechte."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--role", default=rls.app_role() or "kompass_app", help="Name der Rolle")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Zeilensicherheit gibt es nur mit PostgreSQL.")
        if rls.app_role():
            raise CommandError("Bitte als Eigentümer ausführen: ohne KOMPASS_DB_APP_ROLE.")
        try:
            rls.setup_role(connection, options["role"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        tables = rls.install_policies(connection)
        self.stdout.write(f"Rolle {options['role']}: Rechte erteilt; Richtlinien auf {len(tables)} Tabellen.")
