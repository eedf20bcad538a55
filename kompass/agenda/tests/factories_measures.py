"""Test data of the measure pages: a decided agenda with a Handlungsfeld and a goal, a CDO role held
by Alice, a measure inside the editor's subtree (32 Ordnungsamt) and one outside it (10 Hauptamt),
each with what hangs on a measure, built through the services."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from kompass.agenda import services
from kompass.agenda.models import KPI, Goal, Handlungsfeld, ImpactStep, Measure, Milestone
from kompass.agenda.tests import factories as f
from kompass.conftest import World
from kompass.roles.models import Role


@dataclass
class Scene:
    world: World
    field: Handlungsfeld
    goal: Goal
    cdo: Role
    inside: Measure  # responsible unit 32.1 (in the editor's subtree)
    outside: Measure  # responsible unit 10 Hauptamt
    milestone: Milestone
    step: ImpactStep
    kpi: KPI

    @property
    def kommune(self) -> Any:
        return self.world.kommune


def scene(world: World) -> Scene:
    f.decided_agenda(world)
    field = Handlungsfeld.objects.for_kommune(world.kommune).get()
    goal = services.goal_create(
        kommune=world.kommune,
        actor=world.admin,
        data={"kind": "wirkungsziel", "title": "Schneller zum Bescheid", "effect": "buerger_unternehmen"},
    )
    cdo = f.role(world, "cdo", "Chief Digital Officer")
    f.assign(world, world.alice, cdo)
    inside = f.measure(
        world,
        "Gewerbeanmeldung online",
        description="Die Gewerbeanmeldung geht vollständig digital.",
        accountable_role=cdo.pk,
        responsible_unit=world.sachgebiet.pk,
        handlungsfelder=[field.pk],
        goals=[goal.pk],
        status="geplant",
        benefit=5,
        urgency=4,
        effort=2,
        starts_on="01.02.2026",
        ends_on="31.12.2027",
        fte="1,5",
    )
    outside = f.measure(
        world,
        "E-Akte im Hauptamt",
        accountable_role=cdo.pk,
        responsible_unit=world.hauptamt.pk,
        handlungsfelder=[field.pk],
        status="in_umsetzung",
        starts_on="01.01.2025",
        ends_on="30.06.2026",
    )
    k, a = world.kommune, world.admin
    milestone = services.milestone_create(
        kommune=k, actor=a, measure=inside, data={"title": "Pilot im Gewerbeamt", "due_on": "30.06.2026"}
    )
    services.budget_line_create(
        kommune=k,
        actor=a,
        measure=inside,
        data={
            "year": 2026,
            "planned": "1.234,56 €",
            "spent": "100",
            "haushalt_kind": "produkt",
            "haushalt_ref": "1.1.1",
        },
    )
    services.risk_create(
        kommune=k, actor=a, measure=inside, data={"title": "Schnittstelle fehlt", "likelihood": 4, "impact": 3}
    )
    step = services.impact_step_create(
        kommune=k, actor=a, measure=inside, data={"level": "effekt", "text": "Anträge kommen vollständig an."}
    )
    kpi = f.kpi(world, "Anteil digitaler Gewerbeanmeldungen", measure=inside.pk, impact_step=step.pk)
    services.kpi_value_record(kommune=k, actor=a, kpi=kpi, measured_on="01.01.2026", value="25")
    services.dependency_add(kommune=k, actor=a, measure=inside, depends_on=outside)
    return Scene(world, field, goal, cdo, inside, outside, milestone, step, kpi)


def grow(world: World, n: int, the_scene: Scene) -> None:
    """More measures of every kind, for the query-count tests."""
    for i in range(n):
        measure = f.measure(
            world,
            f"Weitere Maßnahme {i}",
            accountable_role=the_scene.cdo.pk,
            responsible_unit=(world.sachgebiet if i % 2 else world.hauptamt).pk,
            handlungsfelder=[the_scene.field.pk],
            goals=[the_scene.goal.pk],
            status=["idee", "geplant", "in_umsetzung", "abgeschlossen", "gestoppt"][i % 5],
            starts_on=datetime.date(2025, 1 + i % 12, 1),
            ends_on=datetime.date(2027, 1 + i % 12, 1),
        )
        services.milestone_create(
            kommune=world.kommune, actor=world.admin, measure=measure, data={"title": f"M{i}", "due_on": "01.06.2026"}
        )
        services.budget_line_create(
            kommune=world.kommune,
            actor=world.admin,
            measure=measure,
            data={"year": 2026, "planned": str(1000 * (i + 1)), "haushalt_kind": "kostenstelle"},
        )
