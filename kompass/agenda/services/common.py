"""Helpers every agenda service shares: reading typed values from form or API data with German
errors, and writing a row with its audit entry."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from kompass.agenda.models import Agenda, AgendaSettings, AgendaVersion, Handlungsfeld
from kompass.audit.models import AuditAction
from kompass.audit.services import audit_record, check_version, save_update, snapshot
from kompass.core.actors import Actor
from kompass.core.numbers import parse_decimal
from kompass.roles.importers import parse_date
from kompass.tenancy.models import Kommune

M = TypeVar("M", bound=models.Model)
Errors = dict[str, list[str]]

TITLE_MAX = 200


def text(value: Any, limit: int | None = None) -> str:
    cleaned = str(value if value is not None else "").replace("\x00", "").strip()
    return cleaned[:limit] if limit else cleaned


def add(errors: Errors, name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def raise_if(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def actor_name(actor: Actor) -> str:
    return (getattr(actor, "display_name", "") or "System")[:200]


def required_text(data: Mapping[str, Any], name: str, errors: Errors, message: str, limit: int = TITLE_MAX) -> str:
    value = text(data.get(name), limit)
    if not value:
        add(errors, name, message)
    return value


def choice(data: Mapping[str, Any], name: str, choices: type[models.TextChoices], errors: Errors) -> str:
    value = text(data.get(name))
    if value not in choices.values:
        add(
            errors,
            name,
            _("Bitte einen der Werte wählen: %(values)s.") % {"values": ", ".join(str(c) for c in choices.labels)},
        )
    return value


def integer(data: Mapping[str, Any], name: str, low: int, high: int, errors: Errors, label: str) -> int:
    raw = data.get(name)
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        value = None
    if value is None or not low <= value <= high:
        add(
            errors,
            name,
            _("%(label)s: bitte eine ganze Zahl von %(low)d bis %(high)d angeben.")
            % {"label": label, "low": low, "high": high},
        )
        return low
    return value


def date_value(data: Mapping[str, Any], name: str, errors: Errors, *, required: bool = False) -> datetime.date | None:
    """A date from a `date` or as text (TT.MM.JJJJ or JJJJ-MM-TT); empty is None unless required."""
    raw = data.get(name)
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    if raw is None or not str(raw).strip():
        if required:
            add(errors, name, _("Bitte ein Datum angeben (TT.MM.JJJJ)."))
        return None
    value = parse_date(str(raw))
    if value is None:
        add(errors, name, _("„%(value)s“ ist kein gültiges Datum. Bitte TT.MM.JJJJ schreiben.") % {"value": raw})
    return value


def decimal_value(
    data: Mapping[str, Any],
    name: str,
    errors: Errors,
    *,
    required: bool = False,
    places: int = 2,
    minimum: Decimal | None = None,
    max_digits: int = 14,
) -> Decimal | None:
    """A number as a person types it ("1.234,56 €", see `core.numbers`), or a number sent as such."""
    raw = data.get(name)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            add(errors, name, _("Bitte eine Zahl angeben."))
        return None
    if isinstance(raw, float):
        raw = Decimal(str(raw))
    try:
        value = parse_decimal(raw)
    except ValidationError as exc:
        errors.setdefault(name, []).extend(exc.messages)
        return None
    quantum = Decimal(1).scaleb(-places)
    if abs(value) >= Decimal(10) ** (max_digits - places) or value != value.quantize(quantum):
        add(
            errors,
            name,
            _("Die Zahl ist zu groß oder hat mehr als %(n)d Nachkommastellen.") % {"n": places},
        )
        return None
    if minimum is not None and value < minimum:
        add(errors, name, _("Die Zahl darf nicht kleiner als %(min)s sein.") % {"min": minimum})
        return None
    return value.quantize(quantum)


def own(kommune: Kommune, model: type[M], value: Any, errors: Errors, name: str, *, required: bool = False) -> M | None:
    """The object of this Kommune that `value` (an instance or a primary key) names; an object of
    another Kommune is "not found", as everywhere (never confirmed to exist)."""
    if value in (None, ""):
        if required:
            add(errors, name, _("Bitte eine Auswahl treffen."))
        return None
    pk = value.pk if isinstance(value, models.Model) else value
    try:
        return model._default_manager.for_kommune(kommune).get(pk=pk)  # type: ignore[attr-defined]
    except (model.DoesNotExist, ValueError, TypeError):  # type: ignore[attr-defined]
        add(errors, name, _("Die Auswahl wurde nicht gefunden."))
        return None


def own_many(kommune: Kommune, model: type[M], values: Any, errors: Errors, name: str) -> list[M]:
    """The objects of this Kommune named by `values` (instances or primary keys)."""
    items = list(values or [])
    pks = {item.pk if isinstance(item, models.Model) else item for item in items}
    try:
        found = list(model._default_manager.for_kommune(kommune).filter(pk__in=pks))  # type: ignore[attr-defined]
    except (ValueError, TypeError):
        found = []
    if len(found) != len(pks):
        add(errors, name, _("Mindestens eine Auswahl wurde nicht gefunden."))
    return found


def create(kommune: Kommune, actor: Actor, obj: M, label: str | None = None) -> M:
    """Save a new row and write its "create" entry with its audited fields."""
    obj.save()
    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.CREATE,
        obj=obj,
        after=snapshot(obj, obj.AUDIT_FIELDS),  # type: ignore[attr-defined]
        label=label,
    )
    return obj


def locked(kommune: Kommune, model: type[M], obj: M, expected_version: int | None = None) -> M:
    """The row again, locked for the update, after the optimistic-lock check (docs/security.md R3)."""
    fresh = model._default_manager.for_kommune(kommune).select_for_update().get(pk=obj.pk)  # type: ignore[attr-defined]
    check_version(fresh, expected_version)
    return fresh


def apply_update(kommune: Kommune, actor: Actor, obj: M, values: Mapping[str, Any], before: dict[str, Any]) -> M:
    """Set the values and save the versioned row with its audit entry (nothing when unchanged)."""
    for name, value in values.items():
        setattr(obj, name, value)
    save_update(kommune_id=kommune.pk, actor=actor, obj=obj, fields=obj.AUDIT_FIELDS, before=before)  # type: ignore[attr-defined]
    return obj


def plain_update(kommune: Kommune, actor: Actor, obj: M, values: Mapping[str, Any]) -> M:
    """Set the values of a row without `version` and save it with its audit entry."""
    fields: Sequence[str] = obj.AUDIT_FIELDS  # type: ignore[attr-defined]
    before = snapshot(obj, fields)
    for name, value in values.items():
        setattr(obj, name, value)
    after = snapshot(obj, fields)
    if after != before:
        obj.save()
        audit_record(kommune_id=kommune.pk, actor=actor, action=AuditAction.UPDATE, obj=obj, before=before, after=after)
    return obj


def delete(kommune: Kommune, actor: Actor, obj: models.Model, label: str | None = None) -> None:
    before = snapshot(obj, getattr(obj, "AUDIT_FIELDS", ()))
    pk = obj.pk
    obj.delete()
    obj.pk = pk  # the entry names the deleted row
    audit_record(kommune_id=kommune.pk, actor=actor, action=AuditAction.DELETE, obj=obj, before=before, label=label)


def agenda_of(kommune: Kommune, *, lock: bool = False) -> Agenda:
    """The Kommune's agenda; `lock` serialises changes that check the whole agenda (dependency cycles)."""
    queryset = Agenda.objects.for_kommune(kommune)
    agenda = (queryset.select_for_update() if lock else queryset).first()
    if agenda is None:
        raise ValidationError(_("Diese Kommune hat noch keine Digitale Agenda angelegt."))
    return agenda


