"""Reads of the platform operators: the Kommunen on the platform, without any of their data.

What an operator sees of a Kommune here is what running the platform needs — its master data,
how many members it has, when something last changed, whether it is suspended. Names of units,
people or members stay behind the reasoned operator access (`services.operator_access_grant`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from kompass.audit.models import AuditEntry
from kompass.tenancy.models import Kommune, Membership
from kompass.tenancy.scoping import across_kommunen

# Sort keys of the operator's list (`?sort=`), each with its descending twin.
KOMMUNE_SORTS = {
    "name": ("name",),
    "members": ("member_count", "name"),
    "activity": ("last_activity", "name"),
}
SORT_KEYS = tuple(KOMMUNE_SORTS) + tuple(f"-{key}" for key in KOMMUNE_SORTS)

ACTIVE, SUSPENDED = "aktiv", "gesperrt"


def kommune_overview(*, query: str = "", status: str = "", sort: str = "name") -> QuerySet[Kommune]:
    """Every Kommune with its number of members and the time of its newest audit entry.

    Both figures are correlated subqueries, so the page costs the same few queries for 5 Kommunen
    as for 400 (the newest entry is read from the index on kommune and time).
    """
    members = (
        Membership.objects.filter(kommune=OuterRef("pk"), user__is_active=True)
        .order_by()
        .values("kommune")
        .annotate(n=Count("pk"))
        .values("n")
    )
    newest = AuditEntry.objects.filter(kommune=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
    kommunen = Kommune.objects.annotate(
        member_count=Coalesce(Subquery(members, output_field=IntegerField()), Value(0)),
        last_activity=Subquery(newest),
    )
    if query:
        kommunen = kommunen.filter(name__icontains=query)
    if status == ACTIVE:
        kommunen = kommunen.filter(suspended_at__isnull=True)
    elif status == SUSPENDED:
        kommunen = kommunen.filter(suspended_at__isnull=False)
    # The counts read every Kommune's rows: a reviewed platform read under row-level security (docs/security.md T4).
    return across_kommunen(kommunen.order_by(*_ordering(sort), "pk"))


def _ordering(sort: str) -> list[Any]:
    descending = sort.startswith("-")
    fields = KOMMUNE_SORTS.get(sort.lstrip("-"), KOMMUNE_SORTS["name"])
    first = F(fields[0]).desc(nulls_last=True) if descending else F(fields[0]).asc(nulls_first=True)
    return [first, *fields[1:]]
