"""Import and export of role assignments (Rollenzuordnungen) as CSV or XLSX.

Columns `email;rolle;organisationseinheit;zeitanteil;von;bis` (header case-insensitive, any order).
`rolle` names a role of the Kommune's model by its key, its exact name or its short name;
`organisationseinheit` is the Kennung of a unit (empty: the assignment is for the person's own
unit); `zeitanteil` is the percentage of a full-time post, above 0 and at most 100 (German decimal
comma allowed; below 1 is refused, as an XLSX cell formatted "50 %" holds 0,5); `von`/`bis` are
dates as `TT.MM.JJJJ` or `JJJJ-MM-TT`, `bis` may be empty (open-ended).

An assignment is identified by (email, rolle, organisationseinheit, von): the same person may
hold the same role again later (a new `von`), and that is history, not a change. An import only
creates assignments and changes `zeitanteil`/`bis` of existing ones; it never deletes. A row that
would duplicate another assignment of the same person, role and unit in an overlapping period (in
the Kommune or in the file) is refused with the one it duplicates named (`services.assignment_duplicate`).

The kind is registered in the tabular layer (`kompass.tabular.kinds.TABLE_KINDS`), whose
`run_import(kind="assignments", …)` does the file reading, size and zip-bomb checks, header
matching, dry run, one transaction and change context "import"; the export uses its formula-safe
CSV/XLSX writers, so an exported file imports again without any change.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kompass.audit.services import audit_bulk_create
from kompass.core.actors import Actor
from kompass.core.exceptions import ConflictError
from kompass.org.models import OrgUnit, Person
from kompass.roles import services
from kompass.roles.models import Assignment, Role
from kompass.roles.rules import percent
from kompass.tabular.columns import Columns, Record
from kompass.tabular.kinds import TableKind
from kompass.tabular.report import (
    ACTION_CHANGED,
    ACTION_NEW,
    ACTION_UNCHANGED,
    FILE_ROW,
    ImportReport,
    ImportRow,
)
from kompass.tabular.writing import ExportFile, table_file
from kompass.tenancy.models import Kommune

KIND_ASSIGNMENTS = "assignments"
COLUMNS = Columns(("email", "rolle", "von"), ("organisationseinheit", "zeitanteil", "bis"))
# The documented order; exports write it, imports accept any order.
HEADER = ("email", "rolle", "organisationseinheit", "zeitanteil", "von", "bis")
FILE_STEM = "rollenzuordnungen"
BATCH_SIZE = 500

GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00)?)?$")  # XLSX date cells end in T00:00:00
# At most two decimal digits: "1.000" is a German thousand, not one.
PERCENT = re.compile(r"^\d{1,3}(?:[.,]\d{1,2})?$")

NaturalKey = tuple[int, int, int | None, datetime.date]


# --- what is there -------------------------------------------------------------------------------


class RoleLookup:
    """Find a role by what a person would write: its key, its exact name or its short name
    (compared without regard to case). A name that fits several roles is ambiguous."""

    def __init__(self, roles: list[Role]) -> None:
        self.by_key = {r.key.casefold(): r for r in roles}
        self.by_name: dict[str, list[Role]] = defaultdict(list)
        for role in roles:
            for text in {role.name, role.short_name}:
                if text:
                    self.by_name[text.casefold()].append(role)

    def find(self, text: str) -> tuple[Role | None, list[Role]]:
        """(the role, []) or (None, the candidates if ambiguous)."""
        folded = text.casefold()
        if folded in self.by_key:
            return self.by_key[folded], []
        candidates = list({r.pk: r for r in self.by_name.get(folded, [])}.values())
        if len(candidates) == 1:
            return candidates[0], []
        return None, candidates


@dataclass
class AssignmentState:
    """The Kommune's people by e-mail, roles, units by Kennung and assignments by natural key."""

    kommune: Kommune
    people: dict[str, Person]
    roles: RoleLookup
    units: dict[str, OrgUnit]
    existing: dict[NaturalKey, list[Assignment]]
    # The same, by (person, role, unit): what a row's period must not overlap.
    by_holder: dict[tuple[int, int, int | None], list[Assignment]] = field(default_factory=dict)


