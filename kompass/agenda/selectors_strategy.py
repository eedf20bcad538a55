"""Reads of the strategy pages: the agenda tree, goals with their KPIs and measures, council
decisions with what they are linked to, the start page's panel. Scoped to one Kommune; each read
costs a fixed number of queries, whatever the number of goals, measures and KPIs."""

from __future__ import annotations

import datetime
import functools
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.urls import NoReverseMatch, reverse

from kompass.agenda import kpi_status, rules
from kompass.agenda.models import (
    KPI,
    Agenda,
    AgendaVersion,
    BudgetLine,
    CouncilDecision,
    Goal,
    GoalKind,
    Handlungsfeld,
    KPIValue,
    Leitsatz,
    Measure,
    MeasureStatus,
    StatusReport,
    VersionState,
)
from kompass.agenda.selectors import last_reports, latest_values, settings, status_of, today
from kompass.framework.models import Field
from kompass.tenancy.models import Kommune

# How many measures the overview lists per Handlungsfeld: a Großstadt has 40 and more in each, and
# the tree must stay readable (and fast); the Handlungsfeld's own page lists all of them.
OVERVIEW_MEASURES = 15

# The Außensicht of the Orientierungsrahmen: its fields are the Gestaltungsfelder of the local community.
GESTALTUNG_DIMENSION = "aussensicht"


def maybe_url(name: str, *args: Any) -> str | None:
    """The address of a page of another area of the agenda, or None while that page does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


_PK = 987654321


@functools.lru_cache(maxsize=64)
def _address_pattern(name: str, slug: str) -> str | None:
    return maybe_url(name, slug, _PK)


def object_url(name: str, slug: str, pk: int) -> str | None:
    """`maybe_url(name, slug, pk)` for the many rows of a list: the route is resolved once per
    name and Kommune, and only the number differs between the rows (reverse costs ~0.3 ms a row)."""
    pattern = _address_pattern(name, slug)
    return pattern.replace(f"/{_PK}/", f"/{pk}/") if pattern is not None else None


# --- versions --------------------------------------------------------------------------------------


@dataclass
class Versions:
    """Which versions the pages show: the one in force (newest decided), the draft, and all."""

    all: list[AgendaVersion]

    @property
    def decided(self) -> AgendaVersion | None:
        decided = [v for v in self.all if v.state == VersionState.BESCHLOSSEN]
        return decided[-1] if decided else None

    @property
    def draft(self) -> AgendaVersion | None:
        return next((v for v in self.all if v.state == VersionState.ENTWURF), None)

    @property
    def current(self) -> AgendaVersion | None:
        """What the agenda says today: the decided version in force, else the first draft."""
        return self.decided or self.draft


def version_state(kommune: Kommune) -> Versions:
    return Versions(list(AgendaVersion.objects.for_kommune(kommune).select_related("decision").order_by("number")))


def version_counts(kommune: Kommune) -> dict[int, tuple[int, int]]:
    """Leitsätze and Handlungsfelder per version (two queries)."""
    leitsaetze = dict(
        Leitsatz.objects.for_kommune(kommune)
        .order_by()
        .values("agenda_version")
        .annotate(n=Count("id"))
        .values_list("agenda_version", "n")
    )
    fields = dict(
        Handlungsfeld.objects.for_kommune(kommune)
        .order_by()
        .values("agenda_version")
        .annotate(n=Count("id"))
        .values_list("agenda_version", "n")
    )
    return {pk: (leitsaetze.get(pk, 0), fields.get(pk, 0)) for pk in set(leitsaetze) | set(fields)}


# --- framework fields ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldName:
    """A framework field a Handlungsfeld names: the Kommune's name for it, and whether it is a
    Gestaltungsfeld (Außensicht); a key the framework no longer has keeps its key as name."""

    key: str
    name: str
    gestaltungsfeld: bool
    known: bool = True
    pk: int | None = None


def framework_fields(kommune: Kommune) -> dict[str, FieldName]:
    """Every field of the Kommune's framework by key (one query)."""
    return {
        f.key: FieldName(f.key, f.name, f.dimension.key == GESTALTUNG_DIMENSION, True, f.pk)
        for f in Field.objects.for_kommune(kommune)
        .select_related("dimension")
        .order_by("dimension__position", "position")
    }


def field_names(keys: list[str], known: dict[str, FieldName]) -> tuple[list[FieldName], list[FieldName]]:
    """The fields and the Gestaltungsfelder among `keys`, in the order given."""
    names = [known.get(key) or FieldName(key, key, False, False) for key in keys or []]
    return [n for n in names if not n.gestaltungsfeld], [n for n in names if n.gestaltungsfeld]


