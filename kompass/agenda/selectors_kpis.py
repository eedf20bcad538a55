"""Reads for the KPI pages and the status reporting: the KPI list with status and owner, one KPI's
series, and which measures owe a status report when. Always scoped to one Kommune, each in a fixed
number of queries whatever the number of KPIs or measures.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import DateField, DecimalField, OuterRef, Q, QuerySet, Subquery
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kompass.agenda import kpi_status, selectors
from kompass.agenda.models import (
    KPI,
    Handlungsfeld,
    KPIValue,
    Measure,
    MeasureStatus,
    ReportReminder,
    StatusReport,
)
from kompass.agenda.ownership import Ownership, resolve_owner
from kompass.roles.models import Assignment, Role
from kompass.roles.selectors import current_q, today
from kompass.tenancy.models import Kommune

# Sort keys of the KPI list (a leading "-" sorts descending).
KPI_SORTS = ("name", "-name", "status", "-status", "target_on", "-target_on")
STATUS_RANK = {kpi_status.NICHT_IM_PLAN: 0, kpi_status.GEFAEHRDET: 1, kpi_status.IM_PLAN: 2, kpi_status.KEINE_WERTE: 3}
SOON_DAYS = 14  # a report due within two weeks is shown as "bald fällig"


def number_text(value: Decimal | None, unit: str = "") -> str:
    """A stored value as a German reads it: `Decimal("1234.5000")` → "1.234,5" (with its unit)."""
    if value is None:
        return "–"
    normalized = value.normalize()
    places = max(0, -normalized.as_tuple().exponent)  # type: ignore[operator]
    text = number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
    return f"{text} {unit}".strip() if unit else text


def input_text(value: Decimal | None) -> str:
    """A stored value as the form shows it for editing: "1234,5" (no grouping, decimal comma)."""
    if value is None:
        return ""
    normalized = value.normalize()
    text = format(normalized, "f")
    return text.replace(".", ",")


# --- the KPI list ----------------------------------------------------------------------------------


@dataclass
class KpiRow:
    """One KPI as the list shows it: its latest value, computed status and owner."""

    kpi: KPI
    latest: KPIValue | None
    status: kpi_status.KpiStatus
    owner: Ownership | None  # None: the KPI names no owner role

    @property
    def subject(self) -> Any:
        """What the KPI measures: its measure, else its goal (None when neither)."""
        return self.kpi.measure or self.kpi.goal


def version_in_force(kommune: Kommune) -> Any:
    """The decided version, else the newest draft (a Kommune that has not decided yet)."""
    return selectors.decided_version(kommune) or selectors.versions(kommune).order_by("-number").first()


def handlungsfelder_in_force(kommune: Kommune) -> QuerySet[Handlungsfeld]:
    """The Handlungsfelder of the version in force (the choices of the Handlungsfeld filter)."""
    version = version_in_force(kommune)
    if version is None:
        return Handlungsfeld.objects.for_kommune(kommune).none()
    return selectors.handlungsfelder(kommune, version)


def owner_roles(kommune: Kommune) -> QuerySet[Role]:
    """The roles that own at least one KPI (the choices of the owner filter)."""
    used = KPI.objects.for_kommune(kommune).filter(owner_role__isnull=False).values("owner_role_id")
    return Role.objects.for_kommune(kommune).filter(pk__in=used).order_by("name", "pk")


def kpi_queryset(kommune: Kommune, filters: Mapping[str, Any]) -> QuerySet[KPI]:
    """The Kommune's KPIs narrowed by the database filters (Handlungsfeld, owner role, public)."""
    rows = KPI.objects.for_kommune(kommune).select_related("owner_role", "goal", "measure", "measure__responsible_unit")
    handlungsfeld = filters.get("handlungsfeld")
    if handlungsfeld is not None:
        rows = rows.filter(Q(goal__handlungsfelder=handlungsfeld) | Q(measure__handlungsfelder=handlungsfeld))
        rows = rows.distinct()
    role = filters.get("rolle")
    if role is not None:
        rows = rows.filter(owner_role=role)
    public = filters.get("oeffentlich")
    if public in ("ja", "nein"):
        rows = rows.filter(is_public=public == "ja")
    return rows


def kpi_owners(kommune: Kommune, kpis: Iterable[KPI], on: datetime.date | None = None) -> dict[int, Ownership]:
    """Who holds each KPI's owner role today (one query for all): the holder in the unit of the
    KPI's measure or nearest above it, as for measures (`ownership.resolve_owner`)."""
    items = [k for k in kpis if k.owner_role_id is not None]
    holders = selectors.holders_by_role(kommune, [k.owner_role_id for k in items], on)
    return {
        k.pk: resolve_owner(
            True, holders.get(k.owner_role_id or 0, []), k.measure.responsible_unit if k.measure else None
        )
        for k in items
    }


