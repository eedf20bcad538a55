"""Test data for the KPI and status-report pages: a decided agenda with one Handlungsfeld, a goal,
a measure inside the editor's subtree (32 Ordnungsamt) and one outside it (10 Hauptamt), each with
a KPI, an owner role held by Alice, and Nachbarort's own agenda with a KPI and a measure."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from kompass.agenda import services
from kompass.agenda.models import KPI, Goal, Handlungsfeld, Measure
from kompass.agenda.tests import factories as f
from kompass.conftest import World
from kompass.roles.models import Role


@dataclass
class Scene:
    world: World
    field: Handlungsfeld
    goal: Goal
    inside: Measure  # responsible unit 32 Ordnungsamt (the editor's subtree)
    outside: Measure  # responsible unit 10 Hauptamt
    role: Role
    inside_kpi: KPI
    outside_kpi: KPI
    goal_kpi: KPI
    foreign_kpi: KPI
    foreign_measure: Measure


def measure_kpi(world: World, measure: Measure, name: str, **data: Any) -> KPI:
    return f.kpi(world, name, measure=measure, **data)


def value(world: World, kpi: KPI, on: str, number: str) -> Any:
    return services.kpi_value_record(kommune=world.kommune, actor=world.admin, kpi=kpi, measured_on=on, value=number)


def foreign(world: World) -> tuple[KPI, Measure]:
    """Nachbarort's agenda with a measure and a KPI (another Kommune's objects: 404 everywhere)."""
    other, admin = world.other, world.outsider
    services.agenda_create(kommune=other, actor=admin, vision="Nachbarort digital")
    measure = services.measure_create(kommune=other, actor=admin, data={"title": "GEHEIM-Maßnahme"})
    kpi = services.kpi_create(
        kommune=other,
        actor=admin,
        data={
            "name": "GEHEIM-Kennzahl",
            "baseline_value": "1",
            "baseline_on": "2025-01-01",
            "target_value": "2",
            "target_on": "2027-01-01",
            "measure": measure,
        },
    )
    return kpi, measure


def scene(world: World) -> Scene:
    f.decided_agenda(world)
    field = Handlungsfeld.objects.for_kommune(world.kommune).get()
    role = f.role(world, "kpi-owner", "Digitalisierungskoordination")
    f.assign(world, world.alice, role)
    goal = services.goal_create(
        kommune=world.kommune,
        actor=world.admin,
        data={"kind": "wirkungsziel", "title": "Schneller zum Bescheid", "effect": "buerger_unternehmen"},
    )
    inside = f.measure(
        world,
        "Gewerbeanmeldung online",
        responsible_unit=world.ordnungsamt,
        accountable_role=role,
        status="in_umsetzung",
        starts_on="2025-01-01",
        handlungsfelder=[field],
    )
    outside = f.measure(world, "E-Akte im Hauptamt", responsible_unit=world.hauptamt, status="geplant")
    inside_kpi = measure_kpi(world, inside, "Online-Anmeldungen", owner_role=role)
    outside_kpi = measure_kpi(world, outside, "Digitale Akten")
    goal_kpi = f.kpi(world, "Bearbeitungsdauer", goal=goal, unit="Tage", direction="fallend")
    foreign_kpi, foreign_measure = foreign(world)
    return Scene(
        world, field, goal, inside, outside, role, inside_kpi, outside_kpi, goal_kpi, foreign_kpi, foreign_measure
    )


def today() -> datetime.date:
    return datetime.date.today()