# --- the agenda tree -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureRow:
    """A measure as the tree lists it, read as plain values (a Großstadt has 400)."""

    pk: int
    title: str
    status: str
    role: str  # the accountable role's name, "" without one
    progress: int | None  # the latest status report's progress, None without a report
    slug: str = ""

    @property
    def status_label(self) -> str:
        return str(MeasureStatus(self.status).label)

    @property
    def url(self) -> str | None:
        """The measure's page (asked only for the rows a page shows)."""
        return object_url("agenda:measure_detail", self.slug, self.pk)


@dataclass
class GoalNode:
    goal: Goal
    kpi_count: int
    children: list[GoalNode] = field(default_factory=list)
    linked: bool = True  # False: shown only because an operative goal under it is in the Handlungsfeld
    url: str | None = None


@dataclass
class FieldNode:
    """A Handlungsfeld with its framework fields, goals and measures, their counts and progress."""

    handlungsfeld: Handlungsfeld | None  # None: goals and measures without a Handlungsfeld
    fields: list[FieldName] = field(default_factory=list)
    gestaltungsfelder: list[FieldName] = field(default_factory=list)
    goals: list[GoalNode] = field(default_factory=list)
    measures: list[MeasureRow] = field(default_factory=list)

    @property
    def goal_count(self) -> int:
        return sum(int(g.linked) + len(g.children) for g in self.goals)

    @functools.cached_property
    def by_status(self) -> list[tuple[str, str, int]]:
        counts = Counter(row.status for row in self.measures)
        return [(value, str(label), counts[value]) for value, label in MeasureStatus.choices if counts[value]]

    @functools.cached_property
    def done(self) -> int:
        return sum(row.status == MeasureStatus.ABGESCHLOSSEN for row in self.measures)

    @functools.cached_property
    def counted(self) -> int:
        """Measures that count for progress: all but the stopped ones."""
        return sum(row.status != MeasureStatus.GESTOPPT for row in self.measures)

    @property
    def done_percent(self) -> int | None:
        return round(100 * self.done / self.counted) if self.counted else None

    @functools.cached_property
    def reported_progress(self) -> int | None:
        """The mean progress of the latest status reports of its (not stopped) measures."""
        values = [
            100 if row.status == MeasureStatus.ABGESCHLOSSEN else row.progress
            for row in self.measures
            if row.status != MeasureStatus.GESTOPPT
            and (row.progress is not None or row.status == MeasureStatus.ABGESCHLOSSEN)
        ]
        return round(sum(v for v in values if v is not None) / len(values)) if values else None

    @property
    def shown_measures(self) -> list[MeasureRow]:
        """The measures the overview lists (the Handlungsfeld's page lists them all)."""
        return self.measures[:OVERVIEW_MEASURES]

    @property
    def more_measures(self) -> int:
        return max(0, len(self.measures) - OVERVIEW_MEASURES)

    @property
    def bar(self) -> int:
        """What the progress bar shows: the reported progress, else the share done."""
        reported = self.reported_progress
        return reported if reported is not None else (self.done_percent or 0)


@dataclass
class AgendaTree:
    agenda: Agenda
    versions: Versions
    version: AgendaVersion | None
    leitsaetze: list[Leitsatz]
    nodes: list[FieldNode]
    unassigned: FieldNode
    measure_count: int
    goal_count: int
    by_status: list[tuple[str, str, int]]


def _measure_rows(kommune: Kommune, measures: QuerySet[Measure] | None = None) -> list[MeasureRow]:
    """The measures with their accountable role and the progress of their latest report (one query)."""
    latest = StatusReport.objects.for_kommune(kommune).filter(measure=OuterRef("pk")).order_by("-reported_on", "-id")
    queryset = measures if measures is not None else Measure.objects.for_kommune(kommune)
    rows = (
        queryset.annotate(last_progress=Subquery(latest.values("progress")[:1]))
        .order_by("title", "id")
        .values_list("pk", "title", "status", "accountable_role__name", "last_progress")
    )
    return [
        MeasureRow(pk, title, status, role or "", progress, kommune.slug) for pk, title, status, role, progress in rows
    ]


def _kpi_counts(kommune: Kommune) -> dict[int, int]:
    rows = KPI.objects.for_kommune(kommune).filter(goal__isnull=False).order_by().values("goal").annotate(n=Count("id"))
    return {row["goal"]: row["n"] for row in rows}


