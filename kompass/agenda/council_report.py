"""The "Sachstandsbericht Digitale Agenda" for a date (Stichtag): what the council is told.

One context builder for the three forms of the report — the preview page, the tagged PDF
(`report_pdf`) and the editable Word document (`report_docx`) — so they say the same. Every
number is formatted here, in German, once.

What "at the date" means (the Stichtag):

- the version of the agenda in force: the newest decided version decided on or before the date
  (else the newest decided one, else the draft, which the report then calls a draft);
- a measure's status: the last step of its status history up to the end of that day; a measure
  created after the date is not in the report (the summary counts them);
- a KPI's current value: its newest value measured on or before the date, and its status
  (`kpi_status`) from that value;
- progress and traffic light: the newest status report up to the date;
- the council decisions it reports on: decided on or before the date (not those still in Beratung);
  open decisions: those after the date, adjourned (vertagt) or still being deliberated (in
  Beratung), and planned measures whose budget has no approving decision.

No person is named: measures are owned by roles, and the report names the role and the unit.
The builder costs a fixed number of queries, whatever the number of measures and KPIs.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Max, Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kompass.agenda import impact, kpi_status, selectors
from kompass.agenda.models import (
    KPI,
    AgendaVersion,
    BudgetLine,
    CouncilDecision,
    DecisionResult,
    Handlungsfeld,
    ImpactStep,
    KPIValue,
    Measure,
    MeasureStatus,
    MeasureStatusChange,
    Risk,
    StatusReport,
    VersionState,
)
from kompass.reports import charts
from kompass.reports.charts import Chart
from kompass.tenancy.models import Kommune

# The parts of the report, in their order; the form offers each (all by default).
SECTIONS: tuple[tuple[str, Any], ...] = (
    ("zusammenfassung", gettext_lazy("Zusammenfassung")),
    ("handlungsfelder", gettext_lazy("Fortschritt je Handlungsfeld")),
    ("wirkungsketten", gettext_lazy("Wirkungsketten der Maßnahmen")),
    ("kennzahlen", gettext_lazy("Kennzahlen")),
    ("haushalt", gettext_lazy("Haushalt")),
    ("risiken", gettext_lazy("Risiken")),
    ("entscheidungen", gettext_lazy("Offene Entscheidungen")),
    ("beschluesse", gettext_lazy("Gremienbeschlüsse")),
)
SECTION_KEYS = tuple(key for key, _label in SECTIONS)
KPI_SCOPES: tuple[tuple[str, Any], ...] = (
    ("ziele", gettext_lazy("Kennzahlen der Ziele")),
    ("alle", gettext_lazy("alle Kennzahlen (auch die der Maßnahmen)")),
)
TOP_RISKS = 15
# The per-measure budget table lists the measures with the largest planned money; all budget lines
# are in the workbook (sheet "Haushaltsansätze"). A Großstadt has some 300 open measures with money.
TOP_BUDGET_ROWS = 30
# The budget table names each planned and running measure; the others count in the sums per year.
BUDGET_ROW_STATUSES = (MeasureStatus.GEPLANT, MeasureStatus.IN_UMSETZUNG)
# Chains are shown for the measures under way (what the council follows between two reports); the
# others stand in the overview. Keeps the report near 30 pages for a Großstadt's 400 measures.
CHAIN_STATUSES = (MeasureStatus.IN_UMSETZUNG,)
NO_VALUE = "–"


@dataclass(frozen=True)
class ReportOptions:
    """What the report covers: its date, its parts and which KPIs it lists."""

    stichtag: datetime.date
    sections: frozenset[str] = frozenset(SECTION_KEYS)
    kpi_scope: str = "ziele"

    def shows(self, section: str) -> bool:
        return section in self.sections

    def query(self) -> str:
        """The options as the query string of the download links."""
        parts = [f"stichtag={self.stichtag:%Y-%m-%d}", f"kennzahlen={self.kpi_scope}"]
        if self.sections != frozenset(SECTION_KEYS):
            parts += [f"teil={key}" for key in SECTION_KEYS if key in self.sections]
        return "&".join(parts)


class BadOptions(ValueError):
    """A malformed Stichtag or option; the message is German and names the value."""


def parse_options(params: Mapping[str, Any], today: datetime.date | None = None) -> ReportOptions:
    """The options from a query string (`stichtag=JJJJ-MM-TT`, `teil=…` repeated, `kennzahlen=…`);
    no date is today; an unknown part or scope is refused rather than quietly dropped."""
    raw = str(params.get("stichtag") or "").strip()
    stichtag = today or timezone.localdate()
    if raw:
        try:
            stichtag = datetime.date.fromisoformat(raw)
        except ValueError:
            message = _("„%(value)s“ ist kein gültiger Stichtag. Bitte das Datum als JJJJ-MM-TT angeben.")
            raise BadOptions(message % {"value": raw[:40]}) from None
    getlist = getattr(params, "getlist", None)
    chosen = [str(v) for v in getlist("teil")] if getlist else list(params.get("teil") or [])
    unknown = sorted(set(chosen) - set(SECTION_KEYS))
    if unknown:
        raise BadOptions(_("Diesen Teil des Berichts gibt es nicht: %(name)s.") % {"name": unknown[0][:40]})
    scope = str(params.get("kennzahlen") or "ziele")
    if scope not in dict(KPI_SCOPES):
        raise BadOptions(_("Diese Auswahl der Kennzahlen gibt es nicht: %(name)s.") % {"name": scope[:40]})
    return ReportOptions(stichtag, frozenset(chosen) or frozenset(SECTION_KEYS), scope)


# --- German numbers ----------------------------------------------------------------------------


def eur(value: Decimal | None) -> str:
    """1234.5 → "1.234,50 €"."""
    if value is None:
        return NO_VALUE
    return f"{formats.number_format(value, 2, use_l10n=True, force_grouping=True)} €"


def number(value: Decimal | None, unit: str = "") -> str:
    """A KPI value in German without needless decimals: 12.5000 → "12,5", with its unit."""
    if value is None:
        return NO_VALUE
    normal = Decimal(value).normalize()
    places = max(0, -normal.as_tuple().exponent)  # type: ignore[operator]
    text = formats.number_format(normal, min(places, 4), use_l10n=True, force_grouping=True)
    return f"{text} {unit}".strip()


def day(value: datetime.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else NO_VALUE


# --- the report's rows -------------------------------------------------------------------------


@dataclass
class MeasureRow:
    measure: Measure
    status: str
    status_label: str
    role: str
    unit: str
    progress: int | None = None
    light: str = ""
    field_keys: list[str] = field(default_factory=list)


@dataclass
class FieldSection:
    """A Handlungsfeld with the measures that have it as their first field (`rows`, one table row
    each) and those placed first in another field (`also`, named in one sentence): a measure of
    three fields is a row once, and the report of a Großstadt stays near 30 pages."""

    key: str
    name: str
    description: str
    rows: list[MeasureRow]
    counts: list[tuple[str, int]]
    also: list[MeasureRow] = field(default_factory=list)

    @property
    def all_rows(self) -> list[MeasureRow]:
        return self.rows + self.also

    @property
    def counts_text(self) -> str:
        return " · ".join(f"{label}: {n}" for label, n in self.counts if n)

    @property
    def progress(self) -> str:
        values = [row.progress for row in self.all_rows if row.progress is not None]
        return f"{round(sum(values) / len(values))} %" if values else NO_VALUE

    @property
    def also_text(self) -> str:
        return ", ".join(row.measure.title for row in self.also)


@dataclass(frozen=True)
class ChainRow:
    title: str
    status_label: str
    levels: list[tuple[str, list[str]]]


@dataclass(frozen=True)
class KpiRow:
    name: str
    belongs_to: str
    baseline: str
    current: str
    current_on: str
    target: str
    status: str
    status_code: str


class _Money:
    """Planned, spent and funded money as euro texts, from the amounts of the row."""

    planned_amount: Decimal
    spent_amount: Decimal
    funding_amount: Decimal

    @property
    def planned(self) -> str:
        return eur(self.planned_amount)

    @property
    def spent(self) -> str:
        return eur(self.spent_amount)

    @property
    def funding(self) -> str:
        return eur(self.funding_amount)


@dataclass(frozen=True)
class MoneyRow(_Money):
    """The money of one Handlungsfeld."""

    label: str
    planned_amount: Decimal
    spent_amount: Decimal
    funding_amount: Decimal


@dataclass(frozen=True)
class YearRow(_Money):
    year: int
    planned_amount: Decimal
    spent_amount: Decimal
    funding_amount: Decimal


@dataclass(frozen=True)
class BudgetRow:
    title: str
    references: str
    years: str
    planned: str
    spent: str
    funding: str
    planned_amount: Decimal = Decimal(0)


@dataclass(frozen=True)
class RiskRow:
    measure: str
    title: str
    likelihood: int
    impact: int
    score: int
    mitigation: str


@dataclass(frozen=True)
class DecisionRow:
    body: str
    date: str
    drucksache: str
    title: str
    result: str
    concerns: str
    link: str


@dataclass
class CouncilReport:
    """Everything the report shows, formatted."""

    kommune: Kommune
    options: ReportOptions
    today: datetime.date
    title: str
    agenda_title: str
    version_label: str
    vision: str
    leitsaetze: list[str]
    impact_style: str
    counts: list[tuple[str, str, int]] = field(default_factory=list)  # code, label, number
    measure_total: int = 0
    created_later: int = 0
    budget_planned: str = NO_VALUE
    budget_spent: str = NO_VALUE
    budget_funding: str = NO_VALUE
    kpi_counts: list[tuple[str, str, int]] = field(default_factory=list)
    fields: list[FieldSection] = field(default_factory=list)
    chains: list[ChainRow] = field(default_factory=list)
    kpis: list[KpiRow] = field(default_factory=list)
    kpi_total: int = 0
    years: list[YearRow] = field(default_factory=list)
    field_budget: list[MoneyRow] = field(default_factory=list)
    budget_rows: list[BudgetRow] = field(default_factory=list)  # the TOP_BUDGET_ROWS largest
    budget_row_total: int = 0
    risks: list[RiskRow] = field(default_factory=list)
    risk_total: int = 0
    open_decisions: list[DecisionRow] = field(default_factory=list)
    waiting: list[MeasureRow] = field(default_factory=list)
    decisions: list[DecisionRow] = field(default_factory=list)
    charts: dict[str, Chart] = field(default_factory=dict)

    @property
    def stichtag(self) -> str:
        return day(self.options.stichtag)

    def shows(self, section: str) -> bool:
        return self.options.shows(section)

    @property
    def section_labels(self) -> dict[str, str]:
        return {key: str(label) for key, label in SECTIONS}

    @property
    def kpi_explanation(self) -> str:
        return kpi_status.explanation()

    @property
    def kpi_scope_label(self) -> str:
        return str(dict(KPI_SCOPES)[self.options.kpi_scope])


# --- building ----------------------------------------------------------------------------------


def build(kommune: Kommune, options: ReportOptions) -> CouncilReport:
    """The report for the Kommune at `options.stichtag` (German texts, whatever the request's language)."""
    with translation.override("de"):
        return _build(kommune, options)


def _build(kommune: Kommune, options: ReportOptions) -> CouncilReport:
    version = version_in_force(kommune, options.stichtag)
    agenda = selectors.agenda(kommune)
    agenda_settings = selectors.settings(kommune)
    report = CouncilReport(
        kommune=kommune,
        options=options,
        today=timezone.localdate(),
        title=_("Sachstandsbericht Digitale Agenda"),
        agenda_title=agenda.title if agenda else _("Digitale Agenda"),
        version_label=_version_label(version),
        vision=version.vision if version else "",
        leitsaetze=[item.text for item in selectors.leitsaetze(kommune, version)] if version else [],
        impact_style=agenda_settings.impact_labels,
    )
    rows, report.created_later = measure_rows(kommune, options.stichtag)
    fields = list(selectors.handlungsfelder(kommune, version)) if version else []
    report.fields = _field_sections(fields, rows)
    report.measure_total = len(rows)
    report.counts = _status_counts(rows)
    _add_budget(report, kommune, rows)
    _add_kpis(report, kommune, options)
    if options.shows("wirkungsketten"):
        report.chains = _chains(kommune, rows, agenda_settings.impact_labels)
    if options.shows("risiken"):
        report.risks, report.risk_total = _risks(kommune, rows)
    _add_decisions(report, kommune, rows)
    report.charts = _charts(report)
    return report


def version_in_force(kommune: Kommune, on: datetime.date) -> AgendaVersion | None:
    """The version the council had decided by `on` (see the module)."""
    versions = selectors.versions(kommune)
    decided = versions.filter(state=VersionState.BESCHLOSSEN)
    return (
        decided.filter(decided_on__lte=on).order_by("-decided_on", "-number").first()
        or decided.order_by("-number").first()
        or versions.order_by("-number").first()
    )


def _version_label(version: AgendaVersion | None) -> str:
    if version is None:
        return _("Es gibt noch keine Fassung der Digitalen Agenda.")
    if version.is_decided:
        decided = day(version.decided_on)
        return _("Fassung %(n)d, beschlossen am %(day)s") % {"n": version.number, "day": decided}
    return _("Fassung %(n)d (Entwurf, noch nicht beschlossen)") % {"n": version.number}


def _end_of(on: datetime.date) -> datetime.datetime:
    start = datetime.datetime.combine(on + datetime.timedelta(days=1), datetime.time.min)
    return timezone.make_aware(start)


def measure_rows(kommune: Kommune, on: datetime.date) -> tuple[list[MeasureRow], int]:
    """Every measure that existed at the end of `on` with its status then, its role, unit, latest
    progress and Handlungsfeld keys (five queries); and how many were created later."""
    measures = list(
        Measure.objects.for_kommune(kommune).select_related("accountable_role", "responsible_unit").order_by("title")
    )
    status_at: dict[int, str] = {}
    history = MeasureStatusChange.objects.for_kommune(kommune).filter(changed_at__lt=_end_of(on))
    for measure_id, to_status in history.order_by("changed_at", "id").values_list("measure_id", "to_status"):
        status_at[measure_id] = to_status
    reports = StatusReport.objects.for_kommune(kommune).filter(reported_on__lte=on).order_by("reported_on", "id")
    latest = {row[0]: row[1:] for row in reports.values_list("measure_id", "progress", "light")}
    links = Measure.handlungsfelder.through.objects.filter(measure__kommune=kommune)
    keys_of: dict[int, list[str]] = defaultdict(list)
    for measure_id, key in links.values_list("measure_id", "handlungsfeld__key"):
        keys_of[measure_id].append(key)
    labels = dict(MeasureStatus.choices)
    rows = []
    for m in measures:
        if m.pk not in status_at:
            continue
        progress, light = latest.get(m.pk, (None, ""))
        rows.append(
            MeasureRow(
                measure=m,
                status=status_at[m.pk],
                status_label=str(labels[status_at[m.pk]]),
                role=m.accountable_role.name if m.accountable_role else _("keine Rolle benannt"),
                unit=m.responsible_unit.name if m.responsible_unit else NO_VALUE,
                progress=progress,
                light=light,
                field_keys=sorted(set(keys_of.get(m.pk, []))),
            )
        )
    return rows, len(measures) - len(rows)


def _status_counts(rows: Iterable[MeasureRow]) -> list[tuple[str, str, int]]:
    counted = Counter(row.status for row in rows)
    return [(code, str(label), counted.get(code, 0)) for code, label in MeasureStatus.choices]


def _field_sections(fields: list[Handlungsfeld], rows: list[MeasureRow]) -> list[FieldSection]:
    """The measures under each Handlungsfeld of the version (by key): a row under the first of its
    fields in the version's order, named under the others; measures under none last. Counts and
    progress of a field take all its measures."""
    first: dict[str, list[MeasureRow]] = defaultdict(list)
    also: dict[str, list[MeasureRow]] = defaultdict(list)
    order = [f.key for f in fields]
    for row in rows:
        placed = [key for key in order if key in row.field_keys]
        if not placed:
            first[""].append(row)
            continue
        first[placed[0]].append(row)
        for key in placed[1:]:
            also[key].append(row)
    sections = [
        FieldSection(f.key, f.name, f.description, first.get(f.key, []), [], also.get(f.key, [])) for f in fields
    ]
    if first.get(""):
        sections.append(FieldSection("", _("Ohne Handlungsfeld"), "", first[""], []))
    for section in sections:
        section.counts = [(label, n) for _code, label, n in _status_counts(section.all_rows)]
    return sections


def _chains(kommune: Kommune, rows: list[MeasureRow], style: str) -> list[ChainRow]:
    """The impact chain of each measure the council follows, levels in their order with the
    Kommune's names (KGSt or EU/PHINEO, `impact`)."""
    followed = {row.measure.pk: row for row in rows if row.status in CHAIN_STATUSES}
    steps: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    queryset = ImpactStep.objects.for_kommune(kommune).filter(measure_id__in=followed).order_by("position", "id")
    for measure_id, level, text in queryset.values_list("measure_id", "level", "text"):
        steps[measure_id][level].append(text)
    labels = impact.impact_labels(style)
    chains = []
    for measure_id, row in followed.items():
        if measure_id in steps:
            levels = [(labels[level], steps[measure_id][level]) for level in impact.LEVELS if steps[measure_id][level]]
            chains.append(ChainRow(row.measure.title, row.status_label, levels))
    return chains


def values_at(kommune: Kommune, on: datetime.date, kpi_ids: Iterable[int] | None = None) -> dict[int, KPIValue]:
    """The newest value of each KPI measured on or before `on` (two queries)."""
    values = KPIValue.objects.for_kommune(kommune).filter(measured_on__lte=on)
    if kpi_ids is not None:
        values = values.filter(kpi_id__in=list(kpi_ids))
    newest = {
        (row["kpi_id"], row["last"]) for row in values.order_by().values("kpi_id").annotate(last=Max("measured_on"))
    }
    days = {d for _kpi, d in newest}
    found = values.filter(measured_on__in=days) if days else values.none()
    return {v.kpi_id: v for v in found if (v.kpi_id, v.measured_on) in newest}


def kpi_row(kpi: KPI, value: KPIValue | None, belongs_to: str) -> KpiRow:
    status = selectors.status_of(kpi, value)
    return KpiRow(
        name=kpi.name,
        belongs_to=belongs_to,
        baseline=f"{number(kpi.baseline_value, kpi.unit)} ({day(kpi.baseline_on)})",
        current=number(value.value, kpi.unit) if value else NO_VALUE,
        current_on=day(value.measured_on) if value else NO_VALUE,
        target=f"{number(kpi.target_value, kpi.unit)} ({day(kpi.target_on)})",
        status=status.label,
        status_code=status.code,
    )


def _add_kpis(report: CouncilReport, kommune: Kommune, options: ReportOptions) -> None:
    """KPI status counts over all KPIs; the rows of the chosen scope (goals' KPIs or all)."""
    kpis = list(KPI.objects.for_kommune(kommune).select_related("goal", "measure").order_by("name", "pk"))
    values = values_at(kommune, options.stichtag)
    rows = []
    for kpi in kpis:
        owner = kpi.goal.title if kpi.goal else kpi.measure.title if kpi.measure else NO_VALUE
        rows.append((kpi, kpi_row(kpi, values.get(kpi.pk), owner)))
    counted = Counter(row.status_code for _kpi, row in rows)
    codes = (*kpi_status.STATUS_ORDER, kpi_status.KEINE_WERTE)
    report.kpi_counts = [(code, kpi_status.status_label(code), counted.get(code, 0)) for code in codes]
    report.kpi_total = len(rows)
    wanted = [row for kpi, row in rows if options.kpi_scope == "alle" or kpi.goal_id is not None]
    report.kpis = sorted(wanted, key=lambda row: (row.belongs_to, row.name)) if options.shows("kennzahlen") else []


def _add_budget(report: CouncilReport, kommune: Kommune, rows: list[MeasureRow]) -> None:
    """Totals; sums per year and per Handlungsfeld (a measure counts under its first field, as in
    the progress tables, so no money is counted twice); and the open measures with the most planned
    money, each with its Haushaltsstellen, years, money and funding."""
    shown = {row.measure.pk: row for row in rows}
    lines = [
        line for line in BudgetLine.objects.for_kommune(kommune).order_by("year", "id") if line.measure_id in shown
    ]
    per_year: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
    per_measure: dict[int, list[BudgetLine]] = defaultdict(list)
    for line in lines:
        _add_money(per_year[line.year], line)
        per_measure[line.measure_id].append(line)
    report.years = [YearRow(year, *sums) for year, sums in sorted(per_year.items())]
    report.field_budget = _field_budget(report.fields, per_measure)
    report.budget_planned = eur(sum((line.planned for line in lines), Decimal(0)))
    report.budget_spent = eur(sum((line.spent for line in lines), Decimal(0)))
    report.budget_funding = eur(sum((line.funding_amount or Decimal(0) for line in lines), Decimal(0)))
    open_rows = [
        _budget_row(shown[pk].measure.title, items)
        for pk, items in per_measure.items()
        if shown[pk].status in BUDGET_ROW_STATUSES
    ]
    open_rows.sort(key=lambda row: (-row.planned_amount, row.title))
    report.budget_row_total = len(open_rows)
    report.budget_rows = open_rows[:TOP_BUDGET_ROWS]


def _add_money(sums: list[Decimal], line: BudgetLine) -> None:
    sums[0] += line.planned
    sums[1] += line.spent
    sums[2] += line.funding_amount or 0


def _field_budget(sections: list[FieldSection], per_measure: dict[int, list[BudgetLine]]) -> list[MoneyRow]:
    """Money per Handlungsfeld, in the order of the report's fields; fields without money are left out."""
    result = []
    for section in sections:
        sums = [Decimal(0)] * 3
        lines = [line for row in section.rows for line in per_measure.get(row.measure.pk, [])]
        for line in lines:
            _add_money(sums, line)
        if lines:
            result.append(MoneyRow(section.name, *sums))
    return result


def _budget_row(title: str, lines: list[BudgetLine]) -> BudgetRow:
    refs = sorted({f"{line.get_haushalt_kind_display()} {line.haushalt_ref}".strip() for line in lines})
    years = sorted({line.year for line in lines})
    planned = sum((line.planned for line in lines), Decimal(0))
    funding = sorted(
        {
            f"{line.funding_programme} ({eur(line.funding_amount)})" if line.funding_amount else line.funding_programme
            for line in lines
            if line.funding_programme
        }
    )
    return BudgetRow(
        title=title,
        references="; ".join(refs),
        years=f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0]),
        planned=eur(planned),
        spent=eur(sum((line.spent for line in lines), Decimal(0))),
        funding="; ".join(funding) or NO_VALUE,
        planned_amount=planned,
    )


