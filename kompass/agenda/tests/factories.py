"""Test data for the agenda: roles and assignments of the role model, an agenda with a decided
version, measures, KPIs and a recommendation of the self-assessment, built through the services
where the agenda's own rows are concerned."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from kompass.agenda import services
from kompass.agenda.models import KPI, Agenda, AgendaVersion, Measure
from kompass.assessment.models import Recommendation
from kompass.conftest import World
from kompass.framework.models import Confidence, Dimension, Field
from kompass.org.models import OrgUnit, Person
from kompass.roles.models import Assignment, Role

TODAY = datetime.date(2026, 6, 1)


def role(world: World, key: str, name: str, markers: list[str] | None = None) -> Role:
    return Role.objects.create(kommune=world.kommune, key=key, name=name, markers=markers or [], confidence="eigene")


def assign(
    world: World,
    person: Person,
    the_role: Role,
    unit: OrgUnit | None = None,
    valid_from: datetime.date = datetime.date(2020, 1, 1),
    valid_until: datetime.date | None = None,
) -> Assignment:
    return Assignment.objects.create(
        kommune=world.kommune,
        person=person,
        role=the_role,
        org_unit=unit,
        time_share=Decimal(10),
        valid_from=valid_from,
        valid_until=valid_until,
    )


def framework_field(world: World, key: str = "steuerung", name: str = "Steuerung der Digitalisierung") -> Field:
    dimension, _created = Dimension.objects.get_or_create(
        kommune=world.kommune, key="innensicht", defaults={"name": "Innensicht", "confidence": Confidence.BELEGT}
    )
    return Field.objects.create(
        kommune=world.kommune, key=key, name=name, dimension=dimension, confidence=Confidence.BELEGT
    )


def agenda(world: World) -> Agenda:
    return services.agenda_create(kommune=world.kommune, actor=world.admin, vision="Digital und nah.")


def first_version(world: World) -> AgendaVersion:
    return AgendaVersion.objects.for_kommune(world.kommune).get(number=1)


def decided_agenda(world: World, field_keys: list[str] | None = None) -> AgendaVersion:
    """An agenda whose first version has a Leitsatz and a Handlungsfeld and is decided."""
    agenda(world)
    version = first_version(world)
    services.leitsatz_create(kommune=world.kommune, actor=world.admin, version=version, data={"text": "Nutzen zuerst."})
    services.handlungsfeld_create(
        kommune=world.kommune,
        actor=world.admin,
        version=version,
        data={"name": "Verwaltung digital", "framework_field_keys": field_keys or []},
    )
    return services.version_decide(
        kommune=world.kommune, actor=world.admin, version=version, data={"decided_on": "20.03.2025"}
    )


def measure(world: World, title: str = "E-Akte einführen", **data: Any) -> Measure:
    return services.measure_create(kommune=world.kommune, actor=world.admin, data={"title": title, **data})


def kpi(world: World, name: str = "Anteil digitaler Anträge", **data: Any) -> KPI:
    values = {
        "name": name,
        "unit": "%",
        "baseline_value": "10",
        "baseline_on": "2025-01-01",
        "target_value": "60",
        "target_on": "2027-01-01",
        **data,
    }
    return services.kpi_create(kommune=world.kommune, actor=world.admin, data=values)


def recommendation(world: World, field: Field | None = None) -> Recommendation:
    field = field or framework_field(world)
    return Recommendation.objects.create(
        kommune=world.kommune,
        field=field,
        title="Digitalisierungsstrategie aufstellen",
        description="Eine beschlossene Strategie gibt den Rahmen.",
        reason="Ist 1,80, Soll 3,0.",
        current_level=Decimal("1.80"),
        target_level=Decimal("3.0"),
    )
