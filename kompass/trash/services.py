"""The Papierkorb's writes: move an object there, restore it, delete it for good (docs/security.md R6).

`move_to_trash` is what a domain delete service calls instead of `obj.delete()`, inside its own
transaction and after its own audit entry: Django's deletion collector gathers the object and every
row the delete cascades to (also the rows of many-to-many links), those rows are serialised as a
fixture is, the references the delete sets to NULL are noted, and then the collector deletes. The
rows are gone from their tables exactly as before; only the Papierkorb holds them.

`restore` puts every row back with its original primary key, so references, the "Verlauf" and
the audit links stay valid. It refuses — and changes nothing — when a row it points at is gone,
a unique value (a Kennung, an e-mail address) is taken by now, or a domain rule says no; else each
row gets a "create" entry in the log, labelled as restored, and the item is deleted.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, cast

from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, router, transaction
from django.db.models import F
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.translation import gettext as _

from kompass.audit.models import AuditAction
from kompass.audit.services import Change, audit_record, check_version, prepare_entries, snapshot, write_entries
from kompass.core.actors import Actor
from kompass.tenancy.models import Kommune
from kompass.trash.models import RETENTION, TrashItem, TrashRef
from kompass.trash.registry import TRASHABLE, Trashable, entry_for

__all__ = ["erase_refs", "move_to_trash", "purge", "restore"]


class _FullCollector(Collector):
    """A collector that loads every row it deletes: a "fast" delete would leave nothing to keep."""

    def can_fast_delete(self, objs: Any, from_field: Any = None) -> bool:
        return False


# --- moving to the Papierkorb ----------------------------------------------------------------------


def _serialise(rows: dict[type[models.Model], list[models.Model]]) -> list[dict[str, Any]]:
    """The rows as fixture entries, parents before children (the reverse of the delete order); the
    links of many-to-many fields are rows of their own (the through table), so fields hold none."""
    payload: list[dict[str, Any]] = []
    for model, instances in reversed(list(rows.items())):
        names = [f.name for f in model._meta.concrete_fields if not f.primary_key]
        text = serializers.serialize("json", sorted(instances, key=lambda o: o.pk), fields=names)
        payload.extend(json.loads(text))
    return payload


def _refs(kommune: Kommune, payload: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """Every row held and every row pointed at, as (model label, id), for the erasure to find."""
    found: set[tuple[str, str]] = set()
    for row in payload:
        model = _model(row)
        found.add((model._meta.label, str(row["pk"])))
        for f in model._meta.concrete_fields:
            value = row["fields"].get(f.name)
            if (f.many_to_one or f.one_to_one) and value is not None and _target(f) is not Kommune:
                found.add((_target(f)._meta.label, str(value)))
    return found


def _relinks(collector: Collector, held: set[tuple[str, str]]) -> list[dict[str, Any]]:
    """The references the delete sets to NULL (a unit's head, a measure's responsible role), so a
    restore can set them again where nobody has set them otherwise in between."""
    found: dict[tuple[str, str, Any], list[Any]] = defaultdict(list)
    for (field, _value), batches in collector.field_updates.items():
        model = field.model
        for batch in batches:
            if isinstance(batch, models.QuerySet):
                pairs = list(batch.values_list("pk", field.attname))
            else:
                pairs = [(obj.pk, getattr(obj, field.attname)) for obj in cast(Iterable[models.Model], batch)]
            for pk, target in pairs:
                if target is not None and (model._meta.label, str(pk)) not in held:
                    found[(model._meta.label, field.attname, target)].append(pk)
    return [
        {"model": label, "field": attname, "value": target, "pks": sorted(pks)}
        for (label, attname, target), pks in sorted(found.items(), key=lambda kv: str(kv[0]))
    ]


def move_to_trash(*, kommune: Kommune, actor: Actor, obj: models.Model) -> TrashItem:
    """Delete `obj` with everything its delete takes along, and keep it all in the Papierkorb for
    30 days. Runs in the caller's transaction; the caller has written the deletion's audit entry.
    Raises `ProtectedError` like `obj.delete()` when a protected row still points at it."""
    entry = entry_for(obj)
    collector = _FullCollector(using=router.db_for_write(type(obj), instance=obj))
    collector.collect([obj])
    collector.sort()
    rows = {model: list(instances) for model, instances in collector.data.items()}
    for instances in rows.values():
        for row in instances:
            if getattr(row, "kommune_id", kommune.pk) != kommune.pk:  # SECURITY: never another Kommune's row
                raise ValidationError(_("Das Objekt gehört nicht zu dieser Kommune."))
    payload = _serialise(rows)
    held = {(_model(row)._meta.label, str(row["pk"])) for row in payload}
    relinks = _relinks(collector, held)
    now = timezone.now()
    item = TrashItem.objects.create(
        kommune=kommune,
        kind=entry.key,
        object_id=str(obj.pk),
        label=str(entry.label(obj))[:300],
        deleted_at=now,
        deleted_by_id=actor.pk if actor is not None and actor.pk else None,
        expires_at=now + RETENTION,
        payload=json.loads(json.dumps(payload, cls=DjangoJSONEncoder)),
        relinks=json.loads(json.dumps(relinks, cls=DjangoJSONEncoder)),
    )
    TrashRef.objects.bulk_create(
        [TrashRef(kommune=kommune, item=item, model=m, object_id=i) for m, i in sorted(_refs(kommune, payload))]
    )
    collector.delete()
    return item


# --- restoring -------------------------------------------------------------------------------------


def _target(f: Any) -> type[models.Model]:
    """The model a foreign key points at (resolved: never "self" or a string once apps are ready)."""
    return cast(type[models.Model], f.related_model)


def _model(row: dict[str, Any]) -> type[models.Model]:
    from django.apps import apps

    return apps.get_model(row["model"])


def _locked(kommune: Kommune, item: TrashItem) -> TrashItem:
    found = TrashItem.objects.for_kommune(kommune).select_for_update().filter(pk=item.pk).first()
    if found is None:
        raise ValidationError(_("Dieser Eintrag ist nicht mehr im Papierkorb."))
    return found


def _objects(item: TrashItem) -> list[models.Model]:
    try:
        return [d.object for d in serializers.deserialize("python", item.payload, ignorenonexistent=True)]
    except (DeserializationError, LookupError) as exc:
        message = _("Dieser Eintrag passt nicht mehr zum Datenmodell und kann nicht wiederhergestellt werden.")
        raise ValidationError(message) from exc


def _refuse(item: TrashItem, reason: str) -> ValidationError:
    return ValidationError(
        _("„%(label)s“ kann nicht wiederhergestellt werden: %(reason)s") % {"label": item.label, "reason": reason}
    )


def _check_kommune(kommune: Kommune, item: TrashItem, objects: Iterable[models.Model]) -> None:
    for obj in objects:
        if getattr(obj, "kommune_id", kommune.pk) != kommune.pk:  # SECURITY: a payload never leaves its Kommune
            raise _refuse(item, _("Eine Zeile gehört nicht zu dieser Kommune."))


def _by_model(objects: Iterable[models.Model]) -> dict[type[models.Model], list[models.Model]]:
    grouped: dict[type[models.Model], list[models.Model]] = defaultdict(list)
    for obj in objects:
        grouped[type(obj)].append(obj)
    return grouped


def _check_free(item: TrashItem, objects: list[models.Model]) -> None:
    """No row is back already (a second restore of the same rows, or an id taken otherwise)."""
    for model, rows in _by_model(objects).items():
        if model._base_manager.filter(pk__in=[o.pk for o in rows]).exists():
            raise _refuse(item, _("%(what)s gibt es bereits wieder.") % {"what": model._meta.verbose_name})


def _check_references(item: TrashItem, objects: list[models.Model]) -> None:
    """Every row a restored row points at is restored with it or still there (R6: nothing dangles)."""
    held = {(type(o)._meta.label, o.pk) for o in objects}
    wanted: dict[tuple[type[models.Model], str], set[Any]] = defaultdict(set)
    for obj in objects:
        for f in type(obj)._meta.concrete_fields:
            if not (f.many_to_one or f.one_to_one) or not getattr(f, "db_constraint", True):
                continue
            value = getattr(obj, f.attname)
            if value is None or (_target(f)._meta.label, value) in held:
                continue
            wanted[(_target(f), cast(Any, f).target_field.attname)].add(value)
    for (model, attname), values in wanted.items():
        present = set(model._base_manager.filter(**{f"{attname}__in": values}).values_list(attname, flat=True))
        if present != values:
            raise _refuse(
                item,
                _("%(what)s, auf die sich der Eintrag bezieht, gibt es nicht mehr.")
                % {"what": model._meta.verbose_name},
            )


def _check_unique(item: TrashItem, objects: list[models.Model]) -> None:
    """No unique value of a restored row is taken by now (a new unit with the same Kennung)."""
    for obj in objects:
        checks, _dates = cast(Any, obj)._get_unique_checks(include_meta_constraints=True)
        for model, names in checks:
            lookup = {}
            for name in names:
                f = model._meta.get_field(name)
                lookup[f.attname] = getattr(obj, f.attname)
            if any(v is None for v in lookup.values()) or list(lookup) == ["id"]:
                continue
            if model._base_manager.filter(**lookup).exclude(pk=obj.pk).exists():
                labels = ", ".join(str(model._meta.get_field(n).verbose_name) for n in names if n != "kommune")
                raise _refuse(
                    item,
                    _("%(what)s mit demselben Wert (%(fields)s) gibt es inzwischen.")
                    % {"what": model._meta.verbose_name, "fields": labels},
                )


def _insert(item: TrashItem, objects: list[models.Model]) -> None:
    try:
        with transaction.atomic():
            for obj in objects:
                models.Model.save_base(obj, raw=True, force_insert=True)
    except IntegrityError as exc:
        raise _refuse(item, _("Ein Wert ist inzwischen vergeben.")) from exc


def _relink(kommune: Kommune, actor: Actor, item: TrashItem) -> None:
    """Set the references the delete emptied again, where they are still empty."""
    from django.apps import apps

    for link in item.relinks:
        model = apps.get_model(link["model"])
        field = next(f for f in model._meta.concrete_fields if f.attname == link["field"])
        rows = model._base_manager.filter(pk__in=link["pks"], **{f"{field.attname}__isnull": True})
        if hasattr(model, "kommune_id"):
            rows = rows.filter(kommune_id=kommune.pk)
        for obj in rows:
            before = snapshot(obj, [field.name])
            setattr(obj, field.attname, link["value"])
            changes: dict[str, Any] = {field.attname: link["value"]}
            if hasattr(obj, "version"):
                changes["version"] = F("version") + 1
            model._base_manager.filter(pk=obj.pk).update(**changes)
            audit_record(
                kommune_id=kommune.pk,
                actor=actor,
                action=AuditAction.UPDATE,
                obj=obj,
                before=before,
                after=snapshot(obj, [field.name]),
            )


def _audit_restored(kommune: Kommune, actor: Actor, objects: list[models.Model]) -> None:
    changes = []
    for obj in objects:
        if obj._meta.auto_created:  # the link rows of a many-to-many field: shown with their object
            continue
        after = snapshot(obj, getattr(obj, "AUDIT_FIELDS", ()))
        label = _("%(name)s (aus dem Papierkorb wiederhergestellt)") % {"name": obj}
        changes.append(Change(AuditAction.CREATE, obj, None, after, label))
    write_entries(prepare_entries(kommune_id=kommune.pk, actor=actor, changes=changes))


@transaction.atomic
def restore(*, kommune: Kommune, actor: Actor, item: TrashItem, expected_version: int | None) -> models.Model:
    """Bring the item's rows back with their own ids, in one transaction; returns the object that
    was deleted. Refuses with a German `ValidationError` and changes nothing when a row it needs is
    gone, a unique value is taken by now, or the domain's rule (`before_restore`) says no."""
    item = _locked(kommune, item)
    check_version(item, expected_version)
    if item.expires_at < timezone.now():
        raise _refuse(item, _("Die Frist von 30 Tagen ist abgelaufen."))
    entry: Trashable | None = TRASHABLE.get(item.kind)
    if entry is None:
        raise _refuse(item, _("Diese Art von Objekt kann nicht mehr wiederhergestellt werden."))
    objects = _objects(item)
    _check_kommune(kommune, item, objects)
    _check_free(item, objects)
    if entry.before_restore is not None:
        entry.before_restore(kommune, objects)
    _check_references(item, objects)
    _check_unique(item, objects)
    _insert(item, objects)
    _relink(kommune, actor, item)
    _audit_restored(kommune, actor, objects)
    item.delete()
    root = next(o for o in objects if type(o) is entry.model and str(o.pk) == item.object_id)
    return root


