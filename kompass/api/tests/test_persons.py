"""People through the API: scoped lists, placement rules for limited editors, audit, locking."""

from __future__ import annotations

import pytest

from kompass.api.tests.helpers import BASE, api_entries, tenant_state
from kompass.audit.selectors import entry_changes
from kompass.factories import person
from kompass.org.models import OrgUnit, Person

PERSONS = BASE + "/personen"


def new_person(**extra):
    return {"first_name": "Nora", "last_name": "Neu", "email": "Nora.Neu@Teststadt.example", **extra}


def test_list_is_paginated_and_never_shows_another_kommune(world, api):
    body = api["reader"].get(PERSONS, {"limit": 1}).json()
    assert body["count"] == 2
    assert [p["last_name"] for p in body["items"]] == ["Amtsleiterin"]
    assert "GEHEIM" not in str(api["admin"].get(PERSONS).json())


def test_list_filter_by_unit_includes_its_sub_units(world, api):
    body = api["reader"].get(PERSONS, {"orgunit_id": world.ordnungsamt.pk}).json()
    assert [p["first_name"] for p in body["items"]] == ["Bruno"]
    body = api["reader"].get(PERSONS, {"orgunit_id": world.root.pk}).json()
    assert body["count"] == 2


def test_list_filters_by_search_and_status(world, api):
    assert api["reader"].get(PERSONS, {"q": "amtsleitung"}).json()["count"] == 1
    person(world.kommune, "Ina", "Inaktiv", world.hauptamt, is_active=False)
    body = api["reader"].get(PERSONS, {"aktiv": "false"}).json()
    assert [p["first_name"] for p in body["items"]] == ["Ina"]


def test_list_filter_with_another_kommunes_unit_is_a_field_error(world, api):
    response = api["admin"].get(PERSONS, {"orgunit_id": world.other_unit.pk})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "orgunit_id"]


def test_detail_and_404_for_another_kommunes_person(world, api):
    response = api["reader"].get(f"{PERSONS}/{world.alice.pk}")
    assert response.status_code == 200
    assert response.json()["email"] == "alice.amtsleiterin@teststadt.example"
    assert "user" not in response.json()
    assert api["admin"].get(f"{PERSONS}/{world.other_person.pk}").status_code == 404
    assert api["outsider"].get(f"{PERSONS}/{world.alice.pk}").status_code == 404


def test_admin_creates_a_person_with_the_email_in_lower_case(world, api):
    response = api["admin"].post(PERSONS, new_person(org_unit_id=world.hauptamt.pk, function_title="Sachbearbeitung"))
    assert response.status_code == 201
    created = Person.objects.for_kommune(world.kommune).get(pk=response.json()["id"])
    assert (created.email, created.org_unit) == ("nora.neu@teststadt.example", world.hauptamt)
    assert api_entries(world).get().action == "create"


def test_editor_places_people_only_inside_her_subtree(world, api):
    assert api["editor"].post(PERSONS, new_person(org_unit_id=world.sachgebiet.pk)).status_code == 201
    assert (
        api["editor"].post(PERSONS, new_person(email="b@x.example", org_unit_id=world.hauptamt.pk)).status_code == 403
    )
    assert api["editor"].post(PERSONS, new_person(email="c@x.example")).status_code == 403


def test_reader_cannot_create_people(world, api):
    assert api["reader"].post(PERSONS, new_person()).status_code == 403


def test_create_with_another_kommunes_unit_is_a_field_error_and_writes_nothing(world, api):
    before = tenant_state(world)
    response = api["admin"].post(PERSONS, new_person(org_unit_id=world.other_unit.pk))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "org_unit_id"]
    assert tenant_state(world) == before


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"email": "keine-adresse"}, "email"),
        ({"email": "ALICE.amtsleiterin@teststadt.example"}, "email"),
        ({"first_name": "   "}, "first_name"),
        ({"user": 1}, "user"),
        ({"kommune_id": 2}, "kommune_id"),
    ],
)
def test_create_rejects_bad_fields_with_german_messages(world, api, extra, field):
    before = tenant_state(world)
    response = api["admin"].post(PERSONS, new_person(**extra))
    assert response.status_code == 422
    errors = response.json()["detail"]
    assert ["body", field] in [e["loc"] for e in errors]
    assert all(e["msg"] and "field" not in e["msg"].lower() for e in errors)
    assert tenant_state(world) == before


def test_patch_changes_the_function_and_audits_it_as_api(world, api):
    response = api["admin"].patch(f"{PERSONS}/{world.alice.pk}", {"function_title": "Leitung Hauptamt", "version": 1})
    assert response.status_code == 200
    assert response.json()["version"] == 2
    entry = api_entries(world).get()
    assert entry.changes == {}  # a Person's function is personal: kept beside the row, forgotten on erasure
    assert entry_changes(entry) == {"function_title": ["Amtsleitung", "Leitung Hauptamt"]}


def test_patch_with_a_stale_version_is_409(world, api):
    before = tenant_state(world)
    response = api["admin"].patch(f"{PERSONS}/{world.alice.pk}", {"function_title": "X", "version": 3})
    assert response.status_code == 409
    assert tenant_state(world) == before


def test_editor_cannot_move_a_person_out_of_her_subtree(world, api):
    response = api["editor"].patch(f"{PERSONS}/{world.bruno.pk}", {"org_unit_id": world.hauptamt.pk, "version": 1})
    assert response.status_code == 403
    assert api["editor"].patch(f"{PERSONS}/{world.alice.pk}", {"function_title": "X", "version": 1}).status_code == 403


def test_patch_to_another_kommunes_unit_writes_nothing(world, api):
    before = tenant_state(world)
    response = api["admin"].patch(f"{PERSONS}/{world.alice.pk}", {"org_unit_id": world.other_unit.pk, "version": 1})
    assert response.status_code == 422
    assert tenant_state(world) == before


def test_delete_a_person_clears_the_units_head(world, api):
    api["admin"].patch(f"{BASE}/organisationseinheiten/{world.hauptamt.pk}", {"head_id": world.alice.pk, "version": 1})
    response = api["admin"].delete(f"{PERSONS}/{world.alice.pk}", "?version=1")
    assert response.status_code == 204
    assert OrgUnit.objects.for_kommune(world.kommune).get(pk=world.hauptamt.pk).head is None
    assert [e.action for e in api_entries(world)] == ["update", "update", "delete"]


def test_delete_of_another_kommunes_person_is_404_and_reader_gets_403(world, api):
    assert api["admin"].delete(f"{PERSONS}/{world.other_person.pk}").status_code == 404
    assert api["reader"].delete(f"{PERSONS}/{world.alice.pk}").status_code == 403
    assert Person.objects.unscoped().filter(pk__in=[world.other_person.pk, world.alice.pk]).count() == 2
