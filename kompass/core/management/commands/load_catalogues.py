"""`manage.py load_catalogues`: load every shipped data catalogue (idempotent).

The catalogues are registered by their apps in `core.extensions.CATALOGUE_LOADERS` (the role
catalogues and activities, the framework catalogue and the measure templates …). `make run` and
`load_demo` call it; a second run changes nothing. A catalogue file that was changed without a new
version number is refused, so that every Kommune's adopted version stays reproducible.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kompass.core.extensions import CATALOGUE_LOADERS


class Command(BaseCommand):
    help = "Lädt die mitgelieferten Kataloge (Rollen, Aktivitäten, Orientierungsrahmen, Maßnahmenvorlagen), idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        for loader in CATALOGUE_LOADERS:
            try:
                summary = loader.load()
            except ValueError as exc:
                raise CommandError(f"{loader.label}: {exc}") from exc
            self.stdout.write(f"{loader.label}: {summary}")
