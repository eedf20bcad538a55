"""Reading the Papierkorb of a Kommune: the list page costs the same number of queries for any length."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from kompass.tenancy.models import Kommune
from kompass.trash.models import TrashItem
from kompass.trash.registry import TRASHABLE


@dataclass(frozen=True)
class Row:
    item: TrashItem
    noun: Any
    deleted_by: str
    days_left: int


def days_left(item: TrashItem, now: datetime.datetime) -> int:
    """Days until the item expires, a begun day counted whole: 30 right after the deletion, 1 on its
    last day (an expired item is no longer restorable and shows 0)."""
    left = item.expires_at - now
    if left <= datetime.timedelta(0):
        return 0
    return left.days + (1 if left % datetime.timedelta(days=1) else 0)


def items(kommune: Kommune) -> list[Row]:
    """Every item of the Kommune, newest deletion first, with who deleted it (the live name) and
    the days left; the rows themselves are not loaded."""
    now = timezone.now()
    found = (
        TrashItem.objects.for_kommune(kommune)
        .filter(expires_at__gte=now)
        .select_related("deleted_by")
        .defer("payload", "relinks")
        .order_by("-deleted_at", "-id")
    )
    rows = []
    for item in found:
        entry = TRASHABLE.get(item.kind)
        user = item.deleted_by
        name = (getattr(user, "display_name", "") or getattr(user, "username", "")) if user is not None else ""
        rows.append(Row(item, entry.noun if entry else item.kind, name, days_left(item, now)))
    return rows
