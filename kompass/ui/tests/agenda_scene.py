"""The digital agenda of both Kommunen for the generated isolation and permission tests (`test_isolation`).

`build_agenda_scene` builds it through `kompass.agenda.services`, on top of the role model (`build_role_scene`:
the accountable role and the RACI rows) and the adopted Orientierungsrahmen (`build_framework_scene`: the field
"daten" a Handlungsfeld covers, the accepted recommendation a measure is made from). Per Kommune:

- council decisions: the one version 1 rests on, and a free one (the one the routes change and delete);
- an agenda whose version 1 is decided (with a Leitsatz and a Handlungsfeld) and — in the state `draft` — a
  version 2 made from it as a draft with a Leitsatz and a Handlungsfeld of its own; the state `decided` leaves
  the draft out (a new draft can be made), `none` builds no agenda in Teststadt (one can be started);
- a Wirkungsziel with a KPI;
- measures in Umsetzung, each with a milestone, a budget line, a risk, an impact step, a RACI row (besides the
  accountable role's A), a dependency on a Kommune-wide measure ("Basis"), a KPI with a value and a status
  report: Teststadt's "inside" measure lies in 32 Ordnungsamt (the limited editor's subtree), its "outside"
  measure in 10 Hauptamt; Nachbarort has one ("foreign") in its own unit.

Nachbarort's texts start with the sentinel "GEHEIM-" that no page of Teststadt may show. Both Kommunen switch
their public agenda page on.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

AGENDA_NONE = "none"  # Teststadt has no agenda yet (starting one)
AGENDA_DECIDED = "decided"  # version 1 decided, no draft: `agenda_version` names version 1
AGENDA_DRAFT = "draft"  # version 1 decided, version 2 a draft made from it: `agenda_version` names version 2
AGENDA_STATES = ("", AGENDA_NONE, AGENDA_DECIDED, AGENDA_DRAFT)

# The kinds of the agenda's objects (`tenant_path(objects=…)`); `Targets` has an attribute of each name.
STRATEGY_KINDS = ("agenda_version", "leitsatz", "handlungsfeld", "goal", "decision")
MEASURE_KINDS = (
    "measure",
    "milestone",
    "budget_line",
    "risk",
    "impact_step",
    "measure_role",
    "dependency",
    "kpi",
    "kpi_value",
    "status_report",
)
AGENDA_KINDS = STRATEGY_KINDS + MEASURE_KINDS


@dataclass
class MeasureSet:
    """One measure with one of each thing that hangs on it (the attribute names are the object kinds)."""

    measure: Any
    milestone: Any
    budget_line: Any
    risk: Any
    impact_step: Any
    measure_role: Any  # a RACI row (letter C) of a role that is not the accountable one
    dependency: Any  # the measure needs the side's Kommune-wide measure "Basis" first
    kpi: Any
    kpi_value: Any
    status_report: Any


@dataclass
class AgendaSide:
    """One Kommune's agenda: the strategy objects (one each) and its measures by side."""

    agenda_version: Any  # version 2 (draft) in the state `draft`, else version 1
    leitsatz: Any  # of `agenda_version`
    handlungsfeld: Any  # of `agenda_version`
    goal: Any  # a Wirkungsziel with a KPI, without operative goals
    goal_kpi: Any
    decision: Any  # a council decision no version rests on
    version_decision: Any  # the decision version 1 rests on
    basis: Any  # a Kommune-wide measure (no responsible unit) the others depend on
    measures: dict[str, MeasureSet] = field(default_factory=dict)  # "inside"/"outside" or "foreign"


@dataclass
class AgendaScene:
    state: str
    sides: dict[str, AgendaSide]  # Kommune slug → its agenda (Teststadt has none in the state `none`)

    def side(self, slug: str) -> AgendaSide | None:
        return self.sides.get(slug)


