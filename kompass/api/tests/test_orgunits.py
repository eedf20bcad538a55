"""Org units through the API: the same services and access rules as the UI, answers as JSON."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kompass.api.tests.helpers import BASE, api_entries, tenant_state
from kompass.factories import orgunit
from kompass.org.models import OrgUnit

UNITS = BASE + "/orgunits"


def new_unit(**extra):
    return {"code": "33", "name": "Bürgeramt", "unit_type": "amt", **extra}


# --- reading ---------------------------------------------------------------------------------


def test_list_is_paginated_with_count(world, api):
    response = api["reader"].get(UNITS, {"limit": 2, "offset": 1})
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["limit"], body["offset"]) == (5, 2, 1)
    assert [u["code"] for u in body["items"]] == ["32", "32.1"]


def test_list_offset_beyond_the_end_gives_an_empty_page(world, api):
    body = api["reader"].get(UNITS, {"offset": 1000}).json()
    assert body["count"] == 5
    assert body["items"] == []


@pytest.mark.parametrize(
    ("params", "codes"),
    [
        ({"q": "amt"}, ["10", "32"]),
        ({"typ": "sachgebiet"}, ["32.1"]),
        ({"aktiv": "false"}, []),
        ({"sort": "-name"}, ["VV", "32", "10", "32.1", "D1"]),
    ],
)
def test_list_filters_and_sorts(world, api, params, codes):
    body = api["reader"].get(UNITS, params).json()
    assert [u["code"] for u in body["items"]] == codes


def test_list_filters_by_parent(world, api):
    body = api["reader"].get(UNITS, {"parent_id": world.dezernat.pk}).json()
    assert [u["code"] for u in body["items"]] == ["10", "32"]


def test_list_filter_with_another_kommunes_parent_is_a_field_error(world, api):
    response = api["admin"].get(UNITS, {"parent_id": world.other_unit.pk})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "parent_id"]
    assert "GEHEIM" not in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"typ": "ministerium"},
        {"sort": "path"},
        {"limit": 0},
        {"limit": 501},
        {"offset": -1},
        {"aktiv": "vielleicht"},
        {"parent_id": "abc"},
        {"q": "x" * 101},
        {"limit": "9" * 40},
    ],
)
def test_list_rejects_bad_query_parameters_with_422(world, api, params):
    response = api["reader"].get(UNITS, params)
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"]


def test_list_never_shows_another_kommunes_units(world, api):
    body = api["admin"].get(UNITS, {"limit": 500}).json()
    assert "GEHEIM" not in str(body)


def test_list_needs_a_fixed_number_of_queries(world, api):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert api["reader"].get(UNITS).status_code == 200
        return len(ctx.captured_queries)

    queries()  # the first use of a token also records its use
    before = queries()
    for i in range(10):
        orgunit(world.kommune, f"50.{i}", f"Sachgebiet {i}", "sachgebiet", world.hauptamt)
    assert queries() == before


def test_detail_shows_the_unit(world, api):
    response = api["reader"].get(f"{UNITS}/{world.ordnungsamt.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "32"
    assert body["unit_type_label"] == "Amt"
    assert body["parent_id"] == world.dezernat.pk
    assert body["version"] == 1
    assert "path" not in body and "kommune" not in body


def test_detail_of_another_kommunes_unit_is_404(world, api):
    for persona in ("admin", "reader", "editor"):
        response = api[persona].get(f"{UNITS}/{world.other_unit.pk}")
        assert response.status_code == 404, persona
        assert "GEHEIM" not in response.content.decode()


def test_outsider_gets_404_for_the_kommune_and_its_units(world, api):
    assert api["outsider"].get(UNITS).status_code == 404
    assert api["outsider"].get(f"{UNITS}/{world.root.pk}").status_code == 404


@pytest.mark.parametrize("raw_id", ["0", "-1", "abc", "9" * 19, "9" * 40, "1.5"])
def test_detail_with_a_malformed_or_huge_id_is_404(world, api, raw_id):
    assert api["admin"].get(f"{UNITS}/{raw_id}").status_code == 404


def test_subtree_is_nested_and_sorted(world, api):
    response = api["reader"].get(f"{UNITS}/{world.dezernat.pk}/subtree")
    assert response.status_code == 200
    tree = response.json()
    assert tree["code"] == "D1"
    assert [c["code"] for c in tree["children"]] == ["10", "32"]
    assert tree["children"][1]["children"][0]["code"] == "32.1"
    assert tree["children"][1]["children"][0]["people_count"] == 1


# --- creating --------------------------------------------------------------------------------


def test_admin_creates_a_unit_and_the_audit_entry_says_api(world, api):
    response = api["admin"].post(UNITS, new_unit(parent_id=world.dezernat.pk, head_id=world.alice.pk))
    assert response.status_code == 201
    body = response.json()
    unit = OrgUnit.objects.for_kommune(world.kommune).get(pk=body["id"])
    assert (unit.code, unit.parent, unit.head, unit.depth) == ("33", world.dezernat, world.alice, 2)
    entry = api_entries(world).get()
    assert (entry.action, entry.object_id, entry.actor) == ("create", str(unit.pk), world.admin)
    assert entry.request_id == response["X-Request-ID"]


def test_editor_creates_inside_her_subtree(world, api):
    response = api["editor"].post(UNITS, new_unit(code="32.2", unit_type="sachgebiet", parent_id=world.ordnungsamt.pk))
    assert response.status_code == 201


@pytest.mark.parametrize("parent", ["hauptamt", None])
def test_editor_cannot_create_outside_her_subtree(world, api, parent):
    before = tenant_state(world)
    parent_id = getattr(world, parent).pk if parent else None
    response = api["editor"].post(UNITS, new_unit(parent_id=parent_id))
    assert response.status_code == 403
    assert tenant_state(world) == before


def test_reader_cannot_create_even_with_an_invalid_body(world, api):
    assert api["reader"].post(UNITS, new_unit()).status_code == 403
    assert api["reader"].post(UNITS, {"unsinn": 1}).status_code == 403


@pytest.mark.parametrize("field", ["parent_id", "head_id"])
def test_create_with_another_kommunes_foreign_key_is_a_field_error_and_writes_nothing(world, api, field):
    before = tenant_state(world)
    foreign = world.other_unit.pk if field == "parent_id" else world.other_person.pk
    response = api["admin"].post(UNITS, new_unit(**{field: foreign}))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", field]
    assert tenant_state(world) == before


@pytest.mark.parametrize(
    "extra",
    [
        {"kommune": 2},
        {"kommune_id": 2},
        {"path": "1/"},
        {"depth": 0},
        {"id": 1},
        {"version": 9},
    ],
)
def test_create_rejects_fields_that_cannot_be_set(world, api, extra):
    before = tenant_state(world)
    response = api["admin"].post(UNITS, new_unit(**extra))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", next(iter(extra))]
    assert tenant_state(world) == before


def test_create_with_a_taken_code_names_the_field_in_german(world, api):
    response = api["admin"].post(UNITS, new_unit(code="32"))
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "code"], "msg": "Die Kennung „32“ ist bereits vergeben.", "type": "value_error"}
    ]


# --- changing --------------------------------------------------------------------------------


def test_patch_changes_only_the_fields_sent_and_counts_the_version_up(world, api):
    response = api["admin"].patch(f"{UNITS}/{world.hauptamt.pk}", {"name": "Haupt- und Personalamt", "version": 1})
    assert response.status_code == 200
    assert response.json()["version"] == 2
    world.hauptamt.refresh_from_db()
    assert (world.hauptamt.name, world.hauptamt.code, world.hauptamt.parent) == (
        "Haupt- und Personalamt",
        "10",
        world.dezernat,
    )
    entry = api_entries(world).get()
    assert entry.changes == {"name": ["Hauptamt", "Haupt- und Personalamt"]}


def test_patch_with_a_stale_version_is_409_and_changes_nothing(world, api):
    api["admin"].patch(f"{UNITS}/{world.hauptamt.pk}", {"name": "Erste Änderung", "version": 1})
    before = tenant_state(world)
    response = api["admin"].patch(f"{UNITS}/{world.hauptamt.pk}", {"name": "Zweite Änderung", "version": 1})
    assert response.status_code == 409
    assert "inzwischen" in response.json()["detail"]
    assert tenant_state(world) == before


def test_patch_without_version_is_422(world, api):
    response = api["admin"].patch(f"{UNITS}/{world.hauptamt.pk}", {"name": "Ohne Version"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "version"]


def test_patch_cannot_null_a_required_field(world, api):
    response = api["admin"].patch(f"{UNITS}/{world.hauptamt.pk}", {"name": None, "version": 1})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "name"]


def test_patch_of_parent_moves_the_subtree(world, api):
    response = api["admin"].patch(f"{UNITS}/{world.ordnungsamt.pk}", {"parent_id": world.root.pk, "version": 1})
    assert response.status_code == 200
    world.sachgebiet.refresh_from_db()
    assert world.sachgebiet.depth == 2


def test_patch_with_another_kommunes_head_writes_nothing(world, api):
    before = tenant_state(world)
    response = api["admin"].patch(f"{UNITS}/{world.hauptamt.pk}", {"head_id": world.other_person.pk, "version": 1})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "head_id"]
    assert tenant_state(world) == before


def test_editor_changes_inside_but_not_outside_her_subtree(world, api):
    inside = api["editor"].patch(f"{UNITS}/{world.sachgebiet.pk}", {"name": "Gewerbeangelegenheiten", "version": 1})
    assert inside.status_code == 200
    outside = api["editor"].patch(f"{UNITS}/{world.hauptamt.pk}", {"name": "Nicht erlaubt", "version": 1})
    assert outside.status_code == 403


def test_editor_cannot_move_a_unit_out_of_her_subtree(world, api):
    response = api["editor"].patch(f"{UNITS}/{world.sachgebiet.pk}", {"parent_id": world.hauptamt.pk, "version": 1})
    assert response.status_code == 403


def test_reader_gets_403_on_every_write_and_404_for_foreign_ids(world, api):
    unit = f"{UNITS}/{world.hauptamt.pk}"
    assert api["reader"].patch(unit, {"name": "X", "version": 1}).status_code == 403
    assert api["reader"].delete(unit).status_code == 403
    assert api["reader"].post(unit + "/move", {"parent_id": None, "version": 1}).status_code == 403
    assert api["reader"].patch(f"{UNITS}/{world.other_unit.pk}", {}).status_code == 404


def test_patch_of_another_kommunes_unit_is_404_whatever_the_body(world, api):
    for body in ({}, {"name": "X", "version": 1}, {"kommune_id": world.kommune.pk}):
        response = api["admin"].patch(f"{UNITS}/{world.other_unit.pk}", body)
        assert response.status_code == 404


# --- moving ----------------------------------------------------------------------------------


def test_move_to_the_top_level(world, api):
    response = api["admin"].post(f"{UNITS}/{world.ordnungsamt.pk}/move", {"parent_id": None, "version": 1})
    assert response.status_code == 200
    assert response.json()["parent_id"] is None
    assert response.json()["depth"] == 0
    assert api_entries(world).get().changes == {"parent": [world.dezernat.pk, None]}


def test_move_below_its_own_subtree_is_422(world, api):
    response = api["admin"].post(
        f"{UNITS}/{world.ordnungsamt.pk}/move", {"parent_id": world.sachgebiet.pk, "version": 1}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "parent_id"]


def test_move_into_another_kommune_is_422(world, api):
    before = tenant_state(world)
    response = api["admin"].post(f"{UNITS}/{world.hauptamt.pk}/move", {"parent_id": world.other_unit.pk, "version": 1})
    assert response.status_code == 422
    assert tenant_state(world) == before


def test_move_with_a_stale_version_is_409(world, api):
    response = api["admin"].post(f"{UNITS}/{world.hauptamt.pk}/move", {"parent_id": None, "version": 5})
    assert response.status_code == 409


def test_editor_cannot_move_to_the_top_level(world, api):
    response = api["editor"].post(f"{UNITS}/{world.sachgebiet.pk}/move", {"parent_id": None, "version": 1})
    assert response.status_code == 403


# --- deleting --------------------------------------------------------------------------------


def test_delete_a_leaf_unit(world, api):
    leaf = orgunit(world.kommune, "10.1", "Zentrale Dienste", "sachgebiet", world.hauptamt)
    response = api["admin"].delete(f"{UNITS}/{leaf.pk}", f"?version={leaf.version}")
    assert response.status_code == 204
    assert not OrgUnit.objects.for_kommune(world.kommune).filter(pk=leaf.pk).exists()
    assert api_entries(world).get().action == "delete"


@pytest.mark.parametrize(("unit", "reason"), [("dezernat", "Untereinheiten"), ("hauptamt", "Personen")])
def test_delete_of_a_unit_with_children_or_people_is_409_with_the_reason(world, api, unit, reason):
    before = tenant_state(world)
    target = getattr(world, unit)
    response = api["admin"].delete(f"{UNITS}/{target.pk}", f"?version={target.version}")
    assert response.status_code == 409
    assert reason in response.json()["detail"]
    assert tenant_state(world) == before


def test_delete_without_a_version_is_422_and_changes_nothing(world, api):
    """R3: a delete names the version it read, so it cannot remove what someone changed meanwhile."""
    leaf = orgunit(world.kommune, "10.1", "Zentrale Dienste", "sachgebiet", world.hauptamt)
    before = tenant_state(world)
    for path in (f"{UNITS}/{leaf.pk}", f"{BASE}/personen/{world.alice.pk}"):
        response = api["admin"].delete(path)
        assert response.status_code == 422
        assert "version" in str(response.json())
    assert tenant_state(world) == before


def test_delete_with_a_stale_version_is_409(world, api):
    leaf = orgunit(world.kommune, "10.1", "Zentrale Dienste", "sachgebiet", world.hauptamt)
    assert api["admin"].delete(f"{UNITS}/{leaf.pk}", "?version=7").status_code == 409
    assert OrgUnit.objects.for_kommune(world.kommune).filter(pk=leaf.pk).exists()


def test_editor_cannot_delete_outside_her_subtree(world, api):
    leaf = orgunit(world.kommune, "10.1", "Zentrale Dienste", "sachgebiet", world.hauptamt)
    assert api["editor"].delete(f"{UNITS}/{leaf.pk}").status_code == 403


def test_delete_of_another_kommunes_unit_is_404(world, api):
    assert api["admin"].delete(f"{UNITS}/{world.other_unit.pk}").status_code == 404
    assert OrgUnit.objects.for_kommune(world.other).filter(pk=world.other_unit.pk).exists()
