"""Writes to KPIs and their values (by hand, pushed through the API, imported from a file) and the
status reports of measures.

Values are one per KPI and day: recording a value for a day that has one replaces it, so a
repeated push or import changes nothing (idempotent by KPI and date). Push and import are
all-or-nothing: one bad item and nothing is stored, with a German reason per item or row.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kompass.agenda import kpi_status
from kompass.agenda.models import (
    KPI,
    CouncilDecision,
    Direction,
    Goal,
    ImpactStep,
    KPIValue,
    Measure,
    StatusReport,
    TrafficLight,
    ValueSource,
)
from kompass.agenda.services.common import (
    Errors,
    actor_name,
    add,
    apply_update,
    choice,
    create,
    date_value,
    decimal_value,
    delete,
    integer,
    locked,
    own,
    plain_update,
    raise_if,
    required_text,
    text,
)
from kompass.audit import context as audit_context
from kompass.audit.context import change_context, new_request_id
from kompass.audit.models import AuditAction, AuditEntry
from kompass.audit.services import actor_fields, diff, snapshot
from kompass.core.actors import Actor
from kompass.roles.models import Role
from kompass.tabular.columns import Columns, Record, match_header, records
from kompass.tabular.reading import FileRejected, read_table
from kompass.tabular.report import (
    ACTION_CHANGED,
    ACTION_NEW,
    ACTION_UNCHANGED,
    FILE_ROW,
    ImportReport,
    ImportRow,
)
from kompass.tenancy.models import Kommune

VALUE_PLACES = 4
VALUE_DIGITS = 18

# --- KPIs -------------------------------------------------------------------------------------------


def _kpi_values(kommune: Kommune, data: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "name" in data:
        values["name"] = required_text(data, "name", errors, _("Bitte einen Namen angeben."))
    if "unit" in data:
        values["unit"] = text(data["unit"], 40)
    if "data_source" in data:
        values["data_source"] = text(data["data_source"], 300)
    if "direction" in data:
        values["direction"] = choice(data, "direction", Direction, errors)
    for name in ("baseline_value", "target_value"):
        if name in data:
            values[name] = decimal_value(
                data, name, errors, required=True, places=VALUE_PLACES, max_digits=VALUE_DIGITS
            )
    for name in ("baseline_on", "target_on"):
        if name in data:
            values[name] = date_value(data, name, errors, required=True)
    if "period_days" in data:
        values["period_days"] = integer(data, "period_days", 1, 3650, errors, _("Erhebungszeitraum"))
    if "is_public" in data:
        values["is_public"] = bool(data["is_public"])
    for name, model in (("owner_role", Role), ("goal", Goal), ("measure", Measure), ("impact_step", ImpactStep)):
        if name in data:
            values[name] = own(kommune, model, data[name], errors, name)
    return values


def _check_kpi(kpi: KPI, errors: Errors) -> None:
    if kpi.baseline_on and kpi.target_on and kpi.target_on <= kpi.baseline_on:
        add(errors, "target_on", _("Der Zielwert muss nach dem Ausgangswert liegen."))
    if kpi.impact_step is not None:
        if kpi.measure_id is None:
            kpi.measure_id = kpi.impact_step.measure_id
        elif kpi.impact_step.measure_id != kpi.measure_id:
            add(errors, "impact_step", _("Diese Stufe der Wirkungskette gehört zu einer anderen Maßnahme."))


@transaction.atomic
def kpi_create(*, kommune: Kommune, actor: Actor, data: Mapping[str, Any]) -> KPI:
    """A KPI with baseline and target; it measures a goal, a measure or a step of an impact chain."""
    errors: Errors = {}
    required = {"name": "", "baseline_value": None, "baseline_on": None, "target_value": None, "target_on": None}
    values = _kpi_values(kommune, {**required, **data}, errors)
    raise_if(errors)
    kpi = KPI(kommune=kommune, **values)
    _check_kpi(kpi, errors)
    raise_if(errors)
    return create(kommune, actor, kpi)


@transaction.atomic
def kpi_update(
    *, kommune: Kommune, actor: Actor, kpi: KPI, data: Mapping[str, Any], expected_version: int | None = None
) -> KPI:
    kpi = locked(kommune, KPI, kpi, expected_version)
    before = snapshot(kpi, KPI.AUDIT_FIELDS)
    errors: Errors = {}
    values = _kpi_values(kommune, data, errors)
    raise_if(errors)
    for name, value in values.items():
        setattr(kpi, name, value)
    _check_kpi(kpi, errors)
    raise_if(errors)
    return apply_update(kommune, actor, kpi, {}, before)


@transaction.atomic
def kpi_delete(*, kommune: Kommune, actor: Actor, kpi: KPI) -> None:
    """Delete a KPI with its measured values."""
    delete(kommune, actor, locked(kommune, KPI, kpi))


# --- values -----------------------------------------------------------------------------------------


@dataclass
class ValueOutcome:
    """What recording values did: how many were new, changed or the same as before."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, action: str) -> None:
        if action == ACTION_NEW:
            self.created += 1
        elif action == ACTION_CHANGED:
            self.updated += 1
        else:
            self.unchanged += 1


