"""`manage.py export_kommune SLUG [--output DIR]`: the complete export of one Kommune (docs/operations.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kompass.ops import services
from kompass.tenancy.models import Kommune


class Command(BaseCommand):
    help = "Exportiert alle Daten und Dateien einer Kommune in ein Archiv (JSON Lines je Tabelle)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="Kurzname der Kommune (wie in der Adresse /k/<kurzname>/)")
        parser.add_argument("--output", default="var/exports", help="Zielverzeichnis (Standard: var/exports)")

    def handle(self, *args: Any, **options: Any) -> None:
        kommune = Kommune.objects.filter(slug=options["slug"]).first()
        if kommune is None:
            raise CommandError(f"Keine Kommune mit dem Kurznamen „{options['slug']}“.")
        archive = services.kommune_export(kommune, Path(options["output"]))
        self.stdout.write(f"Export von {kommune.name} geschrieben: {archive}")
