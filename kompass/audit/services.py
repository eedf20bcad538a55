"""Writing audit entries. Called by every service that changes tenant data."""

from __future__ import annotations

import datetime
import decimal
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from kompass.audit import context, triggers
from kompass.audit.models import AuditAction, AuditEntry, AuditPersonalValue, AuditSource, AuditSubject
from kompass.core.actors import Actor
from kompass.core.exceptions import ConflictError
from kompass.core.extensions import ERASE_DELETE, PERSONAL_DATA
from kompass.core.security_log import security_event

SYSTEM_ACTOR_NAME = "System"
PSEUDONYM_PREFIX = "P-"


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


# --- pseudonyms and personal values (docs/architecture.md, "Audit") -------------------------


def _new_pseudonym() -> str:
    return PSEUDONYM_PREFIX + secrets.token_hex(3).upper()


def subject_kind(model: type[models.Model]) -> str:
    return model._meta.label


def user_kind() -> str:
    return get_user_model()._meta.label


def personal_fields(model: type[models.Model]) -> frozenset[str]:
    """The fields of `model` whose values name a person (PERSONAL_DATA), without relations: an id
    of a referenced row stays in the entry, its name is looked up when the entry is shown."""
    if model is AuditEntry:
        return frozenset()
    for item in PERSONAL_DATA:
        if item.model is model:
            return frozenset(
                name for name in item.fields if not getattr(model._meta.get_field(name), "is_relation", False)
            )
    return frozenset()


def labelled_by_pseudonym(model: type[models.Model]) -> bool:
    """Whether an entry about a row of `model` is labelled with the row's pseudonym: the row is about
    one person and goes with her in an erasure (a Person, an account, an assignment, an invitation),
    so its label would name her. Rows that only mention someone (a unit's head, a name snapshot)
    keep their label; their personal values still go beside the entry."""
    if model is AuditEntry:
        return False
    for item in PERSONAL_DATA:
        if item.model is model:
            return any(subject.erase == ERASE_DELETE for subject in item.subjects)
    return False


def owner_key(obj: models.Model) -> tuple[str, str]:
    """Whose pseudonym an entry about `obj` carries: the person or account the row belongs to (an
    assignment → its Person, a membership → its account), so that erasing her forgets these entries'
    names too; else the row itself (a Person, an account, an invitation to an address)."""
    model = type(obj)
    for item in PERSONAL_DATA:
        if item.model is not model:
            continue
        for subject in item.subjects:
            if subject.erase != ERASE_DELETE or subject.path == "pk" or "__" in subject.path:
                continue
            field = model._meta.get_field(subject.path)
            related = getattr(field, "related_model", None)
            target = getattr(obj, getattr(field, "attname", ""), None)
            if isinstance(related, type) and issubclass(related, models.Model) and target is not None:
                return (subject_kind(related), str(target))
    return (subject_kind(model), str(obj.pk))


def subjects(kommune_id: int, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], AuditSubject]:
    """The subjects of (kind, object id) keys in this Kommune, created on first use: one query when
    all exist, three when some are new (a clash of random pseudonyms is tried again)."""
    wanted = set(keys)
    found: dict[tuple[str, str], AuditSubject] = {}
    for _attempt in range(5):
        missing = wanted - found.keys()
        if not missing:
            return found
        by_kind: dict[str, list[str]] = defaultdict(list)
        for kind, object_id in missing:
            by_kind[kind].append(object_id)
        query = Q()
        for kind, ids in by_kind.items():
            query |= Q(kind=kind, object_id__in=ids)
        found.update({(s.kind, s.object_id): s for s in AuditSubject.objects.for_kommune(kommune_id).filter(query)})
        missing = wanted - found.keys()
        if not missing:
            return found
        AuditSubject.objects.bulk_create(
            [AuditSubject(kommune_id=kommune_id, kind=k, object_id=i, pseudonym=_new_pseudonym()) for k, i in missing],
            ignore_conflicts=True,
        )
    raise RuntimeError("Kein freies Pseudonym gefunden.")


