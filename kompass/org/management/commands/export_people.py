"""`manage.py export_people --kommune SLUG --format csv|xlsx [--output FILE]`: export Personen."""

from __future__ import annotations

from kompass.org.importers import KIND_PEOPLE
from kompass.org.management.commands._import_export import ExportCommand


class Command(ExportCommand):
    help = "Exportiert die Personen einer Kommune als CSV oder XLSX (Spalten wie beim Import)."
    kind = KIND_PEOPLE