def _store_value(
    kommune: Kommune, actor: Actor, kpi: KPI, on: datetime.date, value: Decimal, note: str, source: str
) -> tuple[str, KPIValue]:
    existing = KPIValue.objects.for_kommune(kommune).select_for_update().filter(kpi=kpi, measured_on=on).first()
    label = _label(kpi, on)
    if existing is None:
        row = create(
            kommune,
            actor,
            KPIValue(kommune=kommune, kpi=kpi, measured_on=on, value=value, note=note, source=source),
            label=label,
        )
        return ACTION_NEW, row
    if existing.value == value and existing.note == note:
        return ACTION_UNCHANGED, existing
    plain_update(kommune, actor, existing, {"value": value, "note": note, "source": source})
    return ACTION_CHANGED, existing


# At most this many KPIs per query when the existing values are read (bound parameters).
KPI_CHUNK = 2000
WRITE_BATCH = 1000
# Columns written as they are: text and integers need no preparation for the database.
PLAIN_TYPES = {"CharField", "TextField", "IntegerField", "BigIntegerField", "ForeignKey", "AutoField"}


@functools.lru_cache(maxsize=4096)
def _day_text(on: datetime.date) -> str:
    return f"{on:%d.%m.%Y}"


def _label(kpi: KPI, on: datetime.date) -> str:
    return f"{kpi.name}: {_day_text(on)}"


def _created_changes(on: datetime.date, value: Decimal, note: str, source: str) -> dict[str, list[Any]]:
    """The changes of a new value's "create" entry, `diff({}, snapshot(value, KPIValue.AUDIT_FIELDS))`,
    from its plain parts (the fields in the order `diff` sorts them)."""
    return {
        "measured_on": [None, on.isoformat()],
        "note": [None, note],
        "source": [None, source],
        "value": [None, str(value)],
    }


def _insert_rows(model: type[models.Model], columns: Sequence[str], rows: list[list[Any]]) -> None:
    """Insert plain rows (values in the order of `columns`, field names) in batches.

    SQLite runs in-process: one prepared INSERT over all rows (executemany) is several times faster
    than `bulk_create`, which compiles SQL and prepares every value per row (as the org import
    writes its rows, `org.import_services`); elsewhere `bulk_create` inserts the model instances.
    SECURITY: identifiers come from the model's metadata, quoted by the backend; values are
    query parameters."""
    if not rows:
        return
    fields: list[Any] = [model._meta.get_field(name) for name in columns]
    if connection.vendor != "sqlite":
        attnames = [field.attname for field in fields]
        objs = [model(**dict(zip(attnames, row, strict=True))) for row in rows]
        model._default_manager.bulk_create(objs, batch_size=WRITE_BATCH)
        return
    db = transaction.get_connection()  # the connection itself, not the proxy (looked up per value)
    prepare = [None if field.get_internal_type() in PLAIN_TYPES else field for field in fields]
    last: list[Any] = [object()] * len(fields)  # a value repeated row after row is prepared once
    prepared: list[Any] = [None] * len(fields)
    params = []
    for row in rows:
        out = list(row)
        for i, field in enumerate(prepare):
            if field is None:
                continue
            if row[i] is not last[i]:
                last[i], prepared[i] = row[i], field.get_db_prep_save(row[i], db)
            out[i] = prepared[i]
        params.append(out)
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(str(model._meta.db_table))} ({names}) VALUES ({marks})"  # noqa: S608 - identifiers only
    with connection.cursor() as cursor:
        for start in range(0, len(params), WRITE_BATCH * 10):
            cursor.executemany(sql, params[start : start + WRITE_BATCH * 10])


