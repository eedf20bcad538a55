"""The digital agenda of the Großstadt benchmark profile: 400 measures, 2,000 KPIs × 36 values.

On top of `kompass.demo.bench_profile` (1,500 units, 20,000 people), the role model of
`bench_roles` (a Fachbereichsleitung per Amt) and the framework adopted by `bench_assessment`:
a decided agenda with 10 Handlungsfelder and 40 goals, 400 measures spread over every status and
the Ämter, each with three milestones, three budget lines, a risk, an impact chain (Input, Output,
Effekt) and — when it runs or ran — two status reports; 2,000 KPIs (five per measure) with 36
monthly values each, about half on plan, a quarter at risk and a quarter behind.

The agenda, its measures and what hangs on them, and the KPIs go through the services (as the
demo does), so every object has its audit entry; the 72,000 KPI values are bulk-inserted, like
the answers of the assessment's benchmark: the benchmark measures reading the agenda at scale,
not the speed of recording values one by one (the import of 72,000 values is measured on its
own, `bench.measure_kpi_import`). Everything is seeded, so every run builds the same agenda.
"""

from __future__ import annotations

import calendar
import datetime
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from kompass.agenda import services
from kompass.agenda.models import KPI, Agenda, AgendaVersion, KPIValue, Measure, MeasureStatus, ValueSource
from kompass.audit.context import change_context
from kompass.framework.models import Field
from kompass.org.models import OrgUnit, OrgUnitType
from kompass.roles.models import Role
from kompass.tenancy.models import Kommune

HANDLUNGSFELDER = 10
WIRKUNGSZIELE = 10
OPERATIVE_PER_WIRKUNGSZIEL = 3
MEASURES = 400
KPIS_PER_MEASURE = 5
KPIS = MEASURES * KPIS_PER_MEASURE
MONTHS = 36
VALUES = KPIS * MONTHS
BATCH = 5_000
TITLE = "Digitale Agenda (Benchmark)"
STATUSES = (  # share of the 400 measures, roughly like a running agenda
    (MeasureStatus.IN_UMSETZUNG, 0.45),
    (MeasureStatus.GEPLANT, 0.2),
    (MeasureStatus.IDEE, 0.15),
    (MeasureStatus.ABGESCHLOSSEN, 0.15),
    (MeasureStatus.GESTOPPT, 0.05),
)
EFFECTS = ("buerger_unternehmen", "mitarbeitende", "leistungen_prozesse")
ROLE_KEYS = ("fachbereichsleitung", "fachbereichsleitung", "fachbereichsleitung", "cdo", "cio", "organisation")
# How far along its line a KPI is (1.0: on plan; the status rule says 5 % and 15 % behind).
PACE = ((1.02, 0.5), (0.9, 0.25), (0.6, 0.25))


@dataclass(frozen=True)
class AgendaSize:
    """The agenda of one Kommune: Handlungsfelder, goals, measures (with their milestones, budget lines,
    risk, impact chain, status reports and dependencies when `details`), KPIs and monthly values."""

    measures: int
    kpis_per_measure: int
    months: int
    handlungsfelder: int = HANDLUNGSFELDER
    wirkungsziele: int = WIRKUNGSZIELE
    operative_per_wirkungsziel: int = OPERATIVE_PER_WIRKUNGSZIEL
    details: bool = True

    @classmethod
    def grossstadt(cls) -> AgendaSize:
        return cls(MEASURES, KPIS_PER_MEASURE, MONTHS)


def _month_ends(today: datetime.date, count: int) -> list[datetime.date]:
    """The last days of the `count` months before the current one, oldest first."""
    year, month = today.year, today.month
    days = []
    for _ in range(count):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        days.append(datetime.date(year, month, calendar.monthrange(year, month)[1]))
    return days[::-1]


def _status_of(n: int, measures: int) -> str:
    share = (n + 0.5) / measures
    total = 0.0
    for status, part in STATUSES:
        total += part
        if share <= total:
            return status
    return MeasureStatus.IN_UMSETZUNG


