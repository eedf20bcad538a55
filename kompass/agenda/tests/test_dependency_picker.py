"""The dependency of a measure is picked with the search combobox: the search offers the Kommune's
other measures whose title matches (not the measure itself, not one it needs already), at most 20,
in a constant number of queries, to those who may change the measure; without script the typed text
is resolved by the server; a cycle is still refused with the cycle named."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompass.agenda.models import MeasureDependency
from kompass.agenda.tests import factories as f
from kompass.agenda.tests import factories_kpis as fk
from kompass.agenda.tests import factories_measures as fm
from kompass.conftest import World
from kompass.core.pickers import SEARCH_LIMIT

pytestmark = pytest.mark.django_db
SLUG = "teststadt"


def url(name: str, *args: object) -> str:
    return reverse(f"agenda:{name}", args=[SLUG, *args])


def search(client: Client, measure: Any, q: str, **headers: Any) -> Any:
    return client.get(url("dependency_search", measure.pk), {"q": q}, **headers)


def names(response: Any) -> list[str]:
    assert response.status_code == 200
    return [option["name"] for option in response.json()["results"]]


def test_the_search_offers_other_measures_of_the_kommune_by_title(world: World, admin_client: Client) -> None:
    s = fm.scene(world)  # "Gewerbeanmeldung online" needs "E-Akte im Hauptamt" already
    f.measure(world, "E-Akte im Bauamt", responsible_unit=world.ordnungsamt.pk, status="geplant")
    f.measure(world, "Online-Terminvergabe")
    fk.foreign(world)  # Nachbarort's GEHEIM-Maßnahme

    response = search(admin_client, s.outside, "akte")
    assert names(response) == ["E-Akte im Bauamt"]  # not the measure itself
    option = response.json()["results"][0]
    assert option["label"] == "E-Akte im Bauamt (32 Ordnungsamt)" and option["detail"] == "geplant · 32 Ordnungsamt"
    assert response["Cache-Control"] == "private, no-store"
    # Every word must be in the title; the one it needs already is not offered again.
    assert names(search(admin_client, s.inside, "akte bau")) == ["E-Akte im Bauamt"]
    assert names(search(admin_client, s.inside, "akte")) == ["E-Akte im Bauamt"]
    assert names(search(admin_client, s.inside, "online")) == ["Online-Terminvergabe"]
    assert names(search(admin_client, s.inside, "GEHEIM")) == [] and names(search(admin_client, s.inside, " ")) == []


def test_the_search_answers_htmx_with_the_options_as_markup(world: World, admin_client: Client) -> None:
    s = fm.scene(world)
    response = search(admin_client, s.outside, "gewerbe", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert 'role="option"' in response.content.decode() and "Gewerbeanmeldung online" in response.content.decode()


def test_the_search_shows_at_most_twenty_and_says_there_are_more(world: World, admin_client: Client) -> None:
    s = fm.scene(world)
    fm.grow(world, SEARCH_LIMIT + 2, s)
    answer = search(admin_client, s.inside, "weitere").json()
    assert len(answer["results"]) == SEARCH_LIMIT and answer["more"] is True
    assert search(admin_client, s.inside, "maßnahme 3").json()["more"] is False


def _queries(client: Client, measure: Any, q: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = search(client, measure, q)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_search_costs_the_same_queries_for_few_and_many_measures(world: World, admin_client: Client) -> None:
    s = fm.scene(world)
    fm.grow(world, 3, s)
    few = _queries(admin_client, s.inside, "weitere")
    fm.grow(world, 30, s)
    many = _queries(admin_client, s.inside, "weitere")
    assert len(search(admin_client, s.inside, "weitere").json()["results"]) == SEARCH_LIMIT
    assert few == many


def test_the_search_is_for_those_who_may_change_the_measure(world: World) -> None:
    s = fm.scene(world)
    editor = world.client_for(world.editor)  # Redaktion limited to 32 Ordnungsamt
    assert search(editor, s.inside, "akte").status_code == 200
    assert search(editor, s.outside, "gewerbe").status_code == 403
    assert search(world.client_for(world.reader), s.inside, "akte").status_code == 403
    assert search(world.client_for(world.outsider), s.inside, "akte").status_code == 404
    anonymous = search(Client(), s.inside, "akte")
    assert anonymous.status_code == 302 and "anmelden" in anonymous["Location"]
    assert world.client_for(world.admin).post(url("dependency_search", s.inside.pk)).status_code == 405


def test_another_kommunes_measure_is_not_found(world: World, admin_client: Client) -> None:
    fm.scene(world)
    _kpi, foreign_measure = fk.foreign(world)
    assert search(admin_client, foreign_measure, "akte").status_code == 404


def test_the_measure_page_has_the_combobox_instead_of_a_select_of_every_measure(
    world: World, admin_client: Client
) -> None:
    s = fm.scene(world)
    fm.grow(world, 5, s)
    page = admin_client.get(url("measure_detail", s.inside.pk)).content.decode()
    assert f'data-search-url="{url("dependency_search", s.inside.pk)}"' in page
    assert 'name="depends_on_text"' in page and "Weitere Maßnahme 3" not in page


def test_a_typed_title_is_resolved_without_script(world: World, admin_client: Client) -> None:
    s = fm.scene(world)
    bauamt = f.measure(world, "E-Akte im Bauamt")
    response = admin_client.post(url("dependency_add", s.outside.pk), {"depends_on_text": "e-akte im bauamt"})
    assert response.status_code == 302
    assert MeasureDependency.objects.for_kommune(world.kommune).filter(measure=s.outside, depends_on=bauamt).exists()


def test_an_ambiguous_text_offers_the_matches_and_stores_nothing(world: World, admin_client: Client) -> None:
    s = fm.scene(world)
    first = f.measure(world, "Portal", responsible_unit=world.ordnungsamt.pk)
    f.measure(world, "Portal", responsible_unit=world.hauptamt.pk)
    response = admin_client.post(url("dependency_add", s.outside.pk), {"depends_on_text": "Portal"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Mehrere Maßnahmen passen zu „Portal“" in page
    assert "Portal (32 Ordnungsamt)" in page and "Portal (10 Hauptamt)" in page and 'name="depends_on_wahl"' in page
    assert not MeasureDependency.objects.for_kommune(world.kommune).filter(measure=s.outside).exists()
    chosen = admin_client.post(
        url("dependency_add", s.outside.pk), {"depends_on_text": "Portal", "depends_on_wahl": first.pk}
    )
    assert chosen.status_code == 302
    assert MeasureDependency.objects.for_kommune(world.kommune).filter(measure=s.outside, depends_on=first).exists()


def test_an_unknown_text_or_a_foreign_id_is_refused_in_german(world: World, admin_client: Client) -> None:
    s = fm.scene(world)
    _kpi, foreign_measure = fk.foreign(world)
    unknown = admin_client.post(url("dependency_add", s.outside.pk), {"depends_on_text": "Gibt es nicht"})
    assert unknown.status_code == 400 and "Keine andere Maßnahme dieser Kommune passt" in unknown.content.decode()
    foreign = admin_client.post(url("dependency_add", s.outside.pk), {"depends_on": foreign_measure.pk})
    assert foreign.status_code == 400 and "gibt es in dieser Kommune nicht" in foreign.content.decode()
    itself = admin_client.post(url("dependency_add", s.outside.pk), {"depends_on": s.outside.pk})
    assert itself.status_code == 400
    assert not MeasureDependency.objects.for_kommune(world.kommune).filter(measure=s.outside).exists()


def test_a_cycle_is_refused_with_the_cycle_named_and_the_field_offered_again(
    world: World, admin_client: Client
) -> None:
    s = fm.scene(world)
    response = admin_client.post(url("dependency_add", s.outside.pk), {"depends_on_text": "Gewerbeanmeldung online"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "E-Akte im Hauptamt → Gewerbeanmeldung online → E-Akte im Hauptamt" in page
    assert "data-kk-combobox" in page and f'action="{url("dependency_add", s.outside.pk)}"' in page
    assert not MeasureDependency.objects.for_kommune(world.kommune).filter(measure=s.outside).exists()
