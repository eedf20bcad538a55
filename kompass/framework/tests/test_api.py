"""The framework API: the tree with sources, adopting, changing fields and criteria, measure templates.

Same rules as the pages: every member reads; changes need the Kommune-wide EDIT_FRAMEWORK (a Redaktion
limited to a unit gets 403 like a reader); another Kommune and its ids are 404; bad input is 422 with
German messages and changes nothing; a stale version is 409.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kompass.api.tests.helpers import ApiClient, api_entries, token_for
from kompass.conftest import World
from kompass.framework.catalogue_loader import load_framework
from kompass.framework.models import Criterion, Dimension, Field, Framework
from kompass.framework.tests.catalogue_fixture import LEVELS, adopted_framework, write_catalogue

pytestmark = pytest.mark.django_db

BASE = "/api/v1/kommunen/teststadt"
TREE = BASE + "/orientierungsrahmen"


@pytest.fixture
def api(world: World) -> dict[str, ApiClient]:
    return {
        "admin": ApiClient(token_for(world.admin)),
        "editor": ApiClient(token_for(world.editor)),
        "reader": ApiClient(token_for(world.reader)),
        "outsider": ApiClient(token_for(world.outsider)),
        "anonymous": ApiClient(),
    }


@pytest.fixture
def framework(world: World, tmp_path: Path) -> Framework:
    return adopted_framework(world.kommune, tmp_path)


def field_of(world: World, key: str) -> Field:
    return Field.objects.for_kommune(world.kommune).get(key=key)


def criterion_of(world: World, key: str) -> Criterion:
    return Criterion.objects.for_kommune(world.kommune).get(field__key="rollen-verantwortung", key=key)


def messages(response: Any) -> str:
    return " ".join(item["msg"] for item in response.json()["detail"])


# --- reading ------------------------------------------------------------------------------------


def test_tree_with_sources_confidence_and_named_levels(world: World, framework: Framework, api: Any) -> None:
    response = api["reader"].get(TREE)
    assert response.status_code == 200
    body = response.json()
    assert body["adopted"] and body["catalogue"]["version"] == "2026.1" and not body["update_available"]
    assert [d["key"] for d in body["dimensions"]] == ["innensicht", "steuerung"]
    roles = body["dimensions"][0]["fields"][0]
    assert (roles["key"], roles["confidence"], roles["source"]) == (
        "rollen-verantwortung",
        "belegt",
        "KGSt-Bericht 8/2018 (Abstract, kgst.de)",
    )
    first = roles["criteria"][0]
    assert first["key"] == "kernrollen" and first["confidence"] == "belegt" and not first["is_custom"]
    assert [level["name"] for level in first["levels"]] == [
        "Einstieg",
        "Aufbau",
        "Etabliert",
        "Fortgeschritten",
        "Vorreiter",
    ]
    assert first["levels"][0]["level"] == 1 and first["levels"][0]["text"].startswith("Stufe eins")
    mobility = body["dimensions"][1]["fields"][1]
    assert mobility["optional"] and not mobility["is_active"]
    assert body["decisions"] == [
        {
            "topic": "Interoperabilität",
            "decision": "Eigenes Feld in der Innensicht.",
            "fields": ["daten"],
            "source": "EDIH M2.5",
        }
    ]


def test_before_adoption_the_newest_catalogue_is_named(world: World, tmp_path: Path, api: Any) -> None:
    load_framework(write_catalogue(tmp_path))
    body = api["reader"].get(TREE).json()
    assert not body["adopted"] and body["dimensions"] == [] and body["catalogue"] is None
    assert body["newest"]["version"] == "2026.1"


def test_tree_costs_a_fixed_number_of_queries(world: World, framework: Framework, api: Any) -> None:
    client = api["admin"]
    client.get(TREE)  # the first call of a token records its use
    with CaptureQueriesContext(connection) as few:
        client.get(TREE)
    dimension = Dimension.objects.for_kommune(world.kommune).first()
    for n in range(20):
        field = Field.objects.create(
            kommune=world.kommune, dimension=dimension, key=f"f{n}", name=f"F{n}", confidence="abgeleitet"
        )
        Criterion.objects.create(kommune=world.kommune, field=field, key="k", name="K", question="?", levels=LEVELS)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(TREE).json()["dimensions"][0]["fields"]) == 22
    assert len(many) == len(few)


def test_outsider_gets_404_and_anonymous_401(world: World, framework: Framework, api: Any) -> None:
    assert api["outsider"].get(TREE).status_code == 404
    assert api["anonymous"].get(TREE).status_code == 401
    assert api["outsider"].get(BASE + "/massnahmenvorlagen").status_code == 404


def test_measure_templates_with_a_field_filter(world: World, framework: Framework, api: Any) -> None:
    body = api["reader"].get(BASE + "/massnahmenvorlagen").json()
    assert body["count"] == 2
    assert body["items"][0]["key"] == "lotsen-netzwerk" and body["items"][0]["field_keys"] == ["rollen-verantwortung"]
    assert body["items"][0]["effort"] == "mittel" and body["items"][0]["confidence"] == "belegt"
    only = api["reader"].get(BASE + "/massnahmenvorlagen", {"feld": "daten"}).json()
    assert [m["key"] for m in only["items"]] == ["open-data-portal"]
    assert api["reader"].get(BASE + "/massnahmenvorlagen", {"limit": 0}).status_code == 422


# --- adopting -----------------------------------------------------------------------------------


def test_admin_adopts_once(world: World, tmp_path: Path, api: Any) -> None:
    load_framework(write_catalogue(tmp_path))
    response = api["admin"].post(TREE + "/uebernehmen")
    assert response.status_code == 201
    assert response.json()["adopted"] and len(response.json()["dimensions"]) == 2
    assert api_entries(world).filter(object_type="framework").exists()
    again = api["admin"].post(TREE + "/uebernehmen")
    assert again.status_code == 409 and "bereits übernommen" in again.json()["detail"]


def test_adopting_without_a_loaded_catalogue_is_a_conflict(world: World, api: Any) -> None:
    response = api["admin"].post(TREE + "/uebernehmen")
    assert response.status_code == 409 and "noch kein Orientierungsrahmen geladen" in response.json()["detail"]


@pytest.mark.parametrize("persona", ["editor", "reader"])
def test_only_kommune_wide_editors_adopt(world: World, tmp_path: Path, api: Any, persona: str) -> None:
    load_framework(write_catalogue(tmp_path))
    assert api[persona].post(TREE + "/uebernehmen").status_code == 403
    assert api["outsider"].post(TREE + "/uebernehmen").status_code == 404
    assert not Framework.objects.for_kommune(world.kommune).exists()


# --- fields -------------------------------------------------------------------------------------


def test_admin_rewords_and_switches_off_a_field(world: World, framework: Framework, api: Any) -> None:
    field = field_of(world, "daten")
    response = api["admin"].patch(
        f"{TREE}/felder/{field.pk}", {"name": "Datenkultur", "is_active": False, "version": 1}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["is_active"], body["reworded"], body["version"]) == ("Datenkultur", False, True, 2)
    assert len(body["criteria"]) == 3
    entry = api_entries(world).get(object_type="field")
    assert entry.changes["name"] == ["Daten", "Datenkultur"]


def test_field_changes_are_checked(world: World, framework: Framework, api: Any) -> None:
    field = field_of(world, "daten")
    path = f"{TREE}/felder/{field.pk}"
    empty = api["admin"].patch(path, {"name": " ", "version": 1})
    assert empty.status_code == 422 and "Bitte einen Namen angeben." in messages(empty)
    assert api["admin"].patch(path, {"name": None, "version": 1}).status_code == 422
    assert api["admin"].patch(path, {"name": "X"}).status_code == 422  # version is required
    assert api["admin"].patch(path, {"key": "anders", "version": 1}).status_code == 422
    stale = api["admin"].patch(path, {"name": "X", "version": 7})
    assert stale.status_code == 409
    field.refresh_from_db()
    assert (field.name, field.version) == ("Daten", 1)


@pytest.mark.parametrize("persona", ["editor", "reader"])
def test_editor_limited_to_a_unit_and_reader_may_not_change_fields(
    world: World, framework: Framework, api: Any, persona: str
) -> None:
    field = field_of(world, "daten")
    assert api[persona].patch(f"{TREE}/felder/{field.pk}", {"name": "X", "version": 1}).status_code == 403
    body = {"name": "X", "question": "?", "levels": LEVELS}
    assert api[persona].post(f"{TREE}/felder/{field.pk}/kriterien", body).status_code == 403
    assert field_of(world, "daten").version == 1
    assert not Criterion.objects.for_kommune(world.kommune).filter(is_custom=True).exists()


def test_another_kommunes_field_and_unknown_ids_are_404(
    world: World, framework: Framework, api: Any, tmp_path: Path
) -> None:
    other = adopted_framework(world.other, tmp_path / "other")
    foreign = Field.objects.for_kommune(other.kommune).get(key="daten")
    foreign_criterion = Criterion.objects.for_kommune(other.kommune).filter(key="datenregeln").get()
    assert api["admin"].patch(f"{TREE}/felder/{foreign.pk}", {"name": "X", "version": 1}).status_code == 404
    assert api["admin"].patch(f"{TREE}/felder/999999", {"name": "X", "version": 1}).status_code == 404
    assert api["admin"].patch(f"{TREE}/felder/abc", {"name": "X", "version": 1}).status_code == 404
    assert (
        api["admin"].patch(f"{TREE}/kriterien/{foreign_criterion.pk}", {"name": "X", "version": 1}).status_code == 404
    )
    body = {"name": "X", "question": "?", "levels": LEVELS}
    assert api["admin"].post(f"{TREE}/felder/{foreign.pk}/kriterien", body).status_code == 404
    assert Field.objects.for_kommune(other.kommune).get(pk=foreign.pk).name == "Daten"


# --- criteria -----------------------------------------------------------------------------------


def test_admin_adds_an_own_criterion(world: World, framework: Framework, api: Any) -> None:
    field = field_of(world, "daten")
    body = {"name": "Datenatlas", "question": "Gibt es einen Datenatlas?", "levels": LEVELS}
    response = api["admin"].post(f"{TREE}/felder/{field.pk}/kriterien", body)
    assert response.status_code == 201
    created = response.json()
    assert created["is_custom"] and created["confidence"] == "eigene" and created["field_id"] == field.pk
    assert [level["text"] for level in created["levels"]] == LEVELS
    assert api_entries(world).filter(object_type="criterion", action="create").exists()


@pytest.mark.parametrize("levels", [LEVELS[:4], [*LEVELS[:4], " "], [*LEVELS, "sechs"], []])
def test_an_own_criterion_needs_exactly_five_levels(world: World, framework: Framework, api: Any, levels: list) -> None:
    field = field_of(world, "daten")
    response = api["admin"].post(
        f"{TREE}/felder/{field.pk}/kriterien", {"name": "X", "question": "?", "levels": levels}
    )
    assert response.status_code == 422
    assert "fünf Stufen" in messages(response)
    assert not Criterion.objects.for_kommune(world.kommune).filter(is_custom=True).exists()


def test_admin_rewords_and_switches_off_a_catalogue_criterion(world: World, framework: Framework, api: Any) -> None:
    criterion = criterion_of(world, "lotsen")
    new_levels = [f"Neu {n}" for n in range(1, 6)]
    response = api["admin"].patch(
        f"{TREE}/kriterien/{criterion.pk}", {"levels": new_levels, "is_active": False, "version": 1}
    )
    assert response.status_code == 200
    assert [level["text"] for level in response.json()["levels"]] == new_levels
    criterion.refresh_from_db()
    assert (criterion.levels, criterion.is_active, criterion.version) == (new_levels, False, 2)


def test_criterion_changes_are_checked(world: World, framework: Framework, api: Any) -> None:
    criterion = criterion_of(world, "lotsen")
    path = f"{TREE}/kriterien/{criterion.pk}"
    four = api["admin"].patch(path, {"levels": LEVELS[:4], "version": 1})
    assert four.status_code == 422 and "fünf Stufen" in messages(four)
    assert api["admin"].patch(path, {"question": "", "version": 1}).status_code == 422
    assert api["admin"].patch(path, {"name": "X", "version": 2}).status_code == 409
    assert api["reader"].patch(path, {"name": "X", "version": 1}).status_code == 403
    assert api["editor"].patch(path, {"name": "X", "version": 1}).status_code == 403
    assert criterion_of(world, "lotsen").version == 1


def test_operations_are_in_the_openapi_document(api: Any) -> None:
    paths = api["anonymous"].get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/kommunen/{kommune_slug}/orientierungsrahmen",
        "/api/v1/kommunen/{kommune_slug}/orientierungsrahmen/uebernehmen",
        "/api/v1/kommunen/{kommune_slug}/orientierungsrahmen/felder/{field_id}",
        "/api/v1/kommunen/{kommune_slug}/orientierungsrahmen/felder/{field_id}/kriterien",
        "/api/v1/kommunen/{kommune_slug}/orientierungsrahmen/kriterien/{criterion_id}",
        "/api/v1/kommunen/{kommune_slug}/massnahmenvorlagen",
    ):
        assert path in paths, path
    assert (
        paths["/api/v1/kommunen/{kommune_slug}/orientierungsrahmen"]["get"]["summary"]
        == "Orientierungsrahmen der Kommune"
    )
