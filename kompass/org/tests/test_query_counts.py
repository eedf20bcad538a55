"""The number of SQL queries of a page does not grow with the size of the Kommune (no N+1).

Each page is requested for the small Teststadt of the `world` fixture, then again after the
Kommune grew by 30 units (nested, with heads), 100 people and more history; the counts must be
equal. A loop that queries per row, per unit or per audit entry makes these tests fail.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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

PAGES: dict[str, Callable[[World], str]] = {
    "start page": lambda w: reverse("ui:dashboard", args=[w.kommune.slug]),
    "org tree": lambda w: reverse("org:tree", args=[w.kommune.slug]),
    "unit list": lambda w: reverse("org:unit_list", args=[w.kommune.slug]),
    "person list": lambda w: reverse("org:person_list", args=[w.kommune.slug]),
    "person list filtered by unit and search": lambda w: (
        reverse("org:person_list", args=[w.kommune.slug]) + f"?einheit={w.ordnungsamt.pk}&q=e"
    ),
    "unit detail": lambda w: reverse("org:unit_detail", args=[w.kommune.slug, w.ordnungsamt.pk]),
    "person detail": lambda w: reverse("org:person_detail", args=[w.kommune.slug, w.alice.pk]),
    # The audit log costs one query per kind of object its changes name (units, people …); its
    # count is asserted with a history naming every kind in audit/tests/test_history_pages.py.
}


def _measure(client: Client, url: str) -> tuple[int, bytes]:
    client.get(url)  # warm-up: sessions, content types and other one-off caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response.content


def grow(world: World) -> None:
    """30 more units (three levels below the Ordnungsamt, with heads), 100 more people,
    Alice leading five more units, and a longer history for the Ordnungsamt and Alice."""
    k = world.kommune
    staff = [
        person(k, f"Vorname{i}", f"Nachname{i}", world.ordnungsamt if i < 50 else world.hauptamt) for i in range(100)
    ]
    level1 = [orgunit(k, f"32.{i}", f"Sachgebiet {i}", OrgUnitType.SACHGEBIET, world.ordnungsamt) for i in range(2, 12)]
    for n, parent in enumerate(level1):
        for j in (1, 2):
            orgunit(k, f"{parent.code}.{j}", f"Team {n}.{j}", OrgUnitType.SACHGEBIET, parent, head=staff[n * 2 + j])
    for unit in level1[:5]:
        services.orgunit_update(kommune=k, actor=world.admin, unit=unit, data={"head": world.alice})
    for i in range(5):
        services.orgunit_update(kommune=k, actor=world.admin, unit=world.ordnungsamt, data={"name": f"Ordnungsamt {i}"})
        services.person_update(kommune=k, actor=world.admin, person=world.alice, data={"function_title": f"F{i}"})


@pytest.mark.parametrize("page", PAGES)
def test_queries_of_a_page_do_not_grow_with_the_kommune(world: World, admin_client: Client, page: str) -> None:
    url = PAGES[page](world)
    small_count, small_html = _measure(admin_client, url)
    grow(world)
    big_count, big_html = _measure(admin_client, url)
    assert big_html != small_html, "the page should show the added data"
    assert big_count == small_count, f"{page}: {small_count} queries for the small Kommune, {big_count} for the big one"


def test_the_tree_is_read_in_a_fixed_number_of_queries_for_an_editor(world: World, editor_client: Client) -> None:
    url: Any = PAGES["org tree"](world)
    small_count, _html = _measure(editor_client, url)
    grow(world)
    assert _measure(editor_client, url)[0] == small_count
