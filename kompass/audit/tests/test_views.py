"""The Kommune's audit log page: filters by person, type, action and period, for administrators only."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from kompass.accounts.models import User
from kompass.audit.models import AuditEntry
from kompass.conftest import World
from kompass.factories import UserFactory
from kompass.org import services

pytestmark = pytest.mark.django_db

LOG = reverse("audit:log", args=["teststadt"])


def shown(world: World, **query: Any) -> list[AuditEntry]:
    response = world.client_for(world.admin).get(LOG, query)
    assert response.status_code == 200
    return list(response.context["page"])


@pytest.fixture
def history(world: World) -> dict[str, Any]:
    """Changes by two people on three days (the world itself was set up by "System" today)."""
    clerk = UserFactory(username="sachbearbeiter", first_name="Sabine", last_name="Sachlich")
    days = {}
    for name, actor, day in (("erste", world.admin, "2026-03-02"), ("zweite", clerk, "2026-03-10")):
        with time_machine.travel(datetime.datetime.fromisoformat(f"{day}T10:00:00+01:00"), tick=False):
            services.orgunit_update(
                kommune=world.kommune, actor=actor, unit=world.hauptamt, data={"name": f"Hauptamt ({name})"}
            )
        days[name] = day
    with time_machine.travel(datetime.datetime.fromisoformat("2026-03-20T10:00:00+01:00"), tick=False):
        services.person_update(kommune=world.kommune, actor=clerk, person=world.bruno, data={"function_title": "SGL"})
    return {"clerk": clerk}


def test_the_log_shows_the_kommunes_entries_newest_first_and_never_another_kommunes(world: World, history) -> None:
    entries = shown(world)
    assert entries == sorted(entries, key=lambda e: (e.created_at, e.id), reverse=True)
    assert {e.kommune_id for e in entries} == {world.kommune.pk}
    body = world.client_for(world.admin).get(LOG).content.decode()
    assert "GEHEIM" not in body
    assert "Hauptamt (zweite)" in body


def test_the_log_filters_by_acting_person(world: World, history) -> None:
    """Entries hold no names: the filter matches the live accounts of the actors, or a pseudonym."""
    found = shown(world, person="sachlich")
    assert {e.actor_id for e in found} == {history["clerk"].pk}
    assert {e.actor_name for e in found} == {""}
    assert len(shown(world, person="Sabine")) == 2
    assert len(shown(world, person=found[0].actor_pseudonym.lower())) == 2


def test_the_log_filters_by_object_type_and_action(world: World, history) -> None:
    assert {e.object_type for e in shown(world, typ="person")} == {"person"}
    updates = shown(world, typ="orgunit", aktion="update")
    assert [e.changes["name"][1] for e in updates] == ["Hauptamt (zweite)", "Hauptamt (erste)"]


def test_the_log_filters_by_period_in_whole_days(world: World, history) -> None:
    march = shown(world, von="2026-03-01", bis="2026-03-10")
    assert [e.changes["name"][1] for e in march] == ["Hauptamt (zweite)", "Hauptamt (erste)"]
    assert [e.object_type for e in shown(world, von="2026-03-11", bis="2026-03-31")] == ["person"]
    assert shown(world, von="2026-03-03", bis="2026-03-09") == []


def test_a_period_ending_before_it_starts_is_a_german_error(world: World, history) -> None:
    response = world.client_for(world.admin).get(LOG, {"von": "2026-03-10", "bis": "2026-03-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["bis"] == ["Das Ende des Zeitraums liegt vor seinem Anfang."]
    assert "Das Ende des Zeitraums liegt vor seinem Anfang." in response.content.decode()


@pytest.mark.parametrize("query", [{"von": "gestern"}, {"typ": "kein-typ"}, {"aktion": "x"}, {"page": "9999"}])
def test_malformed_filters_do_not_break_the_page(world: World, history, query: dict[str, str]) -> None:
    response = world.client_for(world.admin).get(LOG, query)
    assert response.status_code == 200


def test_the_log_filters_by_object(world: World, history) -> None:
    entries = shown(world, objekt=str(world.bruno.pk), typ="person")
    assert [e.object_id for e in entries] == [str(world.bruno.pk)] * len(entries) and entries


def test_htmx_requests_get_only_the_table(world: World, history) -> None:
    response = world.client_for(world.admin).get(LOG, {"person": "Sabine"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content
    assert b"Sabine Sachlich" in response.content


def test_after_the_actor_is_deleted_the_entries_name_her_pseudonym(world: World, history) -> None:
    """The entries never change (the id stays); the name came from the account and is gone with it."""
    clerk = history["clerk"]
    pseudonym = shown(world, person="Sabine")[0].actor_pseudonym
    User.objects.filter(pk=clerk.pk).delete()
    assert shown(world, person="Sabine") == []
    entries = shown(world, person=pseudonym)
    assert len(entries) == 2 and all(e.actor_id == clerk.pk for e in entries)
    body = world.client_for(world.admin).get(LOG).content.decode()
    assert "Sabine Sachlich" not in body
    assert f"Gelöschte Person {pseudonym}" in body


@pytest.mark.parametrize("persona", ["reader", "editor"])
def test_only_administrators_read_the_log(world: World, persona: str) -> None:
    assert world.client_for(getattr(world, persona)).get(LOG).status_code == 403


def test_a_nul_byte_in_the_object_filter_is_no_server_error(world: World, history) -> None:
    """PostgreSQL text cannot hold NUL bytes; the raw `objekt` parameter must not reach the query with one."""
    response = world.client_for(world.admin).get(LOG, {"objekt": f"{world.bruno.pk}\x00"})
    assert response.status_code == 200