def _risks(kommune: Kommune, rows: list[MeasureRow]) -> tuple[list[RiskRow], int]:
    """The largest risks (likelihood × impact) of the measures that are not closed."""
    open_ids = {
        row.measure.pk: row.measure.title
        for row in rows
        if row.status not in (MeasureStatus.ABGESCHLOSSEN, MeasureStatus.GESTOPPT)
    }
    risks = [r for r in Risk.objects.for_kommune(kommune).order_by("id") if r.measure_id in open_ids]
    risks.sort(key=lambda r: (-(r.likelihood * r.impact), -r.impact, r.title))
    top = [
        RiskRow(open_ids[r.measure_id], r.title, r.likelihood, r.impact, r.likelihood * r.impact, r.mitigation)
        for r in risks[:TOP_RISKS]
    ]
    return top, len(risks)


def _decision_row(decision: CouncilDecision, concerns: str = "") -> DecisionRow:
    return DecisionRow(
        body=decision.body,
        date=day(decision.decided_on),
        drucksache=decision.drucksache or NO_VALUE,
        title=decision.title or NO_VALUE,
        result=decision.get_result_display(),
        concerns=concerns,
        link=decision.link or decision.oparl_id,
    )


def _add_decisions(report: CouncilReport, kommune: Kommune, rows: list[MeasureRow]) -> None:
    on = report.options.stichtag
    decisions = list(CouncilDecision.objects.for_kommune(kommune).order_by("decided_on", "id"))
    concerns = _what_decisions_concern(kommune)
    # A decision still in Beratung has no result yet: it is open, not among those taken.
    report.decisions = [
        _decision_row(d, concerns.get(d.pk, ""))
        for d in decisions
        if d.decided_on <= on and d.result != DecisionResult.IN_BERATUNG
    ]
    report.open_decisions = [
        _decision_row(d, concerns.get(d.pk, ""))
        for d in decisions
        if d.decided_on > on or d.result in (DecisionResult.VERTAGT, DecisionResult.IN_BERATUNG)
    ]
    report.waiting = waiting_for_decision(kommune, rows)


