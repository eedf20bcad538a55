"""The public transparency page of the digital agenda: off by default (404), opened by the switch;
the decided version only, measures with their status (no ideas), only the public KPIs in a table
and, ten to a page, with chart and values, no person's name; cacheable (public Cache-Control, ETag, 304) and kept server-side
until something it shows changes; its explanation in Leichte Sprache."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kompass.agenda import public_page, services
from kompass.agenda.tests.factories_council import CouncilScene, council_scene
from kompass.conftest import World
from kompass.tenancy.public import PUBLIC_MAX_AGE

PAGES = ("public:agenda", "public:agenda_leichte_sprache", "public:agenda_kennzahlen")


def url(name: str, slug: str = "teststadt") -> str:
    return reverse(name, args=[slug])


def switch(world: World, on: bool = True) -> None:
    public_page.public_settings_update(kommune=world.kommune, actor=world.admin, data={"public_page_enabled": on})


@pytest.fixture
def scene(world: World) -> CouncilScene:
    return council_scene(world)


@pytest.fixture
def published(world: World, scene: CouncilScene) -> CouncilScene:
    switch(world)
    return scene


@pytest.mark.parametrize("name", PAGES)
def test_the_page_is_off_by_default(name: str, world: World, scene: CouncilScene) -> None:
    assert Client().get(url(name)).status_code == 404


def test_switched_on_without_a_decided_version_the_page_stays_closed(world: World) -> None:
    services.agenda_create(kommune=world.kommune, actor=world.admin)
    switch(world)
    assert Client().get(url("public:agenda")).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_switched_on_everyone_sees_it_and_the_switch_closes_it_again(
    name: str, world: World, published: CouncilScene
) -> None:
    assert Client().get(url(name)).status_code == 200
    switch(world, on=False)
    assert Client().get(url(name)).status_code == 404


def test_the_page_shows_the_decided_version_the_measures_status_and_only_public_kpis(
    world: World, published: CouncilScene
) -> None:
    services.version_new_draft(kommune=world.kommune, actor=world.admin, source=published.version)
    services.version_update(
        kommune=world.kommune,
        actor=world.admin,
        version=public_page.selectors.draft_version(world.kommune),
        data={"vision": "ENTWURF-VISION"},
    )
    page = Client().get(url("public:agenda")).content.decode()
    assert "Digital und nah." in page and "ENTWURF-VISION" not in page
    assert "Fassung 1, beschlossen am 20.03.2025" in page and "DS-2025/017" in page
    assert "Verwaltung digital" in page and "Schulen und Bildung" in page
    assert "E-Akte einführen" in page and "in Umsetzung" in page and "Online-Terminvergabe" in page
    assert "Chatbot prüfen" not in page  # an idea is not decided
    assert "Anteil digitaler Akten" in page and "48,25 %" in page
    assert "Interne Durchlaufzeit" not in page  # not public
    assert "Chief Digital Officer" in page and "Hauptamt" in page
    assert f'href="{url("public:agenda_kennzahlen")}#kennzahl-{published.kpi.pk}"' in page
    kpis = Client().get(url("public:agenda_kennzahlen")).content.decode()
    assert "Anteil digitaler Akten" in kpis and "48,25 %" in kpis and "Daten als Tabelle" in kpis and "<svg" in kpis
    assert "Interne Durchlaufzeit" not in kpis


def test_no_person_of_the_kommune_is_named(world: World, published: CouncilScene) -> None:
    for name in PAGES:
        page = world.client_for(world.admin).get(url(name)).content.decode()
        for person in (world.alice, world.bruno):
            assert person.first_name not in page and person.last_name not in page
        for user in (world.admin, world.reader, world.editor):  # "Admin Test" (Test is in Teststadt)
            assert not re.search(rf"\b({user.first_name}|{user.last_name}|{user.username})\b", page)
        assert "Läuft." not in page  # status report texts stay inside


def test_the_page_may_be_kept_by_shared_caches_and_answers_304_to_its_etag(
    world: World, published: CouncilScene
) -> None:
    response = Client().get(url("public:agenda"))
    assert response["Cache-Control"] == f"public, max-age={PUBLIC_MAX_AGE}"
    assert "Cookie" in response["Vary"] and response["ETag"]
    assert not response.cookies and b"csrfmiddlewaretoken" not in response.content
    again = Client().get(url("public:agenda"), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_a_cached_request_renders_nothing_and_costs_a_few_queries(world: World, published: CouncilScene) -> None:
    client = Client()
    with CaptureQueriesContext(connection) as first:
        client.get(url("public:agenda"))
    with CaptureQueriesContext(connection) as cached:
        assert client.get(url("public:agenda")).status_code == 200
    assert len(cached) < len(first) and len(cached) <= 8


def _page() -> str:
    return Client().get(url("public:agenda")).content.decode()


def test_a_change_of_a_measures_status_shows_on_the_next_request(world: World, published: CouncilScene) -> None:
    assert "abgeschlossen</span></td>" not in _page()
    services.measure_status_change(
        kommune=world.kommune, actor=world.admin, measure=published.eakte, status="abgeschlossen"
    )
    assert "abgeschlossen</span></td>" in _page()


def test_a_new_kpi_value_shows_on_the_next_request(world: World, published: CouncilScene) -> None:
    _page()
    services.kpi_value_record(
        kommune=world.kommune, actor=world.admin, kpi=published.kpi, measured_on=timezone.localdate(), value="61,5"
    )
    assert "61,5 %" in _page()


def test_marking_a_kpi_public_shows_it_on_the_next_request(world: World, published: CouncilScene) -> None:
    assert "Interne Durchlaufzeit" not in _page()
    services.kpi_update(kommune=world.kommune, actor=world.admin, kpi=published.secret_kpi, data={"is_public": True})
    assert "Interne Durchlaufzeit" in _page()


def test_a_newly_decided_version_shows_on_the_next_request(world: World, published: CouncilScene) -> None:
    _page()
    draft = services.version_new_draft(kommune=world.kommune, actor=world.admin, source=published.version)
    services.version_update(kommune=world.kommune, actor=world.admin, version=draft, data={"vision": "Neue Vision"})
    services.version_decide(
        kommune=world.kommune, actor=world.admin, version=draft, data={"decided_on": timezone.localdate()}
    )
    page = _page()
    assert "Neue Vision" in page and "Fassung 2" in page


def test_the_page_needs_the_same_number_of_queries_for_more_measures_and_kpis(
    world: World, published: CouncilScene
) -> None:
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as before:
        Client().get(url("public:agenda"))
    for n in range(4):
        measure = services.measure_create(
            kommune=world.kommune,
            actor=world.admin,
            data={"title": f"Mehr {n}", "status": "in_umsetzung", "handlungsfelder": [published.bildung.pk]},
        )
        kpi = services.kpi_create(
            kommune=world.kommune,
            actor=world.admin,
            data={
                "name": f"Öffentlich {n}",
                "baseline_value": "1",
                "baseline_on": "2025-01-01",
                "target_value": "2",
                "target_on": "2027-01-01",
                "measure": measure.pk,
                "is_public": True,
            },
        )
        services.kpi_value_record(
            kommune=world.kommune, actor=world.admin, kpi=kpi, measured_on=datetime.date(2026, 1, 1), value="1,5"
        )
    cache.clear()
    with CaptureQueriesContext(connection) as after:
        Client().get(url("public:agenda"))
    assert len(after) == len(before)


def test_the_leichte_sprache_page_explains_in_short_sentences_and_counts(world: World, published: CouncilScene) -> None:
    public_page.public_settings_update(
        kommune=world.kommune, actor=world.admin, data={"public_easy_text": "Wir machen Anträge einfacher."}
    )
    page = Client().get(url("public:agenda_leichte_sprache")).content.decode()
    assert "Die Digitale Agenda in Leichter Sprache" in page
    assert "Teststadt hat einen Plan." in page and "Digital bedeutet: mit dem Computer oder mit dem Handy." in page
    assert "Der Plan wurde im Gremium „Rat der Stadt“ beschlossen." in page
    assert "Das ist bei 1 Maßnahme so." in page
    assert "Wir machen Anträge einfacher." in page
    assert url("public:agenda") in page


def test_another_kommune_has_no_page(world: World, published: CouncilScene) -> None:
    assert Client().get(url("public:agenda", "nachbarort")).status_code == 404
    assert Client().get(url("public:agenda", "gibt-es-nicht")).status_code == 404


def _public_kpis(world: World, scene: CouncilScene, n: int) -> None:
    for i in range(n):
        kpi = services.kpi_create(
            kommune=world.kommune,
            actor=world.admin,
            data={
                "name": f"Öffentliche Kennzahl {i:02d}",
                "baseline_value": "1",
                "baseline_on": "2025-01-01",
                "target_value": "2",
                "target_on": "2027-01-01",
                "measure": scene.eakte.pk,
                "is_public": True,
            },
        )
        services.kpi_value_record(
            kommune=world.kommune, actor=world.admin, kpi=kpi, measured_on=datetime.date(2026, 1, 1), value="1,5"
        )


def test_the_kpi_charts_come_ten_to_a_page_and_the_overview_links_each_to_its_page(
    world: World, published: CouncilScene
) -> None:
    _public_kpis(world, published, 12)  # with "Anteil digitaler Akten": 13, sorted by name
    overview = _page()
    assert overview.count('class="kk-status kk-status--') >= 13
    assert "Öffentliche Kennzahl 11</a>" in overview and "<svg" not in overview
    base = url("public:agenda_kennzahlen")
    assert f'href="{base}?seite=2#kennzahl-' in overview
    first = Client().get(base).content.decode()
    assert first.count('class="kk-public-kpi"') == 10 and "Seite 1 von 2" in first
    assert "Anteil digitaler Akten" in first and "Öffentliche Kennzahl 09" not in first
    second = Client().get(base + "?seite=2").content.decode()
    assert second.count('class="kk-public-kpi"') == 3 and "Öffentliche Kennzahl 11" in second
    assert 'href="?seite=1" rel="prev"' in second
    # a wrong page number shows the nearest page, never an error
    assert Client().get(base + "?seite=abc").content.decode().count("Seite 1 von 2") == 1
    assert "Öffentliche Kennzahl 11" in Client().get(base + "?seite=99").content.decode()


def test_the_kpi_page_needs_the_same_number_of_queries_for_more_kpis(world: World, published: CouncilScene) -> None:
    from django.core.cache import cache

    _public_kpis(world, published, 2)
    cache.clear()
    with CaptureQueriesContext(connection) as before:
        assert Client().get(url("public:agenda_kennzahlen")).status_code == 200
    _public_kpis(world, published, 6)
    cache.clear()
    with CaptureQueriesContext(connection) as after:
        assert Client().get(url("public:agenda_kennzahlen")).status_code == 200
    assert len(after) == len(before)


def test_a_new_kpi_value_shows_on_the_kpi_page_on_the_next_request(world: World, published: CouncilScene) -> None:
    Client().get(url("public:agenda_kennzahlen"))
    services.kpi_value_record(
        kommune=world.kommune, actor=world.admin, kpi=published.kpi, measured_on=timezone.localdate(), value="61,5"
    )
    assert "61,5 %" in Client().get(url("public:agenda_kennzahlen")).content.decode()