def _store_values(
    kommune: Kommune, actor: Actor, items: Sequence[tuple[KPI, datetime.date, Decimal, str]], source: str
) -> list[str]:
    """Record many checked values at once, as `_store_value` does one by one: a new (KPI, day)
    is created, a different value or note replaces the day's value, the same one is left alone;
    each created or changed value gets its audit entry of the shape `audit_record` writes (one
    per value: the log shows each value's history, as for a value recorded by hand).

    The KPIs are locked (in the order of their ids, as the single value locked its row), the
    existing values of those days are read in one query per `KPI_CHUNK` KPIs, the new values are
    inserted and read back for their ids in one query per chunk, changed ones updated in batches,
    and the audit entries inserted in batches. The caller holds the transaction; the unique
    (KPI, day) constraint still refuses a value another writer stored meanwhile, and then nothing
    is stored. Returns the action of each item (ACTION_NEW, ACTION_CHANGED, ACTION_UNCHANGED)."""
    if not items:
        return []
    kpi_ids = sorted({kpi.pk for kpi, _on, _value, _note in items})
    days = {on for _kpi, on, _value, _note in items}
    span = (min(days), max(days))

    def stored(chunk: list[int]) -> QuerySet[KPIValue]:
        return KPIValue.objects.for_kommune(kommune).filter(kpi_id__in=chunk, measured_on__range=span).order_by()

    existing: dict[tuple[int, datetime.date], KPIValue] = {}
    for start in range(0, len(kpi_ids), KPI_CHUNK):
        chunk = kpi_ids[start : start + KPI_CHUNK]
        list(KPI.objects.for_kommune(kommune).filter(pk__in=chunk).order_by("pk").select_for_update().values_list("pk"))
        existing.update({(v.kpi_id, v.measured_on): v for v in stored(chunk) if v.measured_on in days})

    actions: list[str] = []
    new: list[tuple[KPI, datetime.date, Decimal, str]] = []
    changed: list[tuple[KPI, KPIValue, dict[str, Any]]] = []
    for kpi, on, value, note in items:
        found = existing.get((kpi.pk, on))
        if found is None:
            new.append((kpi, on, value, note))
            actions.append(ACTION_NEW)
        elif found.value == value and found.note == note:
            actions.append(ACTION_UNCHANGED)
        else:
            before = snapshot(found, KPIValue.AUDIT_FIELDS)
            found.value, found.note, found.source = value, note, source
            changed.append((kpi, found, before))
            actions.append(ACTION_CHANGED)

    _insert_rows(
        KPIValue,
        ("kommune", "kpi", "measured_on", "value", "note", "source"),
        [[kommune.pk, kpi.pk, on, value, note, source] for kpi, on, value, note in new],
    )
    new_ids: dict[tuple[int, datetime.date], int] = {}
    if new:
        new_keys = {(kpi.pk, on) for kpi, on, _value, _note in new}
        for start in range(0, len(kpi_ids), KPI_CHUNK):
            rows = stored(kpi_ids[start : start + KPI_CHUNK]).values_list("kpi_id", "measured_on", "pk")
            new_ids.update({(k, on): pk for k, on, pk in rows if (k, on) in new_keys})
    KPIValue.objects.for_kommune(kommune).bulk_update(
        [row for _kpi, row, _before in changed], ["value", "note", "source"], batch_size=WRITE_BATCH
    )

    ctx = audit_context.current()
    who = actor_fields(actor, kommune.pk)
    now = timezone.now()
    fixed = [kommune.pk, now, who["actor_id"], who["actor_pseudonym"], who["actor_name"], ctx.source,
             KPIValue._meta.model_name or ""]  # fmt: skip
    entries = [
        [*fixed, AuditAction.CREATE, str(new_ids[(kpi.pk, on)]), _label(kpi, on)[:300],
         _created_changes(on, value, note, source), ctx.request_id]
        for kpi, on, value, note in new
    ] + [
        [*fixed, AuditAction.UPDATE, str(row.pk), _label(kpi, row.measured_on)[:300],
         diff(before, snapshot(row, KPIValue.AUDIT_FIELDS)), ctx.request_id]
        for kpi, row, before in changed
    ]  # fmt: skip
    columns = ("kommune", "created_at", "actor", "actor_pseudonym", "actor_name", "source", "object_type")
    _insert_rows(AuditEntry, (*columns, "action", "object_id", "object_label", "changes", "request_id"), entries)
    return actions


