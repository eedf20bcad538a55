"""`manage.py import_orgunits FILE --kommune SLUG [--dry-run]`: import Organisationseinheiten from CSV or XLSX."""

from __future__ import annotations

from kompass.org.importers import KIND_ORGUNITS
from kompass.org.management.commands._import_export import ImportCommand


class Command(ImportCommand):
    help = "Importiert Organisationseinheiten aus einer CSV- oder XLSX-Datei (alles oder nichts)."
    kind = KIND_ORGUNITS