class _Builder:
    def __init__(self, city: Kommune, today: datetime.date, size: AgendaSize) -> None:
        self.city, self.today, self.size = city, today, size
        self.rng = random.Random("grossstadt-agenda")  # noqa: S311 - reproducible benchmark data
        self.roles = {r.key: r for r in Role.objects.for_kommune(city)}
        self.amter = list(OrgUnit.objects.for_kommune(city).filter(unit_type=OrgUnitType.AMT).order_by("code"))
        if not self.amter:  # a small Kommune (the tests): any unit
            self.amter = list(OrgUnit.objects.for_kommune(city).order_by("pk"))
        self.field_keys = list(Field.objects.for_kommune(city).order_by("pk").values_list("key", flat=True))
        self.months = _month_ends(today, size.months)

    def strategy(self) -> tuple[list[Any], list[Any]]:
        services.settings_update(kommune=self.city, actor=None, data={"accountable_limit": 25})
        services.agenda_create(kommune=self.city, actor=None, title=TITLE, vision="Vision der Großstadt (Benchmark).")
        version = AgendaVersion.objects.for_kommune(self.city).get(number=1)
        for n in range(1, 8):
            services.leitsatz_create(kommune=self.city, actor=None, version=version, data={"text": f"Leitsatz {n}"})
        fields = []
        for n in range(self.size.handlungsfelder):
            keys = self.field_keys[2 * n : 2 * n + 2]
            data = {"name": f"Handlungsfeld {n + 1}", "description": "Beschreibung", "framework_field_keys": keys}
            fields.append(services.handlungsfeld_create(kommune=self.city, actor=None, version=version, data=data))
        decision = services.council_decision_create(
            kommune=self.city,
            actor=None,
            data={"body": "Rat", "decided_on": self.months[0], "drucksache": "0001/B", "result": "beschlossen"},
        )
        services.version_decide(
            kommune=self.city, actor=None, version=version, data={"decided_on": self.months[0], "decision": decision}
        )
        goals = []
        for n in range(self.size.wirkungsziele):
            parent = services.goal_create(
                kommune=self.city,
                actor=None,
                data={"kind": "wirkungsziel", "title": f"Wirkungsziel {n + 1}", "effect": EFFECTS[n % 3],
                      "handlungsfelder": [fields[n % len(fields)]]},
            )  # fmt: skip
            for m in range(self.size.operative_per_wirkungsziel):
                goals.append(
                    services.goal_create(
                        kommune=self.city,
                        actor=None,
                        data={
                            "kind": "operativ",
                            "parent": parent.pk,
                            "title": f"Ziel {n + 1}.{m + 1}",
                            "effect": EFFECTS[n % 3],
                            "handlungsfelder": [fields[n % len(fields)]],
                        },
                    )
                )
        return fields, goals

    def measure(self, n: int, fields: list[Any], goals: list[Any]) -> Measure:
        status = _status_of(n, self.size.measures)
        unit = self.amter[n % len(self.amter)]
        role = self.roles.get(ROLE_KEYS[n % len(ROLE_KEYS)])
        start = self.months[self.rng.randrange(0, max(1, len(self.months) * 2 // 3))]
        data = {
            "title": f"Maßnahme {n + 1:03d}",
            "description": "Beschreibung der Maßnahme im Benchmark.",
            "handlungsfelder": [fields[n % len(fields)], fields[(n + 3) % len(fields)]],
            "goals": [goals[n % len(goals)]],
            "accountable_role": role,
            "responsible_unit": unit,
            "status": status,
            "benefit": 1 + n % 5,
            "urgency": 1 + (n * 3) % 5,
            "effort": 1 + (n * 7) % 5,
            "starts_on": start,
            "ends_on": start + datetime.timedelta(days=700),
            "fte": Decimal("0.5"),
        }
        measure = services.measure_create(kommune=self.city, actor=None, data=data)
        if not self.size.details:
            return measure
        for m, label in enumerate(("Konzept", "Umsetzung", "Abnahme")):
            due = start + datetime.timedelta(days=200 * (m + 1))
            done = due if due < self.today and status != MeasureStatus.IDEE else None
            services.milestone_create(
                kommune=self.city, actor=None, measure=measure, data={"title": label, "due_on": due, "done_on": done}
            )
        for year in (self.today.year - 1, self.today.year, self.today.year + 1):
            planned = Decimal(self.rng.randrange(10, 200) * 1000)
            spent = planned * Decimal("0.8") if year < self.today.year else Decimal(0)
            services.budget_line_create(
                kommune=self.city,
                actor=None,
                measure=measure,
                data={"year": year, "planned": planned, "spent": spent, "haushalt_kind": "produkt",
                      "haushalt_ref": f"1.{n % 9}.{n % 50:02d}"},
            )  # fmt: skip
        services.risk_create(kommune=self.city, actor=None, measure=measure, data={"title": "Verzögerung", "impact": 3})
        for level in ("input", "output", "effekt"):
            services.impact_step_create(
                kommune=self.city, actor=None, measure=measure, data={"level": level, "text": f"{level} der Maßnahme"}
            )
        return measure

    def kpis(self, measure: Measure, n: int) -> list[KPI]:
        baseline_on = self.months[0] - datetime.timedelta(days=1)
        items = []
        for m in range(self.size.kpis_per_measure):
            items.append(
                services.kpi_create(
                    kommune=self.city,
                    actor=None,
                    data={
                        "name": f"Kennzahl {n + 1:03d}.{m + 1}",
                        "unit": "%",
                        "baseline_value": Decimal(10),
                        "baseline_on": baseline_on,
                        "target_value": Decimal(90),
                        "target_on": baseline_on + datetime.timedelta(days=365 * 5),
                        "owner_role": measure.accountable_role,
                        "period_days": 30,
                        "is_public": m == 0,
                        "measure": measure,
                    },
                )
            )
        return items

    def values(self, kpis: list[KPI]) -> None:
        """36 monthly values per KPI along its line, at its pace, bulk-inserted."""
        rows: list[KPIValue] = []
        for kpi in kpis:
            pace = self.rng.choices([p for p, _w in PACE], weights=[w for _p, w in PACE])[0]
            span = (kpi.target_on - kpi.baseline_on).days
            for day in self.months:
                planned = 10 + 80 * (day - kpi.baseline_on).days / span
                value = 10 + (planned - 10) * pace + self.rng.gauss(0, 0.3)
                rows.append(
                    KPIValue(kommune=self.city, kpi=kpi, measured_on=day, value=Decimal(f"{value:.2f}"),
                             source=ValueSource.IMPORT)
                )  # fmt: skip
            if len(rows) >= BATCH:
                KPIValue.objects.bulk_create(rows, batch_size=BATCH)
                rows = []
        KPIValue.objects.bulk_create(rows, batch_size=BATCH)

    def reports(self, measure: Measure) -> None:
        if not self.size.details:
            return
        if measure.status not in (MeasureStatus.IN_UMSETZUNG, MeasureStatus.ABGESCHLOSSEN, MeasureStatus.GESTOPPT):
            return
        for m, days in enumerate((150, 40)):
            services.status_report_create(
                kommune=self.city,
                actor=None,
                measure=measure,
                data={"light": ("gruen", "gelb")[m], "progress": 30 + 20 * m, "text": "Sachstand",
                      "reported_on": self.today - datetime.timedelta(days=days)},
            )  # fmt: skip


def build_agenda(city: Kommune, today: datetime.date, size: AgendaSize) -> None:
    """The agenda of one Kommune at the given size (the role model must be there)."""
    builder = _Builder(city, today, size)
    with change_context("command", "bench"):
        fields, goals = builder.strategy()
        measures = [builder.measure(n, fields, goals) for n in range(size.measures)]
        kpis = [kpi for n, measure in enumerate(measures) for kpi in builder.kpis(measure, n)]
        builder.values(kpis)
        if size.details:  # a few dependencies, no cycles (always on an earlier one)
            for n in range(0, size.measures - 1, 10):
                services.dependency_add(kommune=city, actor=None, measure=measures[n + 1], depends_on=measures[n])
        for measure in measures:
            builder.reports(measure)
        publish(city)


@transaction.atomic
def generate_agenda_profile(city: Kommune, today: datetime.date | None = None) -> None:
    """The agenda of the Großstadt (see the module); the KPI values bulk-inserted."""
    build_agenda(city, today or timezone.localdate(), AgendaSize.grossstadt())


def publish(city: Kommune) -> None:
    """Switch the public transparency page on (where this version of the app has it)."""
    try:
        from kompass.agenda.public_page import public_settings_update
    except ImportError:  # pragma: no cover - the public page arrives with its own area
        return
    public_settings_update(kommune=city, actor=None, data={"public_page_enabled": True})


def agenda_profile_present(city: Kommune) -> bool:
    agenda = Agenda.objects.for_kommune(city).filter(title=TITLE).first()
    return (
        agenda is not None
        and Measure.objects.for_kommune(city).count() == MEASURES
        and KPI.objects.for_kommune(city).count() == KPIS
        and KPIValue.objects.for_kommune(city).count() == VALUES
    )


def bench_measure(city: Kommune) -> Measure:
    """The measure whose detail page is measured: one in Umsetzung (with reports, KPIs and a chain)."""
    return (
        Measure.objects.for_kommune(city).filter(status=MeasureStatus.IN_UMSETZUNG).order_by("pk").first()
        or (Measure.objects.for_kommune(city).order_by("pk")[0])
    )


def kpi_import_file(city: Kommune, months: int | None = None) -> tuple[bytes, list[datetime.date]]:
    """The import measured by `bench`: `months` new monthly values (after the profile's) for every
    KPI, as CSV in the documented columns; returns the file and its days (to remove them again)."""
    newest = KPIValue.objects.for_kommune(city).order_by("-measured_on").values_list("measured_on", flat=True).first()
    start = newest or timezone.localdate()
    days = []
    year, month = start.year, start.month
    for _ in range(MONTHS if months is None else months):
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        days.append(datetime.date(year, month, calendar.monthrange(year, month)[1]))
    lines = ["kennzahl;datum;wert"]
    for pk in KPI.objects.for_kommune(city).order_by("pk").values_list("pk", flat=True):
        lines += [f"{pk};{day:%d.%m.%Y};{50 + n % 7},5" for n, day in enumerate(days)]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8"), days
