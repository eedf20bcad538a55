"""Test data for the strategy pages: framework fields of the Innensicht and the Außensicht
(Gestaltungsfelder), a draft with a Leitsatz and a Handlungsfeld, goals, council decisions."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from kompass.agenda import services
from kompass.agenda.models import AgendaVersion, CouncilDecision, Goal, Handlungsfeld
from kompass.agenda.tests import factories
from kompass.conftest import World
from kompass.framework.models import Confidence, Dimension, Field

SLUG = "teststadt"


def url(name: str, *args: Any) -> str:
    return reverse(f"agenda:{name}", args=[SLUG, *args])


def gestaltungsfeld(world: World, key: str = "lebensqualitaet", name: str = "Lebensqualität") -> Field:
    """A field of the framework's Außensicht, which the pages show as a Gestaltungsfeld."""
    dimension, _created = Dimension.objects.get_or_create(
        kommune=world.kommune,
        key="aussensicht",
        defaults={"name": "Außensicht: Gestaltungsfelder der örtlichen Gemeinschaft", "confidence": Confidence.BELEGT},
    )
    return Field.objects.create(
        kommune=world.kommune, key=key, name=name, dimension=dimension, confidence=Confidence.BELEGT
    )


def fields(world: World) -> tuple[Field, Field]:
    return factories.framework_field(world), gestaltungsfeld(world)


def draft(world: World) -> AgendaVersion:
    """An agenda whose first version is a draft with one Leitsatz and one Handlungsfeld."""
    factories.agenda(world)
    version = factories.first_version(world)
    services.leitsatz_create(kommune=world.kommune, actor=world.admin, version=version, data={"text": "Nutzen zuerst."})
    handlungsfeld(world, version, "Verwaltung digital")
    return version


def handlungsfeld(world: World, version: AgendaVersion, name: str, keys: list[str] | None = None) -> Handlungsfeld:
    return services.handlungsfeld_create(
        kommune=world.kommune,
        actor=world.admin,
        version=version,
        data={"name": name, "framework_field_keys": keys or []},
    )


def first_field(world: World, version: AgendaVersion) -> Handlungsfeld:
    return Handlungsfeld.objects.for_kommune(world.kommune).filter(agenda_version=version).order_by("position").first()  # type: ignore[return-value]


def goal(world: World, title: str = "Anliegen online erledigen", **data: Any) -> Goal:
    values = {"kind": "wirkungsziel", "title": title, "effect": "buerger_unternehmen", **data}
    return services.goal_create(kommune=world.kommune, actor=world.admin, data=values)


def decision(world: World, **data: Any) -> CouncilDecision:
    values = {
        "body": "Rat",
        "decided_on": "12.12.2024",
        "drucksache": "0342/2024",
        "title": "Digitale Agenda 2025",
        "result": "beschlossen",
        "link": "https://ratsinfo.example/vorlage/0342",
        **data,
    }
    return services.council_decision_create(kommune=world.kommune, actor=world.admin, data=values)
