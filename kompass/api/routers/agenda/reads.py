"""Reads for the agenda's API answers that `kompass.agenda.selectors` does not offer (yet): the links
of a page of goals, the parts of one measure, its RACI rows and its dependencies as rows. Each is
scoped to the Kommune (or to rows that are), costs a fixed number of queries whatever the number of
rows, and writes nothing."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from kompass.agenda.models import (
    KPI,
    BudgetLine,
    CouncilDecision,
    Goal,
    ImpactStep,
    Measure,
    MeasureDependency,
    MeasureRole,
    Milestone,
    Risk,
)
from kompass.tenancy.access import fetch
from kompass.tenancy.context import TenantContext
from kompass.tenancy.models import Kommune


def goals(kommune: Kommune, kind: str | None = None) -> QuerySet[Goal]:
    """The Kommune's goals in their order, optionally of one kind."""
    rows = Goal.objects.for_kommune(kommune).order_by("position", "pk")
    return rows.filter(kind=kind) if kind else rows


def decisions(kommune: Kommune) -> QuerySet[CouncilDecision]:
    """The Kommune's council decisions, the newest first."""
    return CouncilDecision.objects.for_kommune(kommune).order_by("-decided_on", "-pk")


@dataclass
class GoalLinks:
    handlungsfeld_ids: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    kpi_ids: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    measure_ids: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))


def goal_links(kommune: Kommune, goal_ids: list[int]) -> GoalLinks:
    """Handlungsfelder, KPIs and measures of the given goals (three queries)."""
    links = GoalLinks()
    if not goal_ids:
        return links
    fields = Goal.handlungsfelder.through.objects.filter(goal_id__in=goal_ids).order_by("handlungsfeld_id")
    for goal_id, handlungsfeld_id in fields.values_list("goal_id", "handlungsfeld_id"):
        links.handlungsfeld_ids[goal_id].append(handlungsfeld_id)
    kpis = KPI.objects.for_kommune(kommune).filter(goal_id__in=goal_ids).order_by("pk")
    for goal_id, kpi_id in kpis.values_list("goal_id", "pk"):
        links.kpi_ids[goal_id].append(kpi_id)
    measures = Measure.goals.through.objects.filter(goal_id__in=goal_ids).order_by("measure_id")
    for goal_id, measure_id in measures.values_list("goal_id", "measure_id"):
        links.measure_ids[goal_id].append(measure_id)
    return links


@dataclass
class MeasureParts:
    milestones: list[Milestone]
    budget_lines: list[BudgetLine]
    risks: list[Risk]
    roles: list[MeasureRole]
    impact_steps: list[ImpactStep]
    depends_on: list[Measure]
    needed_by: list[Measure]
    kpi_ids: list[int]


def measure_parts(kommune: Kommune, measure: Measure) -> MeasureParts:
    """Everything that hangs on one measure (eight queries)."""

    def rows(model: Any) -> Any:
        return model.objects.for_kommune(kommune).filter(measure=measure)

    edges = MeasureDependency.objects.for_kommune(kommune).select_related("measure", "depends_on")
    return MeasureParts(
        milestones=list(rows(Milestone).order_by("due_on", "pk")),
        budget_lines=list(rows(BudgetLine).order_by("year", "pk")),
        risks=list(rows(Risk).order_by("pk")),
        roles=list(rows(MeasureRole).select_related("role").order_by("letter", "role__name", "pk")),
        impact_steps=list(rows(ImpactStep).order_by("position", "pk")),
        depends_on=[e.depends_on for e in edges.filter(measure=measure).order_by("depends_on__title", "pk")],
        needed_by=[e.measure for e in edges.filter(depends_on=measure).order_by("measure__title", "pk")],
        kpi_ids=list(rows(KPI).order_by("name", "pk").values_list("pk", flat=True)),
    )


def impact_step_for_view(ctx: TenantContext, pk: object) -> ImpactStep:
    """A step of an impact chain of the acting Kommune with its measure and the measure's unit (404 otherwise)."""
    return fetch(ctx, ImpactStep.objects.select_related("measure__responsible_unit"), pk)  # type: ignore[no-any-return]


def kpis_for_push(kommune: Kommune, ids: set[int]) -> dict[int, KPI]:
    """The KPIs of the Kommune among `ids`, with their measure's place, for the push's rights check (one query)."""
    rows = KPI.objects.for_kommune(kommune).filter(pk__in=ids).select_related("measure__responsible_unit")
    return {kpi.pk: kpi for kpi in rows}


def raci_rows(kommune: Kommune, measure: Measure) -> QuerySet[MeasureRole]:
    """The roles involved in a measure with their RACI letter, A first (one query with the roles)."""
    rows = MeasureRole.objects.for_kommune(kommune).filter(measure=measure).select_related("role")
    return rows.order_by("letter", "role__name", "pk")


def dependency_edges(kommune: Kommune, measure: Measure) -> tuple[list[MeasureDependency], list[MeasureDependency]]:
    """The dependencies of a measure as rows (with their ids): those it needs first, and those of the measures
    that wait for it (two queries with the measures)."""
    edges = MeasureDependency.objects.for_kommune(kommune).select_related("measure", "depends_on")
    return (
        list(edges.filter(measure=measure).order_by("depends_on__title", "pk")),
        list(edges.filter(depends_on=measure).order_by("measure__title", "pk")),
    )