# --- deleting for good -----------------------------------------------------------------------------


@transaction.atomic
def purge(*, kommune: Kommune, actor: Actor, item: TrashItem, expected_version: int | None) -> None:
    """Delete the item for good before its 30 days are over ("Endgültig löschen"). The log names
    the deleted object (a person by her pseudonym), not the item."""
    item = _locked(kommune, item)
    check_version(item, expected_version)
    root = _root(item)
    if root is not None:
        label = _("%(name)s (aus dem Papierkorb endgültig gelöscht)") % {"name": item.label}
        audit_record(kommune_id=kommune.pk, actor=actor, action=AuditAction.DELETE, obj=root, label=label)
    else:  # SECURITY: without the row, the entry names the item only, never its label (a name)
        label = _("Eintrag des Papierkorbs endgültig gelöscht")
        audit_record(kommune_id=kommune.pk, actor=actor, action=AuditAction.DELETE, obj=item, label=label)
    item.delete()


def _root(item: TrashItem) -> models.Model | None:
    for row in item.payload:
        if row.get("model") == item.kind and str(row.get("pk")) == item.object_id:
            try:
                return next(iter(serializers.deserialize("python", [row], ignorenonexistent=True))).object
            except (DeserializationError, LookupError):
                return None
    return None


def erase_refs(kommune_id: int, kind: str, object_id: int) -> int:
    """The erasure hook (DSGVO Art. 17): every item that holds or names the erased person or account
    (`kind` is the model label, "org.Person" or "accounts.User") goes at once, so that an erased
    person can never come back from the Papierkorb. Returns how many items went."""
    items = TrashItem.objects.for_kommune(kommune_id).filter(refs__model=kind, refs__object_id=str(object_id))
    pks = list(items.values_list("pk", flat=True).distinct())
    if not pks:
        return 0
    TrashItem.objects.for_kommune(kommune_id).filter(pk__in=pks).delete()
    return len(pks)


def expired(rows: Any, now: datetime.datetime) -> Any:
    """The retention rule of the personal-data registry: 30 days after the deletion."""
    return rows.filter(expires_at__lt=now)