def latest_subqueries(kpi_field: str = "pk") -> dict[str, Subquery]:
    """The newest value of a KPI and its day as two correlated subqueries on the series index
    (`kpi_value_series_idx`): annotated on a KPI queryset they give every KPI's latest value in the
    one query that reads the KPIs."""
    newest = KPIValue.objects.filter(kommune_id=OuterRef("kommune_id"), kpi_id=OuterRef(kpi_field)).order_by(
        "-measured_on"
    )
    return {
        "latest_value": Subquery(
            newest.values("value")[:1], output_field=DecimalField(max_digits=18, decimal_places=4)
        ),
        "latest_on": Subquery(newest.values("measured_on")[:1], output_field=DateField()),
    }


STATUS_FIELDS = ("baseline_value", "baseline_on", "target_value", "target_on", "direction")


def kpi_ids(kommune: Kommune, filters: Mapping[str, Any], sort: str = "name") -> list[int]:
    """The ids of every KPI matching the filters, sorted, in one query of plain values.

    The status is computed, not stored: only when it filters or sorts does the query also read
    each KPI's line and latest value (annotated, `latest_subqueries`) and the status is computed
    from those plain values — never from model instances of all KPIs."""
    wanted = filters.get("status")
    key = sort.lstrip("-")
    rows = kpi_queryset(kommune, filters).select_related(None).order_by()
    if wanted or key == "status":
        values = rows.annotate(**latest_subqueries()).values("pk", "name", "latest_value", "latest_on", *STATUS_FIELDS)
        items = []
        for v in values:
            status = kpi_status.kpi_status(
                kpi_status.Line(
                    Decimal(v["baseline_value"]), v["baseline_on"], Decimal(v["target_value"]), v["target_on"],
                    v["direction"],
                ),
                v["latest_value"],
                v["latest_on"],
            )  # fmt: skip
            if not wanted or status.code == wanted:
                items.append((v["pk"], v["name"].lower(), v["target_on"], STATUS_RANK[status.code]))
    else:
        items = [
            (pk, name.lower(), target_on, 0) for pk, name, target_on in rows.values_list("pk", "name", "target_on")
        ]
    if key == "status":
        items.sort(key=lambda item: (item[3], item[1], item[0]))
    elif key == "target_on":
        items.sort(key=lambda item: (item[2], item[1], item[0]))
    else:
        items.sort(key=lambda item: (item[1], item[0]))
    if sort.startswith("-"):
        items.reverse()
    return [item[0] for item in items]


def kpi_page_rows(kommune: Kommune, ids: list[int]) -> list[KpiRow]:
    """The KPIs `ids` (one page of the list) in that order, with latest value, status and owner
    (three queries, whatever the number of KPIs in the Kommune)."""
    if not ids:
        return []
    loaded = {k.pk: k for k in kpi_queryset(kommune, {}).filter(pk__in=ids).annotate(**latest_subqueries())}
    kpis = [loaded[pk] for pk in ids if pk in loaded]
    owners = list_owners(kommune, kpis)
    rows = []
    for k in kpis:
        latest = None
        day, value = getattr(k, "latest_on", None), getattr(k, "latest_value", Decimal(0))  # annotated
        if day is not None:
            latest = KPIValue(kommune_id=k.kommune_id, kpi=k, measured_on=day, value=value)
        rows.append(KpiRow(k, latest, selectors.status_of(k, latest), owners.get(k.pk)))
    return rows


# What `resolve_owner` and the list's owner cell read of an assignment: who, and for which unit.
HOLDER_FIELDS = (
    "id", "kommune_id", "person_id", "role_id", "org_unit_id", "org_unit__path",
    "person__first_name", "person__last_name", "person__org_unit_id", "person__org_unit__path",
)  # fmt: skip


def list_owners(kommune: Kommune, kpis: list[KPI], on: datetime.date | None = None) -> dict[int, Ownership]:
    """Who holds each KPI's owner role (as `kpi_owners`, one query) reading only the holders'
    names and units: a Lotsen role of a Großstadt has hundreds of holders."""
    items = [k for k in kpis if k.owner_role_id is not None]
    holders: dict[int, list[Assignment]] = {}
    role_ids = {k.owner_role_id for k in items}
    if role_ids:
        current = (
            Assignment.objects.for_kommune(kommune)
            .filter(current_q(on or today()), role_id__in=role_ids)
            .select_related("person", "person__org_unit", "org_unit")
            .only(*HOLDER_FIELDS)
            .order_by("pk")
        )
        for a in current:
            holders.setdefault(a.role_id, []).append(a)
    return {
        k.pk: resolve_owner(
            True, holders.get(k.owner_role_id or 0, []), k.measure.responsible_unit if k.measure else None
        )
        for k in items
    }


