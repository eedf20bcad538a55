"""Reads of the role model, always scoped to one Kommune, in a fixed number of queries."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from kompass.org.models import NATURAL_ORDER, OrgUnit
from kompass.roles.models import ActivityTemplate, Assignment, RaciCell, Role, RoleModel, RoleRelation
from kompass.roles.rules import (
    CHECK_DATA_LOADERS,
    CHECKED_UNIT_TYPES,
    EXPIRY_WINDOW_DAYS,
    RECENTLY_EXPIRED_DAYS,
    WATCHED_MARKERS,
    CheckData,
)
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


# The long texts of a role are not needed next to an assignment; joined to every row they made
# sorting a Großstadt's assignments slow (tens of thousands of wide rows).
ROLE_TEXTS = (
    "role__purpose",
    "role__tasks",
    "role__responsibilities",
    "role__placement",
    "role__competences",
    "role__time_share_note",
    "role__source",
    "role__confidence_note",
)


def assignments(kommune: Kommune) -> QuerySet[Assignment]:
    return (
        Assignment.objects.for_kommune(kommune)
        .select_related("person", "person__org_unit", "role", "org_unit", "deputy", "approved_by")
        .defer(*ROLE_TEXTS)
    )


def current_assignments(kommune: Kommune, on: datetime.date | None = None) -> QuerySet[Assignment]:
    return assignments(kommune).filter(current_q(on or today()))


def role_list(kommune: Kommune) -> QuerySet[Role]:
    """Roles with the number of their current assignments (`holder_count`) and of the people
    holding them (`people_count`: a person assigned for two units counts once)."""
    current = current_q(today(), "assignments__")
    return (
        roles(kommune)
        .annotate(
            holder_count=Count("assignments", filter=current),
            people_count=Count("assignments__person", filter=current, distinct=True),
        )
        .order_by("position", "id")
    )


@dataclass(frozen=True)
class HolderFigures:
    """How many current assignments a role has, and how many people hold them."""

    assignments: int
    people: int


def holder_figures(kommune: Kommune, role: Role) -> HolderFigures:
    figures = (
        current_assignments(kommune)
        .filter(role=role)
        .order_by()
        .aggregate(assignments=Count("id"), people=Count("person", distinct=True))
    )
    return HolderFigures(figures["assignments"], figures["people"])


def adopted_roles(kommune: Kommune) -> dict[tuple[str, str], Role]:
    """The Kommune's roles taken from a catalogue, by (catalogue key, role key), with the counts of
    `role_list`; in one query (for the catalogue pages)."""
    rows = role_list(kommune).filter(catalogue_role__isnull=False).select_related("catalogue_role__catalogue")
    return {(r.catalogue_role.catalogue.key, r.key): r for r in rows}  # type: ignore[union-attr]  # filtered on not null


def role_holders(kommune: Kommune, role: Role) -> QuerySet[Assignment]:
    return current_assignments(kommune).filter(role=role).order_by("person__last_name", "person__first_name")


PERSON_ASSIGNMENTS_SHOWN = 100


@dataclass
class PersonAssignments:
    """A person's role assignments for the person page: current and future ones (`today` tells
    them apart), and ended ones, newest first. At most `PERSON_ASSIGNMENTS_SHOWN` of each are
    loaded; `current_total` and `ended_total` count all."""

    today: datetime.date
    current: list[Assignment]
    ended: list[Assignment]
    current_total: int
    ended_total: int


def person_assignments(kommune: Kommune, person: Any) -> PersonAssignments:
    """The assignments of `person`, in two queries (four when a list is cut) whatever their number."""
    on = today()
    mine = assignments(kommune).filter(person=person)
    ongoing = mine.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
    ended = mine.filter(valid_until__lt=on)
    current_rows = list(ongoing.order_by("valid_from", "role__position", "id")[: PERSON_ASSIGNMENTS_SHOWN + 1])
    ended_rows = list(ended.order_by("-valid_until", "role__position", "id")[: PERSON_ASSIGNMENTS_SHOWN + 1])

    def total(rows: list[Assignment], qs: QuerySet[Assignment]) -> int:
        return len(rows) if len(rows) <= PERSON_ASSIGNMENTS_SHOWN else qs.count()

    return PersonAssignments(
        today=on,
        current=current_rows[:PERSON_ASSIGNMENTS_SHOWN],
        ended=ended_rows[:PERSON_ASSIGNMENTS_SHOWN],
        current_total=total(current_rows, ongoing),
        ended_total=total(ended_rows, ended),
    )


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


def person_current_assignments(kommune: Kommune, person_id: int) -> list[Assignment]:
    """The current assignments of one person with their roles, in one query (for her load)."""
    return list(current_assignments(kommune).filter(person_id=person_id).select_related("role"))


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


# What a rule reads of an assignment, its person and their units: building six related objects
# with every column per assignment cost five times the query itself.
# head_id: the DSB-conflict rule asks whether a holder heads the unit the role is for.
_UNIT_COLUMNS = ("id", "kommune_id", "code", "name", "unit_type", "is_active", "path", "depth", "head_id")
_CHECK_COLUMNS = (
    "id", "kommune_id", "person_id", "role_id", "org_unit_id", "time_share", "valid_from", "valid_until",
    "deputy_id", "approved_by_id", "qualification", "person__id", "person__kommune_id", "person__first_name",
    "person__last_name", "person__org_unit_id", "person__is_active", "person__employment_percent",
    "person__employer_kind", "person__employer_name",
    *(f"org_unit__{c}" for c in _UNIT_COLUMNS), *(f"person__org_unit__{c}" for c in _UNIT_COLUMNS),
)  # fmt: skip


def _check_assignments(kommune: Kommune, ids: set[int], role_rows: list[Role]) -> list[Assignment]:
    by_id = {r.pk: r for r in role_rows}
    rows = list(
        Assignment.objects.for_kommune(kommune)
        .filter(pk__in=ids)
        .select_related("person", "person__org_unit", "org_unit")
        .only(*_CHECK_COLUMNS)
        .order_by("id")  # findings list assignments in a stable order, whatever plan the database picks
    )
    for a in rows:
        a.role = by_id[a.role_id]  # the roles are loaded already
    return rows


def check_data(kommune: Kommune, on: datetime.date | None = None) -> CheckData:
    """What the role checks read, in a fixed number of queries. Of the current assignments only
    those a rule looks at are loaded (see `CheckData`): a Großstadt has tens of thousands, and
    building all of them with their people, units and roles took seconds."""
    on = on or today()
    role_rows = list(roles(kommune))
    watched = [r.pk for r in role_rows if r.is_active and any(r.has_marker(m) for m in WATCHED_MARKERS)]
    current = current_assignments(kommune, on)
    overloaded = (  # people above their Beschäftigungsumfang across their current roles, as a subquery
        current.order_by()
        .values("person_id", "person__employment_percent")
        .annotate(total=Sum("time_share"))
        .filter(total__gt=F("person__employment_percent"))
    )
    soon = on + datetime.timedelta(days=EXPIRY_WINDOW_DAYS)
    # Three index-backed lookups instead of one OR, which would scan every assignment of the Kommune.
    parts = (
        current.filter(role_id__in=watched),
        current.filter(valid_until__lte=soon),
        current.filter(person_id__in=overloaded.values("person_id")),
    )
    ids = {pk for part in parts for pk in part.order_by().values_list("pk", flat=True)}
    recent = assignments(kommune).filter(
        valid_until__lt=on, valid_until__gte=on - datetime.timedelta(days=RECENTLY_EXPIRED_DAYS)
    )
    units = OrgUnit.objects.for_kommune(kommune).filter(is_active=True, unit_type__in=CHECKED_UNIT_TYPES)
    data = CheckData(
        today=on,
        roles=role_rows,
        current=_check_assignments(kommune, ids, role_rows),
        recent_past=list(recent.order_by("-valid_until")),
        activities=list(ActivityTemplate.objects.all()),
        cells=list(RaciCell.objects.for_kommune(kommune)),
        units=list(units.order_by(*NATURAL_ORDER)),
        filled=set(current.order_by().values_list("role_id", "org_unit_id").distinct()),
    )
    data.extra = {loader.key: loader.load(kommune, on) for loader in CHECK_DATA_LOADERS}
    return data


@dataclass(frozen=True)
class RoleBadge:
    """A role holder shown on the org tree: "Lotse: Bruno Ordner"."""

    role_name: str
    short_name: str
    person_name: str

    @property
    def role_label(self) -> str:
        return self.short_name or self.role_name


def key_role_ids(kommune: Kommune) -> list[int]:
    """The active roles the checks watch (CDO, CIO, ISB, DSB, Lotse, HVB, heads of HR and IT)."""
    roles = Role.objects.for_kommune(kommune).filter(is_active=True).only("id", "markers")
    return [r.pk for r in roles if any(r.has_marker(m) for m in WATCHED_MARKERS)]


def unit_role_badges(
    kommune: Kommune, limit: int, role_ids: list[int] | None = None
) -> dict[int, tuple[list[RoleBadge], int]]:
    """For the org tree: per unit (the assignment's unit, else the person's unit) the first `limit`
    current holders of the roles `role_ids` (all roles when None) in role order, and the number of
    all current assignments there, in two queries. Only the shown badges leave the database (a
    Großstadt has tens of thousands of assignments)."""
    place = Coalesce("org_unit_id", "person__org_unit_id", output_field=IntegerField())
    current = current_assignments(kommune).order_by().annotate(place=place).filter(place__isnull=False)
    totals = dict(current.values("place").annotate(n=Count("id")).values_list("place", "n"))
    shown = current if role_ids is None else current.filter(role_id__in=role_ids)
    ranked = shown.annotate(
        rank=Window(RowNumber(), partition_by=[F("place")], order_by=[F("role__position").asc(), F("id").asc()])
    ).filter(rank__lte=limit)
    badges: dict[int, list[RoleBadge]] = defaultdict(list)
    rows = ranked.values_list("place", "role__name", "role__short_name", "person__first_name", "person__last_name")
    for unit_id, name, short, first, last in rows.order_by("place", "rank"):
        badges[unit_id].append(RoleBadge(name, short, f"{first} {last}"))
    return {unit_id: (badges.get(unit_id, []), total) for unit_id, total in totals.items()}
