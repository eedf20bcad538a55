"""`manage.py delete_kommune SLUG --yes`: delete a Kommune completely (docs/operations.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kompass.ops import services
from kompass.tenancy.models import Kommune


class Command(BaseCommand):
    help = "Löscht eine Kommune mit allen Daten, Dateien, Protokolleinträgen und Cache-Einträgen (nicht umkehrbar)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="Kurzname der Kommune")
        parser.add_argument("--yes", action="store_true", help="Bestätigung: die Löschung ist endgültig")

    def handle(self, *args: Any, **options: Any) -> None:
        kommune = Kommune.objects.filter(slug=options["slug"]).first()
        if kommune is None:
            raise CommandError(f"Keine Kommune mit dem Kurznamen „{options['slug']}“.")
        if not options["yes"]:
            raise CommandError(
                f"Die Löschung von {kommune.name} ist endgültig. Exportieren Sie vorher "
                f"(manage.py export_kommune {kommune.slug}) und bestätigen Sie mit --yes."
            )
        report = services.kommune_delete(kommune)
        self.stdout.write(
            f"{kommune.name} gelöscht: {sum(report.rows.values())} Zeilen, {report.files} Dateien, "
            f"{report.cache_entries} Cache-Einträge."
        )
