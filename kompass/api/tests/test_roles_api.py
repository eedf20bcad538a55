"""The role-model API: catalogue, roles, adoption, assignments, matrix cells, Rollen-Check, import.

Same rules as the role pages: every member reads; the Kommune-wide model is changed by the
Administration (and a Redaktion without limit); assignments by whoever may edit people at their
place. Another Kommune's ids are 404 in the URL and 422 in the body, on every route.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kompass.api.routes import api_route_patterns
from kompass.api.tests.helpers import BASE, ApiClient, api_entries, token_for
from kompass.audit.models import AuditEntry
from kompass.conftest import World
from kompass.factories import UserFactory, person
from kompass.roles import services
from kompass.roles.catalogue_loader import load_catalogues
from kompass.roles.models import ActivityTemplate, Assignment, Catalogue, RaciCell, Role, RoleModel
from kompass.roles.tests.conftest import write_catalogues
from kompass.tenancy.capabilities import ROLE_CAPABILITIES, Capability
from kompass.tenancy.models import Membership
from kompass.tenancy.models import Role as MemberRole

ROLE_ROUTES = {
    "role_catalogue_list",
    "role_catalogue_detail",
    "role_model_adopt",
    "role_list",
    "role_create",
    "role_detail",
    "role_update",
    "assignment_list",
    "assignment_create",
    "assignment_detail",
    "assignment_update",
    "assignment_delete",
    "import_assignments",
    "matrix_detail",
    "matrix_cell_set",
    "role_checks",
}
SENTINEL = b"GEHEIM"
START = datetime.date(2025, 3, 1)


@dataclass
class Scene:
    world: World
    roles: dict[str, Role]
    other_roles: dict[str, Role]
    lotse: Assignment  # Bruno (32.1, inside the editor's subtree) as Lotse for 32
    cdo: Assignment  # Alice (10 Hauptamt, outside the editor's subtree) as CDO
    foreign: Assignment  # Nachbarort's person as Nachbarort's Lotse

    def state(self) -> tuple[Any, ...]:
        """Everything a role-model write could change, in both Kommunen."""
        return (
            list(Role.objects.unscoped().order_by("pk").values()),
            list(Assignment.objects.unscoped().order_by("pk").values()),
            list(RaciCell.objects.unscoped().order_by("pk").values()),
            RoleModel.objects.unscoped().count(),
            AuditEntry.objects.unscoped().count(),
        )


def _assign(kommune: Any, holder: Any, role: Role, **extra: Any) -> Assignment:
    data = {"person": holder, "role": role, "time_share": Decimal(10), "valid_from": START, **extra}
    return services.assignment_create(kommune=kommune, actor=None, data=data)


@pytest.fixture
def catalogues(db: Any, tmp_path: Path) -> dict[str, Catalogue]:
    load_catalogues(write_catalogues(tmp_path / "v1"))
    return {c.key: c for c in Catalogue.objects.all()}


@pytest.fixture
def scene(world: World, catalogues: dict[str, Catalogue]) -> Scene:
    """Both Kommunen adopted the (test) KGSt catalogue; Nachbarort's role names carry the sentinel."""
    models = {}
    for kommune, actor in ((world.kommune, world.admin), (world.other, world.outsider)):
        services.catalogue_adopt(kommune=kommune, actor=actor, catalogue=catalogues["kgst"])
        models[kommune.pk] = {r.key: r for r in Role.objects.for_kommune(kommune)}
    other_roles = models[world.other.pk]
    for role in other_roles.values():
        services.role_update(kommune=world.other, actor=None, role=role, data={"name": f"GEHEIM {role.name}"})
    other_roles = {r.key: r for r in Role.objects.for_kommune(world.other)}
    roles = models[world.kommune.pk]
    return Scene(
        world=world,
        roles=roles,
        other_roles=other_roles,
        lotse=_assign(world.kommune, world.bruno, roles["lotse"], org_unit=world.ordnungsamt),
        cdo=_assign(world.kommune, world.alice, roles["cdo"], deputy=world.bruno, time_share=Decimal(50)),
        foreign=_assign(world.other, world.other_person, other_roles["lotse"]),
    )


