"""The digital agenda of the demo Kommune Musterstadt, from `data/agenda_musterstadt.toml`.

What the file holds (its header explains every key): the agenda with vision and seven Leitsätze,
eight Handlungsfelder mapped to framework fields, 24 goals, 36 measures in every status with
milestones, budget lines, risks, impact chains and status reports, 60 KPIs with a generator spec
for three years of monthly values, and six council decisions. What the demo shows on purpose:

- the Rollen-Check finds the agenda's gaps: one measure whose accountable role nobody holds
  (`m-anwohnerparken`, Leistungsverantwortung), the CDO accountable for eight open measures
  against a limit of six, a goal without KPI, two KPIs without owner role, three KPIs whose
  series stopped a year ago, and four measures in Umsetzung without a status report for more
  than 90 days;
- the KPIs land on their intended status (`demo_status`) under the app's rule (`kpi_status`),
  checked by the demo's tests;
- three measures come from recommendations of the self-assessment and keep field and gap;
- a council decision after the reference date (the Haushalt 2027) is still open.

Dates are relative to the day of loading: the file is written for the reference date
2026-12-06, and every date is shifted by the same number of days, so the demo loaded next year
still has four overdue reports, not all of them. Budget years move by whole years
(`Shift.years`).

Musterstadt's role model assigns no Fachbereichsleitung; the measures of the Ämter need one, so
the heads of the units the measures name get it here (through the role services). Everything
else goes through `kompass.agenda.services` (the KPI values all at once with `kpi_values_record`,
marked as imported, one audit entry per value written in bulk; the file import service would write
its entries with the source "Import" instead of the demo's "Befehl"), and the public page is switched
on through `public_page.public_settings_update`. Two fix-ups follow the services with a queryset
update, as the self-assessment's demo does for its dates: a status report keeps the KPI values of
its own day (the service takes the newest values at the time it runs), and the closed campaigns of
the self-assessment take their evidence again once the agenda is there (`refresh_campaign_evidence`).

Kleinhausen gets no agenda: it is the small Kommune of the demo, there to show tenant isolation
and a start from nothing; its agenda pages show how to begin, and its Rollen-Check has no agenda
findings.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import math
import random
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from kompass.agenda import kpi_status
from kompass.agenda import services as agenda_services
from kompass.agenda.models import (
    KPI,
    Agenda,
    AgendaSettings,
    AgendaVersion,
    BudgetLine,
    CouncilDecision,
    DecisionResult,
    Goal,
    Handlungsfeld,
    HaushaltKind,
    ImpactStep,
    KPIValue,
    Leitsatz,
    Measure,
    MeasureDependency,
    Milestone,
    Risk,
    StatusReport,
    ValueSource,
)
from kompass.assessment import evidence as assessment_evidence
from kompass.assessment import services_targets as targets
from kompass.assessment.models import CampaignResult, Recommendation, RecommendationStatus
from kompass.demo.roles import NETWORK_START
from kompass.framework.models import Field, MeasureTemplate
from kompass.org.models import OrgUnit
from kompass.roles import services as role_services
from kompass.roles.models import Assignment, Role
from kompass.tenancy.models import Kommune

DATA_FILE = Path(__file__).resolve().parent / "data" / "agenda_musterstadt.toml"
REFERENCE_DATE = datetime.date(2026, 12, 6)  # the day the file is written for (its header)
SERIES_FROM, SERIES_TO = "2024-01", "2026-11"

# The heads of these units hold the Fachbereichsleitung for their unit (the measures of the Ämter
# are owned through it; for a role with many holders the owner is the holder in the measure's unit).
FACHBEREICHSLEITUNG_UNITS = ("01", "10.3", "20", "32.2", "33", "33.1", "40", "42", "50", "51.1", "61.2", "65")
FACHBEREICHSLEITUNG_SHARE = 10
FACHBEREICHSLEITUNG_MANDATE = "Geschäftsverteilungsplan: Leitung der Organisationseinheit"

HAUSHALT_KINDS = {
    "produkt": HaushaltKind.PRODUKT,
    "kostenstelle": HaushaltKind.KOSTENSTELLE,
    "investitionsnummer": HaushaltKind.INVESTITION,
}
IMPACT_KEYS = ("input", "output", "effekt", "impact", "outcome")
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
GERMAN_DATE = re.compile(r"\b(\d{2})\.(\d{2})\.(\d{4})\b")


@functools.cache
def agenda_data() -> dict[str, Any]:
    """The demo file, read once per process."""
    with DATA_FILE.open("rb") as handle:
        return tomllib.load(handle)


# --- dates relative to the day of loading --------------------------------------------------------


@dataclass(frozen=True)
class Shift:
    """Moves the file's dates so that its reference date is the day of loading."""

    today: datetime.date

    @property
    def delta(self) -> datetime.timedelta:
        return self.today - REFERENCE_DATE

    @property
    def years(self) -> int:
        """Budget years move by whole years (a demo loaded in spring 2027 still spends in 2027)."""
        return round(self.delta.days / 365.25)

    def date(self, value: datetime.date | str) -> datetime.date:
        if isinstance(value, str):
            value = datetime.date.fromisoformat(value)
        return value + self.delta

    def year(self, value: int) -> int:
        return value + self.years

    def text(self, value: str) -> str:
        """Dates written into texts (ISO or German) move with the data and are written the German way."""
        if not self.delta:
            return ISO_DATE.sub(lambda m: f"{m[3]}.{m[2]}.{m[1]}", value)

        def iso(match: re.Match[str]) -> str:
            return f"{self.date(datetime.date(int(match[1]), int(match[2]), int(match[3]))):%d.%m.%Y}"

        def german(match: re.Match[str]) -> str:
            return f"{self.date(datetime.date(int(match[3]), int(match[2]), int(match[1]))):%d.%m.%Y}"

        return ISO_DATE.sub(iso, GERMAN_DATE.sub(german, value))


