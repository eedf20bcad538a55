"""Reads of the role model, always scoped to one Kommune, in a fixed number of queries."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kompass.org.models import OrgUnit
from kompass.roles.models import ActivityTemplate, Assignment, RaciCell, Role, RoleModel, RoleRelation
from kompass.roles.rules import RECENTLY_EXPIRED_DAYS, CheckData
from kompass.tenancy.models import Kommune


def today() -> datetime.date:
    return timezone.localdate()


def role_model(kommune: Kommune) -> RoleModel | None:
    return RoleModel.objects.for_kommune(kommune).select_related("catalogue").first()


def roles(kommune: Kommune) -> QuerySet[Role]:
    return Role.objects.for_kommune(kommune)


def current_q(on: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}valid_from__lte": on}) & (
        Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": on})
    )


def assignments(kommune: Kommune) -> QuerySet[Assignment]:
    return Assignment.objects.for_kommune(kommune).select_related(
        "person", "person__org_unit", "role", "org_unit", "deputy", "approved_by"
    )


def current_assignments(kommune: Kommune, on: datetime.date | None = None) -> QuerySet[Assignment]:
    return assignments(kommune).filter(current_q(on or today()))


def role_list(kommune: Kommune) -> QuerySet[Role]:
    """Roles with the number of current holders and their total time share."""
    on = today()
    current = current_q(on, "assignments__")
    return roles(kommune).annotate(holder_count=Count("assignments", filter=current)).order_by("position", "id")


def role_holders(kommune: Kommune, role: Role) -> QuerySet[Assignment]:
    return current_assignments(kommune).filter(role=role).order_by("person__last_name", "person__first_name")


def role_history(kommune: Kommune, role: Role) -> QuerySet[Assignment]:
    return assignments(kommune).filter(role=role, valid_until__lt=today()).order_by("-valid_until")


def relations(kommune: Kommune) -> QuerySet[RoleRelation]:
    return RoleRelation.objects.for_kommune(kommune).select_related("from_role", "to_role")


ASSIGNMENT_STATUS = ("aktuell", "endet_bald", "beendet", "kuenftig", "alle")


def assignment_list(
    kommune: Kommune,
    *,
    status: str = "aktuell",
    role: Role | None = None,
    unit: OrgUnit | None = None,
    query: str = "",
    sort: str = "person",
) -> QuerySet[Assignment]:
    on = today()
    qs = assignments(kommune)
    if status == "aktuell":
        qs = qs.filter(current_q(on))
    elif status == "endet_bald":
        qs = qs.filter(current_q(on), valid_until__lte=on + datetime.timedelta(days=60))
    elif status == "beendet":
        qs = qs.filter(valid_until__lt=on)
    elif status == "kuenftig":
        qs = qs.filter(valid_from__gt=on)
    if role is not None:
        qs = qs.filter(role=role)
    if unit is not None:
        qs = qs.filter(Q(org_unit__path__startswith=unit.path) | Q(person__org_unit__path__startswith=unit.path))
    if query:
        for word in query.split()[:5]:
            qs = qs.filter(
                Q(person__first_name__icontains=word)
                | Q(person__last_name__icontains=word)
                | Q(role__name__icontains=word)
                | Q(mandate__icontains=word)
            )
    orders = {
        "person": ("person__last_name", "person__first_name", "id"),
        "-person": ("-person__last_name", "-person__first_name", "-id"),
        "rolle": ("role__position", "person__last_name", "id"),
        "-rolle": ("-role__position", "-person__last_name", "-id"),
        "bis": ("valid_until", "id"),
        "-bis": ("-valid_until", "-id"),
    }
    return qs.order_by(*orders.get(sort, orders["person"]))


def person_time_shares(kommune: Kommune, person_ids: list[int]) -> dict[int, Decimal]:
    shares: dict[int, Decimal] = defaultdict(Decimal)
    for person_id, share in (
        current_assignments(kommune).filter(person_id__in=person_ids).values_list("person_id", "time_share")
    ):
        shares[person_id] += share
    return shares


@dataclass
class Matrix:
    activities: list[ActivityTemplate]
    roles: list[Role]
    cells: dict[tuple[int, int], str]

    def rows(self) -> list[tuple[ActivityTemplate, list[tuple[Role, str]]]]:
        return [(a, [(r, self.cells.get((a.pk, r.pk), "")) for r in self.roles]) for a in self.activities]


def matrix(kommune: Kommune) -> Matrix:
    active_roles = list(roles(kommune).filter(is_active=True).order_by("position", "id"))
    cells = {(c.activity_id, c.role_id): c.letter for c in RaciCell.objects.for_kommune(kommune)}
    return Matrix(list(ActivityTemplate.objects.all()), active_roles, cells)


def check_data(kommune: Kommune, on: datetime.date | None = None) -> CheckData:
    on = on or today()
    recent = assignments(kommune).filter(
        valid_until__lt=on, valid_until__gte=on - datetime.timedelta(days=RECENTLY_EXPIRED_DAYS)
    )
    return CheckData(
        today=on,
        roles=list(roles(kommune)),
        current=list(current_assignments(kommune, on)),
        recent_past=list(recent.order_by("-valid_until")),
        activities=list(ActivityTemplate.objects.all()),
        cells=list(RaciCell.objects.for_kommune(kommune)),
        units=list(OrgUnit.objects.for_kommune(kommune).filter(is_active=True).order_by("path")),
    )


def unit_role_badges(kommune: Kommune) -> dict[int, list[Any]]:
    """For the org tree: current role holders per unit (assignment unit, else the person's unit)."""
    badges: dict[int, list[Any]] = defaultdict(list)
    for a in current_assignments(kommune).order_by("role__position"):
        unit_id = a.org_unit_id or a.person.org_unit_id
        if unit_id:
            badges[unit_id].append(a)
    return badges
