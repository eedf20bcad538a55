"""Reading the audit log: per object ("Verlauf") and per Kommune, for administrators only."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from kompass.audit.models import AuditEntry, AuditPersonalValue
from kompass.tenancy.capabilities import Capability
from kompass.tenancy.context import TenantContext

HISTORY_LIMIT = 20


def history_for(ctx: TenantContext, obj: Model, limit: int = HISTORY_LIMIT) -> list[AuditEntry] | None:
    """The latest entries about `obj`, or None when the member may not read the log."""
    if not ctx.can(Capability.VIEW_AUDIT):
        return None
    return list(
        AuditEntry.objects.for_kommune(ctx.kommune)
        .filter(object_type=obj._meta.model_name, object_id=str(obj.pk))
        .select_related("actor")  # the actor's live name, read with the entries
        .order_by("-created_at", "-id")[:limit]
    )


def kommune_change_stamp(kommune: Any) -> str:
    """The time and id of the Kommune's newest audit entry. Every change of a Kommune's data writes
    one (services, imports, tasks), so whatever is computed from that data stays valid while the
    stamp stays the same: the public agenda page and the stored Rollen-Check use it as part of their
    cache keys. One query that reads the index by Kommune and time from its top (ordering by id too
    would sort every entry of the Kommune — 14 ms for 200,000 entries)."""
    newest = AuditEntry.objects.for_kommune(kommune).order_by("-created_at").values_list("created_at", "id").first()
    return f"{newest[0].isoformat()}#{newest[1]}" if newest else "-"


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_list(
    ctx: TenantContext,
    *,
    actor: str = "",
    object_type: str = "",
    action: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    object_id: str = "",
) -> QuerySet[AuditEntry]:
    ctx.require(Capability.VIEW_AUDIT)
    qs = AuditEntry.objects.for_kommune(ctx.kommune).select_related("actor")
    if actor:
        # Entries name no person: the name is matched against the live accounts of the actors.
        users = get_user_model()._default_manager.filter(
            Q(first_name__icontains=actor) | Q(last_name__icontains=actor) | Q(username__icontains=actor)
        )
        qs = qs.filter(
            Q(actor_name__icontains=actor)
            | Q(actor_pseudonym__iexact=actor.strip())
            | Q(actor_id__in=users.values("pk"), actor_pseudonym__gt="")
        )
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if action:
        qs = qs.filter(action=action)
    if date_from:
        qs = qs.filter(created_at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(created_at__lt=_day_start(date_to + datetime.timedelta(days=1)))
    return qs.order_by("-created_at", "-id")


def object_types(ctx: TenantContext) -> list[tuple[str, Any]]:
    from django.apps import apps

    labels = {m._meta.model_name: m._meta.verbose_name for m in apps.get_models()}
    # order_by() drops the default ordering, which would otherwise make DISTINCT return every row.
    types = AuditEntry.objects.for_kommune(ctx.kommune).order_by().values_list("object_type", flat=True).distinct()
    return sorted(((t, labels.get(t, t)) for t in types), key=lambda item: str(item[1]))


def entry_changes(entry: AuditEntry) -> dict[str, list[Any]]:
    """All changes of one entry as written: the row's own and, while the person is not erased,
    the personal values kept beside it (one query)."""
    changes = {name: list(pair) for name, pair in entry.changes.items()}
    for name, before, after in (
        AuditPersonalValue.objects.for_kommune(entry.kommune_id)
        .filter(entry_id=entry.pk)
        .exclude(field="")
        .values_list("field", "before", "after")
    ):
        changes[name] = [before, after]
    return changes