# --- KPI series (the generator of the file's header) ---------------------------------------------


def _month(text: str) -> tuple[int, int]:
    year, month = text.split("-")
    return int(year), int(month)


def _months(start: str, end: str) -> list[datetime.date]:
    """The last day of every month from `start` to `end` ("JJJJ-MM"), both included."""
    year, month = _month(start)
    last = _month(end)
    days = []
    while (year, month) <= last:
        days.append(datetime.date(year, month, calendar.monthrange(year, month)[1]))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


SHAPES = {
    "linear": lambda t: t,
    "early": math.sqrt,
    "late": lambda t: t * t,
    "stagnant": lambda t: min(1.0, 4 * t),
}


def _rounded(value: float, unit: str) -> Decimal:
    if unit == "%":
        value = min(100.0, max(0.0, value))
    if unit == "Anzahl":
        return Decimal(max(0, round(value)))
    places = 2 if unit == "EUR" else 1
    return Decimal(str(round(value, places)))


def series_values(kpi: Mapping[str, Any]) -> list[tuple[datetime.date, Decimal]]:
    """The monthly values of a KPI as the file's header specifies them (on the file's dates)."""
    spec = kpi["series"]
    months = _months(spec.get("from", SERIES_FROM), spec.get("to", SERIES_TO))
    shape = SHAPES[spec.get("shape", "linear")]
    span = abs(float(kpi["target"]["value"]) - float(kpi["baseline"]["value"]))
    rng = random.Random(kpi["key"])  # noqa: S311 - reproducible demo values
    start, end = float(spec["start"]), float(spec["end"])
    last = len(months) - 1
    if "stop" in spec:
        stop = _month(spec["stop"])
        months = [day for day in months if (day.year, day.month) <= stop]
    values = []
    for index, day in enumerate(months):
        t = index / last if last else 1.0
        value = start + (end - start) * shape(t)
        noise = rng.gauss(0.0, float(spec.get("noise", 0.0)) * span)
        if index < len(months) - 1:
            value += noise
        values.append((day, _rounded(value, kpi["unit"])))
    return values


def intended_status(kpi: Mapping[str, Any]) -> str:
    """The status the KPI's series is written for, as a `kpi_status` code (or "ohne_aktuellen_wert")."""
    return str(kpi["demo_status"])


def computed_status(kpi: Mapping[str, Any]) -> kpi_status.KpiStatus:
    """The app's status of the KPI at its last generated value (`kpi_status.kpi_status`)."""
    line = kpi_status.Line(
        Decimal(str(kpi["baseline"]["value"])),
        kpi["baseline"]["date"],
        Decimal(str(kpi["target"]["value"])),
        kpi["target"]["date"],
        kpi["direction"],
    )
    day, value = series_values(kpi)[-1]
    return kpi_status.kpi_status(line, value, day)


