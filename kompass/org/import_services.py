"""The write path of imports: a whole file's org units or people in one transaction.

The per-object services (`kompass.org.services`) validate and audit one object at a time with
a few queries each; for a Großstadt file of 20,000 people that is too slow (budget ≤ 20 s).
Here the Kommune's units and people are loaded once into dictionaries, the importer validates
against them in memory, and the changes are written with `bulk_create`/`bulk_update` in
batches, together with audit entries of exactly the shape `audit_record` writes (source and
import id come from the change context). The domain rules are the same as in the services:
the importer (`kompass.org.imports`) checks them before anything here runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from kompass.audit.models import AuditAction, AuditEntry
from kompass.audit.services import Change, diff, prepare_entries, snapshot, write_entries
from kompass.core.actors import Actor
from kompass.org.models import OrgUnit, Person
from kompass.org.services import ORGUNIT_FIELDS, PERSON_FIELDS
from kompass.tenancy.models import Kommune

BATCH_SIZE = 500


# --- what is there -------------------------------------------------------------------------


@dataclass
class OrgUnitState:
    """The Kommune's org units by Kennung, and its people's ids by e-mail (for `leitung_email`)."""

    units: dict[str, OrgUnit]
    person_ids: dict[str, int]
    codes_by_pk: dict[int, str] = field(init=False)

    def __post_init__(self) -> None:
        self.codes_by_pk = {unit.pk: code for code, unit in self.units.items()}

    def parent_code(self, unit: OrgUnit) -> str:
        return self.codes_by_pk.get(unit.parent_id, "") if unit.parent_id else ""


@dataclass
class PersonState:
    """The Kommune's people by (lower-case) e-mail, and its units' ids by Kennung."""

    people: dict[str, Person]
    unit_ids: dict[str, int]
    codes_by_pk: dict[int, str] = field(init=False)

    def __post_init__(self) -> None:
        self.codes_by_pk = {pk: code for code, pk in self.unit_ids.items()}

    def unit_code(self, person: Person) -> str:
        return self.codes_by_pk.get(person.org_unit_id, "") if person.org_unit_id else ""


def _lock_kommune(kommune: Kommune) -> None:
    # Serialises imports into the same Kommune (docs/security.md R4); a no-op on SQLite, which locks the file.
    # FOR NO KEY UPDATE (as here and for the rows below): it excludes other imports and edits but not
    # the foreign-key checks of inserts that point at the row (FOR KEY SHARE), so survey submissions
    # and everyday work in the Kommune are not held up for the length of a large import.
    list(Kommune.objects.select_for_update(no_key=True).filter(pk=kommune.pk).values_list("pk", flat=True))


def load_orgunit_state(kommune: Kommune, *, lock: bool) -> OrgUnitState:
    """Everything an org-unit import compares against; locked against concurrent edits when `lock`."""
    units = OrgUnit.objects.for_kommune(kommune)
    if lock:
        _lock_kommune(kommune)
        units = units.select_for_update(no_key=True)
    people = Person.objects.for_kommune(kommune).values_list("email", "pk")
    return OrgUnitState(units={u.code: u for u in units}, person_ids=dict(people))


def load_person_state(kommune: Kommune, *, lock: bool) -> PersonState:
    people = Person.objects.for_kommune(kommune)
    if lock:
        _lock_kommune(kommune)
        people = people.select_for_update(no_key=True)
    unit_ids = OrgUnit.objects.for_kommune(kommune).values_list("code", "pk")
    return PersonState(people={p.email: p for p in people}, unit_ids=dict(unit_ids))


# --- audit ---------------------------------------------------------------------------------


def _audit_entry(
    kommune: Kommune,
    actor: Actor,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> Change:
    """One change, turned into an entry exactly as `audit.services.audit_record` does (pseudonyms,
    personal values beside the row) by `_write_audit`."""
    return Change(action, obj, before, after)


def _write_audit(kommune: Kommune, actor: Actor, changes: list[Change]) -> None:
    prepared = prepare_entries(kommune_id=kommune.pk, actor=actor, changes=changes)
    write_entries(prepared, insert=_insert_entries)


def _insert_entries(entries: list[AuditEntry]) -> None:
    """Insert the entries, prepared by each field as `bulk_create` would (`pre_save` sets `created_at`).

    On SQLite (in-process) one prepared INSERT run over all rows (executemany) is several times
    faster than `bulk_create`, which compiles SQL per row; on PostgreSQL `bulk_create` inserts from
    arrays (UNNEST) and is the fast path. SECURITY: identifiers come from model metadata and are
    quoted by the backend; every value is a query parameter.
    """
    if connection.vendor != "sqlite":
        AuditEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE * 10)
        return
    meta = AuditEntry._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) VALUES ({placeholders})"  # noqa: S608 - identifiers only
    params = [[f.get_db_prep_save(f.pre_save(entry, add=True), connection) for f in fields] for entry in entries]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


class PendingUpdates:
    """Which fields of which loaded objects must be written; rows are grouped by their set of
    changed fields so that an UPDATE never touches (and re-indexes) unchanged columns."""

    def __init__(self) -> None:
        self.items: dict[int, tuple[Any, set[str]]] = {}

    def add(self, obj: Any, fields: Iterable[str]) -> None:
        self.items.setdefault(obj.pk, (obj, set()))[1].update(fields)

    def groups(self) -> dict[tuple[str, ...], list[Any]]:
        grouped: dict[tuple[str, ...], list[Any]] = {}
        for obj, fields in self.items.values():
            grouped.setdefault(tuple(sorted(fields)), []).append(obj)
        return grouped


def _bulk_update(model: type[models.Model], kommune: Kommune, pending: PendingUpdates) -> None:
    """Write the pending fields of many rows, grouped by the set of changed fields.

    Django's `bulk_update` builds a CASE expression per field and row and needs ~5 s per
    1,000 units. SQLite runs in-process, so one prepared UPDATE per row (executemany) is
    fastest there; on PostgreSQL, where Django binds parameters client-side and executemany
    costs a round trip per row, one UPDATE joins the rows from arrays (UNNEST).
    SECURITY: table and column names come from the model's metadata and are quoted by the
    backend; every value is a query parameter. The WHERE clause keeps the write in the Kommune.
    """
    columns = {field.name: field for field in model._meta.concrete_fields}
    for names, objs in pending.groups().items():
        fields = [columns["id"], *(columns[name] for name in names)]
        rows = [[f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] for obj in objs]
        if connection.vendor == "postgresql":
            _update_from_arrays(model, kommune, fields, rows)
        else:
            _update_each(model, kommune, fields, rows)


def _kommune_column(model: type[models.Model]) -> str:
    return next(f.column for f in model._meta.concrete_fields if f.name == "kommune")


def _update_each(model: type[models.Model], kommune: Kommune, fields: list[Any], rows: list[list[Any]]) -> None:
    quote = connection.ops.quote_name
    key, *changed = fields
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in changed)
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608 — identifiers only
        f"WHERE {quote(key.column)} = %s AND {quote(_kommune_column(model))} = %s"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[*row[1:], row[0], kommune.pk] for row in rows])


def _update_from_arrays(model: type[models.Model], kommune: Kommune, fields: list[Any], rows: list[list[Any]]) -> None:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = [f"c{n}" for n in range(len(fields))]
    arrays = ", ".join(f"%s::{f.cast_db_type(connection)}[]" for f in fields)
    key, *changed = fields
    assignments = ", ".join(f"{quote(f.column)} = v.{name}" for f, name in zip(changed, names[1:], strict=True))
    sql = (
        f"UPDATE {table} SET {assignments} FROM UNNEST({arrays}) AS v({', '.join(names)}) "  # noqa: S608 - identifiers only
        f"WHERE {table}.{quote(key.column)} = v.c0 AND {table}.{quote(_kommune_column(model))} = %s"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH_SIZE * 10):
            batch = rows[start : start + BATCH_SIZE * 10]
            cursor.execute(sql, [[row[n] for row in batch] for n in range(len(fields))] + [kommune.pk])


def _ensure_pks(model: type[models.Model], kommune: Kommune, objs: list[Any], key: str) -> None:
    """Backends that cannot return ids from a bulk insert: fetch them by natural key."""
    missing = [obj for obj in objs if obj.pk is None]
    if missing:
        natural_keys = [getattr(obj, key) for obj in missing]
        rows = model._default_manager.filter(kommune=kommune, **{f"{key}__in": natural_keys}).values_list(key, "pk")
        pks = dict(rows)
        for obj in missing:
            obj.pk = pks[getattr(obj, key)]


# --- org units -----------------------------------------------------------------------------


@dataclass
class UnitChange:
    """The wanted state of one unit from one row: new (`unit` is None) or an update of `unit`."""

    code: str
    name: str
    unit_type: str
    parent_code: str
    head_id: int | None
    set_head: bool
    unit: OrgUnit | None = None


@transaction.atomic
def orgunits_apply(*, kommune: Kommune, actor: Actor, state: OrgUnitState, changes: list[UnitChange]) -> None:
    """Create and update units as validated by the importer; rewrite tree paths; audit each change."""
    now = timezone.now()
    befores = {c.code: snapshot(c.unit, ORGUNIT_FIELDS) for c in changes if c.unit is not None}
    _create_units(kommune, state, [c for c in changes if c.unit is None], now)
    for change in changes:
        _assign_unit(state, change)
    pending = PendingUpdates()
    for unit in _rebuild_paths(state):
        pending.add(unit, ("path", "depth"))
    entries = []
    for change in changes:
        unit = state.units[change.code]
        after = snapshot(unit, ORGUNIT_FIELDS)
        if change.unit is None:
            entries.append(_audit_entry(kommune, actor, AuditAction.CREATE, unit, None, after))
            pending.add(unit, ("parent",))
        elif after != befores[change.code]:
            unit.version += 1
            unit.updated_at = now
            changed = diff(befores[change.code], after)
            entries.append(_audit_entry(kommune, actor, AuditAction.UPDATE, unit, befores[change.code], after))
            pending.add(unit, (*changed, "version", "updated_at"))
    _bulk_update(OrgUnit, kommune, pending)
    _write_audit(kommune, actor, entries)


def _assign_unit(state: OrgUnitState, change: UnitChange) -> None:
    unit = state.units[change.code]
    unit.name, unit.unit_type = change.name, change.unit_type
    unit.parent_id = state.units[change.parent_code].pk if change.parent_code else None
    if change.set_head:
        unit.head_id = change.head_id


def _create_units(kommune: Kommune, state: OrgUnitState, new: list[UnitChange], now: Any) -> None:
    """Insert new units (still without parent and path) to get their ids."""
    units = [
        OrgUnit(
            kommune=kommune,
            code=c.code,
            name=c.name,
            unit_type=c.unit_type,
            is_active=True,
            head_id=c.head_id if c.set_head else None,
            path="",
            depth=0,
            updated_at=now,
        )
        for c in new
    ]
    OrgUnit.objects.bulk_create(units, batch_size=BATCH_SIZE)
    _ensure_pks(OrgUnit, kommune, units, "code")
    for unit in units:
        state.units[unit.code] = unit
        state.codes_by_pk[unit.pk] = unit.code


def _rebuild_paths(state: OrgUnitState) -> list[OrgUnit]:
    """Recompute path and depth of every unit from the parent links (as `services._move` does
    for one subtree); return the units whose path or depth changed."""
    by_pk = {unit.pk: unit for unit in state.units.values()}
    paths: dict[int, str] = {}

    def path_of(unit: OrgUnit) -> str:
        if unit.pk not in paths:
            parent = by_pk.get(unit.parent_id) if unit.parent_id else None
            paths[unit.pk] = (path_of(parent) if parent else "") + f"{unit.pk}/"
        return paths[unit.pk]

    changed = []
    for unit in by_pk.values():
        path = path_of(unit)
        depth = path.count("/") - 1
        if unit.path != path or unit.depth != depth:
            unit.path, unit.depth = path, depth
            changed.append(unit)
    return changed


# --- people --------------------------------------------------------------------------------


@dataclass
class PersonChange:
    """The wanted state of one person from one row: new (`person` is None) or an update."""

    email: str
    first_name: str
    last_name: str
    function_title: str | None
    org_unit_id: int | None
    set_unit: bool
    person: Person | None = None
    employment_percent: Decimal | None = None  # None: the file has no column "umfang"
    employer: tuple[str, str] | None = None  # (kind, name); None: the file has neither employer column


@transaction.atomic
def people_apply(*, kommune: Kommune, actor: Actor, changes: list[PersonChange]) -> None:
    """Create and update people as validated by the importer; audit each change."""
    now = timezone.now()
    new = [_new_person(kommune, c, now) for c in changes if c.person is None]
    Person.objects.bulk_create(new, batch_size=BATCH_SIZE)
    _ensure_pks(Person, kommune, new, "email")
    entries = [_audit_entry(kommune, actor, AuditAction.CREATE, p, None, snapshot(p, PERSON_FIELDS)) for p in new]
    pending = PendingUpdates()
    for change in changes:
        person = change.person
        if person is None:
            continue
        before = snapshot(person, PERSON_FIELDS)
        _assign_person(person, change)
        after = snapshot(person, PERSON_FIELDS)
        if after != before:
            person.version += 1
            person.updated_at = now
            pending.add(person, (*diff(before, after), "version", "updated_at"))
            entries.append(_audit_entry(kommune, actor, AuditAction.UPDATE, person, before, after))
    _bulk_update(Person, kommune, pending)
    _write_audit(kommune, actor, entries)


def _new_person(kommune: Kommune, change: PersonChange, now: Any) -> Person:
    person = Person(kommune=kommune, email=change.email, is_active=True, updated_at=now, function_title="")
    _assign_person(person, change)
    return person


def _assign_person(person: Person, change: PersonChange) -> None:
    person.first_name, person.last_name = change.first_name, change.last_name
    if change.function_title is not None:
        person.function_title = change.function_title
    if change.set_unit:
        person.org_unit_id = change.org_unit_id
    if change.employment_percent is not None:
        person.employment_percent = change.employment_percent
    if change.employer is not None:
        person.employer_kind, person.employer_name = change.employer