def _value_item(
    kommune: Kommune, item: Mapping[str, Any], errors: Errors
) -> tuple[KPI | None, datetime.date | None, Decimal | None, str]:
    """The KPI, date, value and note of one item (errors under "kpi", "measured_on", "value")."""
    kpi = own(kommune, KPI, item.get("kpi"), errors, "kpi", required=True)
    if kpi is None and "kpi" in errors:
        errors["kpi"] = [_("Diese Kennzahl gibt es in der Kommune nicht.")]
    on = date_value(item, "measured_on", errors, required=True)
    value = decimal_value(item, "value", errors, required=True, places=VALUE_PLACES, max_digits=VALUE_DIGITS)
    return kpi, on, value, text(item.get("note"), 500)


@transaction.atomic
def kpi_value_record(
    *,
    kommune: Kommune,
    actor: Actor,
    kpi: KPI,
    measured_on: Any,
    value: Any,
    note: str = "",
    source: str = ValueSource.MANUELL,
) -> KPIValue:
    """Record a measured value by hand ("1.234,5" as typed); a value for the same day is replaced."""
    errors: Errors = {}
    found, on, number, clean_note = _value_item(
        kommune, {"kpi": kpi, "measured_on": measured_on, "value": value, "note": note}, errors
    )
    raise_if(errors)
    assert found is not None and on is not None and number is not None
    return _store_value(kommune, actor, found, on, number, clean_note, source)[1]


def _kpis_named(kommune: Kommune, items: Sequence[Any]) -> dict[Any, KPI]:
    """The Kommune's KPIs that the items name (an instance or a primary key), in one query; a key
    that names none (another Kommune's KPI, a word) is missing from the answer."""
    keys = {}
    for item in items:
        raw = item.get("kpi") if isinstance(item, Mapping) else None
        if raw in (None, "") or isinstance(raw, Mapping | list):
            continue
        pk = raw.pk if isinstance(raw, models.Model) else raw
        try:
            keys[pk] = KPI._meta.pk.to_python(pk)  # type: ignore[union-attr]
        except (ValidationError, TypeError, ValueError):
            continue
    found = {kpi.pk: kpi for kpi in KPI.objects.for_kommune(kommune).filter(pk__in=set(keys.values()))}
    return {raw: found[pk] for raw, pk in keys.items() if pk in found}


def _push_item(
    kommune: Kommune, item: Mapping[str, Any], kpis: Mapping[Any, KPI], errors: Errors
) -> tuple[KPI | None, datetime.date | None, Decimal | None, str]:
    """As `_value_item`, with the KPIs read beforehand (`_kpis_named`)."""
    raw = item.get("kpi")
    try:
        kpi = kpis.get(raw.pk if isinstance(raw, models.Model) else raw)
    except TypeError:  # not hashable: names no KPI
        kpi = None
    if kpi is None:
        add(errors, "kpi", _("Diese Kennzahl gibt es in der Kommune nicht."))
    on = date_value(item, "measured_on", errors, required=True)
    value = decimal_value(item, "value", errors, required=True, places=VALUE_PLACES, max_digits=VALUE_DIGITS)
    return kpi, on, value, text(item.get("note"), 500)