def _measure_set(kommune: Any, prefix: str, title: str, unit: Any, roles: tuple[Any, Any], side: Any) -> MeasureSet:
    from kompass.agenda import services

    own_role, accountable = roles
    measure = services.measure_create(
        kommune=kommune,
        actor=None,
        data={
            "title": f"{prefix}{title}",
            "description": f"{prefix}Beschreibung",
            "responsible_unit": unit,
            "accountable_role": accountable,
            "handlungsfelder": [side["handlungsfeld"].pk],
            "goals": [side["goal"].pk],
            "status": "in_umsetzung",
            "starts_on": "01.01.2025",
            "ends_on": "31.12.2027",
        },
    )
    milestone = services.milestone_create(
        kommune=kommune, actor=None, measure=measure, data={"title": f"{prefix}Pilot", "due_on": "30.06.2026"}
    )
    budget_line = services.budget_line_create(
        kommune=kommune,
        actor=None,
        measure=measure,
        data={"year": 2026, "planned": "1.234,56", "spent": "100", "haushalt_kind": "produkt", "haushalt_ref": "1.1"},
    )
    risk = services.risk_create(
        kommune=kommune, actor=None, measure=measure, data={"title": f"{prefix}Schnittstelle fehlt", "likelihood": 4}
    )
    step = services.impact_step_create(
        kommune=kommune, actor=None, measure=measure, data={"level": "effekt", "text": f"{prefix}Weniger Wege"}
    )
    measure_role = services.measure_role_set(kommune=kommune, actor=None, measure=measure, role=own_role, letter="C")
    dependency = services.dependency_add(kommune=kommune, actor=None, measure=measure, depends_on=side["basis"])
    kpi = services.kpi_create(
        kommune=kommune,
        actor=None,
        data={
            "name": f"{prefix}Kennzahl {title}",
            "unit": "%",
            "baseline_value": "10",
            "baseline_on": "2025-01-01",
            "target_value": "60",
            "target_on": "2027-12-31",
            "measure": measure,
            "impact_step": step,
            "is_public": True,
        },
    )
    kpi_value = services.kpi_value_record(
        kommune=kommune, actor=None, kpi=kpi, measured_on=datetime.date(2025, 12, 1), value="25"
    )
    report = services.status_report_create(
        kommune=kommune,
        actor=None,
        measure=measure,
        data={"light": "gelb", "progress": 40, "text": f"{prefix}Sachstand", "reported_on": "2026-01-15"},
    )
    return MeasureSet(
        measure=measure,
        milestone=milestone,
        budget_line=budget_line,
        risk=risk,
        impact_step=step,
        measure_role=measure_role,
        dependency=dependency,
        kpi=kpi,
        kpi_value=kpi_value,
        status_report=report,
    )


