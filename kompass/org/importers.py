"""The org app's two import kinds: Organisationseinheiten and Personen (issue 2 §6).

Reading the file, matching the header, the transaction and the report are the tabular layer's
(`kompass.tabular.importing.run_import`); here are the columns and the step that checks the rows
against the Kommune's units and people (`kompass.org.imports`) and writes them in bulk
(`kompass.org.import_services`). Both kinds are registered in `kompass.org.registrations`.
"""

from __future__ import annotations

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
    KIND_PEOPLE: Columns(("email", "vorname", "nachname"), ("funktion", "organisationseinheit")),
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
