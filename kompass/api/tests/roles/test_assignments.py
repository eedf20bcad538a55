"""Assignments through the API: list, create, change, end, delete, import.

Changed by whoever holds EDIT_ASSIGNMENTS at the assignment's place (its unit, else the person's
unit); another Kommune's ids are 404 in the URL and 422 in the body.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kompass.api.tests.helpers import BASE, ApiClient, api_entries
from kompass.api.tests.roles.conftest import START, Scene, assert_no_sentinel, assign, editor_without
from kompass.audit.models import AuditEntry
from kompass.roles import services
from kompass.roles.models import Assignment
from kompass.tenancy.capabilities import Capability


def test_assignment_list_filters_and_pages(scene: Scene, api: dict[str, ApiClient]) -> None:
    w = scene.world
    assign(w.kommune, w.alice, scene.roles["isb"], valid_from=datetime.date(2020, 1, 1), valid_until=START)
    reader = api["reader"]
    body = reader.get(f"{BASE}/zuordnungen").json()
    assert (body["count"], body["limit"], body["offset"]) == (2, 50, 0)
    assert [a["person_email"] for a in body["items"]] == [w.alice.email, w.bruno.email]  # by last name
    assert body["items"][0]["status"] == "aktuell"
    assert reader.get(f"{BASE}/zuordnungen", {"status": "beendet"}).json()["items"][0]["role_key"] == "isb"
    assert reader.get(f"{BASE}/zuordnungen", {"status": "alle"}).json()["count"] == 3
    assert reader.get(f"{BASE}/zuordnungen", {"role_id": scene.roles["lotse"].pk}).json()["count"] == 1
    assert reader.get(f"{BASE}/zuordnungen", {"unit_id": w.ordnungsamt.pk}).json()["count"] == 1
    assert reader.get(f"{BASE}/zuordnungen", {"person_id": w.alice.pk, "status": "alle"}).json()["count"] == 2
    page2 = reader.get(f"{BASE}/zuordnungen", {"limit": 1, "offset": 1}).json()
    assert (page2["count"], [a["person_email"] for a in page2["items"]]) == (2, [w.bruno.email])


@pytest.mark.parametrize("param", ["role_id", "unit_id", "person_id"])
def test_assignment_filter_with_another_kommunes_id_is_a_field_error(
    scene: Scene, api: dict[str, ApiClient], param: str
) -> None:
    foreign = {
        "role_id": scene.other_roles["lotse"].pk,
        "unit_id": scene.world.other_unit.pk,
        "person_id": scene.world.other_person.pk,
    }
    response = api["admin"].get(f"{BASE}/zuordnungen", {param: foreign[param]})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", param]
    assert_no_sentinel(response)


def test_assignment_is_created_by_email_with_all_fields(scene: Scene, api: dict[str, ApiClient]) -> None:
    w = scene.world
    response = api["admin"].post(
        f"{BASE}/zuordnungen",
        {
            "email": w.alice.email.upper(),
            "role_id": scene.roles["lotse"].pk,
            "org_unit_id": w.hauptamt.pk,
            "time_share": 12.5,
            "valid_from": "2026-01-01",
            "valid_until": "2027-12-31",
            "deputy_id": w.bruno.pk,
            "mandate": "Dienstanweisung vom 01.03.2025",
            "approved_by_id": w.bruno.pk,
            "qualification": "grundlagen",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["person_id"], body["org_unit_code"], body["time_share"], body["qualification"]) == (
        w.alice.pk,
        "10",
        12.5,
        "grundlagen",
    )
    assignment = Assignment.objects.for_kommune(w.kommune).get(pk=body["id"])
    assert (assignment.time_share, assignment.approved_by, assignment.mandate) == (
        Decimal("12.5"),
        w.bruno,
        "Dienstanweisung vom 01.03.2025",
    )
    entry = api_entries(w).get(object_type="assignment")
    assert (entry.action, entry.source) == ("create", "api")


def test_assignment_by_person_id_starts_today_without_valid_from(scene: Scene, api: dict[str, ApiClient]) -> None:
    response = api["admin"].post(
        f"{BASE}/zuordnungen", {"person_id": scene.world.bruno.pk, "role_id": scene.roles["isb"].pk, "time_share": 10}
    )
    assert response.status_code == 201
    assert response.json()["valid_from"] == datetime.date.today().isoformat()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("person_id", "other_person"),
        ("deputy_id", "other_person"),
        ("approved_by_id", "other_person"),
        ("org_unit_id", "other_unit"),
        ("role_id", "other_role"),
    ],
)
def test_ids_of_another_kommune_in_the_body_are_field_errors(
    scene: Scene, api: dict[str, ApiClient], field: str, value: str
) -> None:
    w = scene.world
    ids = {"other_person": w.other_person.pk, "other_unit": w.other_unit.pk, "other_role": scene.other_roles["cdo"].pk}
    body = {"person_id": w.bruno.pk, "role_id": scene.roles["isb"].pk, "time_share": 10, field: ids[value]}
    before = scene.state()
    response = api["admin"].post(f"{BASE}/zuordnungen", body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", field]
    assert scene.state() == before
    patch = api["admin"].patch(f"{BASE}/zuordnungen/{scene.cdo.pk}", {field: ids[value], "version": 1})
    assert patch.status_code == 422
    assert patch.json()["detail"][0]["loc"] == ["body", field]
    assert scene.state() == before
    assert_no_sentinel(response)


@pytest.mark.parametrize(
    ("body", "loc", "text"),
    [
        ({"time_share": 120}, ["body", "time_share"], "höchstens 100"),
        ({"time_share": -1}, ["body", "time_share"], "größer als 0"),
        ({"time_share": 0}, ["body", "time_share"], "größer als 0"),
        ({"valid_from": "2026-05-01", "valid_until": "2026-04-30"}, ["body", "valid_until"], "vor dem Beginn"),
        ({"deputy_id": "self"}, ["body", "deputy_id"], "eigene Vertretung"),
        ({"qualification": "meister"}, ["body", "qualification"], "Erlaubt sind"),
        ({"email": "bruno@teststadt.example"}, ["body", "person_id"], "genau eines"),
        ({"person_id": None}, ["body", "person_id"], "genau eines"),
        ({"id": 5}, ["body", "id"], "unbekannt"),
    ],
)
def test_invalid_assignment_input_is_a_german_field_error_and_changes_nothing(
    scene: Scene, api: dict[str, ApiClient], body: dict[str, Any], loc: list[str], text: str
) -> None:
    w = scene.world
    data = {"person_id": w.bruno.pk, "role_id": scene.roles["isb"].pk, "time_share": 10, **body}
    if data.get("deputy_id") == "self":
        data["deputy_id"] = w.bruno.pk
    before = scene.state()
    response = api["admin"].post(f"{BASE}/zuordnungen", data)
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["loc"] == loc
    assert text in error["msg"]
    assert scene.state() == before


def test_an_inactive_role_takes_no_new_assignments(scene: Scene, api: dict[str, ApiClient]) -> None:
    role = scene.roles["cio"]
    services.role_update(kommune=scene.world.kommune, actor=None, role=role, data={"is_active": False})
    response = api["admin"].post(
        f"{BASE}/zuordnungen", {"person_id": scene.world.bruno.pk, "role_id": role.pk, "time_share": 10}
    )
    assert response.status_code == 422
    assert "inaktiv" in response.json()["detail"][0]["msg"]


def test_limited_redaktion_keeps_assignments_inside_its_unit_only(scene: Scene, api: dict[str, ApiClient]) -> None:
    w, editor = scene.world, api["editor"]
    inside = editor.post(
        f"{BASE}/zuordnungen", {"person_id": w.bruno.pk, "role_id": scene.roles["isb"].pk, "time_share": 10}
    )
    assert inside.status_code == 201
    outside = editor.post(
        f"{BASE}/zuordnungen", {"person_id": w.alice.pk, "role_id": scene.roles["isb"].pk, "time_share": 10}
    )
    assert outside.status_code == 403
    moved = editor.post(
        f"{BASE}/zuordnungen",
        {"person_id": w.bruno.pk, "role_id": scene.roles["dsb"].pk, "org_unit_id": w.hauptamt.pk, "time_share": 10},
    )
    assert moved.status_code == 403
    assert editor.get(f"{BASE}/zuordnungen/{scene.cdo.pk}").status_code == 200
    assert editor.patch(f"{BASE}/zuordnungen/{scene.cdo.pk}", {"mandate": "x", "version": 1}).status_code == 403
    assert editor.delete(f"{BASE}/zuordnungen/{scene.cdo.pk}").status_code == 403
    ok = editor.patch(f"{BASE}/zuordnungen/{scene.lotse.pk}", {"time_share": 15, "version": 1})
    assert ok.status_code == 200 and ok.json()["time_share"] == 15.0
    away = editor.patch(f"{BASE}/zuordnungen/{scene.lotse.pk}", {"org_unit_id": w.hauptamt.pk, "version": 2})
    assert away.status_code == 403


def test_reader_cannot_write_assignments(scene: Scene, api: dict[str, ApiClient]) -> None:
    before = scene.state()
    reader = api["reader"]
    assert reader.post(f"{BASE}/zuordnungen", {"person_id": 1, "role_id": 1}).status_code == 403
    assert reader.patch(f"{BASE}/zuordnungen/{scene.lotse.pk}", {"version": 1}).status_code == 403
    assert reader.delete(f"{BASE}/zuordnungen/{scene.lotse.pk}").status_code == 403
    assert scene.state() == before


def test_ending_an_assignment_keeps_it_as_history_and_a_stale_version_is_409(
    scene: Scene, api: dict[str, ApiClient]
) -> None:
    url = f"{BASE}/zuordnungen/{scene.cdo.pk}"
    response = api["admin"].patch(url, {"valid_until": "2025-12-31", "version": 1})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["version"]) == ("beendet", 2)
    assert api["admin"].patch(url, {"mandate": "neu", "version": 1}).status_code == 409
    assert api["admin"].delete(url, "?version=1").status_code == 409
    assert api["admin"].delete(url, "?version=2").status_code == 204
    assert not Assignment.objects.for_kommune(scene.world.kommune).filter(pk=scene.cdo.pk).exists()
    assert [e.action for e in api_entries(scene.world).filter(object_type="assignment")] == ["update", "delete"]


def test_patch_to_the_same_values_writes_no_audit_entry(scene: Scene, api: dict[str, ApiClient]) -> None:
    response = api["admin"].patch(f"{BASE}/zuordnungen/{scene.cdo.pk}", {"time_share": 50, "version": 1})
    assert response.status_code == 200 and response.json()["version"] == 1
    assert not api_entries(scene.world).exists()


def test_the_assignment_routes_ask_for_edit_assignments_not_edit_people(
    scene: Scene, api: dict[str, ApiClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    w, editor = scene.world, api["editor"]  # limited to 32; Bruno and the Lotse assignment are inside
    editor_without(monkeypatch, Capability.EDIT_ASSIGNMENTS)
    before = scene.state()
    assert (
        editor.post(
            f"{BASE}/zuordnungen", {"person_id": w.bruno.pk, "role_id": scene.roles["isb"].pk, "time_share": 10}
        ).status_code
        == 403
    )
    assert editor.patch(f"{BASE}/zuordnungen/{scene.lotse.pk}", {"time_share": 15, "version": 1}).status_code == 403
    assert editor.delete(f"{BASE}/zuordnungen/{scene.lotse.pk}").status_code == 403
    assert editor.get(f"{BASE}/zuordnungen/{scene.lotse.pk}").status_code == 200
    assert scene.state() == before


def _upload(client: ApiClient, content: bytes, **fields: Any) -> Any:
    return client.upload(f"{BASE}/importe/zuordnungen", {"file": SimpleUploadedFile("z.csv", content), **fields})


def test_assignments_are_imported_through_the_api_all_or_nothing(scene: Scene, api: dict[str, ApiClient]) -> None:
    w = scene.world
    good = f"email;rolle;organisationseinheit;zeitanteil;von;bis\r\n{w.bruno.email};ISB;;20;01.01.2026;\r\n"
    dry = _upload(api["admin"], good.encode(), dry_run="true")
    assert (dry.status_code, dry.json()["created"], dry.json()["dry_run"]) == (200, 1, True)
    bad = good + f"{w.alice.email};Hausmeister;;10;01.01.2026;\r\n"
    before = scene.state()
    rejected = _upload(api["admin"], bad.encode())
    assert rejected.status_code == 422
    assert rejected.json()["detail"][0]["loc"] == ["body", "file", 3, "rolle"]
    assert scene.state() == before
    done = _upload(api["admin"], good.encode())
    assert (done.status_code, done.json()["created"]) == (200, 1)
    entry = AuditEntry.objects.for_kommune(w.kommune).get(object_type="assignment", source="import")
    assert entry.request_id == done.json()["import_id"]


@pytest.mark.parametrize(("persona", "status"), [("reader", 403), ("editor", 403), ("outsider", 404)])
def test_assignment_import_needs_the_kommune_wide_import_right(
    scene: Scene, api: dict[str, ApiClient], persona: str, status: int
) -> None:
    content = f"email;rolle;von\r\n{scene.world.bruno.email};isb;01.01.2026\r\n".encode()
    assert _upload(api[persona], content).status_code == status