def _what_decisions_concern(kommune: Kommune) -> dict[int, str]:
    """Per decision: the versions it decided, how many budget lines and status reports it approves."""
    found: dict[int, list[str]] = defaultdict(list)
    for number, decision_id in (
        AgendaVersion.objects.for_kommune(kommune).filter(decision__isnull=False).values_list("number", "decision_id")
    ):
        found[decision_id].append(_("Fassung %(n)d der Digitalen Agenda") % {"n": number})
    linked = BudgetLine.objects.for_kommune(kommune).filter(decision__isnull=False)
    for decision_id, n in Counter(linked.values_list("decision_id", flat=True)).items():
        found[decision_id].append(ngettext("%(n)d Haushaltsansatz", "%(n)d Haushaltsansätze", n) % {"n": n})
    reports = StatusReport.objects.for_kommune(kommune).filter(decision__isnull=False)
    for decision_id, n in Counter(reports.values_list("decision_id", flat=True)).items():
        found[decision_id].append(ngettext("%(n)d Sachstandsbericht", "%(n)d Sachstandsberichte", n) % {"n": n})
    return {pk: ", ".join(items) for pk, items in found.items()}


def waiting_for_decision(kommune: Kommune, rows: list[MeasureRow]) -> list[MeasureRow]:
    """Planned measures that wait for the council: they have money planned without a budget decision."""
    undecided = set(
        BudgetLine.objects.for_kommune(kommune)
        .filter(decision__isnull=True)
        .filter(~Q(planned=0))
        .values_list("measure_id", flat=True)
    )
    return [row for row in rows if row.status == MeasureStatus.GEPLANT and row.measure.pk in undecided]