def actor_fields(actor: Actor, kommune_id: int, subject: AuditSubject | None = None) -> dict[str, Any]:
    """Who an entry names: the user's id and pseudonym, never the name (shown from the live account);
    an actor without id — the system, a command run without a login — is named "System"."""
    user = actor if actor is not None and actor.pk else None
    if user is None:
        return {"actor_id": None, "actor_pseudonym": "", "actor_name": SYSTEM_ACTOR_NAME}
    if subject is None:
        key = (user_kind(), str(user.pk))
        subject = subjects(kommune_id, [key])[key]
    return {"actor_id": user.pk, "actor_pseudonym": subject.pseudonym, "actor_name": ""}


@dataclass
class Prepared:
    """An unsaved entry and the personal values that belong beside it."""

    entry: AuditEntry
    values: list[AuditPersonalValue] = field(default_factory=list)
    subject: AuditSubject | None = None


@dataclass(frozen=True)
class Change:
    action: str
    obj: models.Model
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    label: str | None = None


def prepare_entries(*, kommune_id: int, actor: Actor, changes: Iterable[Change]) -> list[Prepared]:
    """The entries for `changes`, shaped alike for single and bulk writes (a test compares them):
    updates that changed nothing are left out; personal values go to the side rows."""
    ctx = context.current()
    items = []
    for change in changes:
        diffed = diff(change.before or {}, change.after or {})
        if change.action == AuditAction.UPDATE and not diffed:
            continue
        items.append((change, diffed))
    user = actor if actor is not None and actor.pk else None
    keys = {
        owner_key(c.obj)
        for c, d in items
        if labelled_by_pseudonym(type(c.obj)) or personal_fields(type(c.obj)) & d.keys()
    }
    actor_key = (user_kind(), str(user.pk)) if user is not None else None
    if actor_key is not None and items:
        keys.add(actor_key)
    known = subjects(kommune_id, keys) if keys else {}
    who = actor_fields(actor, kommune_id, known.get(actor_key) if actor_key else None) if items else {}
    prepared = []
    for change, diffed in items:
        obj = change.obj
        label = (change.label if change.label is not None else str(obj))[:300]
        personal = personal_fields(type(obj))
        subject = known.get(owner_key(obj))
        values: list[AuditPersonalValue] = []
        if subject is not None:
            if labelled_by_pseudonym(type(obj)):
                values.append(AuditPersonalValue(kommune_id=kommune_id, subject=subject, field="", after=label))
                label = subject.pseudonym
            for name in sorted(personal & diffed.keys()):
                before, after = diffed.pop(name)
                values.append(
                    AuditPersonalValue(kommune_id=kommune_id, subject=subject, field=name, before=before, after=after)
                )
        entry = AuditEntry(
            kommune_id=kommune_id,
            **who,
            action=change.action,
            source=ctx.source,
            object_type=obj._meta.model_name or "",
            object_id=str(obj.pk),
            object_label=label,
            changes=diffed,
            request_id=ctx.request_id,
        )
        prepared.append(Prepared(entry, values, subject))
    return prepared


def _security_events(prepared: list[Prepared]) -> None:
    """Imports and settings changes are security events too (docs/security.md L3): one line per import batch and
    per changed Kommune, naming kinds, counts and field names — never values."""
    if not prepared:
        return
    first = prepared[0].entry
    if first.source == AuditSource.IMPORT:
        security_event(
            "import",
            kommune_id=first.kommune_id,
            user_id=first.actor_id,
            object_type=first.object_type,
            entries=len(prepared),
        )
    for item in prepared:
        if item.entry.object_type == "kommune" and item.entry.action == AuditAction.UPDATE:
            security_event(
                "settings_changed",
                kommune_id=item.entry.kommune_id,
                user_id=item.entry.actor_id,
                fields=",".join(sorted(item.entry.changes)),
            )


def write_entries(prepared: list[Prepared], insert: Callable[[list[AuditEntry]], None] | None = None) -> None:
    """Insert the entries and their side rows. Entries without personal values may go through the
    caller's fast `insert` (executemany); those with side rows need their ids from `bulk_create`."""
    _security_events(prepared)
    plain = [p.entry for p in prepared if not p.values]
    personal = [p for p in prepared if p.values]
    if plain:
        if insert is not None:
            insert(plain)
        else:
            AuditEntry.objects.bulk_create(plain, batch_size=500)
    if personal:
        AuditEntry.objects.bulk_create([p.entry for p in personal], batch_size=500)
        side = []
        for p in personal:
            for value in p.values:
                value.entry = p.entry
                side.append(value)
        AuditPersonalValue.objects.bulk_create(side, batch_size=500)


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
    prepared = prepare_entries(kommune_id=kommune_id, actor=actor, changes=[Change(action, obj, before, after, label)])
    if not prepared:
        return None
    [item] = prepared
    _security_events(prepared)
    item.entry.save()
    if item.values:
        for value in item.values:
            value.entry = item.entry
        AuditPersonalValue.objects.bulk_create(item.values)
    return item.entry


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
    """One "create" entry per object, written with bulk INSERTs (adoption, bulk operations)."""
    field_list = list(fields)
    changes = [Change(AuditAction.CREATE, obj, None, snapshot(obj, field_list)) for obj in objs]
    prepared = prepare_entries(kommune_id=kommune_id, actor=actor, changes=changes)
    write_entries(prepared)
    return len(prepared)


