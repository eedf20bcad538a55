"""Audit entries in words: field labels and values a Fachbereichsleitung or Rechnungsprüfer can read.

`AuditEntry.changes` keeps what `audit.services.snapshot` wrote: field names and plain values
(ids of referenced objects, booleans, choice keys, ISO dates, decimals as strings, lists; a list of
linked objects as `{"id": …, "label": …}` items, shown by their labels). This
module turns a list of entries into (label, before, after) texts for the "Verlauf" and the log.
It only reads. Referenced objects are looked up once per kind of object for the whole list, and
only inside the entry's own Kommune, so the number of queries does not grow with the entries.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import dateformat, timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kompass.audit import extensions
from kompass.audit.models import AuditAction, AuditEntry, AuditPersonalValue
from kompass.tenancy.scoping import TenantModel

logger = logging.getLogger(__name__)

EMPTY = "–"
LONG_TEXT = 200

# SECURITY: never shown, even if a service wrote one by mistake (a test checks that none does).
SENSITIVE_FIELDS = frozenset({"password", "token", "token_hash", "secret", "api_key", "session_key"})
_SENSITIVE_PARTS = ("password", "secret", "token_hash")

# Audited fields of the lower floors whose model gives no German verbose_name. Apps above add
# theirs, and the global tables whose rows any Kommune's log may name, in `extensions.AUDIT_LABELS`.
FALLBACK_LABELS = {
    "expires_at": gettext_lazy("Gültig bis"),
    "operator": gettext_lazy("Betreiberkonto"),
    "user": gettext_lazy("Benutzerkonto"),
    "version": gettext_lazy("Version"),
}


@dataclass(frozen=True)
class ValueText:
    """A value as text; `full` holds the whole text when `text` had to be shortened."""

    text: str
    full: str | None = None


@dataclass(frozen=True)
class ChangeRow:
    """One changed field. `before`/`after` is None where it is not shown (new or deleted objects)."""

    field: str
    label: str
    before: ValueText | None
    after: ValueText | None


@dataclass(frozen=True)
class PresentedEntry:
    entry: AuditEntry
    type_label: str
    changes: list[ChangeRow]
    actor_label: str = ""  # the live name of the actor, "System" or "Gelöschte Person P-…"
    object_label: str = ""  # the label as written (side table), or "Gelöschte Person P-…"


# A referenced object: (Kommune of the entry, model, primary key).
Ref = tuple[int, type[models.Model], int]


@dataclass
class _Lookups:
    labels: dict[Ref, str]
    deleted: dict[tuple[int, str, str], str]
    # Personal values beside the entries: entry id → {field ("" = the label): (before, after)}.
    personal: dict[int, dict[str, tuple[Any, Any]]] = dataclass_field(default_factory=dict)
    actors: dict[int, str] = dataclass_field(default_factory=dict)  # live names of actor ids


def present_entries(entries: Iterable[AuditEntry]) -> list[PresentedEntry]:
    """The entries with readable changes, in the given order. The number of queries does not grow
    with the entries: per Kommune one per referenced model, two for deleted ones and one for the
    personal values beside the entries; one for the actors' names unless the entries were read with
    them (`select_related("actor")`, as the selectors do)."""
    entries = list(entries)
    lookups = _lookups(_references(entries))
    _personal_lookups(entries, lookups)
    return [_present(entry, lookups) for entry in entries]


def erased_label(pseudonym: str) -> str:
    return _("Gelöschte Person %(pseudonym)s") % {"pseudonym": pseudonym}


def _personal_lookups(entries: list[AuditEntry], lookups: _Lookups) -> None:
    by_kommune: dict[int, list[AuditEntry]] = defaultdict(list)
    for entry in entries:
        by_kommune[entry.kommune_id].append(entry)
    for kommune_id, own in by_kommune.items():
        personal = [e.pk for e in own if e.pk is not None and _personal_model(e.object_type)]
        rows = (
            AuditPersonalValue.objects.for_kommune(kommune_id)
            .filter(entry_id__in=personal)
            .values_list("entry_id", "field", "before", "after")
            if personal
            else []
        )
        for entry_id, name, before, after in rows:
            lookups.personal.setdefault(entry_id, {})[name] = (before, after)
    # The actors' live names: loaded with the entries where the selector joined them, else one query.
    missing = set()
    for entry in entries:
        if entry.actor_id is None:
            continue
        if "actor" in entry._state.fields_cache:
            user = entry._state.fields_cache["actor"]
            if user is not None:
                lookups.actors[entry.actor_id] = user.display_name
        else:
            missing.add(entry.actor_id)
    if missing:
        users = get_user_model()._default_manager.filter(pk__in=missing)
        lookups.actors.update({u.pk: u.display_name for u in users})


def _actor_label(entry: AuditEntry, lookups: _Lookups) -> str:
    if entry.actor_id is None or not entry.actor_pseudonym:
        return entry.actor_name  # "System", or the name an entry written before pseudonyms kept
    # An erased account is deleted or anonymised: either way no name of the person is left to show.
    name = lookups.actors.get(entry.actor_id)
    if name is None:
        return erased_label(entry.actor_pseudonym)
    return name


def _entry_label(entry: AuditEntry, lookups: _Lookups) -> str:
    values = lookups.personal.get(entry.pk)
    if values is None:
        if entry.object_label.startswith("P-") and _labelled(entry.object_type):
            return erased_label(entry.object_label)
        return entry.object_label
    label = values.get("", (None, None))[1]
    return str(label) if label else entry.object_label


def _labelled(object_type: str) -> bool:
    from kompass.audit.services import labelled_by_pseudonym

    model = _model(object_type)
    return model is not None and labelled_by_pseudonym(model)


def _personal_model(object_type: str) -> bool:
    from kompass.audit.services import labelled_by_pseudonym, personal_fields

    model = _model(object_type)
    return model is not None and (labelled_by_pseudonym(model) or bool(personal_fields(model)))


# --- models and fields ---------------------------------------------------------------------


@cache
def _models_by_name() -> dict[str, type[models.Model]]:
    found: dict[str, type[models.Model]] = {}
    for model in apps.get_models():
        name = model._meta.model_name or ""
        # `object_type` is the bare model name; our own models win over framework ones.
        if name not in found or model.__module__.startswith("kompass."):
            found[name] = model
    return found


def _model(object_type: str) -> type[models.Model] | None:
    return _models_by_name().get(object_type)


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def _label(field: models.Field | None, name: str) -> str:
    own_label = field is not None and str(field.verbose_name) != name.replace("_", " ")
    if field is not None and own_label:
        return str(field.verbose_name)
    if name in FALLBACK_LABELS:
        return str(FALLBACK_LABELS[name])
    return extensions.field_label(name) or name


def _target(field: models.Field | None) -> type[models.Model] | None:
    """The referenced model of a foreign key, else None."""
    if field is None or not (field.many_to_one or field.one_to_one):
        return None
    related = field.related_model
    return related if isinstance(related, type) and issubclass(related, models.Model) else None


_MAX_ID = 2**63 - 1  # larger numbers are no primary key and would overflow the database's integer


def _as_id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isascii() and value.isdecimal():
        value = int(value)
    return value if isinstance(value, int) and 0 < value <= _MAX_ID else None


def _is_sensitive(name: str) -> bool:
    lowered = name.lower()
    return lowered in SENSITIVE_FIELDS or any(part in lowered for part in _SENSITIVE_PARTS)


# --- referenced objects --------------------------------------------------------------------


def _references(entries: list[AuditEntry]) -> dict[tuple[int, type[models.Model]], set[int]]:
    refs: dict[tuple[int, type[models.Model]], set[int]] = defaultdict(set)
    for entry in entries:
        model = _model(entry.object_type)
        for name, values in _changes(entry):
            target = _target(_field(model, name))
            if target is None:
                continue
            for value in values:
                pk = _as_id(value)
                if pk is not None:
                    refs[(entry.kommune_id, target)].add(pk)
    return refs


def _scoped(kommune_id: int, model: type[models.Model]) -> models.QuerySet[Any] | None:
    """The rows of `model` an entry of this Kommune may name, or None for "show the id only"."""
    manager: Any = model._default_manager
    if issubclass(model, TenantModel):
        return manager.for_kommune(kommune_id)
    if model is get_user_model():
        # SECURITY: logins are global; only members of this Kommune are named in its log.
        return manager.filter(memberships__kommune_id=kommune_id)
    if extensions.is_shared(model):  # global tables (reviewed in tenancy/tests/test_scoping.py)
        return manager.all()
    return None


def _object_label(obj: models.Model) -> str:
    return extensions.object_name(obj)


def _lookups(refs: dict[tuple[int, type[models.Model]], set[int]]) -> _Lookups:
    """One query per Kommune and referenced model, plus one per Kommune for deleted objects."""
    labels: dict[Ref, str] = {}
    missing: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for (kommune_id, model), ids in refs.items():
        queryset = _scoped(kommune_id, model)
        found = {obj.pk: _object_label(obj) for obj in queryset.filter(pk__in=ids)} if queryset is not None else {}
        labels.update({(kommune_id, model, pk): label for pk, label in found.items()})
        if issubclass(model, TenantModel):
            missing[kommune_id][model._meta.model_name or ""].update(str(pk) for pk in ids - found.keys())
    deleted: dict[tuple[int, str, str], str] = {}
    for kommune_id, by_type in missing.items():
        deleted.update(_deleted(kommune_id, by_type))
    return _Lookups(labels, deleted)


def _deleted(kommune_id: int, by_type: dict[str, set[str]]) -> dict[tuple[int, str, str], str]:
    """Objects this Kommune's own log records as deleted, with their label at deletion.

    Only the Kommune's log is asked, so an id of another Kommune's object stays a bare id.
    """
    ids = set().union(*by_type.values())
    if not ids:
        return {}
    rows = list(
        AuditEntry.objects.for_kommune(kommune_id)
        .filter(action=AuditAction.DELETE, object_type__in=list(by_type), object_id__in=list(ids))
        .values_list("pk", "object_type", "object_id", "object_label")
    )
    # A person's entry is labelled with her pseudonym; her name at deletion is kept beside it.
    side = (
        dict(
            AuditPersonalValue.objects.for_kommune(kommune_id)
            .filter(entry_id__in=[row[0] for row in rows], field="")
            .values_list("entry_id", "after")
        )
        if rows
        else {}
    )
    return {
        (kommune_id, t, i): str(side.get(pk) or (erased_label(label) if pk not in side and _labelled(t) else label))
        for pk, t, i, label in rows
        if i in by_type[t]
    }


# --- values --------------------------------------------------------------------------------


def _changes(entry: AuditEntry, personal: dict[str, tuple[Any, Any]] | None = None) -> list[tuple[str, list[Any]]]:
    """The entry's changes without sensitive fields, as (name, [before, after]); with `personal`,
    the personal values kept beside the entry are merged in."""
    changes: dict[str, Any] = dict(entry.changes) if isinstance(entry.changes, dict) else {}
    for name, kept in (personal or {}).items():
        if name:
            changes[name] = list(kept)
    shown: list[tuple[str, list[Any]]] = []
    for name, values in changes.items():
        if _is_sensitive(name):
            logger.error("Sensitive field %s in audit entry %s is not shown.", name, entry.pk)
            continue
        pair = list(values) if isinstance(values, list | tuple) and len(values) == 2 else [None, values]
        shown.append((name, pair))
    return shown


def _present(entry: AuditEntry, lookups: _Lookups) -> PresentedEntry:
    model = _model(entry.object_type)
    order = {f.name: i for i, f in enumerate(model._meta.get_fields())} if model else {}
    # A new object (or an access) has no "before", a deleted one no "after": show only what there is.
    show_before = entry.action not in (AuditAction.CREATE, AuditAction.ACCESS)
    show_after = entry.action != AuditAction.DELETE
    rows = []
    merged = _changes(entry, lookups.personal.get(entry.pk))
    for name, (before, after) in sorted(merged, key=lambda c: (order.get(c[0], len(order)), c[0])):
        field = _field(model, name)
        row = ChangeRow(
            field=name,
            label=_label(field, name),
            before=_value(entry, field, before, lookups) if show_before else None,
            after=_value(entry, field, after, lookups) if show_after else None,
        )
        if _says_something(row):
            rows.append(row)
    type_label = str(model._meta.verbose_name) if model else entry.object_type
    return PresentedEntry(
        entry=entry,
        type_label=type_label,
        changes=rows,
        actor_label=_actor_label(entry, lookups),
        object_label=_entry_label(entry, lookups),
    )


def _says_something(row: ChangeRow) -> bool:
    """Empty fields of a new or deleted object are left out; a change always shows both sides."""
    if row.before is not None and row.after is not None:
        return True
    shown = row.before or row.after
    return shown is not None and shown.text != EMPTY


def _value(entry: AuditEntry, field: models.Field | None, value: Any, lookups: _Lookups) -> ValueText:
    text = _text(entry, field, value, lookups).strip() or EMPTY
    if len(text) <= LONG_TEXT:
        return ValueText(text)
    return ValueText(text[:LONG_TEXT].rstrip() + "…", full=text)


def _text(entry: AuditEntry, field: models.Field | None, value: Any, lookups: _Lookups) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    target = _target(field)
    pk = _as_id(value)
    if target is not None and pk is not None:
        return _reference_text(entry.kommune_id, target, pk, lookups)
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if field is not None:
        typed = _typed_text(field, value)
        if typed is not None:
            return typed
        # An app may name the items of its list fields (e.g. a role's markers: "cdo" → "CDO").
        namer = extensions.item_namer(field.model, field.name)
        if namer is not None and isinstance(value, list):
            return ", ".join(str(namer(item)) for item in value if item not in (None, ""))
    return _plain(value)


def _reference_text(kommune_id: int, model: type[models.Model], pk: int, lookups: _Lookups) -> str:
    label = lookups.labels.get((kommune_id, model, pk))
    if label is not None:
        return label
    deleted = lookups.deleted.get((kommune_id, model._meta.model_name or "", str(pk)))
    if deleted is not None:
        return _("%(label)s (gelöscht, #%(id)s)") % {"label": deleted, "id": pk}
    return f"#{pk}"


def _typed_text(field: models.Field, value: Any) -> str | None:
    """Choices, dates and decimals by the field's type; None when the value does not fit it."""
    if field.choices and isinstance(value, str | int):
        choices = {str(key): label for key, label in field.flatchoices}
        if str(value) in choices:
            return str(choices[str(value)])
    try:
        if isinstance(field, models.DateTimeField):
            moment = datetime.datetime.fromisoformat(str(value))
            moment = timezone.localtime(moment) if timezone.is_aware(moment) else moment
            return dateformat.format(moment, "d.m.Y H:i")
        if isinstance(field, models.DateField):
            return dateformat.format(datetime.date.fromisoformat(str(value)), "d.m.Y")
        if isinstance(field, models.DecimalField):
            number = Decimal(str(value))
            return number_format(int(number) if number == number.to_integral_value() else number)
    except (ValueError, InvalidOperation, OverflowError):
        return None
    return None


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if isinstance(value, list | tuple):
        return ", ".join(_plain(item) for item in value if item not in (None, ""))
    if isinstance(value, dict):
        if "label" in value:  # a linked object stored with its name ({"id": 3, "label": "…"}): the name
            return _plain(value["label"])
        return ", ".join(f"{key}: {_plain(item)}" for key, item in value.items())
    return str(value)
