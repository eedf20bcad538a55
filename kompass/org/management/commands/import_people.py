"""`manage.py import_people FILE --kommune SLUG [--dry-run]`: import Personen from CSV or XLSX."""

from __future__ import annotations

from kompass.org.importers import KIND_PEOPLE
from kompass.org.management.commands._import_export import ImportCommand


class Command(ImportCommand):
    help = "Importiert Personen aus einer CSV- oder XLSX-Datei (alles oder nichts)."
    kind = KIND_PEOPLE