def kpi_rows(kommune: Kommune, filters: Mapping[str, Any], sort: str = "name") -> list[KpiRow]:
    """Every KPI matching the filters with latest value, status and owner, sorted (for exports and
    small lists; the list page loads only its page: `kpi_ids` and `kpi_page_rows`)."""
    return kpi_page_rows(kommune, kpi_ids(kommune, filters, sort))


# --- one KPI -----------------------------------------------------------------------------------------


def kpi_detail_owner(kommune: Kommune, kpi: KPI) -> Ownership | None:
    return kpi_owners(kommune, [kpi]).get(kpi.pk)


def kpi_value_for(kommune: Kommune, kpi: KPI, pk: object) -> KPIValue | None:
    """The value `pk` of this KPI (None when it belongs to another KPI or Kommune)."""
    try:
        return KPIValue.objects.for_kommune(kommune).filter(kpi=kpi).get(pk=pk)
    except (KPIValue.DoesNotExist, ValueError, TypeError):
        return None


# --- status reports -------------------------------------------------------------------------------


@dataclass
class ReportDue:
    """When a measure in Umsetzung owes its next status report, and who is to write it."""

    measure: Measure
    last: datetime.date | None
    due_on: datetime.date
    period: int
    owner: Ownership
    today: datetime.date
    reminded: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def overdue(self) -> bool:
        return self.due_on < self.today

    @property
    def days(self) -> int:
        """Days overdue (positive) or until due (negative or zero)."""
        return (self.today - self.due_on).days

    @property
    def days_left(self) -> int:
        """Days until the report is due (0 when due or overdue)."""
        return max(0, (self.due_on - self.today).days)


def due_on(measure: Measure, last: datetime.date | None, period: int) -> datetime.date:
    """The day the next report of a measure is due: its period after the last report, else after
    its start, else after it was created (`rules.report_due` counts from the same day)."""
    since = last or measure.starts_on or measure.created_at.date()
    return since + datetime.timedelta(days=measure.report_period_days or period)


def reports_due(
    kommune: Kommune, today: datetime.date, *, within: int = SOON_DAYS, kommune_wide: bool = True
) -> list[ReportDue]:
    """The measures in Umsetzung whose report is overdue or due within `within` days, most overdue
    first, with the holder of the accountable role (five queries for any number of measures)."""
    period = selectors.settings(kommune).report_period_days
    measures = list(
        Measure.objects.for_kommune(kommune)
        .filter(status=MeasureStatus.IN_UMSETZUNG)
        .select_related("accountable_role", "responsible_unit")
        .order_by("title", "pk")
    )
    last = selectors.last_reports(kommune)
    horizon = today + datetime.timedelta(days=within)
    items = [
        ReportDue(m, last.get(m.pk), due_on(m, last.get(m.pk), period), m.report_period_days or period, None, today)  # type: ignore[arg-type]
        for m in measures
    ]
    items = [item for item in items if item.due_on <= horizon]
    owners = selectors.owners(kommune, [item.measure for item in items], today)
    reminded = set(
        ReportReminder.objects.for_kommune(kommune)
        .filter(measure__in=[item.measure for item in items])
        .values_list("measure_id", "due_on")
    )
    for item in items:
        item.owner = owners[item.measure.pk]
        item.reminded = (item.measure.pk, item.due_on) in reminded
    items.sort(key=lambda item: (item.due_on, item.measure.title.lower()))
    return items


def report_for(kommune: Kommune, measure: Measure, pk: object) -> StatusReport | None:
    """The status report `pk` of this measure (None when it belongs to another measure or Kommune)."""
    try:
        return StatusReport.objects.for_kommune(kommune).select_related("decision").filter(measure=measure).get(pk=pk)
    except (StatusReport.DoesNotExist, ValueError, TypeError):
        return None


def status_short(kpi: KPI, status: kpi_status.KpiStatus) -> str:
    """The status in one line: the Soll on the day of the latest value against the value measured,
    and how far behind (or ahead of) the line it is in percent of the way from baseline to target."""
    if status.code == kpi_status.KEINE_WERTE or status.expected is None or status.measured_on is None:
        return _("Noch kein Wert gemessen.")
    values = {
        "day": f"{status.measured_on:%d.%m.%Y}",
        "soll": number_text(status.expected.quantize(Decimal("0.01")), kpi.unit),
        "ist": number_text(status.value, kpi.unit),
        "share": number_text((abs(status.behind or Decimal(0)) * 100).quantize(Decimal("1"))),
    }
    if status.behind is not None and status.behind > 0:
        return _("Soll am %(day)s: %(soll)s, gemessen: %(ist)s – %(share)s %% der Strecke zurück.") % values
    return _("Soll am %(day)s: %(soll)s, gemessen: %(ist)s – im Soll oder voraus.") % values