def put(client: ApiClient, url: str, body: Any) -> Any:
    return client.raw("PUT", url, json.dumps(body))


def _assert_no_sentinel(response: Any) -> None:
    assert SENTINEL not in response.content


# --- catalogue -------------------------------------------------------------------------------------


def test_every_member_reads_the_catalogues_with_their_roles(scene: Scene, api: dict[str, ApiClient]) -> None:
    response = api["reader"].get(f"{BASE}/katalog")
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["limit"], body["offset"]) == (2, 50, 0)
    kgst = next(c for c in body["items"] if c["key"] == "kgst")
    assert kgst["is_latest"] is True
    assert [r["key"] for r in kgst["roles"]][:3] == ["rat", "hvb", "cdo"]
    assert kgst["roles"][2]["markers"] == ["cdo", "core"]


def test_catalogue_detail_has_the_relations_and_an_unknown_id_is_404(
    scene: Scene, api: dict[str, ApiClient], catalogues: dict[str, Catalogue]
) -> None:
    response = api["reader"].get(f"{BASE}/katalog/{catalogues['kgst'].pk}")
    assert response.status_code == 200
    assert {"from_key": "cdo", "to_key": "hvb"}.items() <= response.json()["relations"][0].items()
    assert api["reader"].get(f"{BASE}/katalog/999999").status_code == 404


# --- roles -----------------------------------------------------------------------------------------


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
    _assert_no_sentinel(response)


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


def _without(monkeypatch: pytest.MonkeyPatch, capability: Capability) -> None:
    """The capability map with the Redaktion lacking `capability` (it keeps EDIT_ORG and EDIT_PEOPLE)."""
    editor = ROLE_CAPABILITIES[MemberRole.EDITOR]
    monkeypatch.setitem(ROLE_CAPABILITIES, MemberRole.EDITOR, editor - {capability})


