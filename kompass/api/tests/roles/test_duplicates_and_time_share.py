"""Assignments through the API: no silent duplicates, a time share above 0 (issue 8, points 6 and 7).

The API asks the same service as the form and the import; a duplicate is a 422 naming the
existing assignment, and nothing changes. A time share below 1 is stored as sent (the API has no
dialogue) and its schema says so.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from kompass.api.api import api as ninja_api
from kompass.api.tests.helpers import BASE, ApiClient
from kompass.api.tests.roles.conftest import START, Scene
from kompass.roles.models import Assignment


def _body(scene: Scene, **changes: object) -> dict[str, object]:
    w = scene.world
    return {
        "person_id": w.bruno.pk,
        "role_id": scene.roles["lotse"].pk,
        "org_unit_id": w.ordnungsamt.pk,
        "time_share": 10,
        "valid_from": "2026-01-01",
        **changes,
    }


def test_a_duplicate_is_refused_with_the_existing_assignment_named(scene: Scene, api: dict[str, ApiClient]) -> None:
    before = scene.state()
    response = api["admin"].post(f"{BASE}/zuordnungen", _body(scene))
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body"]
    assert error["msg"].startswith(f"Bruno Ordner ist für {scene.world.ordnungsamt} bereits ")
    assert f"seit {START:%d.%m.%Y} (bis offen)" in error["msg"]
    assert scene.state() == before


def test_a_change_into_a_duplicate_is_refused_but_not_one_of_the_assignment_itself(
    scene: Scene, api: dict[str, ApiClient]
) -> None:
    admin = api["admin"]
    assert admin.post(f"{BASE}/zuordnungen", _body(scene, valid_from="2030-01-01")).status_code == 422
    # Once the existing one ends, a later one may follow it.
    ended = admin.patch(f"{BASE}/zuordnungen/{scene.lotse.pk}", {"valid_until": "2029-12-31", "version": 1})
    assert ended.status_code == 200
    later = admin.post(f"{BASE}/zuordnungen", _body(scene, valid_from="2030-01-01")).json()
    response = admin.patch(f"{BASE}/zuordnungen/{later['id']}", {"valid_from": "2029-06-01", "version": 1})
    assert response.status_code == 422 and "bis 31.12.2029" in response.json()["detail"][0]["msg"]
    own = admin.patch(f"{BASE}/zuordnungen/{scene.lotse.pk}", {"time_share": 15, "version": 2})
    assert own.status_code == 200 and own.json()["time_share"] == 15


@pytest.mark.parametrize("share", [0, -1, 100.5])
def test_a_time_share_of_zero_or_outside_the_range_is_a_field_error(
    scene: Scene, api: dict[str, ApiClient], share: float
) -> None:
    response = api["admin"].post(f"{BASE}/zuordnungen", _body(scene, role_id=scene.roles["isb"].pk, time_share=share))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "time_share"]


def test_a_new_assignment_needs_a_time_share(scene: Scene, api: dict[str, ApiClient]) -> None:
    body = _body(scene, role_id=scene.roles["isb"].pk)
    del body["time_share"]
    response = api["admin"].post(f"{BASE}/zuordnungen", body)
    assert response.status_code == 422
    assert response.json()["detail"][0] == {
        "loc": ["body", "time_share"],
        "msg": "Dieses Feld ist erforderlich.",
        "type": "missing",
    }


def test_a_time_share_below_one_is_stored_as_sent(scene: Scene, api: dict[str, ApiClient]) -> None:
    response = api["admin"].post(f"{BASE}/zuordnungen", _body(scene, role_id=scene.roles["isb"].pk, time_share=0.5))
    assert response.status_code == 201
    assert Assignment.objects.for_kommune(scene.world.kommune).get(pk=response.json()["id"]).time_share == Decimal(
        "0.5"
    )


def test_the_schema_documents_the_unit_of_the_time_share() -> None:
    schemas = ninja_api.get_openapi_schema()["components"]["schemas"]
    share = schemas["AssignmentCreate"]["properties"]["time_share"]
    assert "time_share" in schemas["AssignmentCreate"]["required"]
    text = share.get("description", "") + str(share.get("anyOf", ""))
    assert "Prozent einer Vollzeitstelle" in text and "50 ist eine halbe Stelle" in text
    assert "Werte unter 1 werden so gespeichert" in text