def load_state(kommune: Kommune, *, lock: bool) -> AssignmentState:
    """Everything an assignment import compares against, in four queries."""
    people_query = Person.objects.for_kommune(kommune)
    if lock:
        # Serialises imports into the same Kommune (as the org importer does) and, by locking the
        # people, with single assignments added meanwhile (`services.assignment_duplicate` locks the
        # person too); a no-op on SQLite.
        # NO KEY UPDATE, as the org import: inserts that merely point at these rows are not held up.
        list(Kommune.objects.select_for_update(no_key=True).filter(pk=kommune.pk).values_list("pk", flat=True))
        people_query = people_query.select_for_update(no_key=True)
    people = {p.email: p for p in people_query}
    roles = list(Role.objects.for_kommune(kommune).order_by("position", "id"))
    units = {u.code: u for u in OrgUnit.objects.for_kommune(kommune)}
    existing: dict[NaturalKey, list[Assignment]] = defaultdict(list)
    by_holder: dict[tuple[int, int, int | None], list[Assignment]] = defaultdict(list)
    by_pk = {p.pk: p for p in people.values()}
    role_by_pk = {r.pk: r for r in roles}
    unit_by_pk = {u.pk: u for u in units.values()}
    for a in Assignment.objects.for_kommune(kommune).order_by("valid_from", "id"):
        # The objects of this state, so naming a duplicate costs no query per row.
        a.person, a.role = by_pk[a.person_id], role_by_pk[a.role_id]
        a.org_unit = unit_by_pk.get(a.org_unit_id) if a.org_unit_id else None
        existing[(a.person_id, a.role_id, a.org_unit_id, a.valid_from)].append(a)
        by_holder[(a.person_id, a.role_id, a.org_unit_id)].append(a)
    return AssignmentState(kommune, people, RoleLookup(roles), units, existing, by_holder)


# --- checking the rows ---------------------------------------------------------------------------


@dataclass
class AssignmentChange:
    """The wanted state of one assignment from one row: new (`existing` is None) or an update."""

    row: int
    key: str
    person: Person
    role: Role
    org_unit: OrgUnit | None
    valid_from: datetime.date
    time_share: Decimal | None  # None: column absent or cell empty, leave as it is (a new one needs it)
    valid_until: datetime.date | None
    set_until: bool
    existing: Assignment | None = None

    @property
    def changed_columns(self) -> list[str]:
        a = self.existing
        if a is None:
            return []
        changed = []
        if self.time_share is not None and self.time_share != a.time_share:
            changed.append("zeitanteil")
        if self.set_until and self.valid_until != a.valid_until:
            changed.append("bis")
        return changed


def parse_date(text: str) -> datetime.date | None:
    """`TT.MM.JJJJ` (also `T.M.JJJJ`) or ISO `JJJJ-MM-TT`; None if it is neither or no real date."""
    text = text.strip()
    try:
        if match := GERMAN_DATE.match(text):
            day, month, year = (int(part) for part in match.groups())
            return datetime.date(year, month, day)
        if match := ISO_DATE.match(text):
            year, month, day = (int(part) for part in match.groups())
            return datetime.date(year, month, day)
    except ValueError:
        return None
    return None


def parse_time_share(text: str) -> Decimal | None:
    """A percentage with at most one decimal place, German comma or point, optional "%"; else None
    (also for an empty cell)."""
    text = text.strip().removesuffix("%").strip()
    if not text:
        return None
    if not PERCENT.match(text):
        return None
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
    if value != value.quantize(Decimal("0.1")):
        return None
    return value.quantize(Decimal("0.1"))


def _date_column(record: Record, column: str, report: ImportReport) -> datetime.date | None:
    value = parse_date(record.get(column))
    if value is None:
        report.add(
            record.row,
            column,
            _("„%(value)s“ ist kein gültiges Datum. Bitte schreiben Sie es als TT.MM.JJJJ oder JJJJ-MM-TT.")
            % {"value": record.get(column)},
        )
    return value


