"""The responsibility matrix through the API: reading it and setting one cell with the letter last seen."""

from __future__ import annotations

from typing import Any

import pytest

from kompass.api.tests.helpers import BASE, ApiClient, api_entries
from kompass.api.tests.roles.conftest import Scene, assert_no_sentinel, put
from kompass.roles.models import ActivityTemplate, RaciCell


def test_matrix_lists_activities_active_roles_and_filled_cells(scene: Scene, api: dict[str, ApiClient]) -> None:
    body = api["reader"].get(f"{BASE}/matrix").json()
    assert [a["key"] for a in body["activities"]] == ["strategie", "sicherheit"]
    assert len(body["roles"]) == 9
    roles = {r["id"]: r["key"] for r in body["roles"]}
    strategie = body["activities"][0]["id"]
    row = {roles[c["role_id"]]: c["letter"] for c in body["cells"] if c["activity_id"] == strategie}
    assert row == {"rat": "A", "cdo": "R", "hvb": "R"}


def _cell(scene: Scene, role: str, letter: str | None, expected: str | None, activity: str = "strategie") -> dict:
    return {
        "activity_id": ActivityTemplate.objects.get(key=activity).pk,
        "role_id": scene.roles[role].pk,
        "letter": letter,
        "expected": expected,
    }


def test_a_cell_is_set_and_cleared_with_the_letter_the_editor_saw(scene: Scene, api: dict[str, ApiClient]) -> None:
    admin = api["admin"]
    response = put(admin, f"{BASE}/matrix/zellen", _cell(scene, "cio", "C", None))
    assert response.status_code == 200
    assert response.json()["letter"] == "C"
    cleared = put(admin, f"{BASE}/matrix/zellen", _cell(scene, "cio", None, "C"))
    assert (cleared.status_code, cleared.json()["letter"]) == (200, None)
    assert [e.action for e in api_entries(scene.world)] == ["create", "delete"]


def test_a_stale_cell_edit_is_409_and_overwrites_nothing(scene: Scene, api: dict[str, ApiClient]) -> None:
    response = put(api["admin"], f"{BASE}/matrix/zellen", _cell(scene, "cdo", "C", None))
    assert response.status_code == 409
    assert "„R“" in response.json()["detail"]
    cell = RaciCell.objects.for_kommune(scene.world.kommune).get(role=scene.roles["cdo"], activity__key="strategie")
    assert cell.letter == "R"


def test_a_second_a_in_a_row_is_422_with_the_explanation(scene: Scene, api: dict[str, ApiClient]) -> None:
    before = scene.state()
    response = put(api["admin"], f"{BASE}/matrix/zellen", _cell(scene, "cdo", "A", "R"))
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["loc"] == ["body", "letter"]
    assert "bereits eine verantwortliche Rolle (A): Rat" in error["msg"]
    assert "genau eine Rolle" in error["msg"]
    assert scene.state() == before


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"role_id": "foreign"}, ["body", "role_id"]),
        ({"activity_id": 999999}, ["body", "activity_id"]),
        ({"letter": "X"}, ["body", "letter"]),
        ({"letter": "r"}, ["body", "letter"]),
        ({"expected": "Q"}, ["body", "expected"]),
    ],
)
def test_invalid_cell_input_is_a_field_error(
    scene: Scene, api: dict[str, ApiClient], change: dict[str, Any], loc: list[str]
) -> None:
    body = {**_cell(scene, "cio", "C", None), **change}
    if body["role_id"] == "foreign":
        body["role_id"] = scene.other_roles["cio"].pk
    before = scene.state()
    response = put(api["admin"], f"{BASE}/matrix/zellen", body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == loc
    assert scene.state() == before
    assert_no_sentinel(response)


def test_a_cell_body_without_expected_is_refused(scene: Scene, api: dict[str, ApiClient]) -> None:
    body = _cell(scene, "cio", "C", None)
    del body["expected"]
    response = put(api["admin"], f"{BASE}/matrix/zellen", body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "expected"]
