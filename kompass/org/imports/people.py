"""Checking a people file row by row before anything is written.

A person is identified by the (lower-case) official e-mail address; `organisationseinheit`
names an existing unit of the Kommune by its Kennung (import the units first). The optional
columns `umfang` (Beschäftigungsumfang, 1–100 % of a full-time post), `arbeitgeber` ("eigen" or
"extern") and `arbeitgeber_name` (the external body) behave like `funktion`: a column the file
lacks leaves the value as it is; an empty cell sets the default (100, "eigen", no name).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from kompass.core.percent import percent_text
from kompass.org import employment
from kompass.org.import_services import PersonChange, PersonState
from kompass.org.models import FULL_TIME, EmployerKind, Person
from kompass.tabular.columns import Record, max_length
from kompass.tabular.report import ACTION_CHANGED, ACTION_NEW, ACTION_UNCHANGED, ImportReport, ImportRow

LIMITS = {
    "email": max_length(Person, "email"),
    "vorname": max_length(Person, "first_name"),
    "nachname": max_length(Person, "last_name"),
    "funktion": max_length(Person, "function_title"),
    "arbeitgeber_name": max_length(Person, "employer_name"),
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
    for column in ("vorname", "nachname", "funktion", "arbeitgeber_name"):
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
    percent = _employment_percent(record, report)
    employer = _employer(record, state.people.get(email), report)
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
        employment_percent=percent,
        employer=employer,
    )


def _employment_percent(record: Record, report: ImportReport) -> Decimal | None:
    """The Beschäftigungsumfang of the row; None when the file has no column `umfang`."""
    if "umfang" not in record.values:
        return None
    text = record.get("umfang")
    if not text.strip():
        return FULL_TIME
    value = employment.parse_percent(text)
    if value is not None and 0 < value < employment.MIN_PERCENT:
        report.add(
            record.row,
            "umfang",
            str(employment.FRACTION_MESSAGE) % {"value": percent_text(value), "meant": percent_text(value * 100)},
        )
        return None
    if value is None or not employment.in_range(value):
        report.add(
            record.row, "umfang", _("„%(value)s“: %(rule)s") % {"value": text, "rule": employment.PERCENT_MESSAGE}
        )
        return None
    return value


def _employer(record: Record, person: Person | None, report: ImportReport) -> tuple[str, str] | None:
    """(kind, name) of the row; None when the file has neither `arbeitgeber` nor `arbeitgeber_name`.
    A column the file lacks keeps the person's value (a new person: "eigen", no name)."""
    has = record.values.__contains__
    if not has("arbeitgeber") and not has("arbeitgeber_name"):
        return None
    if has("arbeitgeber"):
        word = " ".join(record.get("arbeitgeber").lower().split())
        kind = employment.EMPLOYER_WORDS.get(word) if word else EmployerKind.OWN
        if kind is None:
            report.add(
                record.row,
                "arbeitgeber",
                _("„%(value)s“ ist kein Arbeitgeber. Erlaubt sind „eigen“ (oder leer) und „extern“.")
                % {"value": record.get("arbeitgeber")},
            )
            return None
    else:
        kind = person.employer_kind if person is not None else EmployerKind.OWN
    if has("arbeitgeber_name"):
        name = record.get("arbeitgeber_name")
    else:
        name = person.employer_name if person is not None and kind == EmployerKind.EXTERNAL else ""
    if kind == EmployerKind.EXTERNAL and not name:
        report.add(record.row, "arbeitgeber_name", str(employment.EXTERNAL_NAME_MISSING))
        return None
    if kind == EmployerKind.OWN and name:
        report.add(record.row, "arbeitgeber_name", str(employment.OWN_WITH_NAME))
        return None
    return kind, name


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
                (
                    "umfang",
                    change.employment_percent is not None and change.employment_percent != person.employment_percent,
                ),
                (
                    "arbeitgeber",
                    change.employer is not None and change.employer != (person.employer_kind, person.employer_name),
                ),
            )
            if differs
        ]
        action = ACTION_CHANGED if changed else ACTION_UNCHANGED
        result.append(ImportRow(item.row, change.email, action, changed, label=label))
    return result