@transaction.atomic
def kpi_values_push(*, kommune: Kommune, actor: Actor, items: Sequence[Mapping[str, Any]]) -> ValueOutcome:
    """Values pushed by another system (the API): a list of {kpi, measured_on, value, note}.
    All or nothing: one unknown KPI, malformed date or number and nothing is stored; the errors
    name the item ("3.value"). Repeating a push changes nothing. Written in bulk (`_store_values`)."""
    errors: Errors = {}
    kpis = _kpis_named(kommune, items)
    parsed = []
    for index, item in enumerate(items):
        item_errors: Errors = {}
        row = _push_item(kommune, item if isinstance(item, Mapping) else {}, kpis, item_errors)
        for name, messages in item_errors.items():
            errors[f"{index}.{name}"] = messages
        parsed.append(row)
    if not items:
        add(errors, "items", _("Die Liste der Werte ist leer."))
    _duplicates([(row[0].pk if row[0] else None, row[1]) for row in parsed], errors, lambda i: f"{i}.measured_on")
    raise_if(errors)
    outcome = ValueOutcome()
    checked = [(kpi, on, value, note) for kpi, on, value, note in parsed if kpi and on and value is not None]
    for action in _store_values(kommune, actor, checked, ValueSource.API):
        outcome.count(action)
    return outcome


@transaction.atomic
def kpi_values_record(
    *, kommune: Kommune, actor: Actor, values: Sequence[tuple[KPI, Any, Any]], source: str = ValueSource.MANUELL
) -> ValueOutcome:
    """Record many values of the Kommune's KPIs at once: (KPI, day, value) each, checked as
    `kpi_value_record` checks one (a value for a day that has one replaces it), written in bulk
    with one audit entry per new or changed value. All or nothing; the same KPI and day twice is
    refused. For loaders that hold KPI objects (the demo); other systems push through the API."""
    errors: Errors = {}
    parsed = []
    for index, (kpi, measured_on, value) in enumerate(values):
        item_errors: Errors = {}
        if kpi.kommune_id != kommune.pk:
            add(item_errors, "kpi", _("Diese Kennzahl gibt es in der Kommune nicht."))
        on = date_value({"d": measured_on}, "d", item_errors, required=True)
        number = decimal_value(
            {"v": value}, "v", item_errors, required=True, places=VALUE_PLACES, max_digits=VALUE_DIGITS
        )  # fmt: skip
        for name, messages in item_errors.items():
            errors[f"{index}.{name}"] = messages
        parsed.append((kpi, on, number, ""))
    _duplicates([(kpi.pk, on) for kpi, on, _number, _note in parsed], errors, lambda i: f"{i}.d")
    raise_if(errors)
    outcome = ValueOutcome()
    checked = [(kpi, on, number, note) for kpi, on, number, note in parsed if on and number is not None]
    for action in _store_values(kommune, actor, checked, source):
        outcome.count(action)
    return outcome


def _duplicates(keys: list[tuple[Any, Any]], errors: Errors, where: Any) -> None:
    """The same KPI and day twice in one delivery is refused (which of the two would count?)."""
    seen: dict[tuple[Any, Any], int] = {}
    for index, key in enumerate(keys):
        if None in key:
            continue
        if key in seen:
            add(
                errors,
                where(index),
                _("Für diese Kennzahl und diesen Tag steht schon ein Wert weiter oben (%(n)s).") % {"n": seen[key]},
            )
        else:
            seen[key] = index


# --- import -----------------------------------------------------------------------------------------

IMPORT_COLUMNS = Columns(required=("kennzahl", "datum", "wert"), optional=("anmerkung",))


