"""The public transparency page of the digital agenda (`/p/<slug>/digitale-agenda/`): what it
shows, when it is open, the switch, and the stamp its cache is keyed by.

Opt-in: the page is open only while the Kommune has switched it on (`AgendaSettings.
public_page_enabled`, off by default) and has a decided version; until then its address is 404.
It shows the decided version in force (vision, Leitsätze, Handlungsfelder), each measure with its
status — ideas are internal and left out — and the KPIs the Kommune marks public, each with its
chart and table. No person is named: a measure names its accountable role and its unit, never
the holder; status report texts and authors stay inside.

Cache: the rendered page is kept in Django's cache under the Kommune's change stamp
(`change_stamp`, the audit layer's `kommune_change_stamp`): the newest entry of its audit log.
Every write of the agenda's services (a measure's status, a KPI or its values, a new decided
version, the switch) writes its audit entry in the same transaction (quality decision 5), and so
does every change of the role model and the org units whose names the page shows; the next
request finds a new stamp and renders again. The stamp is never older than a committed change, so
the cache cannot serve a page from before it for longer than its lifetime (`CACHE_SECONDS`, as
long as shared caches may keep it anyway).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kompass.agenda import kpi_status, selectors
from kompass.agenda.charts import kpi_chart
from kompass.agenda.council_report import day, number
from kompass.agenda.models import (
    KPI,
    AgendaSettings,
    AgendaVersion,
    Handlungsfeld,
    KPIValue,
    Measure,
    MeasureStatus,
    VersionState,
)
from kompass.agenda.services.common import apply_update, create, locked, text
from kompass.audit.selectors import kommune_change_stamp
from kompass.audit.services import snapshot
from kompass.core.actors import Actor
from kompass.reports.charts import Chart
from kompass.tenancy.models import Kommune

PUBLICATION_KEY = "digitale-agenda"
CACHE_SECONDS = 300
# Ideas are not decided: the public page shows what the Kommune has set out to do.
PUBLIC_STATUSES = (
    MeasureStatus.GEPLANT,
    MeasureStatus.IN_UMSETZUNG,
    MeasureStatus.ABGESCHLOSSEN,
    MeasureStatus.GESTOPPT,
)
TEXT_LIMIT = 5000
# The overview lists every public KPI in one table; the charts come on pages of their own, so a
# Großstadt with hundreds of public KPIs still has an overview that loads in a moment.
KPIS_PER_PAGE = 10


# --- open or not -----------------------------------------------------------------------------------


def is_published(kommune: Kommune) -> bool:
    """Switched on and with a decided version (one query); the `Publication` of the page."""
    decided = AgendaVersion.objects.for_kommune(kommune).filter(state=VersionState.BESCHLOSSEN)
    return (
        AgendaSettings.objects.for_kommune(kommune)
        .filter(public_page_enabled=True)
        .filter(Exists(decided.filter(kommune=OuterRef("kommune"))))
        .exists()
    )


# The page's cache key: the Kommune's change stamp (a name of its own, so tests can hold it still).
change_stamp = kommune_change_stamp


@transaction.atomic
def public_settings_update(
    *, kommune: Kommune, actor: Actor, data: Mapping[str, Any], expected_version: int | None = None
) -> AgendaSettings:
    """Switch the public page on or off and set its introduction and its own text in Leichte Sprache."""
    row = AgendaSettings.objects.for_kommune(kommune).first()
    if row is None:
        row = create(kommune, actor, AgendaSettings(kommune=kommune))
        expected_version = None  # the defaults the form showed are this new row
    row = locked(kommune, AgendaSettings, row, expected_version)
    before = snapshot(row, AgendaSettings.AUDIT_FIELDS)
    values: dict[str, Any] = {}
    if "public_page_enabled" in data:
        values["public_page_enabled"] = bool(data["public_page_enabled"])
    for name in ("public_intro", "public_easy_text"):
        if name in data:
            values[name] = text(data[name], TEXT_LIMIT)
    return apply_update(kommune, actor, row, values, before)


# --- what the page shows ---------------------------------------------------------------------------


@dataclass
class PublicMeasure:
    title: str
    description: str
    status: str
    status_label: str
    role: str
    unit: str
    period: str


@dataclass
class PublicField:
    name: str
    description: str
    measures: list[PublicMeasure] = field(default_factory=list)


@dataclass(frozen=True)
class PublicKpi:
    anchor: str
    page: int  # the page of `kpi_page` that shows its chart
    name: str
    unit: str
    baseline: str
    target: str
    current: str
    status: str
    status_code: str
    belongs_to: str
    chart: Chart | None = None


@dataclass(frozen=True)
class PublicKpiPage:
    """One page of the public KPIs with their charts and tables."""

    kpis: list[PublicKpi]
    number: int
    pages: int
    total: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


@dataclass
class PublicAgenda:
    kommune_name: str
    title: str
    intro: str
    easy_text: str
    version: AgendaVersion
    decision_text: str
    vision: str
    leitsaetze: list[str]
    fields: list[PublicField]
    counts: list[tuple[str, str, int]]
    kpis: list[PublicKpi]
    kpi_explanation: str
    today: datetime.date

    @property
    def has_kpis(self) -> bool:
        return bool(self.kpis)

    @property
    def measure_total(self) -> int:
        return sum(n for _code, _label, n in self.counts)

    def count(self, code: str) -> int:
        return next((n for c, _label, n in self.counts if c == code), 0)

    @property
    def running(self) -> int:
        return self.count(MeasureStatus.IN_UMSETZUNG)

    @property
    def done(self) -> int:
        return self.count(MeasureStatus.ABGESCHLOSSEN)

    @property
    def planned(self) -> int:
        return self.count(MeasureStatus.GEPLANT)


def content(kommune: Kommune) -> PublicAgenda | None:
    """What the public page shows (a fixed number of queries); None without a decided version."""
    version = selectors.decided_version(kommune)
    if version is None:
        return None
    agenda = selectors.agenda(kommune)
    settings = selectors.settings(kommune)
    fields = list(selectors.handlungsfelder(kommune, version))
    sections, counts = _sections(kommune, fields)
    return PublicAgenda(
        kommune_name=kommune.name,
        title=agenda.title if agenda else _("Digitale Agenda"),
        intro=settings.public_intro,
        easy_text=settings.public_easy_text,
        version=version,
        decision_text=_decision_text(version),
        vision=version.vision,
        leitsaetze=[item.text for item in selectors.leitsaetze(kommune, version)],
        fields=sections,
        counts=counts,
        kpis=_kpis(kommune),
        kpi_explanation=kpi_status.explanation(),
        today=timezone.localdate(),
    )


@dataclass(frozen=True)
class PublicHeader:
    """What the shell of the KPI pages needs (the overview's `PublicAgenda` has the same names)."""

    title: str
    has_kpis: bool
    kpi_explanation: str
    today: datetime.date


def header(kommune: Kommune, kpi_total: int) -> PublicHeader:
    agenda = selectors.agenda(kommune)
    return PublicHeader(
        title=agenda.title if agenda else _("Digitale Agenda"),
        has_kpis=kpi_total > 0,
        kpi_explanation=kpi_status.explanation(),
        today=timezone.localdate(),
    )


def _decision_text(version: AgendaVersion) -> str:
    decision = version.decision
    text = _("Fassung %(n)d, beschlossen am %(day)s") % {"n": version.number, "day": day(version.decided_on)}
    if decision is not None:
        text += " " + _("vom Gremium „%(body)s“") % {"body": decision.body}
        if decision.drucksache:
            text += " " + _("(Drucksache %(number)s)") % {"number": decision.drucksache}
    return text


def _period(measure: Measure) -> str:
    if measure.starts_on and measure.ends_on:
        return f"{measure.starts_on:%m/%Y} – {measure.ends_on:%m/%Y}"
    if measure.starts_on:
        return _("ab %(month)s") % {"month": f"{measure.starts_on:%m/%Y}"}
    if measure.ends_on:
        return _("bis %(month)s") % {"month": f"{measure.ends_on:%m/%Y}"}
    return "–"


def _sections(kommune: Kommune, fields: list[Handlungsfeld]) -> tuple[list[PublicField], list[tuple[str, str, int]]]:
    """The measures (not ideas) under the version's Handlungsfelder by key; others under "Weitere"."""
    measures = list(
        Measure.objects.for_kommune(kommune)
        .filter(status__in=PUBLIC_STATUSES)
        .select_related("accountable_role", "responsible_unit")
        .order_by("title", "pk")
    )
    links = Measure.handlungsfelder.through.objects.filter(
        measure__kommune=kommune, measure__status__in=PUBLIC_STATUSES
    )
    keys: dict[int, set[str]] = defaultdict(set)
    for measure_id, key in links.values_list("measure_id", "handlungsfeld__key"):
        keys[measure_id].add(key)
    sections = {f.key: PublicField(f.name, f.description) for f in fields}
    others = PublicField(_("Weitere Maßnahmen"), "")
    labels = dict(MeasureStatus.choices)
    for m in measures:
        row = PublicMeasure(
            title=m.title,
            description=m.description,
            status=m.status,
            status_label=str(labels[m.status]),
            role=m.accountable_role.name if m.accountable_role else "–",
            unit=m.responsible_unit.name if m.responsible_unit else "–",
            period=_period(m),
        )
        placed = [sections[key] for key in sorted(keys.get(m.pk, ())) if key in sections]
        for section in placed or [others]:
            section.measures.append(row)
    counted = Counter(m.status for m in measures)
    counts = [(str(code), str(labels[code]), counted.get(code, 0)) for code in PUBLIC_STATUSES]
    result = list(sections.values()) + ([others] if others.measures else [])
    return result, counts


def _public_kpis(kommune: Kommune) -> QuerySet[KPI]:
    return (
        KPI.objects.for_kommune(kommune).filter(is_public=True).select_related("goal", "measure").order_by("name", "pk")
    )


def _public_kpi(kpi: KPI, index: int, latest: KPIValue | None, chart: Chart | None = None) -> PublicKpi:
    status = selectors.status_of(kpi, latest)
    return PublicKpi(
        anchor=f"kennzahl-{kpi.pk}",
        page=index // KPIS_PER_PAGE + 1,
        name=kpi.name,
        unit=kpi.unit,
        baseline=f"{number(kpi.baseline_value, kpi.unit)} ({day(kpi.baseline_on)})",
        target=f"{number(kpi.target_value, kpi.unit)} ({day(kpi.target_on)})",
        current=f"{number(latest.value, kpi.unit)} ({day(latest.measured_on)})" if latest else "–",
        status=status.label,
        status_code=status.code,
        belongs_to=_belongs_to(kpi),
        chart=chart,
    )


def _kpis(kommune: Kommune) -> list[PublicKpi]:
    """The public KPIs with their latest value and status, for the overview's table (three
    queries, whatever their number)."""
    kpis = list(_public_kpis(kommune))
    latest = selectors.latest_values(kommune, [kpi.pk for kpi in kpis]) if kpis else {}
    return [_public_kpi(kpi, i, latest.get(kpi.pk)) for i, kpi in enumerate(kpis)]


def kpi_page_number(raw: object, total: int) -> int:
    """The page asked for, kept within the pages there are (a wrong number shows the first or the last)."""
    pages = max(1, -(-total // KPIS_PER_PAGE))
    try:
        wanted = int(str(raw))
    except ValueError:
        return 1
    return min(max(wanted, 1), pages)


def kpi_count(kommune: Kommune) -> int:
    return _public_kpis(kommune).count()


def kpi_page(kommune: Kommune, number_: int) -> PublicKpiPage:
    """One page of the public KPIs, each with its chart (values and the plan line) and table; the
    values are read for the KPIs of this page only (a fixed number of queries)."""
    total = kpi_count(kommune)
    pages = max(1, -(-total // KPIS_PER_PAGE))
    number_ = min(max(number_, 1), pages)
    offset = (number_ - 1) * KPIS_PER_PAGE
    kpis = list(_public_kpis(kommune)[offset : offset + KPIS_PER_PAGE])
    series: dict[int, list[KPIValue]] = defaultdict(list)
    for value in KPIValue.objects.for_kommune(kommune).filter(kpi__in=kpis).order_by("measured_on", "id"):
        series[value.kpi_id].append(value)
    found = []
    for i, kpi in enumerate(kpis, start=offset):
        points = series.get(kpi.pk, [])
        chart = kpi_chart(kpi, points) if points else None  # the chart of the KPI's page inside
        found.append(_public_kpi(kpi, i, points[-1] if points else None, chart))
    return PublicKpiPage(kpis=found, number=number_, pages=pages, total=total)


def _belongs_to(kpi: KPI) -> str:
    if kpi.goal is not None:
        return _("Ziel „%(title)s“") % {"title": kpi.goal.title}
    if kpi.measure is not None and kpi.measure.status in PUBLIC_STATUSES:
        return _("Maßnahme „%(title)s“") % {"title": kpi.measure.title}
    return ""