def _links_by_key(through: Any, owner: str, key_of: dict[int, str]) -> dict[int, set[str]]:
    """Owner id → keys of the Handlungsfelder it is linked to (one query; links to any version)."""
    by_owner: dict[int, set[str]] = defaultdict(set)
    for owner_id, hf_id in through.objects.filter(handlungsfeld_id__in=list(key_of)).values_list(
        owner, "handlungsfeld_id"
    ):
        by_owner[owner_id].add(key_of[hf_id])
    return by_owner


def _goal_nodes(
    slug: str, goals: list[Goal], keys: set[str] | None, links: dict[int, set[str]], kpis: dict[int, int]
) -> list[GoalNode]:
    """Wirkungsziele with their operative goals, as far as they are linked to one of `keys` (None:
    to no Handlungsfeld at all). A Wirkungsziel shows also when only a goal under it is linked."""

    def linked(goal: Goal) -> bool:
        own = links.get(goal.pk, set())
        return not own if keys is None else bool(own & keys)

    def node(goal: Goal, is_linked: bool = True) -> GoalNode:
        return GoalNode(
            goal, kpis.get(goal.pk, 0), linked=is_linked, url=object_url("agenda:goal_detail", slug, goal.pk)
        )

    nodes = {g.pk: node(g) for g in goals if g.kind == GoalKind.WIRKUNGSZIEL and linked(g)}
    by_pk = {g.pk: g for g in goals}
    orphans: list[GoalNode] = []
    for goal in goals:
        if goal.kind != GoalKind.OPERATIV or not linked(goal):
            continue
        child = node(goal)
        parent = by_pk.get(goal.parent_id or 0)
        if parent is None:
            orphans.append(child)
            continue
        if parent.pk not in nodes:
            nodes[parent.pk] = node(parent, is_linked=False)
        nodes[parent.pk].children.append(child)
    ordered = sorted(nodes.values(), key=lambda n: (n.goal.position, n.goal.pk))
    return ordered + orphans


def agenda_tree(kommune: Kommune) -> AgendaTree | None:
    """The agenda as the overview shows it: the current version with vision and Leitsätze, each
    Handlungsfeld with its framework fields, goals (Wirkungsziel → operative goals, with their KPI
    counts) and measures (status, accountable role, reported progress). About ten queries.

    Goals and measures are placed by the key of the Handlungsfelder they are linked to, so links
    to an earlier version's Handlungsfeld with the same key count for the current one."""
    agenda = Agenda.objects.for_kommune(kommune).first()
    if agenda is None:
        return None
    versions = version_state(kommune)
    version = versions.current
    leitsaetze: list[Leitsatz] = []
    fields: list[Handlungsfeld] = []
    if version is not None:
        leitsaetze = list(
            Leitsatz.objects.for_kommune(kommune).filter(agenda_version=version).order_by("position", "id")
        )
        fields = list(
            Handlungsfeld.objects.for_kommune(kommune).filter(agenda_version=version).order_by("position", "id")
        )
    key_of = dict(Handlungsfeld.objects.for_kommune(kommune).values_list("pk", "key"))
    known = framework_fields(kommune)
    goals = list(Goal.objects.for_kommune(kommune).order_by("position", "id"))
    goal_links = _links_by_key(Goal.handlungsfelder.through, "goal_id", key_of)
    measure_links = _links_by_key(Measure.handlungsfelder.through, "measure_id", key_of)
    kpis = _kpi_counts(kommune)
    rows = _measure_rows(kommune)
    current_keys = {h.key for h in fields}
    nodes = []
    for hf in fields:
        plain, gestaltung = field_names(list(hf.framework_field_keys or []), known)
        nodes.append(
            FieldNode(
                hf,
                plain,
                gestaltung,
                _goal_nodes(kommune.slug, goals, {hf.key}, goal_links, kpis),
                [row for row in rows if hf.key in measure_links.get(row.pk, set())],
            )
        )
    unassigned = FieldNode(
        None,
        goals=_goal_nodes(
            kommune.slug, goals, None, {pk: keys & current_keys for pk, keys in goal_links.items()}, kpis
        ),
        measures=[row for row in rows if not measure_links.get(row.pk, set()) & current_keys],
    )
    counts = Counter(row.status for row in rows)
    return AgendaTree(
        agenda=agenda,
        versions=versions,
        version=version,
        leitsaetze=leitsaetze,
        nodes=nodes,
        unassigned=unassigned,
        measure_count=len(rows),
        goal_count=len(goals),
        by_status=[(value, str(label), counts[value]) for value, label in MeasureStatus.choices],
    )


# --- goals ---------------------------------------------------------------------------------------