def _kpi_lookup(kommune: Kommune) -> tuple[dict[str, KPI], set[str]]:
    """KPIs by number and by lower-case name; names shared by several KPIs are ambiguous."""
    by_key: dict[str, KPI] = {}
    ambiguous: set[str] = set()
    for kpi in KPI.objects.for_kommune(kommune):
        by_key[str(kpi.pk)] = kpi
        name = kpi.name.strip().lower()
        if name in by_key and by_key[name].pk != kpi.pk:
            ambiguous.add(name)
        by_key[name] = kpi
    return by_key, ambiguous


def _import_row(
    record: Record, kpis: dict[str, KPI], ambiguous: set[str], report: ImportReport
) -> tuple[KPI, datetime.date, Decimal, str] | None:
    wanted = record.get("kennzahl").strip().lstrip("#").lower()
    kpi = kpis.get(wanted)
    if wanted in ambiguous:
        report.add(record.row, "kennzahl", _("Mehrere Kennzahlen heißen so; bitte die Nummer der Kennzahl angeben."))
        kpi = None
    elif kpi is None:
        report.add(
            record.row, "kennzahl", _("Die Kennzahl „%(name)s“ gibt es nicht.") % {"name": record.get("kennzahl")}
        )
    errors: Errors = {}
    on = date_value({"d": record.get("datum")}, "d", errors, required=True)
    value = decimal_value(
        {"v": record.get("wert")}, "v", errors, required=True, places=VALUE_PLACES, max_digits=VALUE_DIGITS
    )
    for column, key in (("datum", "d"), ("wert", "v")):
        for message in errors.get(key, []):
            report.add(record.row, column, message)
    if kpi is None or on is None or value is None:
        return None
    return kpi, on, value, text(record.get("anmerkung"), 500)


def kpi_values_import(*, kommune: Kommune, actor: Actor, filename: str, data: bytes, dry_run: bool) -> ImportReport:
    """Import measured values from a CSV (also cp1252 with semicolons) or XLSX file with the columns
    kennzahl (number or name), datum, wert and optionally anmerkung. All or nothing: every problem is
    reported with its row and column in German, and nothing is stored while one remains."""
    import_id = new_request_id()
    report = ImportReport(kind="kennzahlenwerte", dry_run=dry_run, import_id=import_id, filename=filename)
    try:
        table = read_table(bytes(data), filename=filename, max_rows=settings.KPI_IMPORT_MAX_ROWS)
    except FileRejected as exc:
        report.issues.append(exc.issue)
        return report
    positions = match_header(table, IMPORT_COLUMNS, report)
    if positions is None:
        return report
    rows = records(table, positions, report)
    if not rows and not report.issues:
        report.add(FILE_ROW, "", _("Die Datei enthält nur die Kopfzeile, aber keine Werte."))
        return report
    kpis, ambiguous = _kpi_lookup(kommune)
    parsed = [(record.row, _import_row(record, kpis, ambiguous, report)) for record in rows]
    seen: dict[tuple[int, datetime.date], int] = {}
    for row, item in parsed:
        if item is None:
            continue
        key = (item[0].pk, item[1])
        if key in seen:
            report.add(
                row,
                "datum",
                _("Für diese Kennzahl und diesen Tag steht schon ein Wert in Zeile %(n)d.") % {"n": seen[key]},
            )
        seen.setdefault(key, row)
    if not report.ok:
        return report
    with change_context("import", import_id), transaction.atomic():
        report.record(_apply_import(kommune, actor, parsed, dry_run))
        if dry_run:
            transaction.set_rollback(True)
    return report


def _apply_import(kommune: Kommune, actor: Actor, parsed: list[tuple[int, Any]], dry_run: bool) -> list[ImportRow]:
    items = [item for _row, item in parsed]
    actions = _store_values(kommune, actor, items, ValueSource.IMPORT)
    return [
        ImportRow(row, f"{kpi.pk}/{on.isoformat()}", action, label=_label(kpi, on))
        for (row, (kpi, on, _value, _note)), action in zip(parsed, actions, strict=True)
    ]


# --- status reports ---------------------------------------------------------------------------------


