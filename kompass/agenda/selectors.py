"""Reads of the digital agenda, always scoped to one Kommune, in a fixed number of queries."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Max, Prefetch, QuerySet
from django.utils import timezone

from kompass.agenda import kpi_status, priority
from kompass.agenda.models import (
    KPI,
    Agenda,
    AgendaSettings,
    AgendaVersion,
    Goal,
    Handlungsfeld,
    KPIValue,
    Leitsatz,
    Measure,
    MeasureDependency,
    MeasureStatusChange,
    StatusReport,
    VersionState,
)
from kompass.agenda.ownership import Ownership, resolve_owner
from kompass.agenda.rules import CLOSED, AgendaCheckData
from kompass.agenda.versions import FieldOfAction, VersionContent, VersionDiff, version_diff
from kompass.roles.models import Assignment
from kompass.roles.selectors import current_q
from kompass.tenancy.models import Kommune


def today() -> datetime.date:
    return timezone.localdate()


def settings(kommune: Kommune) -> AgendaSettings:
    """The Kommune's agenda settings; the defaults (unsaved) until it changes them."""
    return AgendaSettings.objects.for_kommune(kommune).first() or AgendaSettings(kommune=kommune)


def agenda(kommune: Kommune) -> Agenda | None:
    return Agenda.objects.for_kommune(kommune).first()


def versions(kommune: Kommune) -> QuerySet[AgendaVersion]:
    return AgendaVersion.objects.for_kommune(kommune).select_related("decision").order_by("number")


def decided_version(kommune: Kommune) -> AgendaVersion | None:
    """The version in force: the newest decided one."""
    return versions(kommune).filter(state=VersionState.BESCHLOSSEN).order_by("-number").first()


def draft_version(kommune: Kommune) -> AgendaVersion | None:
    return versions(kommune).filter(state=VersionState.ENTWURF).first()


def leitsaetze(kommune: Kommune, version: AgendaVersion) -> QuerySet[Leitsatz]:
    return Leitsatz.objects.for_kommune(kommune).filter(agenda_version=version).order_by("position", "id")


def handlungsfelder(kommune: Kommune, version: AgendaVersion) -> QuerySet[Handlungsfeld]:
    return Handlungsfeld.objects.for_kommune(kommune).filter(agenda_version=version).order_by("position", "id")


def version_content(kommune: Kommune, version: AgendaVersion) -> VersionContent:
    """What a version says, for the diff (two queries)."""
    return VersionContent(
        vision=version.vision,
        leitsaetze=tuple(item.text for item in leitsaetze(kommune, version)),
        handlungsfelder=tuple(
            FieldOfAction(h.key, h.name, h.description, tuple(h.framework_field_keys or ()))
            for h in handlungsfelder(kommune, version)
        ),
    )


def diff_between(kommune: Kommune, old: AgendaVersion, new: AgendaVersion) -> VersionDiff:
    """What `new` changes against `old` (usually a draft against the version it was copied from)."""
    return version_diff(version_content(kommune, old), version_content(kommune, new))


def measures(kommune: Kommune) -> QuerySet[Measure]:
    """The Kommune's measures with their role, unit and links (Handlungsfelder and goals prefetched)."""
    return (
        Measure.objects.for_kommune(kommune)
        .select_related("accountable_role", "responsible_unit")
        .prefetch_related(
            Prefetch("handlungsfelder", queryset=Handlungsfeld.objects.for_kommune(kommune)),
            Prefetch("goals", queryset=Goal.objects.for_kommune(kommune)),
        )
    )


def status_history(kommune: Kommune, measure: Measure) -> QuerySet[MeasureStatusChange]:
    return MeasureStatusChange.objects.for_kommune(kommune).filter(measure=measure).order_by("changed_at", "id")


def dependencies(kommune: Kommune) -> QuerySet[MeasureDependency]:
    return MeasureDependency.objects.for_kommune(kommune).select_related("measure", "depends_on")


def priority_of(measure: Measure, agenda_settings: AgendaSettings) -> object:
    """The measure's priority score with the Kommune's weights."""
    return priority.priority_score(
        measure.benefit, measure.urgency, measure.effort, priority.weights_of(agenda_settings)
    )


# --- ownership -----------------------------------------------------------------------------------


