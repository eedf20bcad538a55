"""Public pages of a Kommune (`/p/<kommune_slug>/…`), generated from the URL resolver.

Every route of the URL namespace `public` is checked:
- anonymous visitors reach it (no login) once the Kommune publishes;
- an unknown Kommune and a Kommune that publishes nothing answer 404;
- it shows no data of another Kommune (Nachbarort's sentinel `GEHEIM`, its name) and none of the
  Kommune's internal data (the sentinel `INTERN` in Teststadt's organisation);
- a logged-in member of Teststadt, the administrator of Nachbarort and a platform operator get
  exactly the page an anonymous visitor gets (apart from the CSRF token, which differs per visitor);
- a page that holds a CSRF token is not kept by shared caches;
- the pages of the digital agenda answer 404 while the Kommune has not switched them on (or has no decided
  version), also when the Kommune publishes other pages.
A new public route needs no entry here; a route with more URL kwargs than the Kommune's slug
fails until `FILL` says how to fill them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from kompass.conftest import World, refreshed
from kompass.factories import UserFactory, orgunit, person
from kompass.org.models import OrgUnitType
from kompass.tenancy.public import Publication, publications
from kompass.ui.tests.test_isolation import ROUTES

PUBLIC = sorted(name for name in ROUTES if name.startswith("public:"))
# route → URL kwargs other than kommune_slug; a callable gets the Kommune's slug (each Kommune of the
# test has its own survey links, built by `published`)
FILL: dict[str, dict[str, Any]] = {
    "public:survey_start": {"token": lambda slug: f"umfrage-{slug}"},
    "public:survey_questions": {"token": lambda slug: f"umfrage-{slug}"},
    "public:survey_submit": {"token": lambda slug: f"umfrage-{slug}"},
    "public:survey_open": {"open_token": lambda slug: f"offen-{slug}"},
}
POPULATION = re.compile(rb"(?<![\d.,])45\.?000(?![\d.,]?\d)")
CSRF_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')

pytestmark = pytest.mark.django_db


def url(name: str, slug: str) -> str:
    kwargs = {key: value(slug) if callable(value) else value for key, value in FILL.get(name, {}).items()}
    return reverse(name, kwargs={"kommune_slug": slug, **kwargs})


def open_survey(kommune: Any, unit: Any, tmp_path: Any) -> None:
    """An open campaign of the Kommune with a personal link `umfrage-<slug>` and an open link
    `offen-<slug>`, so that every survey page of the public namespace can be reached."""
    from kompass.assessment import services
    from kompass.assessment.models import Campaign, Participant
    from kompass.framework.tests.catalogue_fixture import adopted_framework

    adopted_framework(kommune, tmp_path / kommune.slug)
    campaign = services.campaign_create(
        kommune=kommune,
        actor=None,
        data={
            "title": "Standortbestimmung",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "open_link_enabled": True,
        },
    )
    [link] = services.invite(
        kommune=kommune,
        actor=None,
        campaign=campaign,
        people=[person(kommune, "Umfrage", "Teilnahme", unit)],
        audience="mitarbeitende",
        channel="brief",
    )
    Participant.objects.for_kommune(kommune).filter(pk=link.participant.pk).update(
        token_hash=services.token_hash(f"umfrage-{kommune.slug}")
    )
    services.campaign_open(kommune=kommune, actor=None, campaign=campaign)
    Campaign.objects.for_kommune(kommune).filter(pk=campaign.pk).update(open_token=f"offen-{kommune.slug}")


def anonymous_view(content: bytes) -> bytes:
    return CSRF_TOKEN.sub(b'name="csrfmiddlewaretoken" value=""', content)


AGENDA_PAGES = [name for name in PUBLIC if name.startswith("public:agenda")]


def published_agendas(world: World) -> None:
    """The digital agenda of both Kommunen (agenda_scene.py: a decided version with measures, KPIs and reports,
    a draft, Nachbarort's texts with the sentinel), each switched on for its public page."""
    from kompass.ui.tests.agenda_scene import build_agenda_scene
    from kompass.ui.tests.test_isolation import build_role_scene

    build_agenda_scene(world, build_role_scene(world))


@pytest.fixture(scope="module")
def publishing(request: Any, shared_world: World, tmp_path_factory: Any) -> Iterator[World]:
    """What the modules publish: open surveys, and with the parameter True (the agenda's pages) the agenda of both
    Kommunen. Built once per module and parameter in a savepoint of the module's world (see `over_pages`)."""
    with transaction.atomic():
        world = refreshed(shared_world)
        directory = tmp_path_factory.mktemp("public-isolation")
        open_survey(world.kommune, world.hauptamt, directory)
        open_survey(world.other, world.other_unit, directory)
        if getattr(request, "param", False):
            published_agendas(world)
        yield world
        transaction.set_rollback(True)


def over_pages(names: list[str]) -> Any:
    """Parametrise a test over public pages with what they need published (`publishing`): the pages without the
    agenda first, so each state is built once per module."""
    rows = sorted((name in AGENDA_PAGES, name) for name in names)
    return pytest.mark.parametrize(
        ("publishing", "name"), rows, ids=[name for _, name in rows], indirect=["publishing"], scope="module"
    )


@pytest.fixture
def surveys(publishing: World, db: Any) -> World:
    """The module's published world for one test, whose own transaction is rolled back after it."""
    return refreshed(publishing)


@pytest.fixture
def published(surveys: World) -> Iterator[World]:
    """Teststadt and Nachbarort publish; Teststadt has internal data that must stay inside."""
    world = surveys
    internal = orgunit(world.kommune, "99", "INTERN-Stabsstelle", OrgUnitType.AMT, world.dezernat)
    person(world.kommune, "Ina", "INTERN-Leitung", internal)
    publications.register(Publication("public-isolation-test", lambda kommune: True))
    try:
        yield world
    finally:
        publications.unregister("public-isolation-test")


def test_the_public_namespace_has_pages_and_each_can_be_filled() -> None:
    assert PUBLIC, "the public namespace has at least the page about the Kommune"
    for name in PUBLIC:
        missing = set(ROUTES[name].kwargs) - {"kommune_slug"} - set(FILL.get(name, {}))
        assert not missing, f"{name}: say in FILL how to fill {sorted(missing)}"


def test_public_pages_live_below_p_and_the_kommune_slug() -> None:
    assert all(ROUTES[name].pattern.startswith("p/<slug:kommune_slug>/") for name in PUBLIC)


@over_pages(PUBLIC)
def test_an_anonymous_visitor_reaches_the_public_page(name: str, published: World) -> None:
    response = Client().get(url(name, "teststadt"))
    assert response.status_code == 200
    assert b"Teststadt" in response.content


@over_pages(PUBLIC)
def test_an_unknown_kommune_answers_404(name: str, published: World) -> None:
    assert Client().get(url(name, "gibt-es-nicht")).status_code == 404


@over_pages(PUBLIC)
def test_a_kommune_that_publishes_nothing_answers_404_like_an_unknown_one(name: str, surveys: World) -> None:
    """Only the test's publication decides (the modules' own — the open surveys — are set aside)."""
    modules = list(publications)
    for publication in modules:
        publications.unregister(publication.key)
    publications.register(Publication("only-nachbarort", lambda kommune: kommune.slug == "nachbarort"))
    try:
        assert Client().get(url(name, "teststadt")).status_code == 404
        assert Client().get(url(name, "nachbarort")).status_code == 200
        publications.unregister("only-nachbarort")
        assert Client().get(url(name, "nachbarort")).status_code == 404, "nothing published, no public page"
    finally:
        publications.unregister("only-nachbarort")
        for publication in modules:
            publications.register(publication)


@over_pages(PUBLIC)
def test_the_public_page_shows_no_data_of_another_kommune_and_no_internal_data(name: str, published: World) -> None:
    for client in (Client(), published.client_for(published.admin), published.client_for(published.outsider)):
        content = anonymous_view(client.get(url(name, "teststadt")).content)
        for sentinel in (b"GEHEIM", b"Nachbarort", b"INTERN", b"05111000"):
            assert sentinel not in content, sentinel
        # Teststadt's population as a number of its own (not inside another, e.g. a chart coordinate 345.000000)
        assert not POPULATION.search(content), POPULATION.search(content)


@over_pages(PUBLIC)
def test_a_logged_in_member_gets_the_same_page_as_an_anonymous_visitor(name: str, published: World) -> None:
    operator = UserFactory(username="betrieb", is_superuser=True, is_staff=True)
    anonymous = Client().get(url(name, "teststadt"))
    for user in (published.admin, published.outsider, published.reader, operator):
        response = published.client_for(user).get(url(name, "teststadt"))
        assert response.status_code == anonymous.status_code, user.username
        assert anonymous_view(response.content) == anonymous_view(anonymous.content), user.username
        assert user.username.encode() not in response.content


@over_pages(PUBLIC)
def test_the_member_of_another_kommune_sees_nothing_of_her_own_on_its_page(name: str, published: World) -> None:
    """The administrator of Nachbarort on Teststadt's page: no switcher, no menu, no Nachbarort."""
    content = published.client_for(published.outsider).get(url(name, "teststadt")).content
    assert b"Nachbarort" not in content and b"Abmelden" not in content


@over_pages(PUBLIC)
def test_a_public_page_with_a_csrf_token_is_not_kept_by_shared_caches(name: str, published: World) -> None:
    for client in (Client(), published.client_for(published.admin)):
        response = client.get(url(name, "teststadt"))
        cache_control = response["Cache-Control"]
        if b"csrfmiddlewaretoken" in response.content:
            assert "private" in cache_control and "public" not in cache_control
        assert "Cookie" in response["Vary"]


@over_pages(PUBLIC)
def test_the_session_of_a_member_survives_a_visit_to_a_public_page(name: str, published: World) -> None:
    client = published.client_for(published.admin)
    client.get(url(name, "teststadt"))
    assert client.get(reverse("ui:dashboard", args=["teststadt"])).status_code == 200


def test_the_agenda_has_public_pages() -> None:
    assert AGENDA_PAGES == ["public:agenda", "public:agenda_kennzahlen", "public:agenda_leichte_sprache"]


@over_pages(AGENDA_PAGES)
def test_the_agenda_page_answers_404_while_the_kommune_has_not_switched_it_on(name: str, published: World) -> None:
    """The Kommune publishes (its other pages answer), but its agenda page is its own decision."""
    from kompass.agenda import public_page

    world = published
    public_page.public_settings_update(kommune=world.kommune, actor=None, data={"public_page_enabled": False})
    for client in (Client(), world.client_for(world.admin), world.client_for(world.outsider)):
        assert client.get(url(name, "teststadt")).status_code == 404
    assert Client().get(url("public:kommune", "teststadt")).status_code == 200
    neighbour = Client().get(url(name, "nachbarort"))
    assert neighbour.status_code == 200 and b"GEHEIM-" in neighbour.content, "Nachbarort's page stays open"
    public_page.public_settings_update(kommune=world.kommune, actor=None, data={"public_page_enabled": True})
    page = Client().get(url(name, "teststadt"))
    assert page.status_code == 200 and b"GEHEIM" not in page.content


@over_pages(AGENDA_PAGES)
def test_the_agenda_page_of_each_kommune_shows_its_own_agenda_only(name: str, published: World) -> None:
    teststadt = Client().get(url(name, "teststadt")).content
    nachbarort = Client().get(url(name, "nachbarort")).content
    assert b"GEHEIM" not in teststadt and b"GEHEIM-" in nachbarort
    if name == "public:agenda":  # the full page names the measures; Leichte Sprache explains without them
        assert b"Gewerbeanmeldung online" in teststadt
        assert b"Gewerbeanmeldung online" not in nachbarort