# --- loading -----------------------------------------------------------------------------------


@dataclass
class AgendaSummary:
    """What the demo's agenda holds, for the output of `load_demo`."""

    handlungsfelder: int = 0
    goals: int = 0
    measures: int = 0
    kpis: int = 0
    values: int = 0
    reports: int = 0
    decisions: int = 0
    from_recommendations: int = 0
    public: bool = False  # the public transparency page is switched on
    loaded: bool = True  # False: the agenda was there already, nothing was changed

    def describe(self) -> str:
        prefix = "" if self.loaded else "schon vorhanden, unverändert: "
        return (
            f"{prefix}{self.handlungsfelder} Handlungsfelder, {self.goals} Ziele, {self.measures} Maßnahmen "
            f"({self.from_recommendations} aus Empfehlungen), {self.kpis} Kennzahlen mit {self.values} Werten, "
            f"{self.reports} Sachstandsberichte, {self.decisions} Gremienbeschlüsse"
            + ("; öffentliche Seite eingeschaltet" if self.public else "")
        )


@dataclass
class _Loader:
    kommune: Kommune
    shift: Shift
    data: dict[str, Any]
    roles: dict[str, Role] = field(default_factory=dict)
    units: dict[str, OrgUnit] = field(default_factory=dict)
    fields: dict[str, Handlungsfeld] = field(default_factory=dict)
    goals: dict[str, Goal] = field(default_factory=dict)
    measures: dict[str, Measure] = field(default_factory=dict)
    decisions: dict[str, CouncilDecision] = field(default_factory=dict)
    kpis: dict[str, KPI] = field(default_factory=dict)
    steps: dict[tuple[str, str], ImpactStep] = field(default_factory=dict)
    summary: AgendaSummary = field(default_factory=AgendaSummary)

    def __post_init__(self) -> None:
        self.roles = {r.key: r for r in Role.objects.for_kommune(self.kommune)}
        self.units = {u.code: u for u in OrgUnit.objects.for_kommune(self.kommune)}

    def run(self) -> AgendaSummary:
        self.fachbereichsleitung()
        self.strategy()
        self.goal_tree()
        for spec in self.data["measures"]:
            self.measure(spec)
        for spec in self.data["measures"]:
            for other in spec.get("depends_on", []):
                agenda_services.dependency_add(
                    kommune=self.kommune,
                    actor=None,
                    measure=self.measures[spec["key"]],
                    depends_on=self.measures[other],
                )
        for spec in self.data["kpis"]:
            self.kpi(spec)
        self.values()
        for spec in self.data["measures"]:
            self.reports(spec)
        self.publish()
        self.summary.measures = len(self.measures)
        self.summary.decisions = len(self.decisions)
        return self.summary

    # --- role model -------------------------------------------------------------------------------

    def fachbereichsleitung(self) -> None:
        role = self.roles["fachbereichsleitung"]
        held = set(
            Assignment.objects.for_kommune(self.kommune).filter(role=role).values_list("org_unit__code", flat=True)
        )
        for code in FACHBEREICHSLEITUNG_UNITS:
            unit = self.units[code]
            if code in held or unit.head is None:
                continue
            role_services.assignment_create(
                kommune=self.kommune,
                actor=None,
                data={
                    "person": unit.head,
                    "role": role,
                    "org_unit": unit,
                    "time_share": Decimal(FACHBEREICHSLEITUNG_SHARE),
                    "valid_from": NETWORK_START,
                    "mandate": FACHBEREICHSLEITUNG_MANDATE,
                },
            )

    # --- strategy -------------------------------------------------------------------------------

    def strategy(self) -> None:
        spec = self.data["agenda"]
        options = spec["settings"]
        weights = options["priority_weights"]
        agenda_services.settings_update(
            kommune=self.kommune,
            actor=None,
            data={
                "weight_benefit": round(weights["benefit"] * 10),
                "weight_urgency": round(weights["urgency"] * 10),
                "weight_effort": round(weights["effort"] * 10),
                "accountable_limit": options["max_measures_per_person"],
                "report_period_days": options["status_report_period_days"],
            },
        )
        agenda_services.agenda_create(kommune=self.kommune, actor=None, title=spec["title"], vision=spec["vision"])
        version = AgendaVersion.objects.for_kommune(self.kommune).get(number=1)
        for item in sorted(self.data["leitsaetze"], key=lambda i: i["position"]):
            agenda_services.leitsatz_create(
                kommune=self.kommune, actor=None, version=version, data={"text": item["text"]}
            )
        for item in sorted(self.data["handlungsfelder"], key=lambda i: i["position"]):
            self.fields[item["key"]] = agenda_services.handlungsfeld_create(
                kommune=self.kommune,
                actor=None,
                version=version,
                data={
                    "key": item["key"],
                    "name": item["name"],
                    "description": item["description"],
                    "framework_field_keys": item["framework_fields"],
                    "position": item["position"],
                },
            )
        self.summary.handlungsfelder = len(self.fields)
        for item in self.data["council_decisions"]:
            self.decisions[item["key"]] = self.decision(item)
        decided = spec["version"]
        agenda_services.version_decide(
            kommune=self.kommune,
            actor=None,
            version=version,
            data={
                "decided_on": self.shift.date(decided["decided_on"]),
                "decision": self.decisions[decided["council_decision"]],
            },
        )

    def decision(self, item: Mapping[str, Any]) -> CouncilDecision:
        sequence = self.shift.text(item["beratungsfolge"])
        if item.get("vote"):
            sequence += f". Abstimmungsergebnis: {item['vote']}"
        return agenda_services.council_decision_create(
            kommune=self.kommune,
            actor=None,
            data={
                "body": item["body"],
                "decided_on": self.shift.date(item["date"]),
                "drucksache": item["drucksache"],
                "title": item["title"],
                "beratungsfolge": sequence,
                "result": decision_result(item["result"]),
                "link": item.get("url", ""),
            },
        )

    def goal_tree(self) -> None:
        ordered = [g for g in self.data["goals"] if g["kind"] == "wirkungsziel"]
        ordered += [g for g in self.data["goals"] if g["kind"] != "wirkungsziel"]
        positions = {g["key"]: n for n, g in enumerate(self.data["goals"], start=1)}
        for item in ordered:
            data = {
                "kind": item["kind"],
                "title": item["title"],
                "description": item["description"],
                "effect": item["effect"],
                "handlungsfelder": [self.fields[key] for key in item["handlungsfelder"]],
                "position": positions[item["key"]],
            }
            if item.get("parent"):
                data["parent"] = self.goals[item["parent"]].pk
            self.goals[item["key"]] = agenda_services.goal_create(kommune=self.kommune, actor=None, data=data)
        self.summary.goals = len(self.goals)

    # --- measures ----------------------------------------------------------------------------------

    def measure(self, spec: Mapping[str, Any]) -> None:
        kommune, shift = self.kommune, self.shift
        data: dict[str, Any] = {
            "title": spec["title"],
            "description": spec["description"],
            "handlungsfelder": [self.fields[key] for key in spec["handlungsfelder"]],
            "goals": [self.goals[key] for key in spec.get("goals", [])],
            "accountable_role": self.roles[spec["accountable_role"]],
            "responsible_unit": self.units[spec["unit_hint"].split()[0]],
            "status": spec["status"],
            "benefit": spec["benefit"],
            "urgency": spec["urgency"],
            "effort": spec["effort"],
            "starts_on": shift.date(spec["start"]),
            "ends_on": shift.date(spec["end"]),
            "fte": Decimal(str(spec["fte"])),
            "beneficiaries": "; ".join(spec.get("beneficiaries", [])),
        }
        if spec.get("from_recommendation"):
            recommendation = self.recommendation(spec["from_template"], spec["recommendation_field"])
            measure = agenda_services.measure_from_recommendation(
                kommune=kommune, actor=None, recommendation=recommendation, data=data
            )
            self.summary.from_recommendations += 1
        else:
            measure = agenda_services.measure_create(kommune=kommune, actor=None, data=data)
        self.measures[spec["key"]] = measure
        for stone in spec.get("milestones", []):
            due = shift.date(stone["due"])
            done = min(due, shift.today) if stone.get("done") else None
            agenda_services.milestone_create(
                kommune=kommune,
                actor=None,
                measure=measure,
                data={"title": stone["title"], "due_on": due, "done_on": done},
            )
        self.budget(spec, measure)
        for risk in spec.get("risks", []):
            agenda_services.risk_create(kommune=kommune, actor=None, measure=measure, data=dict(risk))
        chain = spec.get("impact_chain", {})
        for position, level in enumerate(IMPACT_KEYS):
            if chain.get(level):
                self.steps[(spec["key"], level)] = agenda_services.impact_step_create(
                    kommune=kommune,
                    actor=None,
                    measure=measure,
                    data={"level": level, "text": chain[level], "position": position},
                )

    def budget(self, spec: Mapping[str, Any], measure: Measure) -> None:
        haushalt = spec.get("haushalt", {})
        reference = " ".join(part for part in (haushalt.get("number", ""), haushalt.get("label", "")) if part)[:60]
        funding = spec.get("funding", {})
        approvals = budget_decisions(self.data["council_decisions"])
        for n, line in enumerate(spec.get("budget", [])):
            decision_key = approvals.get((line["year"], spec["key"]))
            data: dict[str, Any] = {
                "year": self.shift.year(line["year"]),
                "planned": Decimal(line["planned"]),
                "spent": Decimal(line["spent"]),
                "haushalt_kind": HAUSHALT_KINDS[haushalt.get("kind", "Produkt").lower()],
                "haushalt_ref": reference,
                "decision": self.decisions[decision_key] if decision_key else None,
            }
            if n == 0 and funding:  # the grant is booked on the first year of the measure
                data["funding_programme"] = funding["programme"]
                data["funding_amount"] = Decimal(funding["amount"])
            agenda_services.budget_line_create(kommune=self.kommune, actor=None, measure=measure, data=data)

    def recommendation(self, template_key: str, field_key: str) -> Recommendation:
        """The accepted recommendation of this template for this field; accepted first through the
        self-assessment's service if the demo's self-assessment did not accept it."""
        found = (
            Recommendation.objects.for_kommune(self.kommune)
            .filter(template__key=template_key, field__key=field_key, status=RecommendationStatus.ACCEPTED)
            .first()
        )
        if found is not None:
            return found
        template = MeasureTemplate.objects.get(key=template_key)
        framework_field = Field.objects.for_kommune(self.kommune).get(key=field_key)
        try:
            return targets.recommendation_accept(
                kommune=self.kommune, actor=None, template=template, field=framework_field
            )
        except ValidationError as exc:  # the data file names a recommendation the rules refuse
            raise ValueError(f"Empfehlung {template_key} für {field_key}: {exc.messages}") from exc

    # --- KPIs ------------------------------------------------------------------------------------

    def kpi(self, spec: Mapping[str, Any]) -> None:
        data: dict[str, Any] = {
            "name": spec["name"],
            "unit": spec["unit"],
            "direction": spec["direction"],
            "baseline_value": Decimal(str(spec["baseline"]["value"])),
            "baseline_on": self.shift.date(spec["baseline"]["date"]),
            "target_value": Decimal(str(spec["target"]["value"])),
            "target_on": self.shift.date(spec["target"]["date"]),
            "data_source": spec.get("data_source", ""),
            "owner_role": self.roles[spec["owner_role"]] if spec.get("owner_role") else None,
            "period_days": spec["reporting_period_days"],
            "is_public": bool(spec.get("public")),
        }
        if spec.get("goal"):
            data["goal"] = self.goals[spec["goal"]]
        if spec.get("measure"):
            data["measure"] = self.measures[spec["measure"]]
            data["impact_step"] = self.steps.get((spec["measure"], spec.get("impact_level", "")))
        self.kpis[spec["key"]] = agenda_services.kpi_create(kommune=self.kommune, actor=None, data=data)
        self.summary.kpis = len(self.kpis)

    def values(self) -> None:
        """Every KPI's monthly series through the service, all at once (`kpi_values_record`: one
        audit entry per value, written in bulk), marked as imported: the series come from the
        Fachverfahren and statistics the file names as data sources."""
        values = [
            (self.kpis[spec["key"]], self.shift.date(day), value)
            for spec in self.data["kpis"]
            for day, value in series_values(spec)
        ]
        agenda_services.kpi_values_record(kommune=self.kommune, actor=None, values=values, source=ValueSource.IMPORT)
        self.summary.values += len(values)

    def publish(self) -> None:
        """Switch the public transparency page on with the file's introductions (if this version of
        the app has the switch: `public_page.public_settings_update`)."""
        try:
            from kompass.agenda.public_page import public_settings_update
        except ImportError:  # pragma: no cover - the public page arrives with its own area
            return
        spec = self.data["agenda"]
        public_settings_update(
            kommune=self.kommune,
            actor=None,
            data={
                "public_page_enabled": bool(spec.get("public_page")),
                "public_intro": spec.get("public_intro", ""),
                "public_easy_text": spec.get("public_intro_leichte_sprache", ""),
            },
        )
        self.summary.public = bool(spec.get("public_page"))

    # --- status reports -----------------------------------------------------------------------------

    def reports(self, spec: Mapping[str, Any]) -> None:
        measure = self.measures[spec["key"]]
        linked = report_decisions(self.data["council_decisions"], spec)
        kpis = [(self.kpis[k["key"]], k) for k in self.data["kpis"] if k.get("measure") == spec["key"]]
        for item in spec.get("status_reports", []):
            day = self.shift.date(item["date"])
            decision_key = linked.get(item["date"])
            report = agenda_services.status_report_create(
                kommune=self.kommune,
                actor=None,
                measure=measure,
                data={
                    "light": item["light"],
                    "progress": item["progress"],
                    "reported_on": day,
                    "period_end": day,
                    "text": self.shift.text(item["text"]),
                    "decision": self.decisions[decision_key] if decision_key else None,
                },
            )
            # The service keeps the newest values of today; a report of the past keeps those of its day.
            StatusReport.objects.for_kommune(self.kommune).filter(pk=report.pk).update(
                kpi_snapshot=self.snapshot_on(kpis, item["date"])
            )
            self.summary.reports += 1

    def snapshot_on(self, kpis: list[tuple[KPI, Mapping[str, Any]]], day: datetime.date) -> list[dict[str, Any]]:
        items = []
        for kpi, spec in sorted(kpis, key=lambda pair: (pair[0].name, pair[0].pk)):
            known = [(d, v) for d, v in series_values(spec) if d <= day]
            last = known[-1] if known else None
            on = self.shift.date(last[0]) if last else None
            status = kpi_status.kpi_status(kpi_status.Line.of(kpi), last[1] if last else None, on)
            items.append(
                {
                    "kpi": kpi.pk,
                    "name": kpi.name,
                    "unit": kpi.unit,
                    "value": str(last[1]) if last else None,
                    "measured_on": on.isoformat() if on else None,
                    "status": status.code,
                }
            )
        return items


