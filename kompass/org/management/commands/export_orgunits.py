"""`manage.py export_orgunits --kommune SLUG --format csv|xlsx [--output FILE]`: export Organisationseinheiten."""

from __future__ import annotations

from kompass.org.importers import KIND_ORGUNITS
from kompass.org.management.commands._import_export import ExportCommand


class Command(ExportCommand):
    help = "Exportiert die Organisationseinheiten einer Kommune als CSV oder XLSX (Spalten wie beim Import)."
    kind = KIND_ORGUNITS
