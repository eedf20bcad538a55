"""Shared code of the import and export commands (the leading underscore hides it from `manage.py help`).

Every registered table kind (`kompass.tabular.kinds.TABLE_KINDS`) gets its two commands by
subclassing these with its `kind`; the roles app does so for its assignments.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kompass.tabular.importing import run_import
from kompass.tabular.kinds import export_file
from kompass.tabular.writing import FORMATS
from kompass.tenancy.models import Kommune


def kommune_by_slug(slug: str) -> Kommune:
    kommune = Kommune.objects.filter(slug=slug).first()
    if kommune is None:
        raise CommandError(_("Keine Kommune mit dem Kürzel „%(slug)s“.") % {"slug": slug})
    return kommune


class ImportCommand(BaseCommand):
    """`import_<kind> FILE --kommune SLUG [--dry-run]`: counts on stdout, problems on stderr."""

    kind = ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("CSV- oder XLSX-Datei"))
        parser.add_argument("--kommune", required=True, help=_("Kürzel (Slug) der Kommune"))
        parser.add_argument("--dry-run", action="store_true", help=_("nur prüfen, nichts speichern"))

    def handle(self, *args: Any, **options: Any) -> None:
        kommune = kommune_by_slug(options["kommune"])
        data = self._read(options["file"])
        # Imports are recorded with source "import" and actor "System", whatever the entry point.
        report = run_import(
            kind=self.kind,
            kommune=kommune,
            actor=None,
            filename=os.path.basename(options["file"]),
            data=data,
            dry_run=options["dry_run"],
        )
        for issue in report.issues:
            self.stderr.write(str(issue))
        if not report.ok:
            raise CommandError(
                _("Die Datei wurde abgelehnt (%(n)d Fehler). Es wurde nichts geändert.") % {"n": len(report.issues)}
            )
        self.stdout.write(report.summary())

    def _read(self, path: str) -> bytes:
        try:
            if os.path.getsize(path) > settings.IMPORT_MAX_BYTES:
                raise CommandError(
                    _("Die Datei ist zu groß. Erlaubt sind höchstens %(max)d Bytes.")
                    % {"max": settings.IMPORT_MAX_BYTES}
                )
            with open(path, "rb") as handle:
                return handle.read()
        except OSError as exc:
            raise CommandError(
                _("Die Datei %(path)s kann nicht gelesen werden: %(reason)s")
                % {"path": path, "reason": exc.strerror or exc}
            ) from exc


class ExportCommand(BaseCommand):
    """`export_<kind> --kommune SLUG --format csv|xlsx [--output FILE]`."""

    kind = ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kommune", required=True, help=_("Kürzel (Slug) der Kommune"))
        parser.add_argument("--format", choices=FORMATS, default="csv", dest="fmt")
        parser.add_argument("--output", help=_("Zieldatei; ohne Angabe CSV auf die Standardausgabe"))

    def handle(self, *args: Any, **options: Any) -> None:
        kommune = kommune_by_slug(options["kommune"])
        output = options["output"]
        if output is None and options["fmt"] == "xlsx":
            raise CommandError(_("Für XLSX geben Sie bitte mit --output eine Zieldatei an."))
        export = export_file(kind=self.kind, kommune=kommune, fmt=options["fmt"])
        if output is None:
            self.stdout.write(export.content.decode("utf-8"), ending="")
            return
        try:
            with open(output, "wb") as handle:
                handle.write(export.content)
        except OSError as exc:
            raise CommandError(
                _("Die Datei %(path)s kann nicht geschrieben werden: %(reason)s")
                % {"path": output, "reason": exc.strerror or exc}
            ) from exc
        self.stderr.write(_("Export geschrieben: %(path)s") % {"path": output})
