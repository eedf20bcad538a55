"""The one capability map: which role may do what in a Kommune (deny by default, T6).

Redaktion may be limited to an org-unit subtree (a Lotse edits only her Fachbereich); then
edits are allowed only for objects inside that subtree, and Kommune-wide actions (imports,
the role model) are not allowed at all.
"""

from __future__ import annotations

from enum import StrEnum

from kompass.tenancy.models import Role


class Capability(StrEnum):
    VIEW = "view"
    """Die Daten der Kommune lesen."""
    EDIT_ORG = "edit_org"
    """Die Verwaltungsgliederung pflegen (Organisationseinheiten anlegen, ändern, verschieben, löschen)."""
    EDIT_PEOPLE = "edit_people"
    """Personen anlegen, ändern und löschen."""
    IMPORT = "import"
    """Dateien importieren (Organisationseinheiten, Personen, Zuordnungen)."""
    VIEW_AUDIT = "view_audit"
    """Das Änderungsprotokoll der Kommune lesen."""
    MANAGE_MEMBERS = "manage_members"
    """Mitglieder einladen, ihre Rolle und ihre Beschränkung festlegen."""
    MANAGE_KOMMUNE = "manage_kommune"
    """Die Stammdaten der Kommune ändern."""
    EDIT_ROLE_MODEL = "edit_role_model"
    """Das Rollenmodell der Kommune ändern: einen Rollenkatalog übernehmen, Rollen anlegen, ändern,
    deaktivieren und löschen, Beziehungen zwischen Rollen, die Verantwortungsmatrix (RACI) und
    Aktualisierungen aus dem Katalog. Gilt für die ganze Kommune: das Rollenmodell hat keinen Ort in
    der Verwaltungsgliederung."""
    EDIT_ASSIGNMENTS = "edit_assignments"
    """Personen Rollen zuordnen, Zuordnungen ändern, beenden und löschen. Mit Beschränkung nur
    Zuordnungen im eigenen Teilbaum (Ort: die Einheit der Zuordnung, sonst die Einheit der Person)."""
    EDIT_FRAMEWORK = "edit_framework"
    """Den Orientierungsrahmen der Kommune pflegen: den Katalog übernehmen, Felder abschalten und
    umformulieren, eigene Kriterien, das Soll-Profil, Empfehlungen und den Kommunentyp."""
    MANAGE_SURVEYS = "manage_surveys"
    """Umfragen der Selbstbewertung anlegen, einladen, erinnern, schließen, wieder öffnen und archivieren."""
    EDIT_AGENDA = "edit_agenda"
    """Die Strategie der Digitalen Agenda pflegen: Fassungen und ihren Beschluss, Vision, Leitsätze,
    Handlungsfelder, Ziele und ihre Kennzahlen, Gremienbeschlüsse, Einstellungen und die öffentliche
    Seite. Gilt für die ganze Kommune: die Strategie hat keinen Ort in der Verwaltungsgliederung."""
    EDIT_MEASURES = "edit_measures"
    """Maßnahmen der Digitalen Agenda anlegen und pflegen: Status, Meilensteine, Haushalt, Risiken,
    Abhängigkeiten, Beteiligte, Wirkungskette, ihre Kennzahlen und Messwerte, Sachstandsberichte. Mit
    Beschränkung nur Maßnahmen, deren federführende Organisationseinheit im eigenen Teilbaum liegt."""
    MANAGE_TRASH = "manage_trash"
    """Den Papierkorb sehen: gelöschte Personen, Organisationseinheiten, Rollen und Maßnahmen
    wiederherstellen oder endgültig löschen. Gilt für die ganze Kommune; zum Wiederherstellen braucht
    es zusätzlich das Recht, solche Objekte zu pflegen."""


# Capabilities that need the whole Kommune; a subtree-limited editor does not get them.
KOMMUNE_WIDE = {
    Capability.IMPORT,
    Capability.VIEW_AUDIT,
    Capability.MANAGE_MEMBERS,
    Capability.MANAGE_KOMMUNE,
    Capability.EDIT_ROLE_MODEL,
    Capability.EDIT_FRAMEWORK,
    Capability.MANAGE_SURVEYS,
    Capability.EDIT_AGENDA,
    Capability.MANAGE_TRASH,
}

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.ADMIN: frozenset(Capability),
    Role.EDITOR: frozenset(
        {
            Capability.VIEW,
            Capability.EDIT_ORG,
            Capability.EDIT_PEOPLE,
            Capability.IMPORT,
            Capability.EDIT_ROLE_MODEL,
            Capability.EDIT_ASSIGNMENTS,
            Capability.EDIT_FRAMEWORK,
            Capability.MANAGE_SURVEYS,
            Capability.EDIT_AGENDA,
            Capability.EDIT_MEASURES,
            Capability.MANAGE_TRASH,
        }
    ),
    Role.READER: frozenset({Capability.VIEW}),
}


def role_allows(role: str, capability: Capability, *, scope_path: str | None, target_path: str | None) -> bool:
    """May a member with `role` (limited to the subtree `scope_path`, if any) do `capability`
    on an object located at tree path `target_path` (None: Kommune-wide)?"""
    if capability not in ROLE_CAPABILITIES.get(role, frozenset()):
        return False
    if scope_path is None or capability == Capability.VIEW:
        return True
    if capability in KOMMUNE_WIDE or target_path is None:
        return False
    return target_path.startswith(scope_path)
