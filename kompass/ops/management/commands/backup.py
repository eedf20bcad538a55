"""`manage.py backup [--output DIR]`: one archive with database, media files and manifest (docs/operations.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kompass.ops import backup


class Command(BaseCommand):
    help = "Sichert Datenbank und hochgeladene Dateien in ein Archiv mit Manifest (Version, Migrationen, Prüfsummen)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default="var/backups", help="Zielverzeichnis (Standard: var/backups)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            archive = backup.backup(Path(options["output"]))
        except (RuntimeError, OSError) as exc:
            raise CommandError(f"Sicherung fehlgeschlagen: {exc}") from exc
        manifest = backup.read_manifest(archive)
        rows = sum(table["rows"] for table in manifest["tables"].values())
        self.stdout.write(f"Sicherung geschrieben: {archive} ({len(manifest['tables'])} Tabellen, {rows} Zeilen)")