def _person(record: Record, state: AssignmentState, report: ImportReport) -> Person | None:
    email = record.get("email").lower()
    if not email:
        report.add(record.row, "email", _("Bitte geben Sie die dienstliche E-Mail-Adresse der Person an."))
        return None
    person = state.people.get(email)
    if person is None:
        report.add(
            record.row,
            "email",
            _("Keine Person dieser Kommune hat die E-Mail-Adresse %(email)s. Importieren Sie die Personen zuerst.")
            % {"email": email},
        )
    return person


def _role(record: Record, state: AssignmentState, report: ImportReport) -> Role | None:
    text = record.get("rolle")
    if not text:
        report.add(record.row, "rolle", _("Bitte geben Sie die Rolle an (Schlüssel, Name oder Kurzname)."))
        return None
    role, candidates = state.roles.find(text)
    if role is None and candidates:
        report.add(
            record.row,
            "rolle",
            _("„%(text)s“ passt zu mehreren Rollen (%(roles)s). Bitte geben Sie den Schlüssel der Rolle an.")
            % {"text": text, "roles": ", ".join(f"{r.name} [{r.key}]" for r in candidates)},
        )
    elif role is None:
        report.add(
            record.row,
            "rolle",
            _(
                "Die Rolle „%(text)s“ gibt es im Rollenmodell dieser Kommune nicht. Erlaubt sind Schlüssel, Name "
                "oder Kurzname einer Rolle."
            )
            % {"text": text},
        )
    return role


def _unit(record: Record, state: AssignmentState, report: ImportReport) -> tuple[bool, OrgUnit | None]:
    """(ok, unit): an empty cell is fine and means no unit of its own."""
    code = record.get("organisationseinheit")
    if not code:
        return True, None
    unit = state.units.get(code)
    if unit is None:
        report.add(
            record.row,
            "organisationseinheit",
            _("Die Organisationseinheit „%(code)s“ gibt es in der Kommune nicht.") % {"code": code},
        )
        return False, None
    return True, unit


def _time_share(record: Record, report: ImportReport) -> tuple[bool, Decimal | None]:
    """(ok, share); None when the column is absent or the cell empty (checked for new rows later)."""
    text = record.get("zeitanteil") if "zeitanteil" in record.values else ""
    if not text.strip():
        return True, None
    share = parse_time_share(text)
    if share is None or not (0 < share <= 100):
        report.add(
            record.row,
            "zeitanteil",
            _(
                "„%(value)s“ ist kein gültiger Zeitanteil. Erlaubt ist eine Zahl größer als 0 bis 100 (Prozent "
                "einer Vollzeitstelle) mit höchstens einer Nachkommastelle, z. B. 12,5."
            )
            % {"value": text},
        )
        return False, None
    if share < 1:
        report.add(
            record.row,
            "zeitanteil",
            _(
                "%(value)s %% – meinten Sie %(meant)s %%? Der Zeitanteil ist der Anteil an einer Vollzeitstelle in "
                "Prozent (50 ist eine halbe Stelle); eine als Prozent formatierte Excel-Zelle „50 %%“ enthält 0,5. "
                "Tragen Sie die Prozentzahl ein; ein Zeitanteil unter 1 %% lässt sich in der Oberfläche bestätigen."
            )
            % {"value": percent(share), "meant": percent(share * 100)},
        )
        return False, None
    return True, share


def _period(record: Record, report: ImportReport) -> tuple[datetime.date | None, datetime.date | None, bool]:
    """(von, bis, ok); `bis` is None when empty or absent."""
    count = len(report.issues)
    valid_from = _date_column(record, "von", report)
    valid_until = _date_column(record, "bis", report) if record.get("bis") else None
    if valid_from is not None and valid_until is not None and valid_until < valid_from:
        report.add(
            record.row,
            "bis",
            _("Das Ende (bis %(until)s) liegt vor dem Beginn (von %(from)s).")
            % {"until": record.get("bis"), "from": record.get("von")},
        )
    return valid_from, valid_until, len(report.issues) == count


