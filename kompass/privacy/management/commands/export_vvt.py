"""`manage.py export_vvt [--kommune SLUG] [--format md|json] [--output FILE]`: the Verzeichnis von
Verarbeitungstätigkeiten (DSGVO Art. 30) from the personal-data registry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kompass.privacy import vvt
from kompass.tenancy.models import Kommune


class Command(BaseCommand):
    help = "Schreibt das Verzeichnis von Verarbeitungstätigkeiten (Art. 30 DSGVO) aus dem Register."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kommune", help="Kurzname (slug) der verantwortlichen Kommune")
        parser.add_argument("--format", choices=("md", "json"), default="md")
        parser.add_argument("--output", help="Datei statt der Standardausgabe")

    def handle(self, *args: Any, **options: Any) -> None:
        kommune = None
        if options["kommune"]:
            kommune = Kommune.objects.filter(slug=options["kommune"]).first()
            if kommune is None:
                raise CommandError(f"Keine Kommune mit dem Kurznamen „{options['kommune']}“.")
        data = vvt.build(kommune)
        text = vvt.markdown(data) if options["format"] == "md" else json.dumps(data, ensure_ascii=False, indent=2)
        if options["output"]:
            Path(options["output"]).write_text(text + "\n", encoding="utf-8")
        else:
            self.stdout.write(text)
