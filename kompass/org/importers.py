"""The org app's two import kinds: Organisationseinheiten and Personen (issue 2 §6).

Reading the file, matching the header, the transaction and the report are the tabular layer's
(`kompass.tabular.importing.run_import`); here are the columns and the step that checks the rows
against the Kommune's units and people (`kompass.org.imports`) and writes them in bulk
(`kompass.org.import_services`). Both kinds are registered in `kompass.org.registrations`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kompass.core.actors import Actor
from kompass.org import import_services
from kompass.org.imports import orgunits, people
from kompass.tabular.columns import Columns, Record
from kompass.tabular.report import ImportReport
from kompass.tenancy.models import Kommune

KIND_ORGUNITS = "orgunits"
KIND_PEOPLE = "people"

COLUMNS = {
    KIND_ORGUNITS: Columns(("kennung", "name", "typ", "uebergeordnet"), ("leitung_email",)),
    KIND_PEOPLE: Columns(
        ("email", "vorname", "nachname"),
        ("funktion", "organisationseinheit", "umfang", "arbeitgeber", "arbeitgeber_name"),
    ),
}

# The example files of the import page: a small Kommune that imports without error into an empty
# one, units first, then people (and then the roles app's assignments). The names carry umlauts,
# ß and letters beyond Latin-1, so that a file saved in the wrong encoding shows at once.
EXAMPLE_DOMAIN = "musterkommune.example"
EXAMPLES = {
    KIND_ORGUNITS: (
        ("VV", "Verwaltungsvorstand", "Verwaltungsvorstand", "", ""),
        ("I", "Dezernat I – Zentrale Steuerung", "Dezernat", "VV", ""),
        ("10", "Hauptamt", "Amt", "I", ""),
        ("10.1", "Organisation und Digitalisierung", "Abteilung", "10", ""),
        ("20", "Kämmerei", "Amt", "I", ""),
        ("II", "Dezernat II – Bürgerdienste", "Dezernat", "VV", ""),
        ("32", "Ordnungsamt", "Amt", "II", ""),
        ("33", "Bürgeramt", "Amt", "II", ""),
        ("33.1", "Kfz-Zulassung und Führerscheinstelle", "Sachgebiet", "33", ""),
    ),
    KIND_PEOPLE: (
        (f"jana.schaefer@{EXAMPLE_DOMAIN}", "Jana", "Schäfer", "Leitung Hauptamt", "10", "100", "eigen", ""),
        (
            f"lukasz.wojcik@{EXAMPLE_DOMAIN}",
            "Łukasz",
            "Wójcik",
            "Sachbearbeitung Organisation",
            "10.1",
            "75",
            "eigen",
            "",
        ),
        (f"aylin.oezdemir@{EXAMPLE_DOMAIN}", "Aylin", "Özdemir", "Sachbearbeitung Haushalt", "20", "50", "eigen", ""),
        (
            f"guenther.gross@{EXAMPLE_DOMAIN}",
            "Günther",
            "Groß",
            "Sachbearbeitung Gewerbeangelegenheiten",
            "32",
            "100",
            "eigen",
            "",
        ),
        (f"dragana.petrovic@{EXAMPLE_DOMAIN}", "Dragana", "Petrović", "Leitung Bürgeramt", "33", "100", "eigen", ""),
        (
            f"sven.kraemer@{EXAMPLE_DOMAIN}",
            "Sven",
            "Krämer",
            "Kundenbetreuung Kommunen",
            "",
            "100",
            "extern",
            "Kommunales Rechenzentrum Musterland",
        ),
    ),
}

COLUMN_HELP = {
    KIND_ORGUNITS: (
        (
            "kennung",
            _(
                "Eindeutige Kennung der Einheit, z. B. „32“ oder „32.1“: bis zu 30 Zeichen aus Buchstaben, Ziffern, "
                "Punkt, Bindestrich, Schrägstrich oder Unterstrich."
            ),
        ),
        ("name", _("Name der Einheit, z. B. „Ordnungsamt“.")),
        (
            "typ",
            _(
                "Art der Einheit: Verwaltungsvorstand, Dezernat, Fachbereich, Amt, Abteilung, Sachgebiet, "
                "Stabsstelle, Eigenbetrieb oder Beteiligung."
            ),
        ),
        (
            "uebergeordnet",
            _("Kennung der übergeordneten Einheit; leer für die oberste Ebene. Die Reihenfolge der Zeilen ist egal."),
        ),
        (
            "leitung_email",
            _(
                "Dienstliche E-Mail-Adresse der Leitung. Die Person muss schon importiert sein – lassen Sie die "
                "Spalte beim ersten Import leer und ergänzen Sie sie nach dem Personen-Import."
            ),
        ),
    ),
    KIND_PEOPLE: (
        ("email", _("Dienstliche E-Mail-Adresse; an ihr wird die Person bei jedem weiteren Import wiedererkannt.")),
        ("vorname", _("Vorname.")),
        ("nachname", _("Nachname.")),
        ("funktion", _("Funktion oder Stellenbezeichnung, z. B. „Sachbearbeitung Haushalt“.")),
        (
            "organisationseinheit",
            _("Kennung der Einheit, zu der die Person gehört. Die Einheit muss schon importiert sein; darf leer sein."),
        ),
        (
            "umfang",
            _(
                "Beschäftigungsumfang in Prozent einer Vollzeitstelle, 1 bis 100 (z. B. 100 für Vollzeit, 50 für eine "
                "halbe Stelle); leer: 100. Der Rollen-Check vergleicht die Zeitanteile der Rollen damit."
            ),
        ),
        (
            "arbeitgeber",
            _(
                "„eigen“ für Beschäftigte der eigenen Verwaltung, „extern“ für Personen einer externen Stelle "
                "(IT-Dienstleister, Zweckverband, beauftragte Firma); leer: eigen."
            ),
        ),
        ("arbeitgeber_name", _("Name der externen Stelle; nur und immer bei „extern“.")),
    ),
}


def check_and_apply_orgunits(kommune: Kommune, actor: Actor, rows: list[Record], report: ImportReport) -> None:
    """Check the units as rows and as a tree; write them all if nothing is wrong and it is no dry run."""
    state = import_services.load_orgunit_state(kommune, lock=not report.dry_run)
    unit_rows = orgunits.validate(rows, state, report)
    report.record(orgunits.actions(unit_rows, state))
    if report.ok and not report.dry_run:
        changes = [r.change for r in unit_rows]
        import_services.orgunits_apply(kommune=kommune, actor=actor, state=state, changes=changes)


def check_and_apply_people(kommune: Kommune, actor: Actor, rows: list[Record], report: ImportReport) -> None:
    """Check the people rows; write them all if nothing is wrong and it is no dry run."""
    state = import_services.load_person_state(kommune, lock=not report.dry_run)
    person_rows = people.validate(rows, state, report)
    report.record(people.actions(person_rows, state))
    if report.ok and not report.dry_run:
        import_services.people_apply(kommune=kommune, actor=actor, changes=[r.change for r in person_rows])