# --- charts -------------------------------------------------------------------------------------


def _charts(report: CouncilReport) -> dict[str, Chart]:
    found: dict[str, Chart] = {}
    named = [s for s in report.fields if s.rows]
    shown = _chart_statuses()
    if named and report.shows("handlungsfelder"):
        found["status"] = charts.horizontal_bar_chart(
            title=_("Maßnahmen je Handlungsfeld: geplant, in Umsetzung, abgeschlossen"),
            description=_(
                "Anzahl der geplanten, laufenden und abgeschlossenen Maßnahmen je Handlungsfeld am Stichtag; "
                "Ideen und gestoppte Maßnahmen stehen in den Tabellen."
            ),
            labels=[s.name for s in named],
            series={label: [dict(s.counts)[label] for s in named] for label in shown},
            label_header=_("Handlungsfeld"),
            decimals=0,
            ticks=_count_ticks(
                max((n for s in named for label, n in s.counts if label in _chart_statuses()), default=0)
            ),
        )
    if report.years and report.shows("haushalt"):
        found["budget"] = charts.bar_chart(
            title=_("Haushalt je Jahr"),
            description=_("Geplante und ausgegebene Mittel der Maßnahmen je Haushaltsjahr in Tausend Euro."),
            labels=[str(row.year) for row in report.years],
            series={
                _("geplant"): [round(float(row.planned_amount) / 1000) for row in report.years],
                _("ausgegeben"): [round(float(row.spent_amount) / 1000) for row in report.years],
            },
            label_header=_("Haushaltsjahr"),
            decimals=0,
            unit="Tsd. €",
        )
    return found


def _chart_statuses() -> list[str]:
    labels = dict(MeasureStatus.choices)
    return [
        str(labels[code]) for code in (MeasureStatus.GEPLANT, MeasureStatus.IN_UMSETZUNG, MeasureStatus.ABGESCHLOSSEN)
    ]


def _count_ticks(highest: int) -> list[int]:
    """Whole numbers on the count axis (at most about ten ticks)."""
    step = max(1, -(-highest // 10))
    return list(range(0, highest + step + 1, step))


def filename(kommune: Kommune, options: ReportOptions, extension: str) -> str:
    return f"sachstandsbericht-digitale-agenda-{kommune.slug}-{options.stichtag:%Y-%m-%d}.{extension}"