@dataclass
class GoalRow:
    goal: Goal
    kpi_count: int
    measure_count: int
    handlungsfelder: list[str]
    children: list[GoalRow] = field(default_factory=list)


def goal_rows(kommune: Kommune) -> list[GoalRow]:
    """Wirkungsziele with their operative goals (operative goals without a Wirkungsziel last), each
    with its KPI and measure counts and the names of its Handlungsfelder (five queries)."""
    goals = list(Goal.objects.for_kommune(kommune).order_by("position", "id"))
    kpis = _kpi_counts(kommune)
    measures = Counter(
        Measure.goals.through.objects.filter(goal_id__in=[g.pk for g in goals]).values_list("goal_id", flat=True)
    )
    names = dict(Handlungsfeld.objects.for_kommune(kommune).values_list("pk", "name"))
    hf_of: dict[int, list[str]] = defaultdict(list)
    for goal_id, hf_id in Goal.handlungsfelder.through.objects.filter(handlungsfeld_id__in=list(names)).values_list(
        "goal_id", "handlungsfeld_id"
    ):
        if names[hf_id] not in hf_of[goal_id]:
            hf_of[goal_id].append(names[hf_id])
    rows = {g.pk: GoalRow(g, kpis.get(g.pk, 0), measures.get(g.pk, 0), hf_of.get(g.pk, [])) for g in goals}
    top = [rows[g.pk] for g in goals if g.kind == GoalKind.WIRKUNGSZIEL]
    loose: list[GoalRow] = []
    for goal in goals:
        if goal.kind == GoalKind.OPERATIV:
            parent = rows.get(goal.parent_id or 0)
            (parent.children if parent is not None else loose).append(rows[goal.pk])
    return top + loose


@dataclass
class KpiRow:
    kpi: KPI
    status: kpi_status.KpiStatus
    url: str | None


def goal_kpis(kommune: Kommune, goal: Goal) -> list[KpiRow]:
    """The KPIs of a goal with their status against the plan line (three queries)."""
    items = list(KPI.objects.for_kommune(kommune).filter(goal=goal).select_related("owner_role").order_by("name", "id"))
    latest = latest_values(kommune, [k.pk for k in items]) if items else {}
    return [
        KpiRow(k, status_of(k, latest.get(k.pk)), maybe_url("agenda:kpi_detail", kommune.slug, k.pk)) for k in items
    ]


def goal_measures(kommune: Kommune, goal: Goal) -> list[MeasureRow]:
    ids = Measure.goals.through.objects.filter(goal_id=goal.pk).values("measure_id")
    return _measure_rows(kommune, Measure.objects.for_kommune(kommune).filter(pk__in=ids))


def goal_children(kommune: Kommune, goal: Goal) -> QuerySet[Goal]:
    return Goal.objects.for_kommune(kommune).filter(parent=goal).order_by("position", "id")


def linked_handlungsfelder(kommune: Kommune, owner: Goal) -> list[Handlungsfeld]:
    ids = Goal.handlungsfelder.through.objects.filter(goal_id=owner.pk).values("handlungsfeld_id")
    return list(
        Handlungsfeld.objects.for_kommune(kommune)
        .filter(pk__in=ids)
        .select_related("agenda_version")
        .order_by("position")
    )


def wirkungsziele(kommune: Kommune, exclude: Goal | None = None) -> QuerySet[Goal]:
    goals = Goal.objects.for_kommune(kommune).filter(kind=GoalKind.WIRKUNGSZIEL).order_by("position", "id")
    return goals.exclude(pk=exclude.pk) if exclude is not None else goals


def handlungsfeld_choices(kommune: Kommune, linked: list[Handlungsfeld] | None = None) -> list[Handlungsfeld]:
    """The Handlungsfelder a goal may name: those of the current version, plus the ones it names now."""
    current = version_state(kommune).current
    choices = (
        list(Handlungsfeld.objects.for_kommune(kommune).filter(agenda_version=current).order_by("position", "id"))
        if current is not None
        else []
    )
    have = {h.pk for h in choices}
    return choices + [h for h in linked or [] if h.pk not in have]


# --- a Handlungsfeld -----------------------------------------------------------------------------


def handlungsfeld_goals_and_measures(kommune: Kommune, hf: Handlungsfeld) -> tuple[list[GoalNode], list[MeasureRow]]:
    """The goals and measures of one Handlungsfeld (by its key, across versions)."""
    key_of = dict(Handlungsfeld.objects.for_kommune(kommune).filter(key=hf.key).values_list("pk", "key"))
    goals = list(Goal.objects.for_kommune(kommune).order_by("position", "id"))
    goal_links = _links_by_key(Goal.handlungsfelder.through, "goal_id", key_of)
    measure_links = _links_by_key(Measure.handlungsfelder.through, "measure_id", key_of)
    kpis = _kpi_counts(kommune)
    rows = [row for row in _measure_rows(kommune) if row.pk in measure_links]
    return _goal_nodes(kommune.slug, goals, {hf.key}, goal_links, kpis), rows