def build_agenda_scene(
    world: Any, role_scene: Any, framework_scene: Any = None, state: str = AGENDA_DRAFT
) -> AgendaScene:
    """The agenda of both Kommunen in `state` (see the module docstring). `role_scene` and `framework_scene` are
    `test_isolation`'s; the framework is adopted before (its field "daten" is what the Handlungsfeld covers;
    `framework_scene` itself adds the recommendation the routes make a measure from)."""
    from kompass.agenda import public_page, services
    from kompass.agenda.models import AgendaVersion, Handlungsfeld, Leitsatz
    from kompass.framework.models import Field

    assert state in AGENDA_STATES[1:], state
    sides: dict[str, AgendaSide] = {}
    places = {
        world.kommune.slug: {"inside": world.ordnungsamt, "outside": world.hauptamt},
        world.other.slug: {"foreign": world.other_unit},
    }
    for kommune, prefix in ((world.kommune, ""), (world.other, "GEHEIM-")):
        if state == AGENDA_NONE and kommune == world.kommune:
            continue
        covered = ["daten"] if Field.objects.for_kommune(kommune).filter(key="daten").exists() else []
        own_role, second_role, _relation = role_scene.roles[kommune.slug]
        version_decision = services.council_decision_create(
            kommune=kommune,
            actor=None,
            data={
                "body": f"{prefix}Rat",
                "decided_on": "2025-03-20",
                "drucksache": "DS-2025/017",
                "result": "beschlossen",
            },
        )
        decision = services.council_decision_create(
            kommune=kommune,
            actor=None,
            data={"body": f"{prefix}Hauptausschuss", "decided_on": "2025-11-27", "result": "kenntnis"},
        )
        services.agenda_create(kommune=kommune, actor=None, title=f"{prefix}Digitale Agenda", vision=f"{prefix}Nah")
        first = AgendaVersion.objects.for_kommune(kommune).get(number=1)
        leitsatz = services.leitsatz_create(
            kommune=kommune, actor=None, version=first, data={"text": f"{prefix}Nutzen zuerst."}
        )
        handlungsfeld = services.handlungsfeld_create(
            kommune=kommune,
            actor=None,
            version=first,
            data={"name": f"{prefix}Verwaltung digital", "framework_field_keys": covered},
        )
        first = services.version_decide(
            kommune=kommune,
            actor=None,
            version=first,
            data={"decided_on": "20.03.2025", "decision": version_decision.pk},
        )
        version = first
        if state == AGENDA_DRAFT:
            version = services.version_new_draft(kommune=kommune, actor=None, source=first)
            services.version_update(kommune=kommune, actor=None, version=version, data={"vision": f"{prefix}Näher"})
            leitsatz = services.leitsatz_create(
                kommune=kommune, actor=None, version=version, data={"text": f"{prefix}Offen und sicher."}
            )
            services.handlungsfeld_create(
                kommune=kommune, actor=None, version=version, data={"name": f"{prefix}Bildung digital"}
            )
            handlungsfeld = Handlungsfeld.objects.for_kommune(kommune).get(
                agenda_version=version, key=handlungsfeld.key
            )
            leitsatz = Leitsatz.objects.for_kommune(kommune).get(pk=leitsatz.pk)
        # Goals and measures link the decided version's Handlungsfeld (they move on when a version is decided).
        decided_field = Handlungsfeld.objects.for_kommune(kommune).get(agenda_version=first)
        goal = services.goal_create(
            kommune=kommune,
            actor=None,
            data={
                "kind": "wirkungsziel",
                "title": f"{prefix}Anträge digital stellen",
                "effect": "buerger_unternehmen",
                "handlungsfelder": [decided_field.pk],
            },
        )
        goal_kpi = services.kpi_create(
            kommune=kommune,
            actor=None,
            data={
                "name": f"{prefix}Anteil digitaler Anträge",
                "baseline_value": "10",
                "baseline_on": "2025-01-01",
                "target_value": "60",
                "target_on": "2027-12-31",
                "goal": goal,
            },
        )
        basis = services.measure_create(
            kommune=kommune, actor=None, data={"title": f"{prefix}Basisdienste", "status": "geplant"}
        )
        links = {"handlungsfeld": decided_field, "goal": goal, "basis": basis}
        side = AgendaSide(
            agenda_version=version,
            leitsatz=leitsatz,
            handlungsfeld=handlungsfeld,
            goal=goal,
            goal_kpi=goal_kpi,
            decision=decision,
            version_decision=version_decision,
            basis=basis,
        )
        for where, unit in places[kommune.slug].items():
            title = {"inside": "Gewerbeanmeldung online", "outside": "E-Akte im Hauptamt"}.get(where, "Maßnahme")
            side.measures[where] = _measure_set(kommune, prefix, title, unit, (own_role, second_role), links)
        public_page.public_settings_update(
            kommune=kommune, actor=None, data={"public_page_enabled": True, "public_intro": f"{prefix}Willkommen"}
        )
        sides[kommune.slug] = side
    return AgendaScene(state=state, sides=sides)


def fresh(kommune: Any, obj: Any) -> Any:
    """The object as stored now (a rolled-back request may have left an older copy in memory)."""
    return None if obj is None else type(obj).objects.for_kommune(kommune).get(pk=obj.pk)


def add_targets(targets: Any, scene: AgendaScene, kommune: Any, side: str, fresh: Any = fresh) -> None:
    """Fill `targets` with the agenda objects of `side` ("inside", "outside" or "foreign" in `kommune`):
    the strategy objects are the Kommune's, the measure and what hangs on it the side's; `other_measure`
    is a measure of the same Kommune the side's measure does not depend on yet. `fresh(kommune, obj)` reads an
    object as stored (the isolation test's scene reads each once per test)."""
    found = scene.side(kommune.slug)
    if found is None:
        return
    for kind in STRATEGY_KINDS:
        setattr(targets, kind, fresh(kommune, getattr(found, kind)))
    measures = found.measures
    chosen = measures.get(side) or next(iter(measures.values()))
    for kind in MEASURE_KINDS:
        setattr(targets, kind, fresh(kommune, getattr(chosen, kind)))
    others = [m.measure for key, m in measures.items() if m is not chosen]
    targets.other_measure = fresh(kommune, others[0] if others else found.basis)
