"""`manage.py restore ARCHIVE [--yes]`: replace database and media files with a backup (docs/operations.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kompass.ops import backup


class Command(BaseCommand):
    help = "Spielt eine Sicherung zurück: ersetzt alle Daten und Dateien, prüft Zeilenzahlen und Prüfsummen."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="Archiv aus manage.py backup")
        parser.add_argument("--yes", action="store_true", help="ohne Rückfrage: alle jetzigen Daten werden ersetzt")

    def handle(self, *args: Any, **options: Any) -> None:
        archive = Path(options["archive"])
        try:
            manifest = backup.read_manifest(archive)
            backup.check_compatible(manifest)
        except backup.RestoreRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Sicherung vom {manifest['created_at']}, Version {manifest['app_version']}, {manifest['backend']}."
        )
        if not options["yes"] and not self._confirmed():
            raise CommandError("Abgebrochen: Die Wiederherstellung ersetzt alle Daten. Bestätigen Sie mit --yes.")
        try:
            report = backup.restore(archive)
        except backup.RestoreRefused as exc:
            raise CommandError(str(exc)) from exc
        except (RuntimeError, OSError) as exc:
            raise CommandError(f"Wiederherstellung fehlgeschlagen: {exc}") from exc
        self.stdout.write(
            f"Wiederhergestellt in {report.seconds:.1f} s: {report.tables} Tabellen, Zeilenzahlen und Prüfsummen "
            f"wie im Manifest{'; danach migriert' if report.migrated else ''}"
            f"{'; ausgeführt: ' + ', '.join(report.hooks) if report.hooks else ''}."
        )

    def _confirmed(self) -> bool:
        if not sys.stdin.isatty():
            return False
        answer = input("Alle jetzigen Daten und Dateien werden ersetzt. Fortfahren? [ja/nein] ")
        return answer.strip().lower() in ("ja", "j", "yes", "y")
