"""`manage.py import_kommune FILE`: import a Kommune exported elsewhere (docs/operations.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kompass.ops import services


class Command(BaseCommand):
    help = "Importiert den Export einer Kommune in diese Installation (die die Kommune noch nicht hat)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Archiv aus manage.py export_kommune")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            kommune = services.kommune_import(Path(options["file"]))
        except services.ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{kommune.name} importiert (/k/{kommune.slug}/). Neu angelegte Konten haben kein Passwort: "
            "Die Mitglieder setzen es über „Passwort vergessen“."
        )
