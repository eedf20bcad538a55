"""Platform task: create a Kommune and its first administrator account."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kompass.accounts import services as account_services
from kompass.accounts.models import User
from kompass.audit.context import change_context
from kompass.tenancy.models import Bundesland, KommuneType, Role


class Command(BaseCommand):
    help = "Legt eine Kommune mit ihrer ersten Administratorin / ihrem ersten Administrator an."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument(
            "--slug", default="", help="Kurzname in Adressen, z. B. musterstadt; ohne Angabe aus dem Namen gebildet"
        )
        parser.add_argument("--type", required=True, choices=KommuneType.values, dest="kommune_type")
        parser.add_argument("--land", required=True, choices=Bundesland.values, dest="bundesland")
        parser.add_argument("--population", required=True, type=int)
        parser.add_argument(
            "--ags",
            required=True,
            help="Amtlicher Schlüssel: Kreisschlüssel (5 Ziffern, Landkreis), AGS (8 Ziffern, Gemeinde oder Stadt) "
            "oder ARS (12 Ziffern, Amt, Verbandsgemeinde, Samtgemeinde)",
        )
        parser.add_argument("--admin", required=True, help="Benutzername der ersten Administration")
        parser.add_argument("--admin-email", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        data = {k: options[k] for k in ("name", "slug", "kommune_type", "bundesland", "population", "ags")}
        data["slug"] = data["slug"] or account_services.slug_from_name(data["name"])
        password = None
        try:
            with change_context("command"), transaction.atomic():
                kommune = account_services.kommune_create(actor=None, data=data)
                user = User.objects.filter(username=options["admin"]).first()
                if user is None:
                    password = secrets.token_urlsafe(12)
                    user = User.objects.create_user(options["admin"], email=options["admin_email"], password=None)
                    # Printed on the console, so known to whoever ran the command: changed at first login.
                    account_services.password_set_by_other(user=user, password=password)
                account_services.membership_create(kommune=kommune, actor=None, user=user, role=Role.ADMIN)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                details = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
            else:
                details = " ".join(exc.messages)
            raise CommandError(f"Die Kommune wurde nicht angelegt. {details}") from exc
        self.stdout.write(self.style.SUCCESS(f"Kommune „{kommune.name}“ angelegt: /k/{kommune.slug}/"))
        if password:
            self.stdout.write(
                f"Neues Konto {user.username}, einmaliges Passwort: {password} (bei der ersten Anmeldung zu ändern)"
            )