def _change_from(record: Record, state: AssignmentState, report: ImportReport) -> AssignmentChange | None:
    person = _person(record, state, report)
    role = _role(record, state, report)
    unit_ok, unit = _unit(record, state, report)
    share_ok, share = _time_share(record, report)
    valid_from, valid_until, period_ok = _period(record, report)
    if person is None or role is None or not (unit_ok and share_ok and period_ok) or valid_from is None:
        return None
    key = " · ".join((person.email, role.key, unit.code if unit else "–", valid_from.strftime("%d.%m.%Y")))
    return AssignmentChange(
        row=record.row,
        key=key,
        person=person,
        role=role,
        org_unit=unit,
        valid_from=valid_from,
        time_share=share,
        valid_until=valid_until,
        set_until="bis" in record.values,
    )


def _match_existing(change: AssignmentChange, state: AssignmentState, report: ImportReport) -> bool:
    natural = (change.person.pk, change.role.pk, change.org_unit.pk if change.org_unit else None, change.valid_from)
    matches = state.existing.get(natural, [])
    if len(matches) > 1:
        report.add(
            change.row,
            "",
            _(
                "In der Kommune gibt es %(n)d gleiche Zuordnungen (Person, Rolle, Einheit und Beginn); die Zeile "
                "ist nicht eindeutig. Bitte bereinigen Sie die Zuordnungen zuerst."
            )
            % {"n": len(matches)},
        )
        return False
    change.existing = matches[0] if matches else None
    if change.existing is None and not change.role.is_active:
        report.add(
            change.row,
            "rolle",
            _("Die Rolle „%(name)s“ ist inaktiv; neue Zuordnungen sind nicht möglich.") % {"name": change.role.name},
        )
        return False
    if change.existing is None and change.time_share is None:
        report.add(
            change.row,
            "zeitanteil",
            _("Bitte geben Sie den Zeitanteil der neuen Zuordnung an (Prozent einer Vollzeitstelle, z. B. 50)."),
        )
        return False
    return True


def _wanted(change: AssignmentChange) -> Assignment:
    """The assignment as it will be after the row: a new one, or the existing one with the row's end."""
    a = change.existing
    until = change.valid_until if change.set_until or a is None else a.valid_until
    wanted = Assignment(
        pk=a.pk if a is not None else None,
        kommune_id=change.role.kommune_id,
        person=change.person,
        role=change.role,
        org_unit=change.org_unit,
        valid_from=change.valid_from,
        valid_until=until,
    )
    wanted.import_row = change.row  # type: ignore[attr-defined]
    return wanted


def check_duplicates(changes: list[AssignmentChange], state: AssignmentState, report: ImportReport) -> None:
    """Refuse every row that would duplicate an assignment: one of the Kommune (as the file leaves it)
    or an earlier row of the file. Rows are checked against each other, so all are known first."""
    wanted = [_wanted(change) for change in changes]
    changed = {a.pk for a in wanted if a.pk is not None}
    seen: dict[tuple[int, int, int | None], list[Assignment]] = defaultdict(list)
    for change, a in zip(changes, wanted, strict=True):
        holder = (a.person_id, a.role_id, a.org_unit_id)
        kept = [other for other in state.by_holder.get(holder, []) if other.pk not in changed]
        duplicate = services.assignment_duplicate(
            state.kommune,
            person=change.person,
            role=change.role,
            org_unit=change.org_unit,
            valid_from=a.valid_from,
            valid_until=a.valid_until,
            exclude_pk=a.pk,
            among=[*kept, *seen[holder]],
        )
        seen[holder].append(a)
        if duplicate is None:
            continue
        row = getattr(duplicate, "import_row", None)
        message = services.duplicate_message(duplicate)
        if row is not None:
            message = _("Zeile %(row)d der Datei überschneidet sich mit dieser Zeile: %(message)s") % {
                "row": row,
                "message": message,
            }
        report.add(change.row, "", message)


def validate(records: list[Record], state: AssignmentState, report: ImportReport) -> list[AssignmentChange]:
    """Every row checked; the problems go to `report`, the wanted changes are returned."""
    changes: list[AssignmentChange] = []
    first_row: dict[str, int] = {}
    for record in records:
        change = _change_from(record, state, report)
        if change is None:
            continue
        if change.key in first_row:
            report.add(
                record.row,
                "",
                _("Diese Zuordnung (%(key)s) kommt in der Datei mehrfach vor (zuerst in Zeile %(row)d).")
                % {"key": change.key, "row": first_row[change.key]},
            )
            continue
        first_row[change.key] = record.row
        if _match_existing(change, state, report):
            changes.append(change)
    check_duplicates(changes, state, report)
    return changes


