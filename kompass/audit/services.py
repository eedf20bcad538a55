"""Writing audit entries. Called by every service that changes tenant data."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable
from typing import Any

from django.db import models

from kompass.audit import context
from kompass.audit.models import AuditAction, AuditEntry
from kompass.core.actors import Actor
from kompass.core.exceptions import ConflictError

SYSTEM_ACTOR_NAME = "System"


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The audited field values of `obj`; foreign keys as their id."""
    values: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        values[name] = _plain(getattr(obj, attname))
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    keys = before.keys() | after.keys()
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def actor_fields(actor: Actor) -> dict[str, Any]:
    """Who an entry names: the actor's id and a snapshot of the name (kept when the account goes);
    an actor without id — the system, a command run without a login — is named "System"."""
    user = actor if actor is not None and actor.pk else None
    return {
        "actor_id": user.pk if user is not None else None,
        "actor_name": (user.display_name if user is not None else SYSTEM_ACTOR_NAME)[:200],
    }


def audit_record(
    *,
    kommune_id: int,
    actor: Actor,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    label: str | None = None,
) -> AuditEntry | None:
    """Write one entry; an update that changed nothing writes none (idempotent imports)."""
    changes = diff(before or {}, after or {})
    if action == AuditAction.UPDATE and not changes:
        return None
    ctx = context.current()
    return AuditEntry.objects.create(
        kommune_id=kommune_id,
        **actor_fields(actor),
        action=action,
        source=ctx.source,
        object_type=obj._meta.model_name or "",
        object_id=str(obj.pk),
        object_label=(label if label is not None else str(obj))[:300],
        changes=changes,
        request_id=ctx.request_id,
    )


def check_version(obj: Any, expected_version: int | None) -> None:
    """Optimistic locking: the user edited the version they loaded, or nothing is written."""
    if expected_version is not None and obj.version != expected_version:
        raise ConflictError()


def save_update(*, kommune_id: int, actor: Actor, obj: Any, fields: Iterable[str], before: dict[str, Any]) -> None:
    """Finish the update of a versioned, locked object whose fields were set: when the audited
    `fields` are unchanged nothing is written (a re-import stays silent); otherwise the version
    goes up, the row is saved and the audit entry written, in the caller's transaction."""
    after = snapshot(obj, fields)
    if after == before:
        return
    obj.version += 1
    obj.save()
    audit_record(kommune_id=kommune_id, actor=actor, action=AuditAction.UPDATE, obj=obj, before=before, after=after)


def audit_bulk_create(*, kommune_id: int, actor: Actor, objs: Iterable[models.Model], fields: Iterable[str]) -> int:
    """One "create" entry per object, written with a single INSERT (adoption, bulk operations)."""
    ctx = context.current()
    who = actor_fields(actor)
    field_list = list(fields)
    entries = [
        AuditEntry(
            kommune_id=kommune_id,
            **who,
            action=AuditAction.CREATE,
            source=ctx.source,
            object_type=obj._meta.model_name or "",
            object_id=str(obj.pk),
            object_label=str(obj)[:300],
            changes=diff({}, snapshot(obj, field_list)),
            request_id=ctx.request_id,
        )
        for obj in objs
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=500)
    return len(entries)