# --- erasure and the deletion of a whole Kommune ---------------------------------------------


def forget_subject(*, kommune_id: int, kind: str, object_id: Any) -> bool:
    """Erasure (Art. 17 DSGVO): delete the personal values the log keeps about this subject and mark
    its pseudonym forgotten. No audit row changes; entries then read "Gelöschte Person P-…".
    Returns whether the log knew the subject."""
    subject = AuditSubject.objects.for_kommune(kommune_id).filter(kind=kind, object_id=str(object_id)).first()
    if subject is None:
        return False
    with transaction.atomic():
        AuditPersonalValue.objects.for_kommune(kommune_id).filter(subject=subject).delete()
        AuditSubject.objects.for_kommune(kommune_id).filter(pk=subject.pk).update(forgotten_at=timezone.now())
    return True


def forget_rows(*, kommune_id: int, kind: str, object_ids: Iterable[Any]) -> int:
    """Erasure of rows that went with a person (her invitations, assignments, tokens …): the log
    labels their entries with the row's own pseudonym and keeps the label and the personal values
    beside them (an invitation's label names the address). `forget_subject` for each row, in three
    queries for any number of rows. Returns how many of the rows the log knew."""
    ids = sorted({str(i) for i in object_ids})
    if not ids:
        return 0
    known = AuditSubject.objects.for_kommune(kommune_id).filter(kind=kind, object_id__in=ids)
    subject_ids = list(known.values_list("pk", flat=True))
    if not subject_ids:
        return 0
    with transaction.atomic():
        AuditPersonalValue.objects.for_kommune(kommune_id).filter(subject_id__in=subject_ids).delete()
        AuditSubject.objects.for_kommune(kommune_id).filter(pk__in=subject_ids).update(forgotten_at=timezone.now())
    return len(subject_ids)


def forget_values(*, kommune_id: int, fields: Iterable[str], values: Iterable[str]) -> int:
    """Erasure of a name or address kept as a copy in another row ("Berichtet von", an invited
    address): the log keeps such a value beside the entry under that row's pseudonym, not the
    person's, so `forget_subject` does not reach it. Every kept value of these `fields` that equals
    one of `values` is emptied (a side whose other half names someone else keeps that half); a
    value left empty on both sides goes. No audit row changes. Returns the number of values emptied."""
    wanted = sorted({v for v in values if v})
    names = sorted(set(fields))
    if not wanted or not names:
        return 0
    rows = AuditPersonalValue.objects.for_kommune(kommune_id).filter(field__in=names)
    emptied = 0
    with transaction.atomic():
        for side in ("before", "after"):
            for value in wanted:
                emptied += rows.filter(**{side: value}).update(**{side: ""})
        if emptied:
            empty = (Q(before__isnull=True) | Q(before="")) & (Q(after__isnull=True) | Q(after=""))
            rows.filter(empty).delete()
    return emptied


def purge_kommune_audit(kommune_id: int) -> int:
    """Delete a Kommune's whole log — only for the explicit deletion of the Kommune (tenant
    lifecycle). The database refuses DELETE of audit rows unless this transaction says so
    (PostgreSQL: `SET LOCAL kompass.audit_purge`, SQLite: `audit.triggers.purging`). Returns the
    number of deleted entries."""
    with transaction.atomic():
        AuditPersonalValue.objects.for_kommune(kommune_id).delete()
        with triggers.purging():
            deleted = AuditEntry._base_manager.filter(kommune_id=kommune_id)._raw_delete(using="default")
        AuditSubject.objects.for_kommune(kommune_id).delete()
    return int(deleted)