def kpi_snapshot(kommune: Kommune, measure: Measure) -> list[dict[str, Any]]:
    """The measure's KPIs with their latest value and status, as a status report keeps them."""
    kpis = list(KPI.objects.for_kommune(kommune).filter(measure=measure).order_by("name", "pk"))
    latest: dict[int, KPIValue] = {}
    for value in KPIValue.objects.for_kommune(kommune).filter(kpi__in=kpis).order_by("kpi_id", "measured_on"):
        latest[value.kpi_id] = value
    items = []
    for kpi in kpis:
        last = latest.get(kpi.pk)
        status = kpi_status.kpi_status(
            kpi_status.Line.of(kpi), last.value if last else None, last.measured_on if last else None
        )
        items.append(
            {
                "kpi": kpi.pk,
                "name": kpi.name,
                "unit": kpi.unit,
                "value": str(last.value) if last else None,
                "measured_on": last.measured_on.isoformat() if last else None,
                "status": status.code,
            }
        )
    return items


@transaction.atomic
def status_report_create(*, kommune: Kommune, actor: Actor, measure: Measure, data: Mapping[str, Any]) -> StatusReport:
    """A Sachstandsbericht of a measure: traffic light, progress in percent, text; the measure's KPI
    values of the day are kept with it."""
    measure = Measure.objects.for_kommune(kommune).get(pk=measure.pk)
    errors: Errors = {}
    light = choice(data, "light", TrafficLight, errors)
    progress = integer(data, "progress", 0, 100, errors, _("Fortschritt"))
    reported_on = date_value(data, "reported_on", errors) or timezone.localdate()
    period_end = date_value(data, "period_end", errors) or reported_on
    decision = own(kommune, CouncilDecision, data.get("decision"), errors, "decision")
    raise_if(errors)
    report = StatusReport(
        kommune=kommune,
        measure=measure,
        light=light,
        progress=progress,
        reported_on=reported_on,
        period_end=period_end,
        text=text(data.get("text")),
        decision=decision,
        author_name=actor_name(actor),
        kpi_snapshot=kpi_snapshot(kommune, measure),
    )
    return create(kommune, actor, report, label=f"{measure.title}: {reported_on:%d.%m.%Y}")


@transaction.atomic
def kpi_value_update(
    *, kommune: Kommune, actor: Actor, value: KPIValue, measured_on: Any, number: Any, note: str = ""
) -> KPIValue:
    """Correct a measured value (day, value, note typed the German way). Moving it to a day that
    already has a value is refused: the person decides which of the two counts."""
    row = KPIValue.objects.for_kommune(kommune).select_for_update().select_related("kpi").get(pk=value.pk)
    kpi: KPI = row.kpi
    probe: dict[str, list[str]] = {}
    day = date_value({"d": measured_on}, "d", probe, required=True)
    if day is not None and day != row.measured_on:
        taken = KPIValue.objects.for_kommune(kommune).filter(kpi=kpi, measured_on=day).exclude(pk=row.pk).exists()
        if taken:
            raise ValidationError(
                {"measured_on": [_("Für diesen Tag gibt es schon einen Wert. Ändern Sie diesen Wert stattdessen.")]}
            )
        saved = kpi_value_record(
            kommune=kommune, actor=actor, kpi=kpi, measured_on=day, value=number, note=note, source=ValueSource.MANUELL
        )
        delete(kommune, actor, row, label=f"{kpi.name}: {row.measured_on:%d.%m.%Y}")
        return saved
    return kpi_value_record(
        kommune=kommune,
        actor=actor,
        kpi=kpi,
        measured_on=measured_on,
        value=number,
        note=note,
        source=ValueSource.MANUELL,
    )


@transaction.atomic
def kpi_value_delete(*, kommune: Kommune, actor: Actor, value: KPIValue) -> None:
    """Delete a measured value (with its audit entry naming KPI and day)."""
    row = KPIValue.objects.for_kommune(kommune).select_for_update().select_related("kpi").get(pk=value.pk)
    delete(kommune, actor, row, label=f"{row.kpi.name}: {row.measured_on:%d.%m.%Y}")
