"""A scene for the agenda's API tests: Teststadt's decided agenda with a goal, measures inside and
outside the limited editor's subtree (Ordnungsamt), their KPIs and a council decision, and a
Nachbarort with an agenda of its own whose ids must never answer in Teststadt."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from kompass.agenda import services
from kompass.agenda.models import KPI, AgendaVersion, CouncilDecision, Goal, Handlungsfeld, Measure
from kompass.agenda.tests import factories
from kompass.conftest import World
from kompass.roles.models import Role
from kompass.tenancy.models import Kommune


@dataclass
class AgendaScene:
    world: World
    version: AgendaVersion
    handlungsfeld: Handlungsfeld
    cdo: Role
    goal: Goal
    inside: Measure  # responsible unit Gewerbe, inside the editor's Ordnungsamt
    outside: Measure  # responsible unit Hauptamt, outside it
    kpi_inside: KPI
    kpi_outside: KPI
    kpi_goal: KPI
    decision: CouncilDecision
    other: dict[str, int]  # Nachbarort's ids by path parameter (agenda_version_id, goal_id …)
    other_role: Role
    other_handlungsfeld: Handlungsfeld


def _other_kommune(world: World) -> tuple[dict[str, int], Role, Handlungsfeld]:
    """Nachbarort's agenda: a draft version with a Handlungsfeld, a goal, a measure, a KPI, a decision."""
    k: Kommune = world.other
    services.agenda_create(kommune=k, actor=None, vision="GEHEIM-Vision")
    version = AgendaVersion.objects.for_kommune(k).get(number=1)
    field = services.handlungsfeld_create(kommune=k, actor=None, version=version, data={"name": "GEHEIM-Feld"})
    role = Role.objects.create(kommune=k, key="cdo", name="GEHEIM-CDO", confidence="eigene")
    goal = services.goal_create(
        kommune=k, actor=None, data={"kind": "wirkungsziel", "title": "GEHEIM-Ziel", "effect": "mitarbeitende"}
    )
    measure = services.measure_create(
        kommune=k, actor=None, data={"title": "GEHEIM-Maßnahme", "responsible_unit": world.other_unit}
    )
    kpi = services.kpi_create(
        kommune=k,
        actor=None,
        data={
            "name": "GEHEIM-Kennzahl",
            "baseline_value": "1",
            "baseline_on": "2025-01-01",
            "target_value": "2",
            "target_on": "2027-01-01",
            "measure": measure,
        },
    )
    decision = services.council_decision_create(
        kommune=k, actor=None, data={"body": "GEHEIM-Rat", "decided_on": "2025-03-01", "result": "beschlossen"}
    )
    ids = {
        "agenda_version_id": version.pk,
        "goal_id": goal.pk,
        "measure_id": measure.pk,
        "kpi_id": kpi.pk,
        "decision_id": decision.pk,
    }
    return ids, role, field


def kpi_for(world: World, name: str, **data: Any) -> KPI:
    return factories.kpi(world, name, **data)


def agenda_scene(world: World) -> AgendaScene:
    version = factories.decided_agenda(world, [])
    handlungsfeld = Handlungsfeld.objects.for_kommune(world.kommune).get(agenda_version=version)
    cdo = factories.role(world, "cdo", "Chief Digital Officer")
    factories.assign(world, world.alice, cdo)
    goal = services.goal_create(
        kommune=world.kommune,
        actor=world.admin,
        data={
            "kind": "wirkungsziel",
            "title": "Anträge digital stellen",
            "effect": "buerger_unternehmen",
            "handlungsfelder": [handlungsfeld.pk],
        },
    )
    inside = factories.measure(
        world,
        "Gewerbeanmeldung online",
        responsible_unit=world.sachgebiet,
        accountable_role=cdo,
        handlungsfelder=[handlungsfeld.pk],
        goals=[goal.pk],
        status="in_umsetzung",
    )
    outside = factories.measure(world, "E-Akte im Hauptamt", responsible_unit=world.hauptamt, status="geplant")
    kpi_inside = kpi_for(world, "Online-Gewerbeanmeldungen", measure=inside)
    kpi_outside = kpi_for(world, "Digitale Akten", measure=outside)
    kpi_goal = kpi_for(world, "Anteil digitaler Anträge", goal=goal)
    decision = services.council_decision_create(
        kommune=world.kommune,
        actor=world.admin,
        data={
            "body": "Rat",
            "decided_on": datetime.date(2025, 3, 20),
            "drucksache": "0815/2025",
            "result": "beschlossen",
        },
    )
    other, other_role, other_field = _other_kommune(world)
    return AgendaScene(
        world=world,
        version=version,
        handlungsfeld=handlungsfeld,
        cdo=cdo,
        goal=goal,
        inside=inside,
        outside=outside,
        kpi_inside=kpi_inside,
        kpi_outside=kpi_outside,
        kpi_goal=kpi_goal,
        decision=decision,
        other=other,
        other_role=other_role,
        other_handlungsfeld=other_field,
    )