def actions(changes: list[AssignmentChange]) -> list[ImportRow]:
    """What each row does: new, changed (which columns) or unchanged."""
    result = []
    for change in changes:
        label = _label(change)
        if change.existing is None:
            result.append(ImportRow(change.row, change.key, ACTION_NEW, label=label))
        else:
            changed = change.changed_columns
            action = ACTION_CHANGED if changed else ACTION_UNCHANGED
            result.append(ImportRow(change.row, change.key, action, changed, label=label))
    return result


def _label(change: AssignmentChange) -> str:
    """The row in names, for the preview: person, role and unit as the Kommune calls them."""
    person = f"{change.person.first_name} {change.person.last_name}"
    unit = f"{change.org_unit.code} {change.org_unit.name}" if change.org_unit else "–"
    return " · ".join((person, change.role.name, unit))


# --- writing -------------------------------------------------------------------------------------


def _new_share(change: AssignmentChange) -> Decimal:
    assert change.time_share is not None, "validate() refuses a new row without a time share"
    return change.time_share


def _create(kommune: Kommune, actor: Actor, changes: list[AssignmentChange]) -> None:
    """Insert the new assignments in batches, each with the "created" audit entry `assignment_create` writes."""
    new = [
        Assignment(
            kommune=kommune,
            person=c.person,
            role=c.role,
            org_unit=c.org_unit,
            time_share=_new_share(c),
            valid_from=c.valid_from,
            valid_until=c.valid_until,
        )
        for c in changes
    ]
    Assignment.objects.bulk_create(new, batch_size=BATCH_SIZE)
    if any(a.pk is None for a in new):  # a backend that cannot return ids from a bulk insert
        raise RuntimeError("bulk_create returned no primary keys")
    audit_bulk_create(kommune_id=kommune.pk, actor=actor, objs=new, fields=services.ASSIGNMENT_AUDIT)


def _update(kommune: Kommune, actor: Actor, change: AssignmentChange) -> None:
    existing = change.existing
    assert existing is not None
    data: dict[str, Any] = {}
    if "zeitanteil" in change.changed_columns:
        data["time_share"] = change.time_share
    if "bis" in change.changed_columns:
        data["valid_until"] = change.valid_until
    services.assignment_update(
        kommune=kommune, actor=actor, assignment=existing, data=data, expected_version=existing.version
    )


def apply(kommune: Kommune, actor: Actor, changes: list[AssignmentChange]) -> None:
    """Update the changed assignments (through `assignment_update`), then create the new ones: an
    update may end an assignment so that a new one of the file can follow it without a duplicate."""
    for change in changes:
        if change.changed_columns:
            _update(kommune, actor, change)
    _create(kommune, actor, [c for c in changes if c.existing is None])


def check_and_apply(kommune: Kommune, actor: Actor, records: list[Record], report: ImportReport) -> None:
    """The `TableKind` step: check every row; write only if all rows are fine and it is no dry run."""
    state = load_state(kommune, lock=not report.dry_run)
    changes = validate(records, state, report)
    report.record(actions(changes))
    if not report.ok or report.dry_run:
        return
    try:
        with transaction.atomic():
            apply(kommune, actor, changes)
    except (ConflictError, ValidationError):
        # Someone changed an assignment of the file while the import ran: nothing is kept.
        report.clear_actions()
        report.add(
            FILE_ROW,
            "",
            _(
                "Zuordnungen wurden während des Imports gleichzeitig geändert. Es wurde nichts übernommen; bitte "
                "starten Sie den Import erneut."
            ),
        )


# --- export --------------------------------------------------------------------------------------


def assignment_rows(kommune: Kommune) -> list[list[str]]:
    """Every assignment of the Kommune (current, future and past) in the import columns."""
    rows = (
        Assignment.objects.for_kommune(kommune)
        .order_by("person__email", "role__position", "role_id", "valid_from", "id")
        .values_list("person__email", "role__key", "org_unit__code", "time_share", "valid_from", "valid_until")
    )
    return [
        [email, key, code or "", percent(share), start.strftime("%d.%m.%Y"), end.strftime("%d.%m.%Y") if end else ""]
        for email, key, code, share, start, end in rows.iterator(chunk_size=2000)
    ]


