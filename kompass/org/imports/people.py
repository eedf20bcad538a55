"""Checking a people file row by row before anything is written.

A person is identified by the (lower-case) official e-mail address; `organisationseinheit`
names an existing unit of the Kommune by its Kennung (import the units first).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from kompass.org.import_services import PersonChange, PersonState
from kompass.org.models import Person
from kompass.tabular.columns import Record, max_length
from kompass.tabular.report import ACTION_CHANGED, ACTION_NEW, ACTION_UNCHANGED, ImportReport, ImportRow

LIMITS = {
    "email": max_length(Person, "email"),
    "vorname": max_length(Person, "first_name"),
    "nachname": max_length(Person, "last_name"),
    "funktion": max_length(Person, "function_title"),
}


@dataclass
class PersonRow:
    row: int
    change: PersonChange


def validate(records: list[Record], state: PersonState, report: ImportReport) -> list[PersonRow]:
    """Every row checked; the problems go to `report`, the wanted changes are returned."""
    rows: list[PersonRow] = []
    first_row: dict[str, int] = {}
    for record in records:
        email = record.get("email").lower()
        if email in first_row:
            report.add(
                record.row,
                "email",
                _("Die E-Mail-Adresse %(email)s kommt in der Datei mehrfach vor (zuerst in Zeile %(row)d).")
                % {"email": email, "row": first_row[email]},
            )
            continue
        if email:
            first_row[email] = record.row
        change = _change_from(record, email, state, report)
        if change is not None:
            rows.append(PersonRow(record.row, change))
    return rows


def _change_from(record: Record, email: str, state: PersonState, report: ImportReport) -> PersonChange | None:
    count = len(report.issues)
    _check_email(record.row, email, report)
    if not record.get("vorname"):
        report.add(record.row, "vorname", _("Bitte geben Sie einen Vornamen an."))
    if not record.get("nachname"):
        report.add(record.row, "nachname", _("Bitte geben Sie einen Nachnamen an."))
    for column in ("vorname", "nachname", "funktion"):
        if len(record.get(column)) > LIMITS[column]:
            report.add(
                record.row,
                column,
                _("Höchstens %(max)d Zeichen erlaubt (hier %(n)d).")
                % {"max": LIMITS[column], "n": len(record.get(column))},
            )
    unit_code = record.get("organisationseinheit")
    unit_id = state.unit_ids.get(unit_code) if unit_code else None
    if unit_code and unit_id is None:
        report.add(
            record.row,
            "organisationseinheit",
            _(
                "Die Organisationseinheit „%(code)s“ gibt es in der Kommune nicht. Importieren Sie die "
                "Organisationseinheiten zuerst."
            )
            % {"code": unit_code},
        )
    if len(report.issues) > count:
        return None
    has = record.values.__contains__
    return PersonChange(
        email=email,
        first_name=record.get("vorname"),
        last_name=record.get("nachname"),
        function_title=record.get("funktion") if has("funktion") else None,
        org_unit_id=unit_id,
        set_unit=has("organisationseinheit"),
        person=state.people.get(email),
    )


def _check_email(row: int, email: str, report: ImportReport) -> None:
    if not email:
        report.add(row, "email", _("Bitte geben Sie die dienstliche E-Mail-Adresse an."))
        return
    if len(email) > LIMITS["email"]:
        report.add(
            row,
            "email",
            _("Höchstens %(max)d Zeichen erlaubt (hier %(n)d).") % {"max": LIMITS["email"], "n": len(email)},
        )
        return
    try:
        validate_email(email)
    except ValidationError:
        report.add(row, "email", _("„%(email)s“ ist keine gültige E-Mail-Adresse.") % {"email": email})


def actions(rows: list[PersonRow], state: PersonState) -> list[ImportRow]:
    """What each row does: new, changed (which columns) or unchanged."""
    result = []
    for item in rows:
        change, person = item.change, item.change.person
        label = f"{change.first_name} {change.last_name}"
        if person is None:
            result.append(ImportRow(item.row, change.email, ACTION_NEW, label=label))
            continue
        changed = [
            column
            for column, differs in (
                ("vorname", change.first_name != person.first_name),
                ("nachname", change.last_name != person.last_name),
                ("funktion", change.function_title is not None and change.function_title != person.function_title),
                ("organisationseinheit", change.set_unit and change.org_unit_id != person.org_unit_id),
            )
            if differs
        ]
        action = ACTION_CHANGED if changed else ACTION_UNCHANGED
        result.append(ImportRow(item.row, change.email, action, changed, label=label))
    return result
