"""Changed links of a goal or a measure (its Handlungsfelder, its goals) in the audit log: stored with
the names of what was linked, so the Protokoll and the Verlauf read as words, not as ids — also after a
linked object is gone."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kompass.agenda import services
from kompass.agenda.models import Goal
from kompass.agenda.services import common
from kompass.agenda.tests.factories_strategy import draft, first_field, goal, handlungsfeld, url
from kompass.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def link_entries(world: Any, obj: Any, name: str) -> list[AuditEntry]:
    entries = AuditEntry.objects.for_kommune(world.kommune).filter(
        object_type=type(obj)._meta.model_name, object_id=str(obj.pk), action="update"
    )
    return [e for e in entries.order_by("id") if name in e.changes]


def test_a_changed_handlungsfeld_link_is_stored_with_ids_and_names(world: Any) -> None:
    version = draft(world)
    verwaltung = first_field(world, version)
    bildung = handlungsfeld(world, version, "Bildung digital")
    wz = goal(world, "Anliegen online erledigen", handlungsfelder=[verwaltung.pk])
    services.goal_update(
        kommune=world.kommune, actor=world.admin, goal=wz, data={"handlungsfelder": [bildung.pk, verwaltung.pk]}
    )
    before, after = link_entries(world, wz, "handlungsfelder")[-1].changes["handlungsfelder"]
    assert before == [{"id": verwaltung.pk, "label": "Verwaltung digital (Fassung 1)"}]
    assert after == sorted(
        [
            {"id": verwaltung.pk, "label": "Verwaltung digital (Fassung 1)"},
            {"id": bildung.pk, "label": "Bildung digital (Fassung 1)"},
        ],
        key=lambda item: item["id"],
    )


def test_an_unchanged_link_writes_no_entry(world: Any) -> None:
    version = draft(world)
    wz = goal(world, "Anliegen online erledigen", handlungsfelder=[first_field(world, version).pk])
    count = len(link_entries(world, wz, "handlungsfelder"))
    services.goal_update(
        kommune=world.kommune,
        actor=world.admin,
        goal=wz,
        data={"handlungsfelder": [first_field(world, version).pk]},
    )
    assert len(link_entries(world, wz, "handlungsfelder")) == count


def test_the_protokoll_shows_the_names_of_linked_handlungsfelder_and_goals(world: Any) -> None:
    version = draft(world)
    verwaltung = first_field(world, version)
    bildung = handlungsfeld(world, version, "Bildung digital")
    wz = goal(world, "Anliegen online erledigen")
    measure = services.measure_create(
        kommune=world.kommune,
        actor=world.admin,
        data={"title": "Serviceportal", "handlungsfelder": [verwaltung.pk], "goals": [wz.pk]},
    )
    services.measure_update(
        kommune=world.kommune, actor=world.admin, measure=measure, data={"handlungsfelder": [bildung.pk], "goals": []}
    )
    page = world.client_for(world.admin).get(reverse("audit:log", args=["teststadt"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Handlungsfelder: Verwaltung digital (Fassung 1)" in html
    assert "Bildung digital (Fassung 1)" in html
    assert "Ziele: Anliegen online erledigen" in html
    assert "&#x27;id&#x27;" not in html and "label:" not in html and "id: " not in html


def test_the_verlauf_of_a_goal_keeps_the_name_of_a_deleted_handlungsfeld(world: Any) -> None:
    version = draft(world)
    verwaltung = first_field(world, version)
    bildung = handlungsfeld(world, version, "Bildung digital")
    wz = goal(world, "Anliegen online erledigen", handlungsfelder=[bildung.pk])
    services.goal_update(kommune=world.kommune, actor=world.admin, goal=wz, data={"handlungsfelder": [verwaltung.pk]})
    services.handlungsfeld_delete(kommune=world.kommune, actor=world.admin, handlungsfeld=bildung)
    html = world.client_for(world.admin).get(url("goal_detail", wz.pk)).content.decode()
    assert "Handlungsfelder: Bildung digital (Fassung 1)" in html


def test_links_are_named_inside_the_kommune_only(world: Any) -> None:
    """The names are read scoped to the Kommune: a foreign id gets no name (the services refuse
    foreign ids before; this guards the lookup itself)."""
    draft(world)
    wz = goal(world, "Anliegen online erledigen")
    assert common.link_labels(world.kommune, Goal, {wz.pk}) == {wz.pk: "Anliegen online erledigen"}
    assert common.link_labels(world.other, Goal, {wz.pk}) == {}
