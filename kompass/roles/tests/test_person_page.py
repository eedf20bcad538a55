"""The person page: the person's roles (current, future, ended) and the units the person leads."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompass.factories import orgunit, person
from kompass.org import services as org_services
from kompass.org.extensions import PERSON_SECTIONS
from kompass.org.models import OrgUnitType
from kompass.roles.tests.conftest import Model

TODAY = datetime.date.today()


def _page(client: Client, model: Model, pk: int) -> str:
    response = client.get(reverse("org:person_detail", args=[model.world.kommune.slug, pk]))
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    end = html.find("<h3", start + 1)
    return html[start : end if end != -1 else len(html)]


@pytest.fixture
def roles_of_bruno(adopted: Model) -> Model:
    w = adopted.world
    adopted.assign(w.bruno, "lotse", 20, org_unit=w.ordnungsamt, deputy=w.alice)
    adopted.assign(w.bruno, "isb", "12.5", valid_from=TODAY + datetime.timedelta(days=30))
    adopted.assign(w.bruno, "cio", 5, valid_from=datetime.date(2023, 1, 1), valid_until=datetime.date(2024, 6, 30))
    return adopted


def test_the_person_page_lists_current_future_and_ended_roles(roles_of_bruno: Model, reader_client: Client) -> None:
    w = roles_of_bruno.world
    html = _page(reader_client, roles_of_bruno, w.bruno.pk)
    current = html[html.index('id="rollen-aktuell-caption"') : html.index('id="rollen-frueher"')]
    ended = html[html.index('id="rollen-frueher"') :]
    assert "2 aktuelle oder künftige Zuordnungen" in current
    assert "Digitale Lotsinnen und Lotsen" in current
    assert "32 Ordnungsamt" in current and "20 %" in current
    assert "Alice Amtsleiterin" in current  # deputy, linked
    assert reverse("org:person_detail", args=[w.kommune.slug, w.alice.pk]) in current
    assert "künftig, ab" in current and "12,5 %" in current
    assert "Chief Information Officer" not in current
    assert "1 beendete Zuordnung" in ended
    assert "Chief Information Officer" in ended and "01.01.2023 – 30.06.2024" in ended
    # Only what holds today counts for the total; the future ISB share does not.
    assert "Zeitanteil aller aktuellen Rollen zusammen: 20 %" in html


def test_a_reader_sees_no_edit_links_an_admin_does(
    roles_of_bruno: Model, reader_client: Client, admin_client: Client
) -> None:
    w = roles_of_bruno.world
    assert "/bearbeiten/" not in _section(_page(reader_client, roles_of_bruno, w.bruno.pk), "rollen")
    assert 'Bearbeiten<span class="kern-sr-only"> (Digitale' in _page(admin_client, roles_of_bruno, w.bruno.pk)


def test_the_person_page_lists_the_units_the_person_leads(adopted: Model, reader_client: Client) -> None:
    w = adopted.world
    org_services.orgunit_update(kommune=w.kommune, actor=None, unit=w.ordnungsamt, data={"head": w.bruno})
    orgunit(w.kommune, "32.2", "Bußgeldstelle", OrgUnitType.SACHGEBIET, w.ordnungsamt, head=w.bruno)
    html = _section(_page(reader_client, adopted, w.bruno.pk), "leitet")
    links = re.findall(r'href="([^"]+)"><span class="kk-code">([^<]+)</span>', html)
    assert [code for _url, code in links] == ["32", "32.2"]
    assert links[0][0] == reverse("org:unit_detail", args=[w.kommune.slug, w.ordnungsamt.pk])
    html = _page(reader_client, adopted, w.alice.pk)
    assert "Alice Amtsleiterin leitet keine Organisationseinheit." in html
    assert "ist derzeit keiner Rolle zugeordnet" in html


def test_the_person_page_costs_the_same_queries_for_one_role_or_many(adopted: Model, admin_client: Client) -> None:
    w = adopted.world
    url = reverse("org:person_detail", args=[w.kommune.slug, w.bruno.pk])
    adopted.assign(w.bruno, "lotse", 10, org_unit=w.ordnungsamt, deputy=w.alice)
    admin_client.get(url)
    with CaptureQueriesContext(connection) as one:
        admin_client.get(url)
    keys = ["cdo", "isb", "dsb", "personal", "partner", "rat", "hvb"]
    for i, key in enumerate(keys):
        unit = orgunit(w.kommune, f"40.{i}", f"Einheit {i}", OrgUnitType.SACHGEBIET, w.dezernat)
        deputy = person(w.kommune, f"Vertretung{i}", "Person", unit)
        adopted.assign(w.bruno, key, 5, org_unit=unit, deputy=deputy)
        adopted.assign(
            w.bruno, key, 5, org_unit=unit, valid_from=datetime.date(2020, 1, 1), valid_until=datetime.date(2021, 1, 1)
        )
        org_services.orgunit_update(kommune=w.kommune, actor=None, unit=unit, data={"head": w.bruno})
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(url)
    assert response.content.decode().count("Einheit 6") >= 3  # led, current and ended
    assert len(many) == len(one), [q["sql"] for q in many.captured_queries]


def test_the_person_page_shows_what_apps_register_and_nothing_else(adopted: Model, reader_client: Client) -> None:
    """The org app knows of roles only through the registry."""
    w = adopted.world
    adopted.assign(w.bruno, "lotse", 20)
    item = PERSON_SECTIONS["roles.assignments"]
    assert PERSON_SECTIONS.check() == [item]
    PERSON_SECTIONS.unregister(item.key)
    try:
        html = _page(reader_client, adopted, w.bruno.pk)
    finally:
        PERSON_SECTIONS.register(item)
    assert "Digitale Lotsinnen und Lotsen" not in html and 'id="leitet"' in html


def test_another_kommunes_person_is_not_found(roles_of_bruno: Model) -> None:
    w = roles_of_bruno.world
    client = w.client_for(w.outsider)
    response = client.get(reverse("org:person_detail", args=[w.kommune.slug, w.bruno.pk]))
    assert response.status_code == 404


def test_new_assignment_from_the_person_page_starts_with_that_person(adopted: Model, admin_client: Client) -> None:
    w = adopted.world
    html = _page(admin_client, adopted, w.bruno.pk)
    link = reverse("roles:assignment_create", args=[w.kommune.slug]) + f"?person={w.bruno.pk}"
    assert f'href="{link}"' in html
    form = admin_client.get(link).context["form"]
    assert form.initial["person"] == w.bruno.pk
    other = reverse("roles:assignment_create", args=[w.kommune.slug]) + f"?person={w.other_person.pk}"
    assert admin_client.get(other).status_code == 404  # another Kommune's person is not even named