def test_the_role_model_routes_ask_for_edit_role_model_not_edit_org(
    scene: Scene, api: dict[str, ApiClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    w = scene.world
    user = UserFactory(username="redaktion")
    Membership.objects.create(kommune=w.kommune, user=user, role="editor")  # without unit limit
    client = ApiClient(token_for(user))
    assert client.post(f"{BASE}/rollen", {"name": "Erlaubte Rolle"}).status_code == 201
    _without(monkeypatch, Capability.EDIT_ROLE_MODEL)
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
    assigned = client.post(f"{BASE}/zuordnungen", {"person_id": w.alice.pk, "role_id": scene.roles["isb"].pk})
    assert assigned.status_code == 201


def test_the_assignment_routes_ask_for_edit_assignments_not_edit_people(
    scene: Scene, api: dict[str, ApiClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    w, editor = scene.world, api["editor"]  # limited to 32; Bruno and the Lotse assignment are inside
    _without(monkeypatch, Capability.EDIT_ASSIGNMENTS)
    before = scene.state()
    assert (
        editor.post(f"{BASE}/zuordnungen", {"person_id": w.bruno.pk, "role_id": scene.roles["isb"].pk}).status_code
        == 403
    )
    assert editor.patch(f"{BASE}/zuordnungen/{scene.lotse.pk}", {"time_share": 15, "version": 1}).status_code == 403
    assert editor.delete(f"{BASE}/zuordnungen/{scene.lotse.pk}").status_code == 403
    assert editor.get(f"{BASE}/zuordnungen/{scene.lotse.pk}").status_code == 200
    assert scene.state() == before


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


# --- adopting a catalogue --------------------------------------------------------------------------


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


# --- assignments -----------------------------------------------------------------------------------


def test_assignment_list_filters_and_pages(scene: Scene, api: dict[str, ApiClient]) -> None:
    w = scene.world
    _assign(w.kommune, w.alice, scene.roles["isb"], valid_from=datetime.date(2020, 1, 1), valid_until=START)
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
    _assert_no_sentinel(response)


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
        f"{BASE}/zuordnungen", {"person_id": scene.world.bruno.pk, "role_id": scene.roles["isb"].pk}
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
    body = {"person_id": w.bruno.pk, "role_id": scene.roles["isb"].pk, field: ids[value]}
    before = scene.state()
    response = api["admin"].post(f"{BASE}/zuordnungen", body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", field]
    assert scene.state() == before
    patch = api["admin"].patch(f"{BASE}/zuordnungen/{scene.cdo.pk}", {field: ids[value], "version": 1})
    assert patch.status_code == 422
    assert patch.json()["detail"][0]["loc"] == ["body", field]
    assert scene.state() == before
    _assert_no_sentinel(response)


@pytest.mark.parametrize(
    ("body", "loc", "text"),
    [
        ({"time_share": 120}, ["body", "time_share"], "höchstens 100"),
        ({"time_share": -1}, ["body", "time_share"], "mindestens 0"),
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
    data = {"person_id": w.bruno.pk, "role_id": scene.roles["isb"].pk, **body}
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
    response = api["admin"].post(f"{BASE}/zuordnungen", {"person_id": scene.world.bruno.pk, "role_id": role.pk})
    assert response.status_code == 422
    assert "inaktiv" in response.json()["detail"][0]["msg"]


def test_limited_redaktion_keeps_assignments_inside_its_unit_only(scene: Scene, api: dict[str, ApiClient]) -> None:
    w, editor = scene.world, api["editor"]
    inside = editor.post(f"{BASE}/zuordnungen", {"person_id": w.bruno.pk, "role_id": scene.roles["isb"].pk})
    assert inside.status_code == 201
    outside = editor.post(f"{BASE}/zuordnungen", {"person_id": w.alice.pk, "role_id": scene.roles["isb"].pk})
    assert outside.status_code == 403
    moved = editor.post(
        f"{BASE}/zuordnungen",
        {"person_id": w.bruno.pk, "role_id": scene.roles["dsb"].pk, "org_unit_id": w.hauptamt.pk},
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


# --- matrix ----------------------------------------------------------------------------------------


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
    _assert_no_sentinel(response)


def test_a_cell_body_without_expected_is_refused(scene: Scene, api: dict[str, ApiClient]) -> None:
    body = _cell(scene, "cio", "C", None)
    del body["expected"]
    response = put(api["admin"], f"{BASE}/matrix/zellen", body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "expected"]


# --- Rollen-Check ----------------------------------------------------------------------------------


def test_check_lists_findings_with_rule_source_and_fix_url_and_the_lotsen_coverage(
    scene: Scene, api: dict[str, ApiClient]
) -> None:
    response = api["reader"].get(f"{BASE}/rollen-check")
    assert response.status_code == 200
    body = response.json()
    assert body["has_model"] is True
    assert body["total"] == len(body["findings"]) == sum(body["counts"].values())
    rules = {f["rule"] for f in body["findings"]}
    assert {"kernrolle.cio", "kernrolle.isb", "lotsen.abdeckung", "lotsen.zeit_freigabe"} <= rules
    missing_cio = next(f for f in body["findings"] if f["rule"] == "kernrolle.cio")
    assert (missing_cio["severity"], missing_cio["severity_label"]) == ("fehler", "Fehler")
    assert missing_cio["source"] and missing_cio["explanation"].startswith("Regel")
    assert missing_cio["fix_url"] == f"/k/teststadt/rollen/{scene.roles['cio'].pk}/"
    coverage = body["lotsen_coverage"]
    assert (coverage["covered"], coverage["total"], coverage["percent"]) == (1, 2, 50)
    assert {u["code"]: u["lotsen"] for u in coverage["units"]} == {"10": 0, "32": 1}
    _assert_no_sentinel(response)


def test_check_without_a_role_model_says_so(world: World, api: dict[str, ApiClient]) -> None:
    body = api["reader"].get(f"{BASE}/rollen-check").json()
    assert body["has_model"] is False


# --- import ----------------------------------------------------------------------------------------


def _upload(client: ApiClient, content: bytes, **fields: Any) -> Any:
    return client.upload(f"{BASE}/imports/zuordnungen", {"file": SimpleUploadedFile("z.csv", content), **fields})


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


# --- another Kommune: 404 on every route -----------------------------------------------------------


ROUTES = [r for r in api_route_patterns() if r.name in ROLE_ROUTES]


def test_the_role_routes_are_all_registered() -> None:
    assert {r.name for r in ROUTES} == ROLE_ROUTES


def _send(client: ApiClient, route: Any, url: str) -> Any:
    if route.method == "GET":
        return client.get(url)
    if route.method == "DELETE":
        return client.delete(url)
    if route.name == "import_assignments":
        return client.upload(url, {"file": SimpleUploadedFile("z.csv", b"email;rolle;von\r\n")})
    return client.raw(route.method, url, "{}")


def _url(route: Any, scene: Scene, *, foreign_ids: bool, catalogue: int) -> str:
    ids = {
        "role_id": (scene.other_roles if foreign_ids else scene.roles)["cio"].pk,
        "assignment_id": (scene.foreign if foreign_ids else scene.lotse).pk,
        "catalogue_id": catalogue,
    }
    return route.url(kommune_slug="teststadt", **{p: ids[p] for p in route.object_params})


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.name}")
def test_the_admin_of_another_kommune_gets_404_on_every_role_route(
    scene: Scene, api: dict[str, ApiClient], catalogues: dict[str, Catalogue], route: Any
) -> None:
    before = scene.state()
    response = _send(api["outsider"], route, _url(route, scene, foreign_ids=False, catalogue=catalogues["kgst"].pk))
    assert response.status_code == 404
    assert scene.state() == before


OBJECT_ROUTES = [r for r in ROUTES if set(r.object_params) - {"catalogue_id"}]


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=lambda r: f"{r.method} {r.name}")
def test_ids_of_another_kommune_in_the_url_are_404_on_every_method(
    scene: Scene, api: dict[str, ApiClient], catalogues: dict[str, Catalogue], route: Any
) -> None:
    before = scene.state()
    response = _send(api["admin"], route, _url(route, scene, foreign_ids=True, catalogue=catalogues["kgst"].pk))
    assert response.status_code == 404
    assert response.json()["detail"] == "Nicht gefunden."
    assert scene.state() == before
    _assert_no_sentinel(response)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.name}")
def test_anonymous_callers_get_401_on_every_role_route(
    scene: Scene, api: dict[str, ApiClient], catalogues: dict[str, Catalogue], route: Any
) -> None:
    response = _send(api["anonymous"], route, _url(route, scene, foreign_ids=False, catalogue=catalogues["kgst"].pk))
    assert response.status_code == 401


# --- query counts ----------------------------------------------------------------------------------


def _queries(client: ApiClient, url: str, params: dict[str, Any] | None = None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _more_assignments(scene: Scene, n: int = 15) -> None:
    w = scene.world
    keys = ["lotse", "isb", "dsb", "personal", "cio"]
    for i in range(n):
        holder = person(w.kommune, f"Person{i}", "Viele", w.sachgebiet if i % 2 else w.hauptamt)
        _assign(
            w.kommune,
            holder,
            scene.roles[keys[i % len(keys)]],
            deputy=w.alice,
            approved_by=w.bruno,
            org_unit=w.ordnungsamt if i % 3 else None,
        )


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/katalog", None),
        ("/rollen", None),
        ("/rollen/{cdo}", None),
        ("/zuordnungen", {"status": "alle"}),
        ("/matrix", None),
        ("/rollen-check", None),
    ],
)
def test_queries_of_a_read_route_do_not_grow_with_the_assignments(
    scene: Scene, path: str, params: dict[str, Any] | None
) -> None:
    client = ApiClient(token_for(scene.world.admin))
    url = BASE + path.format(cdo=scene.roles["lotse"].pk)
    client.get(url, params)
    before = _queries(client, url, params)
    _more_assignments(scene)
    assert _queries(client, url, params) == before