def decision_result(text: str) -> str:
    """The result of a council decision as the file writes it ("beschlossen", "zur Kenntnis
    genommen", "in Beratung") as a `DecisionResult` value."""
    wanted = text.strip().lower()
    for value, label in DecisionResult.choices:
        if wanted in (str(value).lower(), str(label).lower()) or wanted.replace(" ", "_") == value:
            return str(value)
    raise ValueError(f"unbekanntes Beschlussergebnis: {text}")


def budget_decisions(decisions: Iterable[Mapping[str, Any]]) -> dict[tuple[int, str], str]:
    """(budget year, measure key) → the Haushalt decision that approved it ("rb-haushalt-2026")."""
    approvals: dict[tuple[int, str], str] = {}
    for item in decisions:
        if item.get("kind") == "haushalt":
            year = int(item["key"].rsplit("-", 1)[1])
            for measure in item.get("measures", []):
                approvals[(year, measure)] = item["key"]
    return approvals


def report_decisions(decisions: Iterable[Mapping[str, Any]], measure: Mapping[str, Any]) -> dict[datetime.date, str]:
    """Status reports that report on a decision about their measure: the first report on or after it."""
    linked: dict[datetime.date, str] = {}
    reports = sorted(item["date"] for item in measure.get("status_reports", []))
    for item in decisions:
        if item.get("kind") == "haushalt" or measure["key"] not in item.get("measures", []):
            continue
        after = [day for day in reports if day >= item["date"]]
        if after:
            linked[after[0]] = item["key"]
    return linked