# --- council decisions ---------------------------------------------------------------------------


@dataclass
class DecisionLinks:
    versions: list[AgendaVersion]
    budget_lines: list[BudgetLine]
    reports: list[StatusReport]

    @property
    def empty(self) -> bool:
        return not (self.versions or self.budget_lines or self.reports)


def decision_links(kommune: Kommune, decision: CouncilDecision) -> DecisionLinks:
    """What a council decision is linked to: versions it decided, budget lines it approved, status
    reports that name it (three queries)."""
    return DecisionLinks(
        versions=list(AgendaVersion.objects.for_kommune(kommune).filter(decision=decision).order_by("number")),
        budget_lines=list(
            BudgetLine.objects.for_kommune(kommune).filter(decision=decision).select_related("measure").order_by("year")
        ),
        reports=list(
            StatusReport.objects.for_kommune(kommune)
            .filter(decision=decision)
            .select_related("measure")
            .order_by("-reported_on")
        ),
    )


def decision_link_counts(kommune: Kommune) -> dict[int, int]:
    """How many versions, budget lines and reports name each decision (three queries)."""
    counts: Counter[int] = Counter()
    for model in (AgendaVersion, BudgetLine, StatusReport):
        rows = model.objects.for_kommune(kommune).filter(decision__isnull=False).order_by().values("decision")  # type: ignore[attr-defined]
        for row in rows.annotate(n=Count("id")):
            counts[row["decision"]] += row["n"]
    return counts


# --- the start page's panel ----------------------------------------------------------------------


@dataclass
class Panel:
    version: AgendaVersion | None
    draft: AgendaVersion | None
    measures: list[tuple[str, str, int]]
    kpis: list[tuple[str, str, int]]
    overdue_reports: int
    measure_total: int
    kpi_total: int


def kpi_status_counts(kommune: Kommune) -> Counter[str]:
    """How many KPIs stand at each status (`kpi_status`), in one query: each KPI's plan line with
    its newest value and day read as plain values (2,000 KPIs would be slow as model instances)."""
    newest = KPIValue.objects.for_kommune(kommune).filter(kpi=OuterRef("pk")).order_by("-measured_on", "-id")
    rows = (
        KPI.objects.for_kommune(kommune)
        .annotate(last_value=Subquery(newest.values("value")[:1]), last_on=Subquery(newest.values("measured_on")[:1]))
        .values_list("baseline_value", "baseline_on", "target_value", "target_on", "direction", "last_value", "last_on")
    )
    counts: Counter[str] = Counter()
    for baseline, baseline_on, target, target_on, direction, value, on in rows:
        line = kpi_status.Line(Decimal(baseline), baseline_on, Decimal(target), target_on, direction)
        latest = Decimal(value) if value is not None else None
        counts[kpi_status.kpi_status(line, latest, on).code] += 1
    return counts


def panel(kommune: Kommune, on: datetime.date | None = None) -> Panel | None:
    """The agenda's state for the start page: version, measures and KPIs by status, overdue status
    reports (seven queries, whatever the number of measures and KPIs); None without an agenda."""
    if not Agenda.objects.for_kommune(kommune).exists():
        return None
    on = on or today()
    versions = version_state(kommune)
    measure_counts = dict(
        Measure.objects.for_kommune(kommune)
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    kpi_counts = kpi_status_counts(kommune)
    period = settings(kommune).report_period_days
    last = last_reports(kommune)
    running = (
        Measure.objects.for_kommune(kommune)
        .filter(status=MeasureStatus.IN_UMSETZUNG)
        .only("id", "starts_on", "report_period_days", "status")
    )
    overdue = sum(rules.report_due(m, last.get(m.pk), on, period) for m in running)
    codes = (*kpi_status.STATUS_ORDER, kpi_status.KEINE_WERTE)
    return Panel(
        version=versions.decided,
        draft=versions.draft,
        measures=[(value, str(label), measure_counts.get(value, 0)) for value, label in MeasureStatus.choices],
        kpis=[(code, kpi_status.status_label(code), kpi_counts.get(code, 0)) for code in codes],
        overdue_reports=overdue,
        measure_total=sum(measure_counts.values()),
        kpi_total=sum(kpi_counts.values()),
    )