def settings_of(kommune: Kommune) -> AgendaSettings:
    """The Kommune's agenda settings; the defaults (unsaved) until it changes them."""
    return AgendaSettings.objects.for_kommune(kommune).first() or AgendaSettings(kommune=kommune)


def require_draft(version: AgendaVersion) -> None:
    """SECURITY/R: a decided version is frozen; every write to it or its children is refused."""
    if version.is_decided:
        raise ValidationError(
            _(
                "Fassung %(n)d der Digitalen Agenda ist beschlossen und kann nicht mehr geändert werden. Legen Sie "
                "einen neuen Entwurf an, um Änderungen vorzubereiten."
            )
            % {"n": version.number}
        )


def set_links(through: Any, owner_column: str, owner_id: int, target_column: str, target_ids: list[int]) -> list[int]:
    """Make a many-to-many link table say exactly `target_ids` for one owner; returns what it said
    before. Through the link table itself: the related managers of tenant models would query the
    targets without naming the Kommune (fail-closed scoping)."""
    rows = through.objects.filter(**{owner_column: owner_id})
    before = list(rows.values_list(target_column, flat=True))
    rows.exclude(**{f"{target_column}__in": target_ids}).delete()
    through.objects.bulk_create(
        through(**{owner_column: owner_id, target_column: target}) for target in sorted(set(target_ids) - set(before))
    )
    return before


def link_labels(kommune: Kommune, model: type[models.Model], ids: set[int]) -> dict[int, str]:
    """The names of linked objects of this Kommune as the audit log keeps them, in one query: a
    Handlungsfeld with its version ("Bildung digital (Fassung 2)": every version has its own copy of
    a Handlungsfeld), anything else by its name (`str`)."""
    rows = model._default_manager.for_kommune(kommune).filter(pk__in=ids)  # type: ignore[attr-defined]
    if model is Handlungsfeld:
        return {
            pk: f"{name} (Fassung {number})"
            for pk, name, number in rows.values_list("pk", "name", "agenda_version__number")
        }
    return {obj.pk: str(obj) for obj in rows}


def record_link_change(
    kommune: Kommune, actor: Actor, obj: Any, name: str, before: list[int], after: list[int]
) -> None:
    """An audit entry for a changed many-to-many link (Handlungsfelder, goals) of a goal or measure.

    Each side is stored as [{"id": 3, "label": "Bildung digital (Fassung 2)"}, …] in the order of the
    ids: the log names what was linked (`audit.presentation` shows an item's label), also after the
    linked object is gone, and the ids stay for whoever follows them."""
    if sorted(before) == sorted(after):
        return
    target = obj._meta.get_field(name).related_model
    labels = link_labels(kommune, target, set(before) | set(after))

    def side(ids: list[int]) -> list[dict[str, Any]]:
        return [{"id": pk, "label": labels.get(pk, f"#{pk}")} for pk in sorted(ids)]

    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.UPDATE,
        obj=obj,
        before={name: side(before)},
        after={name: side(after)},
    )