def load_agenda(kommunen: list[Kommune], today: datetime.date | None = None) -> AgendaSummary:
    """Give Musterstadt its digital agenda (Kleinhausen none, see the module). Runs inside
    `load_demo`'s transaction and change context, after the self-assessment. A Musterstadt that
    has an agenda already is left as it is (loading twice changes nothing)."""
    musterstadt = kommunen[0]
    if Agenda.objects.for_kommune(musterstadt).exists():
        return existing_summary(musterstadt)
    loader = _Loader(musterstadt, Shift(today or timezone.localdate()), agenda_data())
    summary = loader.run()
    refresh_campaign_evidence(musterstadt)
    return summary


def refresh_campaign_evidence(kommune: Kommune) -> int:
    """Take the evidence of the closed campaigns again, now that the agenda exists.

    A campaign stores the Kompass's evidence when it closes (`assessment.evidence.snapshot`, kept
    in its result). The demo closes its past campaigns before it builds the agenda, because the
    agenda takes measures from the recommendations those results give; so their snapshots held no
    agenda signals for the Steuerung fields. The load order cannot turn round, so the snapshot is
    taken again with the same function, on the same day as at closing (the demo's load day): what
    the providers say about the data as loaded, nothing made up. Returns how many results changed."""
    changed = 0
    for result in CampaignResult.objects.for_kommune(kommune).order_by("pk"):
        keys = {item["field_key"] for item in result.data.get("items", [])}
        data = {
            **result.data,
            "evidence": assessment_evidence.snapshot(kommune, keys),
            "evidence_on": timezone.localdate().isoformat(),
        }
        if data != result.data:
            CampaignResult.objects.for_kommune(kommune).filter(pk=result.pk).update(data=data)
            changed += 1
    return changed