def export_file(*, kommune: Kommune, fmt: str) -> ExportFile:
    """The Kommune's assignments as CSV or XLSX; cells that look like formulas are escaped."""
    return table_file(header=HEADER, rows=assignment_rows(kommune), fmt=fmt, stem=FILE_STEM, kommune=kommune)


def _export(kommune: Kommune, fmt: str) -> ExportFile:
    return export_file(kommune=kommune, fmt=fmt)


# The example file: the people of the org app's example in roles of the KGSt catalogue (adopt it first).
EXAMPLE_DOMAIN = "musterkommune.example"
EXAMPLE = (
    (f"jana.schaefer@{EXAMPLE_DOMAIN}", "cdo", "10", "50", "01.01.2025", ""),
    (f"lukasz.wojcik@{EXAMPLE_DOMAIN}", "lotse", "10.1", "10", "01.03.2025", ""),
    (f"guenther.gross@{EXAMPLE_DOMAIN}", "lotse", "32", "10", "01.03.2025", ""),
    (f"dragana.petrovic@{EXAMPLE_DOMAIN}", "lotse", "33", "12,5", "01.03.2025", "31.12.2026"),
)
COLUMN_HELP = (
    ("email", gettext_lazy("Dienstliche E-Mail-Adresse einer Person, die schon importiert ist.")),
    (
        "rolle",
        gettext_lazy(
            "Schlüssel (z. B. „cdo“ oder „lotse“), Name oder Kurzname einer Rolle Ihres Rollenmodells – übernehmen "
            "Sie vorher den Rollenkatalog."
        ),
    ),
    (
        "organisationseinheit",
        gettext_lazy("Kennung der Einheit, für die die Rolle gilt; leer: die Einheit der Person."),
    ),
    (
        "zeitanteil",
        gettext_lazy(
            "Anteil an einer Vollzeitstelle in Prozent, größer als 0 und höchstens 100, z. B. 10 oder 12,5 (50 ist "
            "eine halbe Stelle); für neue Zuordnungen anzugeben."
        ),
    ),
    ("von", gettext_lazy("Beginn der Zuordnung als TT.MM.JJJJ.")),
    ("bis", gettext_lazy("Ende als TT.MM.JJJJ; leer, solange die Zuordnung gilt.")),
)

# Registered in the tabular layer's kinds by `kompass.roles.registrations`.
TABLE_KIND = TableKind(
    key=KIND_ASSIGNMENTS,
    label=gettext_lazy("Rollenzuordnungen"),
    slug=FILE_STEM,
    columns=COLUMNS,
    check_and_apply=check_and_apply,
    export=_export,
    order=30,
    key_label=gettext_lazy("Zuordnung (E-Mail · Rolle · Einheit · von)"),
    name_label=gettext_lazy("Person · Rolle · Einheit"),
    header=HEADER,
    example=EXAMPLE,
    column_help=COLUMN_HELP,
    description=gettext_lazy(
        "Rollenzuordnungen: „rolle“ ist der Schlüssel, der Name oder der Kurzname einer Rolle Ihres "
        "Rollenmodells; „organisationseinheit“ die Kennung einer Einheit (leer: die Einheit der Person). "
        "„zeitanteil“ ist der Anteil an einer Vollzeitstelle in Prozent, größer als 0 bis 100 (z. B. 50 für eine "
        "halbe Stelle, 12,5); neue Zuordnungen brauchen ihn. „von“ und „bis“ sind Daten als TT.MM.JJJJ; „bis“ darf "
        "leer sein. Eine Zuordnung wird an E-Mail, Rolle, Einheit und Beginn erkannt; der Import legt neue an und "
        "ändert Zeitanteil und Ende bestehender, er löscht keine. Hat eine Person dieselbe Rolle für dieselbe "
        "Einheit im selben Zeitraum schon, wird die Zeile abgelehnt."
    ),
)


__all__ = ["COLUMNS", "HEADER", "KIND_ASSIGNMENTS", "TABLE_KIND", "export_file", "parse_date", "parse_time_share"]
