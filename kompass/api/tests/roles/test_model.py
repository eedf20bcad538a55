"""The role model through the API: adopting a catalogue, own roles, changes, markers.

Every member reads; the Kommune-wide model is changed by whoever holds EDIT_ROLE_MODEL
(Administration, Redaktion without limit).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kompass.api.tests.helpers import BASE, ApiClient, api_entries, token_for
from kompass.api.tests.roles.conftest import Scene, assert_no_sentinel, editor_without, put
from kompass.conftest import World
from kompass.factories import UserFactory
from kompass.roles.catalogue_loader import load_catalogues
from kompass.roles.models import ActivityTemplate, Catalogue, Role
from kompass.roles.tests.conftest import write_catalogues
from kompass.tenancy.capabilities import Capability
from kompass.tenancy.models import Membership


def test_role_list_is_an_envelope_with_holder_counts_and_pages(scene: Scene, api: dict[str, ApiClient]) -> None:
    body = api["reader"].get(f"{BASE}/rollen", {"limit": 3, "offset": 2}).json()
    assert (body["count"], body["limit"], body["offset"]) == (9, 3, 2)
    assert [r["key"] for r in body["items"]] == ["cdo", "cio", "lotse"]
    assert body["items"][0]["holder_count"] == 1
    assert body["items"][0]["catalogue_key"] == "kgst"
    assert body["items"][1]["holder_count"] == 0


def test_role_detail_lists_current_holders_and_relations(scene: Scene, api: dict[str, ApiClient]) -> None:
    response = api["reader"].get(f"{BASE}/rollen/{scene.roles['cdo'].pk}")
    assert response.status_code == 200
    body = response.json()
    assert [h["person_email"] for h in body["holders"]] == [scene.world.alice.email]
    assert body["holders"][0]["deputy_id"] == scene.world.bruno.pk
    assert body["relations"][0]["relation_type"] == "berichtet_an"
    assert body["relations"][0]["to_role_key"] == "hvb"
    assert_no_sentinel(response)


def test_admin_creates_an_own_role_recorded_as_coming_from_the_api(scene: Scene, api: dict[str, ApiClient]) -> None:
    response = api["admin"].post(
        f"{BASE}/rollen", {"name": "Open-Data-Koordination", "short_name": "Open Data", "tasks": ["Datenkatalog"]}
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["key"], body["is_custom"], body["confidence"], body["holder_count"]) == (
        "open-data-koordination",
        True,
        "eigene",
        0,
    )
    entry = api_entries(scene.world).get(object_type="role")
    assert (entry.action, entry.actor) == ("create", scene.world.admin)


@pytest.mark.parametrize("persona", ["reader", "editor"])
def test_reader_and_limited_redaktion_cannot_change_the_role_model(
    scene: Scene, api: dict[str, ApiClient], persona: str
) -> None:
    before = scene.state()
    role = scene.roles["cio"]
    assert api[persona].post(f"{BASE}/rollen", {"name": "Neue Rolle"}).status_code == 403
    assert api[persona].patch(f"{BASE}/rollen/{role.pk}", {"name": "X", "version": 1}).status_code == 403
    response = put(
        api[persona],
        f"{BASE}/matrix/zellen",
        {"activity_id": ActivityTemplate.objects.first().pk, "role_id": role.pk, "letter": "C", "expected": None},
    )
    assert response.status_code == 403
    assert "Rollenmodell" in response.json()["detail"] or persona == "reader"
    assert scene.state() == before


def test_the_role_model_routes_ask_for_edit_role_model_not_edit_org(
    scene: Scene, api: dict[str, ApiClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    w = scene.world
    user = UserFactory(username="redaktion")
    Membership.objects.create(kommune=w.kommune, user=user, role="editor")  # without unit limit
    client = ApiClient(token_for(user))
    assert client.post(f"{BASE}/rollen", {"name": "Erlaubte Rolle"}).status_code == 201
    editor_without(monkeypatch, Capability.EDIT_ROLE_MODEL)
    before = scene.state()
    role = scene.roles["cio"]
    assert client.post(f"{BASE}/rollen", {"name": "Neue Rolle"}).status_code == 403
    assert client.patch(f"{BASE}/rollen/{role.pk}", {"name": "X", "version": 1}).status_code == 403
    cell = {"activity_id": ActivityTemplate.objects.first().pk, "role_id": role.pk, "letter": "C", "expected": None}
    assert put(client, f"{BASE}/matrix/zellen", cell).status_code == 403
    assert (
        client.post(
            f"{BASE}/rollenmodell", {"catalogue_id": scene.roles["cdo"].catalogue_role.catalogue_id}
        ).status_code
        == 403
    )
    assert scene.state() == before
    # Assignments are another right, which the Redaktion still holds.
    assigned = client.post(
        f"{BASE}/zuordnungen", {"person_id": w.alice.pk, "role_id": scene.roles["isb"].pk, "time_share": 10}
    )
    assert assigned.status_code == 201


def test_role_patch_changes_only_the_sent_fields_and_a_stale_version_is_409(
    scene: Scene, api: dict[str, ApiClient]
) -> None:
    role = scene.roles["cio"]
    response = api["admin"].patch(f"{BASE}/rollen/{role.pk}", {"placement": "Hauptamt", "version": role.version})
    assert response.status_code == 200
    assert (response.json()["placement"], response.json()["name"], response.json()["version"]) == (
        "Hauptamt",
        role.name,
        role.version + 1,
    )
    stale = api["admin"].patch(f"{BASE}/rollen/{role.pk}", {"placement": "Kämmerei", "version": role.version})
    assert stale.status_code == 409
    assert Role.objects.for_kommune(scene.world.kommune).get(pk=role.pk).placement == "Hauptamt"


def test_role_marked_not_filled_needs_a_reason(scene: Scene, api: dict[str, ApiClient]) -> None:
    role = scene.roles["cio"]
    response = api["admin"].patch(f"{BASE}/rollen/{role.pk}", {"not_filled": True, "version": role.version})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "not_filled_reason"]
    ok = api["admin"].patch(
        f"{BASE}/rollen/{role.pk}",
        {"not_filled": True, "not_filled_reason": "IT beim Kreis", "version": role.version},
    )
    assert ok.status_code == 200 and ok.json()["not_filled"] is True


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"name": "X", "kommune_id": 2}, ["body", "kommune_id"]),
        ({"name": "X", "catalogue_role": 1}, ["body", "catalogue_role"]),
        ({}, ["body", "name"]),
        ({"name": "X", "time_share_percent": 101}, ["body", "time_share_percent"]),
        ({"name": "X", "kind": "chef"}, ["body", "kind"]),
        ({"name": "X", "markers": ["chef"]}, ["body", "markers"]),
        ({"name": "X", "markers": ["core"]}, ["body", "markers"]),
        ({"name": "X", "markers": "cdo"}, ["body", "markers"]),
        ({"name": "X", "markers": ["cdo"] * 21}, ["body", "markers"]),
    ],
)
def test_invalid_role_input_is_a_field_error(
    scene: Scene, api: dict[str, ApiClient], body: dict[str, Any], loc: list[str]
) -> None:
    before = scene.state()
    response = api["admin"].post(f"{BASE}/rollen", body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == loc
    assert scene.state() == before


def test_an_own_role_marked_cdo_through_the_api_counts_for_the_checks(scene: Scene, api: dict[str, ApiClient]) -> None:
    response = api["admin"].post(f"{BASE}/rollen", {"name": "Digitalisierungsbeauftragte(r)", "markers": ["cdo"]})
    assert response.status_code == 201, response.json()
    assert response.json()["markers"] == ["cdo"]
    entry = api_entries(scene.world).get(object_type="role", action="create")
    assert entry.changes["markers"] == [None, ["cdo"]]
    assert api["reader"].get(f"{BASE}/rollen/{response.json()['id']}").json()["markers"] == ["cdo"]


def test_role_markers_are_patched_as_a_whole_list_and_unknown_keys_are_a_german_field_error(
    scene: Scene, api: dict[str, ApiClient]
) -> None:
    cdo = scene.roles["cdo"]
    before = scene.state()
    for markers in (["cdo", "chef"], None):
        response = api["admin"].patch(f"{BASE}/rollen/{cdo.pk}", {"markers": markers, "version": cdo.version})
        assert response.status_code == 422
        [error] = response.json()["detail"]
        assert error["loc"] == ["body", "markers"]
        assert error["msg"].startswith("Unbekannte Markierung: „chef“" if markers else "Dieses Feld darf nicht leer")
    assert scene.state() == before
    response = api["admin"].patch(f"{BASE}/rollen/{cdo.pk}", {"markers": ["lotse", "core"], "version": cdo.version})
    assert response.status_code == 200
    assert (response.json()["markers"], response.json()["version"]) == (["lotse", "core"], cdo.version + 1)
    entry = api_entries(scene.world).get(object_type="role", action="update")
    assert entry.changes == {"markers": [["cdo", "core"], ["lotse", "core"]]}


@pytest.mark.parametrize("persona", ["reader", "editor"])
def test_reader_and_limited_redaktion_cannot_set_markers(scene: Scene, api: dict[str, ApiClient], persona: str) -> None:
    before = scene.state()
    role = scene.roles["cio"]
    response = api[persona].patch(f"{BASE}/rollen/{role.pk}", {"markers": ["cdo"], "version": role.version})
    assert response.status_code == 403
    assert scene.state() == before


def test_a_kommune_adopts_the_newest_catalogue_once(world: World, api: dict[str, ApiClient], tmp_path: Path) -> None:
    load_catalogues(write_catalogues(tmp_path / "v1"))
    load_catalogues(write_catalogues(tmp_path / "v2", kgst_version="2026.2"))
    old, new = Catalogue.objects.filter(key="kgst").order_by("id")
    response = api["admin"].post(f"{BASE}/rollenmodell", {"catalogue_id": old.pk})
    assert response.status_code == 422
    assert "neueste Fassung" in response.json()["detail"][0]["msg"]
    assert api["admin"].post(f"{BASE}/rollenmodell", {"catalogue_id": 999999}).status_code == 422
    assert api["editor"].post(f"{BASE}/rollenmodell", {"catalogue_id": new.pk}).status_code == 403
    response = api["admin"].post(f"{BASE}/rollenmodell", {"catalogue_id": new.pk})
    assert response.status_code == 201
    assert (response.json()["catalogue_version"], response.json()["role_count"]) == ("2026.2", 9)
    assert api_entries(world).filter(object_type="rolemodel").count() == 1
    again = api["admin"].post(f"{BASE}/rollenmodell", {"catalogue_id": new.pk})
    assert again.status_code == 409
    assert "bereits" in again.json()["detail"]
