"""`manage.py import_assignments FILE --kommune SLUG [--dry-run]`: import Rollenzuordnungen from CSV or XLSX."""

from __future__ import annotations

from kompass.org.management.commands._import_export import ImportCommand
from kompass.roles.importers import KIND_ASSIGNMENTS


class Command(ImportCommand):
    help = (
        "Importiert Rollenzuordnungen (email;rolle;organisationseinheit;zeitanteil;von;bis) aus einer CSV- oder "
        "XLSX-Datei (alles oder nichts)."
    )
    kind = KIND_ASSIGNMENTS
