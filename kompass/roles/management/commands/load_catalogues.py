"""`manage.py load_catalogues`: load the shipped role catalogues and activities (idempotent).

`make run` and `load_demo` call it; a second run changes nothing. A catalogue file that was
changed without a new version number is refused (the adopted versions stay reproducible).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kompass.roles.catalogue_loader import CatalogueFileError, load_catalogues


class Command(BaseCommand):
    help = "Lädt die mitgelieferten Rollenkataloge und Aktivitäten der Verantwortungsmatrix (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = load_catalogues()
        except CatalogueFileError as exc:
            raise CommandError(str(exc)) from exc
        loaded = ", ".join(result.loaded) or "keine"
        unchanged = ", ".join(result.unchanged) or "keine"
        self.stdout.write(
            f"Rollenkataloge geladen: {loaded}; unverändert: {unchanged}. Aktivitäten: "
            f"{result.activities_created} neu, {result.activities_updated} aktualisiert."
        )
