"""`manage.py load_demo [--if-empty]`: load the demo Kommunen Musterstadt and Kleinhausen.

`make run` calls it with `--if-empty`, so a database that already holds a Kommune (the demo
or real data) is left alone and a second `make run` reuses the data.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kompass.demo import kommunen as demo
from kompass.tenancy.models import Kommune


class Command(BaseCommand):
    help = "Lädt die Demo-Kommunen Musterstadt und Kleinhausen mit Personen und Demo-Zugängen."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Nur laden, wenn es noch keine Kommune gibt (sonst nichts tun).",
        )

    def handle(self, *args: Any, if_empty: bool = False, **options: Any) -> None:
        if if_empty and Kommune.objects.exists():
            self.stdout.write("Es gibt bereits Kommunen in der Datenbank – die Demodaten werden nicht geladen.")
            return
        started = time.monotonic()
        try:
            summary = demo.load_demo()
        except demo.DemoExistsError as exc:
            raise CommandError(
                f"Die Demodaten sind schon (teilweise) vorhanden: {exc}. Nichts wurde geändert. "
                "Für einen Neuanfang die Datenbank löschen (z. B. db.sqlite3) und erneut `make run` aufrufen."
            ) from exc
        names = ", ".join(k.name for k in summary.kommunen)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demodaten geladen: {names} – {summary.units} Organisationseinheiten, {summary.people} Personen, "
                f"{summary.assignments} Rollenzuordnungen, {summary.users} Benutzerkonten "
                f"({time.monotonic() - started:.1f} s)."
            )
        )
        if summary.assessment is not None:
            self.stdout.write(f"Selbstbewertung: {summary.assessment.describe()}.")
        if summary.agenda is not None:
            self.stdout.write(f"Digitale Agenda Musterstadt: {summary.agenda.describe()}.")