def holders_by_role(
    kommune: Kommune, role_ids: Iterable[int | None], on: datetime.date | None = None
) -> dict[int, list[Assignment]]:
    """The current assignments of the given roles, by role (one query), each with what ownership
    needs: the person and the units (`roles.rules.role_unit`); not the role, deputy or approver."""
    by_role: dict[int, list[Assignment]] = defaultdict(list)
    ids = {pk for pk in role_ids if pk is not None}
    if ids:
        rows = (
            Assignment.objects.for_kommune(kommune)
            .filter(current_q(on or today()), role_id__in=ids)
            .select_related("person", "person__org_unit", "org_unit")
            .order_by("pk")
        )
        for a in rows:
            by_role[a.role_id].append(a)
    return by_role


def owners(kommune: Kommune, items: list[Measure], on: datetime.date | None = None) -> dict[int, Ownership]:
    """Who owns each measure today (see `ownership`), in one query for all of them."""
    holders = holders_by_role(kommune, [m.accountable_role_id for m in items], on)
    return {
        m.pk: resolve_owner(
            m.accountable_role_id is not None, holders.get(m.accountable_role_id or 0, []), m.responsible_unit
        )
        for m in items
    }


def owner_of(kommune: Kommune, measure: Measure, on: datetime.date | None = None) -> Ownership:
    return owners(kommune, [measure], on)[measure.pk]


# --- KPIs ----------------------------------------------------------------------------------------


def latest_values(kommune: Kommune, kpi_ids: Iterable[int] | None = None) -> dict[int, KPIValue]:
    """The newest value of each KPI (two queries, whatever the number of KPIs)."""
    rows = KPIValue.objects.for_kommune(kommune)
    if kpi_ids is not None:
        rows = rows.filter(kpi_id__in=list(kpi_ids))
    newest = {
        (row["kpi_id"], row["last"]) for row in rows.order_by().values("kpi_id").annotate(last=Max("measured_on"))
    }
    days = {day for _kpi, day in newest}
    found = rows.filter(measured_on__in=days) if days else rows.none()
    return {v.kpi_id: v for v in found if (v.kpi_id, v.measured_on) in newest}


def status_of(kpi: KPI, latest: KPIValue | None) -> kpi_status.KpiStatus:
    return kpi_status.kpi_status(
        kpi_status.Line.of(kpi), latest.value if latest else None, latest.measured_on if latest else None
    )


def kpi_values(kommune: Kommune, kpi: KPI) -> QuerySet[KPIValue]:
    return KPIValue.objects.for_kommune(kommune).filter(kpi=kpi).order_by("measured_on")


def kpis(kommune: Kommune) -> QuerySet[KPI]:
    return KPI.objects.for_kommune(kommune).select_related("owner_role", "goal", "measure", "impact_step")


def last_reports(kommune: Kommune) -> dict[int, datetime.date]:
    """The day of each measure's newest status report (one query)."""
    rows = StatusReport.objects.for_kommune(kommune).order_by().values("measure_id").annotate(last=Max("reported_on"))
    return {row["measure_id"]: row["last"] for row in rows}


def status_reports(kommune: Kommune, measure: Measure) -> QuerySet[StatusReport]:
    return StatusReport.objects.for_kommune(kommune).filter(measure=measure).select_related("decision")


# --- Rollen-Check ----------------------------------------------------------------------------------


def check_data(kommune: Kommune, on: datetime.date) -> AgendaCheckData | None:
    """What the agenda's Rollen-Check rules read (`rules.AgendaCheckData`), in eight queries; None
    for a Kommune without an agenda (its rules then find nothing)."""
    if agenda(kommune) is None:
        return None
    agenda_settings = settings(kommune)
    open_measures = list(
        Measure.objects.for_kommune(kommune)
        .exclude(status__in=CLOSED)
        .select_related("accountable_role", "responsible_unit")
        .order_by("title", "pk")
    )
    measured_goals = KPI.objects.for_kommune(kommune).filter(goal__isnull=False).values("goal_id")
    values = KPIValue.objects.for_kommune(kommune).order_by().values("kpi_id").annotate(last=Max("measured_on"))
    return AgendaCheckData(
        today=on,
        accountable_limit=agenda_settings.accountable_limit,
        report_period_days=agenda_settings.report_period_days,
        kpi_tolerance_days=agenda_settings.kpi_overdue_tolerance_days,
        measures=open_measures,
        ownership=owners(kommune, open_measures, on),
        goals_without_kpi=list(
            Goal.objects.for_kommune(kommune).exclude(pk__in=measured_goals).order_by("title", "pk")
        ),
        kpis=list(KPI.objects.for_kommune(kommune).order_by("name", "pk")),
        last_value={row["kpi_id"]: row["last"] for row in values},
        last_report=last_reports(kommune),
    )
