"""More of the agenda for the API tests of its parts (`agenda_scene` has the strategy, measures and KPIs): a
draft version 2 made from the decided version 1, each with a Leitsatz and a Handlungsfeld, and one of
everything that hangs on the measure inside the limited editor's subtree — milestone, budget line, risk,
impact step, a RACI row and a dependency on the measure outside — plus the same four of the measure outside;
Nachbarort gets the same kinds, whose ids must never answer in Teststadt."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kompass.agenda import services
from kompass.agenda.models import (
    AgendaVersion,
    BudgetLine,
    Handlungsfeld,
    ImpactStep,
    Leitsatz,
    Measure,
    MeasureDependency,
    MeasureRole,
    Milestone,
    Risk,
)
from kompass.agenda.tests import factories
from kompass.agenda.tests.factories_api import AgendaScene
from kompass.roles.models import Role
from kompass.tenancy.models import Kommune


@dataclass
class Parts:
    scene: AgendaScene
    draft: AgendaVersion  # version 2, made from the decided version 1
    leitsatz: Leitsatz  # of the draft
    handlungsfeld: Handlungsfeld  # of the draft (key "verwaltung-digital", as in version 1)
    decided_leitsatz: Leitsatz  # of version 1
    decided_handlungsfeld: Handlungsfeld  # of version 1
    isb: Role  # a role involved in the inside measure with C
    milestone: Milestone  # of the inside measure
    budget_line: BudgetLine
    risk: Risk
    impact_step: ImpactStep
    raci: MeasureRole  # the ISB's C
    dependency: MeasureDependency  # inside needs outside first
    outside: dict[str, Any]  # a milestone, budget line, risk and impact step of the measure outside the subtree
    other: dict[str, int]  # Nachbarort's ids by path parameter


def _children(kommune: Kommune, actor: Any, measure: Measure, prefix: str = "") -> dict[str, Any]:
    """One of each thing that hangs on a measure except RACI rows and dependencies."""
    return {
        "milestone": services.milestone_create(
            kommune=kommune, actor=actor, measure=measure, data={"title": f"{prefix}Pilot", "due_on": "30.06.2026"}
        ),
        "budget_line": services.budget_line_create(
            kommune=kommune,
            actor=actor,
            measure=measure,
            data={"year": 2026, "planned": "10.000,00", "haushalt_kind": "produkt", "haushalt_ref": "1.11.01"},
        ),
        "risk": services.risk_create(
            kommune=kommune, actor=actor, measure=measure, data={"title": f"{prefix}Schnittstelle fehlt"}
        ),
        "impact_step": services.impact_step_create(
            kommune=kommune, actor=actor, measure=measure, data={"level": "effekt", "text": f"{prefix}Weniger Wege"}
        ),
    }


def _other(scene: AgendaScene) -> dict[str, int]:
    """Nachbarort's Leitsatz, Handlungsfeld and the children of its measure (with a RACI row and a dependency)."""
    k = scene.world.other
    version = AgendaVersion.objects.for_kommune(k).get(pk=scene.other["agenda_version_id"])
    measure = Measure.objects.for_kommune(k).get(pk=scene.other["measure_id"])
    leitsatz = services.leitsatz_create(kommune=k, actor=None, version=version, data={"text": "GEHEIM-Leitsatz"})
    children = _children(k, None, measure, "GEHEIM-")
    role = Role.objects.for_kommune(k).get(key="cdo")
    raci = services.measure_role_set(kommune=k, actor=None, measure=measure, role=role, letter="C")
    second = services.measure_create(kommune=k, actor=None, data={"title": "GEHEIM-Basis"})
    dependency = services.dependency_add(kommune=k, actor=None, measure=measure, depends_on=second)
    assert raci is not None
    return {
        "leitsatz_id": leitsatz.pk,
        "handlungsfeld_id": Handlungsfeld.objects.for_kommune(k).get(agenda_version=version).pk,
        **{f"{kind}_id": obj.pk for kind, obj in children.items()},
        "measure_role_id": raci.pk,
        "dependency_id": dependency.pk,
    }


def agenda_parts(scene: AgendaScene) -> Parts:
    w = scene.world
    k, admin = w.kommune, w.admin
    decided_leitsatz = Leitsatz.objects.for_kommune(k).get(agenda_version=scene.version)
    draft = services.version_new_draft(kommune=k, actor=admin, source=scene.version)
    isb = factories.role(w, "isb", "Informationssicherheit")
    children = _children(k, admin, scene.inside)
    raci = services.measure_role_set(kommune=k, actor=admin, measure=scene.inside, role=isb, letter="C")
    assert raci is not None
    return Parts(
        scene=scene,
        draft=draft,
        leitsatz=Leitsatz.objects.for_kommune(k).get(agenda_version=draft),
        handlungsfeld=Handlungsfeld.objects.for_kommune(k).get(agenda_version=draft),
        decided_leitsatz=decided_leitsatz,
        decided_handlungsfeld=scene.handlungsfeld,
        isb=isb,
        raci=raci,
        dependency=services.dependency_add(kommune=k, actor=admin, measure=scene.inside, depends_on=scene.outside),
        outside=_children(k, admin, scene.outside, "Hauptamt: "),
        other=_other(scene),
        **children,
    )
