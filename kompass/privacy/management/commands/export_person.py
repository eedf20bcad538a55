"""`manage.py export_person --kommune SLUG (--person ID | --member USERNAME) [--format json|pdf] [--output FILE]`:
the Auskunft (DSGVO Art. 15) about one person of a Kommune, as the Datenschutz page gives it.
The export is written to the Kommune's log (by pseudonym), like one from the page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kompass.audit.context import change_context
from kompass.audit.models import AuditSource
from kompass.privacy import pdf, selectors, services
from kompass.privacy.selectors import DataSubject
from kompass.tenancy.models import Kommune


class Command(BaseCommand):
    help = "Gibt alle personenbezogenen Daten einer Person einer Kommune aus (Auskunft nach Art. 15 DSGVO)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kommune", required=True, help="Kurzname (slug) der Kommune")
        parser.add_argument("--person", type=int, help="Nummer der Person in der Verwaltungsgliederung")
        parser.add_argument("--member", help="Anmeldename eines Mitglieds der Kommune")
        parser.add_argument("--format", choices=("json", "pdf"), default="json")
        parser.add_argument("--output", help="Datei statt der Standardausgabe")

    def _subject(self, kommune: Kommune, options: dict[str, Any]) -> DataSubject:
        person = user = None
        if options["person"] is not None:
            person = selectors.person_get(kommune, options["person"])
            if person is None:
                raise CommandError(f"Keine Person {options['person']} in der Kommune „{kommune.slug}“.")
        if options["member"]:
            user = get_user_model()._base_manager.filter(username=options["member"]).first()
        ds = DataSubject.build(kommune, person=person, user=user)
        if options["member"] and ds.user is None:
            raise CommandError(f"Kein Mitglied „{options['member']}“ in der Kommune „{kommune.slug}“.")
        if ds.person is None and ds.user is None:
            raise CommandError("Bitte --person oder --member angeben.")
        return ds

    def handle(self, *args: Any, **options: Any) -> None:
        kommune = Kommune.objects.filter(slug=options["kommune"]).first()
        if kommune is None:
            raise CommandError(f"Keine Kommune mit dem Kurznamen „{options['kommune']}“.")
        ds = self._subject(kommune, options)
        if options["format"] == "pdf" and not options["output"]:
            raise CommandError("Ein PDF bitte mit --output in eine Datei schreiben.")
        data = services.export_data(ds)
        content = services.export_json(data) if options["format"] == "json" else pdf.export_pdf(ds, data)
        with change_context(source=AuditSource.COMMAND):
            services.export_record(ds, actor=None, fmt=options["format"].upper())
        if options["output"]:
            Path(options["output"]).write_bytes(content)
        elif options["format"] == "json":
            self.stdout.write(content.decode("utf-8"))
        else:
            raise CommandError("Ein PDF bitte mit --output in eine Datei schreiben.")