def existing_summary(kommune: Kommune) -> AgendaSummary:
    return AgendaSummary(
        handlungsfelder=Handlungsfeld.objects.for_kommune(kommune).count(),
        goals=Goal.objects.for_kommune(kommune).count(),
        measures=Measure.objects.for_kommune(kommune).count(),
        kpis=KPI.objects.for_kommune(kommune).count(),
        values=KPIValue.objects.for_kommune(kommune).count(),
        reports=StatusReport.objects.for_kommune(kommune).count(),
        decisions=CouncilDecision.objects.for_kommune(kommune).count(),
        from_recommendations=Measure.objects.for_kommune(kommune).filter(origin_recommendation__isnull=False).count(),
        public=AgendaSettings.objects.for_kommune(kommune).filter(public_page_enabled=True).exists(),
        loaded=False,
    )


def agenda_snapshot(slugs: list[str]) -> dict[str, list[Any]]:
    """The demo's agenda without primary keys or timestamps, to compare two loads."""
    scope = {"kommune__slug__in": slugs}

    def rows(model: Any, *names: str) -> list[tuple[Any, ...]]:
        return sorted(model.objects.unscoped().filter(**scope).values_list("kommune__slug", *names), key=repr)

    return {
        "settings": rows(
            AgendaSettings,
            "weight_benefit",
            "weight_urgency",
            "weight_effort",
            "accountable_limit",
            "public_page_enabled",
            "public_intro",
        ),
        "versions": rows(AgendaVersion, "number", "state", "vision", "decided_on", "decision__drucksache"),
        "leitsaetze": rows(Leitsatz, "text", "position"),
        "handlungsfelder": rows(Handlungsfeld, "key", "name", "framework_field_keys"),
        "goals": rows(Goal, "kind", "title", "parent__title", "effect"),
        "measures": rows(
            Measure,
            "title",
            "status",
            "accountable_role__key",
            "responsible_unit__code",
            "starts_on",
            "ends_on",
            "origin_field_key",
            "origin_gap",
        ),
        "milestones": rows(Milestone, "measure__title", "title", "due_on", "done_on"),
        "budget": rows(BudgetLine, "measure__title", "year", "planned", "spent", "decision__drucksache"),
        "risks": rows(Risk, "measure__title", "title", "likelihood", "impact"),
        "dependencies": rows(MeasureDependency, "measure__title", "depends_on__title"),
        "kpis": rows(KPI, "name", "baseline_value", "target_value", "owner_role__key", "goal__title", "measure__title"),
        "values": rows(KPIValue, "kpi__name", "measured_on", "value"),
        "reports": rows(StatusReport, "measure__title", "reported_on", "light", "progress", "text"),
        "snapshots": sorted(
            (
                [(i["name"], i["value"], i["measured_on"], i["status"]) for i in report.kpi_snapshot]
                for report in StatusReport.objects.unscoped().filter(**scope).order_by("measure__title", "reported_on")
            ),
            key=repr,
        ),
        "decisions": rows(CouncilDecision, "drucksache", "decided_on", "result"),
    }
