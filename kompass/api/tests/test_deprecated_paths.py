"""The old English paths of API version 1 keep answering, marked deprecated (issue 8, point 12).

Each answers like its German successor – same data, same gate, same errors – with
`Deprecation: @<unix time>` (RFC 9745) and `Link: <successor>; rel="successor-version"`; the
German paths carry neither header.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kompass.api.deprecation import DEPRECATION, old_path, successor_path
from kompass.api.tests.helpers import BASE, ApiClient
from kompass.org.models import OrgUnit

SUCCESSOR = '<{path}>; rel="successor-version"'


def test_the_deprecation_date_is_a_structured_field_date():
    assert DEPRECATION == "@1796515200"  # 6 December 2026, 00:00 UTC


@pytest.mark.parametrize(
    ("new", "old"),
    [
        (
            "kommunen/<kommune_slug>/organisationseinheiten/<int:unit_id>/teilbaum",
            "kommunen/<kommune_slug>/orgunits/<int:unit_id>/subtree",
        ),
        ("kommunen/<kommune_slug>/importe/zuordnungen", "kommunen/<kommune_slug>/imports/zuordnungen"),
        ("/api/v1/kommunen/x/personen/7", "/api/v1/kommunen/x/persons/7"),
    ],
)
def test_old_and_new_paths_map_segment_by_segment(new, old):
    assert old_path(new) == old
    assert successor_path(old) == new


def test_a_path_without_renamed_segments_has_no_old_one():
    assert old_path("kommunen/<kommune_slug>/zuordnungen") is None


def test_an_old_list_path_answers_like_the_new_one_with_the_deprecation_headers(world, api):
    reader = api["reader"]
    new = reader.get(f"{BASE}/organisationseinheiten", {"limit": 2})
    old = reader.get(f"{BASE}/orgunits", {"limit": 2})
    assert (old.status_code, old.json()) == (200, new.json())
    assert old["Deprecation"] == DEPRECATION
    assert old["Link"] == SUCCESSOR.format(path=f"{BASE}/organisationseinheiten?limit=2")
    assert "Deprecation" not in new and "Link" not in new


def test_an_old_detail_path_of_a_person_names_its_successor(world, api):
    response = api["reader"].get(f"{BASE}/persons/{world.bruno.pk}")
    assert response.status_code == 200 and response.json()["email"] == world.bruno.email
    assert response["Link"] == SUCCESSOR.format(path=f"{BASE}/personen/{world.bruno.pk}")


def test_an_old_write_path_still_writes_through_the_same_service(world, api):
    response = api["admin"].post(f"{BASE}/orgunits", {"code": "77", "name": "Über den alten Pfad", "unit_type": "amt"})
    assert response.status_code == 201 and response["Deprecation"] == DEPRECATION
    unit = OrgUnit.objects.for_kommune(world.kommune).get(code="77")
    moved = api["admin"].post(f"{BASE}/orgunits/{unit.pk}/move", {"parent_id": world.root.pk, "version": 1})
    assert moved.status_code == 200 and moved.json()["parent_id"] == world.root.pk
    assert moved["Link"] == SUCCESSOR.format(path=f"{BASE}/organisationseinheiten/{unit.pk}/verschieben")
    subtree = api["admin"].get(f"{BASE}/orgunits/{unit.pk}/subtree")
    assert subtree.status_code == 200 and subtree["Link"].endswith(f'/{unit.pk}/teilbaum>; rel="successor-version"')


def test_an_old_import_path_imports(world, api):
    content = b"kennung;name;typ;uebergeordnet;leitung_email\r\n99;Neue Stelle;amt;;\r\n"
    response = api["admin"].upload(
        f"{BASE}/imports/orgunits", {"file": SimpleUploadedFile("e.csv", content), "dry_run": "true"}
    )
    assert response.status_code == 200 and response.json()["created"] == 1
    assert response["Link"] == SUCCESSOR.format(path=f"{BASE}/importe/organisationseinheiten")


@pytest.mark.parametrize(("persona", "status"), [("anonymous", 401), ("outsider", 404)])
def test_old_paths_keep_the_gate_and_say_they_are_deprecated_on_errors_too(world, api, persona, status):
    response = api[persona].get(f"{BASE}/orgunits/{world.sachgebiet.pk}")
    assert response.status_code == status
    assert response["Deprecation"] == DEPRECATION
    assert b"GEHEIM" not in response.content


def test_an_unknown_old_path_is_the_json_404(world, api: dict[str, ApiClient]):
    response = api["admin"].get(f"{BASE}/orgunits/{world.sachgebiet.pk}/unbekannt")
    assert response.status_code == 404 and response.json() == {"detail": "Nicht gefunden."}


def test_the_openapi_document_names_only_the_german_paths(world):
    from django.test import Client

    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/kommunen/{kommune_slug}/organisationseinheiten" in paths
    assert not [p for p in paths if "/orgunits" in p or "/persons" in p or "/imports" in p]
