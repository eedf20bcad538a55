"""Reads of the measure pages (portfolio, bubble chart, roadmap, board, measure detail), scoped to one
Kommune, each in a fixed number of queries whatever the number of measures, KPIs or children."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from kompass.agenda import kpi_status, priority
from kompass.agenda import selectors as agenda_selectors
from kompass.agenda.impact import impact_labels
from kompass.agenda.models import (
    KPI,
    AgendaSettings,
    BudgetLine,
    Goal,
    Handlungsfeld,
    ImpactLevel,
    ImpactStep,
    KPIValue,
    Measure,
    MeasureDependency,
    MeasureRole,
    MeasureStatus,
    MeasureStatusChange,
    Milestone,
    Risk,
    StatusReport,
)
from kompass.agenda.ownership import Ownership, resolve_owner
from kompass.org.models import OrgUnit
from kompass.roles.models import Assignment, Role
from kompass.tenancy.models import Kommune

MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=16, decimal_places=2)
ZERO = Value(Decimal(0), output_field=MONEY)

# Sort keys of the portfolio (`?sort=`), each ascending and descending.
SORT_FIELDS = {
    "title": ("title",),
    "status": ("status_rank",),
    "priority": ("priority_value",),
    "start": ("starts_on",),
    "end": ("ends_on",),
    "budget": ("budget_planned",),
}
PORTFOLIO_SORTS = tuple(key for name in SORT_FIELDS for key in (name, f"-{name}"))
STATUS_ORDER = list(MeasureStatus.values)
REPORTS_SHOWN = 3


# --- the portfolio's filters and rows -------------------------------------------------------------


def handlungsfelder_offered(kommune: Kommune) -> QuerySet[Handlungsfeld]:
    """The Handlungsfelder a measure is filed under today: those of the version in force (the newest
    decided one), else of the draft."""
    version = agenda_selectors.decided_version(kommune) or agenda_selectors.draft_version(kommune)
    if version is None:
        return Handlungsfeld.objects.for_kommune(kommune).none()
    return agenda_selectors.handlungsfelder(kommune, version)


def goals_offered(kommune: Kommune) -> QuerySet[Goal]:
    return Goal.objects.for_kommune(kommune).order_by("position", "title", "id")


def roles_offered(kommune: Kommune) -> QuerySet[Role]:
    return Role.objects.for_kommune(kommune).filter(is_active=True).order_by("position", "name", "id")


def _priority_expression(agenda_settings: AgendaSettings) -> ExpressionWrapper:
    """`priority.priority_score` in SQL, so the portfolio sorts by it across all pages."""
    w = priority.weights_of(agenda_settings)
    if w.total == 0:
        w = priority.Weights(1, 1, 1)
    total = Decimal(w.total)
    expression = (
        (F("benefit") * Value(w.benefit) + F("urgency") * Value(w.urgency) + (Value(6) - F("effort")) * Value(w.effort))
        * Value(Decimal(1))
        / Value(total)
    )
    return ExpressionWrapper(expression, output_field=DecimalField(max_digits=8, decimal_places=4))


def _planned_budget() -> Coalesce:
    lines = (
        BudgetLine.objects.filter(measure=OuterRef("pk"), kommune=OuterRef("kommune"))
        .order_by()
        .values("measure")
        .annotate(total=Sum("planned"))
        .values("total")
    )
    return Coalesce(Subquery(lines, output_field=MONEY), ZERO)


def _status_rank() -> Any:
    from django.db.models import Case, IntegerField, When

    return Case(
        *(When(status=code, then=Value(rank)) for rank, code in enumerate(STATUS_ORDER)),
        output_field=IntegerField(),
    )


def filtered_measures(kommune: Kommune, filters: Mapping[str, Any]) -> QuerySet[Measure]:
    """The Kommune's measures that match the portfolio's filters: Handlungsfeld, status, accountable
    role, responsible unit (with every unit below it) and goal."""
    rows = Measure.objects.for_kommune(kommune)
    if filters.get("handlungsfeld"):
        fields = Measure.handlungsfelder.through.objects.filter(handlungsfeld=filters["handlungsfeld"])
        rows = rows.filter(pk__in=fields.values("measure_id"))
    if filters.get("ziel"):
        goals = Measure.goals.through.objects.filter(goal=filters["ziel"])
        rows = rows.filter(pk__in=goals.values("measure_id"))
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    if filters.get("rolle"):
        rows = rows.filter(accountable_role=filters["rolle"])
    unit: OrgUnit | None = filters.get("einheit")
    if unit is not None:
        rows = rows.filter(responsible_unit__path__startswith=unit.path)
    return rows


def portfolio(kommune: Kommune, filters: Mapping[str, Any], sort: str = "title") -> QuerySet[Measure]:
    """The rows of the portfolio: filtered, with their priority score (`priority_value`), the planned
    budget of all years (`budget_planned`), role, unit and links; sorted by `sort` (see SORT_FIELDS)."""
    descending = sort.startswith("-")
    columns = SORT_FIELDS.get(sort.lstrip("-"), ("title",))
    order = [F(c).desc(nulls_last=True) if descending else F(c).asc(nulls_last=True) for c in columns]
    return (
        _with_links(kommune, filtered_measures(kommune, filters))
        .annotate(
            priority_value=_priority_expression(agenda_selectors.settings(kommune)),
            budget_planned=_planned_budget(),
            status_rank=_status_rank(),
        )
        .order_by(*order, "title", "pk")
    )


def _with_links(kommune: Kommune, rows: QuerySet[Measure]) -> QuerySet[Measure]:
    from django.db.models import Prefetch

    return rows.select_related("accountable_role", "responsible_unit").prefetch_related(
        Prefetch("handlungsfelder", queryset=Handlungsfeld.objects.for_kommune(kommune)),
        Prefetch("goals", queryset=Goal.objects.for_kommune(kommune)),
    )


@dataclass(frozen=True)
class Row:
    """A measure as the portfolio, the board and the roadmap show it: with its owner and score."""

    measure: Measure
    owner: Ownership
    score: Decimal

    @property
    def score_text(self) -> str:
        return priority.score_text(self.score)


def rows_of(kommune: Kommune, measures: list[Measure]) -> list[Row]:
    """Owner (one query for all) and priority score of each measure."""
    agenda_settings = agenda_selectors.settings(kommune)
    weights = priority.weights_of(agenda_settings)
    owners = agenda_selectors.owners(kommune, measures)
    return [Row(m, owners[m.pk], priority.priority_score(m.benefit, m.urgency, m.effort, weights)) for m in measures]


def budget_totals(kommune: Kommune, measure_ids: list[int]) -> dict[int, tuple[Decimal, Decimal]]:
    """Planned and spent money of each measure over all years (one query)."""
    rows = (
        BudgetLine.objects.for_kommune(kommune)
        .filter(measure_id__in=measure_ids)
        .order_by()
        .values("measure_id")
        .annotate(planned=Sum("planned"), spent=Sum("spent"))
    )
    return {r["measure_id"]: (r["planned"] or Decimal(0), r["spent"] or Decimal(0)) for r in rows}


# --- board and roadmap ---------------------------------------------------------------------------


BOARD_CARDS = 25  # cards a column shows before "alle anzeigen" (a Großstadt has hundreds of measures)


@dataclass(frozen=True)
class Column:
    status: str
    label: str
    rows: list[Row]  # the cards shown: the most important first
    total: int  # the measures in this status (more than `rows` when the column is cut)

    @property
    def cut(self) -> bool:
        return self.total > len(self.rows)


def board(kommune: Kommune, filters: Mapping[str, Any], full: str = "", limit: int = BOARD_CARDS) -> list[Column]:
    """The measures by status, one column per status in the order of the life cycle, each sorted by
    priority (highest first, then title) and cut after `limit` cards unless its status is `full`.
    Every measure is read as plain values to sort and count; only the cards shown are loaded as
    objects with their role, unit and owner (a fixed number of queries)."""
    weights = priority.weights_of(agenda_selectors.settings(kommune))
    by_status: dict[str, list[tuple[Decimal, int]]] = defaultdict(list)
    plain = filtered_measures(kommune, filters).order_by("title", "pk")
    for pk, status, benefit, urgency, effort in plain.values_list("pk", "status", "benefit", "urgency", "effort"):
        by_status[status].append((priority.priority_score(benefit, urgency, effort, weights), pk))
    shown: dict[str, list[tuple[Decimal, int]]] = {}
    for code, items in by_status.items():
        items.sort(key=lambda item: -item[0])  # stable: the title order stays among equal scores
        shown[code] = items if code == full else items[:limit]
    ids = [pk for items in shown.values() for _score, pk in items]
    measures = {
        m.pk: m
        for m in Measure.objects.for_kommune(kommune)
        .filter(pk__in=ids)
        .select_related("accountable_role", "responsible_unit")
        .defer("description", "beneficiaries", "origin_gap")
    }
    owners = agenda_selectors.owners(kommune, list(measures.values()))
    return [
        Column(
            code,
            str(label),
            [Row(measures[pk], owners[pk], score) for score, pk in shown.get(code, []) if pk in measures],
            len(by_status.get(code, [])),
        )
        for code, label in MeasureStatus.choices
    ]


@dataclass(frozen=True)
class Lane:
    """One Handlungsfeld of the roadmap with its measures (a measure under several fields shows in each)."""

    title: str
    rows: list[Row]


@dataclass(frozen=True)
class Roadmap:
    lanes: list[Lane]
    milestones: dict[int, list[Milestone]]
    undated: list[Row]
    first: datetime.date | None
    last: datetime.date | None


def roadmap(kommune: Kommune, filters: Mapping[str, Any], no_field: str) -> Roadmap:
    """The measures with their dates by Handlungsfeld (in the fields' order), their milestones and
    the time span they cover; measures without start and end are listed apart (four queries + owners)."""
    measures = list(_with_links(kommune, filtered_measures(kommune, filters)).order_by("starts_on", "title", "pk"))
    rows = rows_of(kommune, measures)
    milestones: dict[int, list[Milestone]] = defaultdict(list)
    for milestone in Milestone.objects.for_kommune(kommune).filter(measure_id__in=[m.pk for m in measures]):
        milestones[milestone.measure_id].append(milestone)
    dated = [r for r in rows if r.measure.starts_on or r.measure.ends_on]
    lanes: dict[int | None, Lane] = {}
    fields: dict[int, Handlungsfeld] = {}
    for row in dated:
        linked = list(row.measure.handlungsfelder.all())
        for hf in linked:
            fields[hf.pk] = hf
            lanes.setdefault(hf.pk, Lane(hf.name, [])).rows.append(row)
        if not linked:
            lanes.setdefault(None, Lane(no_field, [])).rows.append(row)
    ordered = sorted(lanes.items(), key=lambda item: _lane_order(item[0], fields))
    days = [d for r in dated for d in (r.measure.starts_on, r.measure.ends_on) if d]
    days += [m.due_on for r in dated for m in milestones.get(r.measure.pk, [])]
    return Roadmap(
        lanes=[lane for _key, lane in ordered],
        milestones=dict(milestones),
        undated=[r for r in rows if not (r.measure.starts_on or r.measure.ends_on)],
        first=min(days) if days else None,
        last=max(days) if days else None,
    )


def _lane_order(key: int | None, fields: dict[int, Handlungsfeld]) -> tuple[int, int, str]:
    if key is None:
        return (1, 0, "")
    hf = fields[key]
    return (0, hf.position, hf.name)


# --- the measure detail --------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiView:
    kpi: KPI
    values: list[KPIValue]
    status: kpi_status.KpiStatus


@dataclass(frozen=True)
class Level:
    """One level of the impact chain: its code, the Kommune's label, its steps and their KPIs."""

    code: str
    label: str
    steps: list[ImpactStep]
    kpis: list[KpiView]


@dataclass(frozen=True)
class RaciRow:
    role: Role
    letter: str
    row: MeasureRole | None
    holders: list[Assignment]


@dataclass
class Detail:
    """Everything the measure page shows."""

    measure: Measure
    owner: Ownership
    score: Decimal
    formula: str
    handlungsfelder: list[Handlungsfeld]
    goals: list[Goal]
    history: list[MeasureStatusChange]
    milestones: list[Milestone]
    budget: list[BudgetLine]
    planned: Decimal
    spent: Decimal
    funding: Decimal
    needs: list[MeasureDependency]
    needed_by: list[MeasureDependency]
    risks: list[Risk]
    raci: list[RaciRow]
    levels: list[Level]
    other_kpis: list[KpiView]
    reports: list[StatusReport]
    labels: dict[str, str] = field(default_factory=dict)


def _kpi_views(kommune: Kommune, measure: Measure) -> list[KpiView]:
    kpis = list(KPI.objects.for_kommune(kommune).filter(measure=measure).select_related("owner_role", "impact_step"))
    series: dict[int, list[KPIValue]] = defaultdict(list)
    for value in KPIValue.objects.for_kommune(kommune).filter(kpi__in=[k.pk for k in kpis]).order_by("measured_on"):
        series[value.kpi_id].append(value)
    views = []
    for kpi in kpis:
        values = series.get(kpi.pk, [])
        views.append(KpiView(kpi, values, agenda_selectors.status_of(kpi, values[-1] if values else None)))
    return views


def _levels(kommune: Kommune, measure: Measure, style: str, kpis: list[KpiView]) -> tuple[list[Level], list[KpiView]]:
    steps = list(ImpactStep.objects.for_kommune(kommune).filter(measure=measure).order_by("position", "id"))
    labels = impact_labels(style)
    by_level: dict[str, list[ImpactStep]] = defaultdict(list)
    for step in steps:
        by_level[step.level].append(step)
    level_of_step = {s.pk: s.level for s in steps}
    kpis_by_level: dict[str, list[KpiView]] = defaultdict(list)
    others = []
    for view in kpis:
        level = level_of_step.get(view.kpi.impact_step_id or 0)
        if level is None:
            others.append(view)
        else:
            kpis_by_level[level].append(view)
    levels = [Level(code, labels[code], by_level.get(code, []), kpis_by_level.get(code, [])) for code in ImpactLevel]
    return levels, others


def _raci_and_owner(kommune: Kommune, measure: Measure) -> tuple[list[RaciRow], Ownership]:
    """The RACI rows with who holds each role today, and the measure's owner: the holders of the RACI
    roles and of the accountable role are read once (the accountable role is the "A" row)."""
    rows = list(MeasureRole.objects.for_kommune(kommune).filter(measure=measure).select_related("role"))
    holders = agenda_selectors.holders_by_role(kommune, [measure.accountable_role_id, *(r.role_id for r in rows)])
    order = {"A": 0, "R": 1, "C": 2, "I": 3}
    rows.sort(key=lambda r: (order.get(r.letter, 9), r.role.position, r.role.name))
    owner = resolve_owner(
        measure.accountable_role_id is not None,
        holders.get(measure.accountable_role_id or 0, []),
        measure.responsible_unit,
    )
    return [RaciRow(r.role, r.letter, r, holders.get(r.role_id, [])) for r in rows], owner


def measure_detail(kommune: Kommune, measure: Measure) -> Detail:
    """The measure with all that belongs to it (a fixed number of queries, however many children)."""
    agenda_settings = agenda_selectors.settings(kommune)
    weights = priority.weights_of(agenda_settings)
    budget = list(BudgetLine.objects.for_kommune(kommune).filter(measure=measure).select_related("decision"))
    dependencies = list(
        MeasureDependency.objects.for_kommune(kommune)
        .filter(Q(measure=measure) | Q(depends_on=measure))
        .select_related("measure", "depends_on")
        .order_by("id")
    )
    kpis = _kpi_views(kommune, measure)
    levels, others = _levels(kommune, measure, agenda_settings.impact_labels, kpis)
    raci, owner = _raci_and_owner(kommune, measure)
    return Detail(
        measure=measure,
        owner=owner,
        score=priority.priority_score(measure.benefit, measure.urgency, measure.effort, weights),
        formula=priority.formula_text(weights),
        handlungsfelder=list(
            Handlungsfeld.objects.for_kommune(kommune)
            .filter(pk__in=Measure.handlungsfelder.through.objects.filter(measure=measure).values("handlungsfeld_id"))
            .select_related("agenda_version")
        ),
        goals=list(
            Goal.objects.for_kommune(kommune).filter(
                pk__in=Measure.goals.through.objects.filter(measure=measure).values("goal_id")
            )
        ),
        history=list(agenda_selectors.status_history(kommune, measure)),
        milestones=list(Milestone.objects.for_kommune(kommune).filter(measure=measure).order_by("due_on", "id")),
        budget=budget,
        planned=sum((line.planned for line in budget), Decimal(0)),
        spent=sum((line.spent for line in budget), Decimal(0)),
        funding=sum((line.funding_amount or Decimal(0) for line in budget), Decimal(0)),
        needs=[d for d in dependencies if d.measure_id == measure.pk],
        needed_by=[d for d in dependencies if d.depends_on_id == measure.pk],
        risks=sorted(
            Risk.objects.for_kommune(kommune).filter(measure=measure), key=lambda r: (-r.likelihood * r.impact, r.pk)
        ),
        raci=raci,
        levels=levels,
        other_kpis=others,
        reports=list(agenda_selectors.status_reports(kommune, measure)[:REPORTS_SHOWN]),
        labels=impact_labels(agenda_settings.impact_labels),
    )


def other_measures(kommune: Kommune, measure: Measure) -> QuerySet[Measure]:
    """The measures a measure may depend on (every other one; a cycle is refused by the service)."""
    return Measure.objects.for_kommune(kommune).exclude(pk=measure.pk).order_by("title", "pk")
