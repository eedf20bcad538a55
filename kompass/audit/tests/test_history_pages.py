"""The "Verlauf" on detail pages and the Kommune's log read in words, not in field names and ids."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompass.conftest import World
from kompass.factories import orgunit, person
from kompass.org import services
from kompass.org.models import OrgUnitType

pytestmark = pytest.mark.django_db


def _move_sachgebiet(world: World) -> None:
    services.orgunit_update(
        kommune=world.kommune,
        actor=world.admin,
        unit=world.sachgebiet,
        data={"parent": world.hauptamt, "is_active": False},
    )


def test_the_history_of_a_unit_names_the_field_and_the_parents(world: World, admin_client: Client) -> None:
    _move_sachgebiet(world)
    url = reverse("org:unit_detail", args=[world.kommune.slug, world.sachgebiet.pk])
    html = admin_client.get(url).content.decode()
    start = html.index('id="verlauf"')
    history = html[start : html.index("</section>", start)]
    assert "Übergeordnete Einheit" in history
    assert "32 Ordnungsamt" in history and "10 Hauptamt" in history
    assert "parent" not in history and f"</span> {world.hauptamt.pk}" not in history
    assert "Aktiv" in history and "nein" in history
    assert "geändert zu" in history  # the arrow's text for screen readers


def test_the_log_names_fields_object_types_and_referenced_objects(world: World, admin_client: Client) -> None:
    _move_sachgebiet(world)
    html = admin_client.get(reverse("audit:log", args=[world.kommune.slug])).content.decode()
    table = html[html.index("<table") :]
    assert "Übergeordnete Einheit" in table and "10 Hauptamt" in table
    assert "Organisationseinheit" in table
    assert "parent</span>" not in table and "(orgunit " not in table
    assert "GEHEIM" not in table


def test_the_history_is_hidden_from_readers(world: World, reader_client: Client) -> None:
    _move_sachgebiet(world)
    url = reverse("org:unit_detail", args=[world.kommune.slug, world.sachgebiet.pk])
    assert 'id="verlauf"' not in reader_client.get(url).content.decode()


def _count(client: Client, url: str) -> int:
    client.get(url)  # warm-up: sessions and other one-off caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["log", "unit"])
def test_resolving_labels_does_not_add_queries_per_entry(world: World, admin_client: Client, page: str) -> None:
    """Already the small history names units and people; a much longer one must cost no more queries."""
    services.orgunit_update(kommune=world.kommune, actor=world.admin, unit=world.sachgebiet, data={"head": world.bruno})
    url = (
        reverse("audit:log", args=[world.kommune.slug])
        if page == "log"
        else reverse("org:unit_detail", args=[world.kommune.slug, world.sachgebiet.pk])
    )
    small = _count(admin_client, url)
    for i in range(15):
        staff = person(world.kommune, f"Vor{i}", f"Nach{i}", world.sachgebiet)
        team = orgunit(world.kommune, f"32.1.{i}", f"Team {i}", OrgUnitType.SACHGEBIET, world.sachgebiet)
        services.orgunit_update(kommune=world.kommune, actor=world.admin, unit=team, data={"head": staff})
        services.orgunit_update(kommune=world.kommune, actor=world.admin, unit=world.sachgebiet, data={"head": staff})
    assert _count(admin_client, url) == small
