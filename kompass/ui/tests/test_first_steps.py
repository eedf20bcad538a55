"""Erste Schritte on the start page of a new Kommune, and what the start page says while it is empty."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompass.accounts.models import User
from kompass.conftest import World
from kompass.factories import KommuneFactory, UserFactory, orgunit, person
from kompass.org.models import OrgUnitType
from kompass.tenancy.models import Kommune, Membership, Role

pytestmark = pytest.mark.django_db


def new_kommune(role: str = Role.ADMIN) -> tuple[Kommune, Client]:
    """A Kommune just created by the operator: one member, no units, no people, no roles."""
    kommune = KommuneFactory(name="Neustadt", slug="neustadt", ags="05111001")
    user: User = UserFactory(username=f"erste-{role}")
    Membership.objects.create(kommune=kommune, user=user, role=role)
    client = Client()
    client.force_login(user)
    return kommune, client


def dashboard(kommune: Kommune) -> str:
    return reverse("ui:dashboard", args=[kommune.slug])


def section(text: str, anchor: str) -> str:
    return text.split(f'id="{anchor}"', 1)[1].split("</section>", 1)[0]


def test_an_empty_kommune_gets_every_first_step_open_with_links() -> None:
    kommune, client = new_kommune()
    response = client.get(dashboard(kommune))
    first = response.context["first_steps"]
    assert (first["done"], first["total"], first["complete"]) == (0, 7, False)
    assert [str(item["step"].title) for item in first["steps"]] == [
        "Organigramm importieren",
        "Personen importieren",
        "Rollenkatalog übernehmen",
        "CDO benennen",
        "Digitale Lotsinnen und Lotsen benennen",
        "Rollen-Check öffnen",
        "Orientierungsrahmen übernehmen",
    ]
    steps = section(response.content.decode(), "erste-schritte")
    assert "0 von 7 Schritten erledigt" in steps
    assert '<progress id="erste-schritte-fortschritt" max="7" value="0">' in steps
    assert steps.count(">offen<") == 7 and "erledigt</span>" not in steps
    for name in ("org:import_export", "roles:role_list", "roles:checks", "framework:overview"):
        assert reverse(name, args=[kommune.slug]) in steps


def test_an_empty_kommune_never_claims_that_everything_is_complete() -> None:
    kommune, client = new_kommune()
    text = client.get(dashboard(kommune)).content.decode()
    missing = section(text, "fehlt")
    assert "vollständig" not in text
    assert "Es gibt noch keine aktiven Organisationseinheiten." in missing
    assert "Es gibt noch keine aktiven Personen." in missing
    assert reverse("org:import_export", args=[kommune.slug]) in missing
    assert reverse("org:unit_create", args=[kommune.slug]) in missing


def test_units_without_people_are_not_complete_either() -> None:
    kommune, client = new_kommune()
    orgunit(kommune, "10", "Hauptamt", OrgUnitType.AMT)
    text = client.get(dashboard(kommune)).content.decode()
    assert "vollständig" not in text and "Es gibt noch keine aktiven Personen." in text
    assert "Es gibt noch keine aktiven Organisationseinheiten." not in text


def test_the_first_steps_tick_themselves_when_units_and_people_are_there() -> None:
    kommune, client = new_kommune()
    unit = orgunit(kommune, "10", "Hauptamt", OrgUnitType.AMT)
    person(kommune, "Alice", "Amtsleiterin", unit)
    first = client.get(dashboard(kommune)).context["first_steps"]
    assert [item["done"] for item in first["steps"]] == [True, True, False, False, False, False, False]
    assert first["done"] == 2


def test_a_reader_sees_the_progress_but_no_links_to_steps_she_cannot_take() -> None:
    kommune, client = new_kommune(Role.READER)
    response = client.get(dashboard(kommune))
    steps = section(response.content.decode(), "erste-schritte")
    assert "Organigramm importieren" in steps
    assert steps.count("<a ") == 1  # only the Rollen-Check, which every member may open
    assert reverse("roles:checks", args=[kommune.slug]) in steps  # every member may open the Rollen-Check


def _step(client: Client, kommune: Kommune, key: str) -> dict[str, Any]:
    steps = client.get(dashboard(kommune)).context["first_steps"]["steps"]
    return next(item for item in steps if item["step"].key == key)


def test_opening_the_rollen_check_ticks_its_step() -> None:
    kommune, client = new_kommune(Role.READER)
    assert not _step(client, kommune, "roles.check")["done"]
    assert client.get(reverse("roles:checks", args=[kommune.slug])).status_code == 200
    assert client.get(reverse("roles:checks", args=[kommune.slug])).status_code == 200  # a second visit: no error
    assert _step(client, kommune, "roles.check")["done"]


def test_adopting_the_framework_ticks_the_last_step(tmp_path: Path) -> None:
    """The Orientierungsrahmen comes after the Rollen-Check: the self-assessment builds on the role model."""
    from kompass.framework.tests.catalogue_fixture import adopted_framework

    kommune, client = new_kommune()
    steps = client.get(dashboard(kommune)).context["first_steps"]["steps"]
    assert [item["step"].key for item in steps[-2:]] == ["roles.check", "framework.adopt"]
    assert not steps[-1]["done"]
    adopted_framework(kommune, tmp_path)
    assert _step(client, kommune, "framework.adopt")["done"]


def _queries(client: Client, url: str) -> int:
    client.get(url)  # warm-up: session and content types
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_start_page_of_an_empty_and_of_a_grown_kommune_costs_the_same_bounded_queries(world: World) -> None:
    kommune, client = new_kommune()
    empty = _queries(client, dashboard(kommune))
    admin = world.client_for(world.admin)
    small = _queries(admin, dashboard(world.kommune))
    for i in range(30):
        unit = orgunit(world.kommune, f"40.{i}", f"Sachgebiet {i}", OrgUnitType.SACHGEBIET, world.ordnungsamt)
        person(world.kommune, f"Vorname{i}", f"Nachname{i}", unit)
    assert _queries(admin, dashboard(world.kommune)) == small
    assert empty <= small <= 40, (empty, small)


def test_what_is_missing_says_how_many_more_units_lack_a_head_and_links_to_all_of_them() -> None:
    kommune, client = new_kommune()
    head = person(kommune, "Hanna", "Haupt", None)
    orgunit(kommune, "1", "Mit Leitung", OrgUnitType.AMT, head=head)
    for n in range(12):
        orgunit(kommune, f"2{n:02d}", f"Amt {n}", OrgUnitType.AMT)
    missing = section(client.get(dashboard(kommune)).content.decode(), "fehlt")
    assert missing.count(">Leitung fehlt<") == 10
    link = reverse("org:unit_list", args=[kommune.slug]) + "?status=aktiv&amp;leitung=ohne"
    assert f'href="{link}">und 2 weitere Einheiten ohne Leitung (alle 12 ansehen)</a>' in missing
    listed = client.get(link.replace("&amp;", "&"))
    assert listed.status_code == 200
    assert sorted(u.code for u in listed.context["page"].object_list) == [f"2{n:02d}" for n in range(12)]


def test_the_import_steps_offer_templates_and_examples_that_download() -> None:
    kommune, client = new_kommune()
    steps = client.get(dashboard(kommune)).context["first_steps"]["steps"]
    for item, stem in zip(steps[:2], ("organisationseinheiten", "personen"), strict=True):
        urls = [url for _label, url in item["links"]]
        assert len(urls) == 4 and all(stem in url for url in urls), urls
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment"), url
    assert all(not item["links"] for item in steps[2:])


def test_an_empty_kommune_has_no_lotsen_coverage_to_boast_of() -> None:
    kommune, client = new_kommune()
    for name in ("roles:checks", "roles:lotsen"):
        text = client.get(reverse(name, args=[kommune.slug])).content.decode()
        assert "100 %" not in text and "noch keine Fachbereiche oder Ämter" in text, name
        assert "Alles in Ordnung" not in text, name
