"""Bad input gets a German JSON answer and changes nothing; it is never a 500 (docs/security.md S2)."""

from __future__ import annotations

import pytest

from kompass.api.tests.helpers import BASE, tenant_state
from kompass.org.models import OrgUnit

UNITS = BASE + "/organisationseinheiten"


def test_invalid_json_is_400_in_german(world, api):
    response = api["admin"].raw("POST", UNITS, b'{"code": ')
    assert response.status_code == 400
    assert response.json() == {"detail": "Der Inhalt der Anfrage ist kein gültiges JSON."}


@pytest.mark.parametrize("body", [b"[]", b"42", b'"text"', b"null"])
def test_json_that_is_not_an_object_is_422(world, api, body):
    response = api["admin"].raw("POST", UNITS, body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"]


def test_deeply_nested_json_is_refused_without_error(world, api):
    response = api["admin"].raw("POST", UNITS, b"[" * 100_000 + b"]" * 100_000)
    assert response.status_code in (400, 422)


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (5, "string_type"),
        (["32"], "string_type"),
        ("x" * 31, "string_too_long"),
    ],
)
def test_wrong_types_and_overlong_texts_are_field_errors(world, api, value, kind):
    response = api["admin"].post(UNITS, {"code": value, "name": "N", "unit_type": "amt"})
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["loc"] == ["body", "code"]
    assert error["type"] == kind


def test_messages_are_german(world, api):
    response = api["admin"].post(UNITS, {"code": "x" * 31, "unit_type": "ministerium", "is_active": "vielleicht"})
    messages = {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]}
    assert messages[("body", "code")] == "Höchstens 30 Zeichen sind erlaubt."
    assert messages[("body", "name")] == "Dieses Feld ist erforderlich."
    assert messages[("body", "unit_type")].startswith("Ungültiger Wert. Erlaubt sind:")
    assert messages[("body", "is_active")] == "Bitte geben Sie true oder false an."


@pytest.mark.parametrize("number", [2**63, 10**30, -(2**63) - 1, 1e308])
def test_huge_numbers_in_foreign_keys_are_field_errors(world, api, number):
    response = api["admin"].post(UNITS, {"code": "77", "name": "N", "unit_type": "amt", "parent_id": number})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "parent_id"]


def test_huge_version_is_a_field_error(world, api):
    response = api["admin"].patch(f"{UNITS}/{world.hauptamt.pk}", {"name": "N", "version": 10**20})
    assert response.status_code == 422


def test_nul_bytes_are_removed_from_texts(world, api):
    response = api["admin"].post(UNITS, {"code": "7\u00007", "name": "Null\u0000byte", "unit_type": "amt"})
    assert response.status_code == 201
    unit = OrgUnit.objects.for_kommune(world.kommune).get(pk=response.json()["id"])
    assert (unit.code, unit.name) == ("77", "Nullbyte")


def test_nul_bytes_in_query_parameters_do_no_harm(world, api):
    assert api["admin"].get(UNITS, {"q": "amt\x00"}).status_code == 200


def test_unpaired_surrogates_are_refused(world, api):
    before = tenant_state(world)
    response = api["admin"].raw("POST", UNITS, b'{"code": "77", "name": "\\ud800", "unit_type": "amt"}')
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "Der Text enthält ungültige Zeichen."
    assert tenant_state(world) == before


def test_unknown_api_path_is_a_json_404(world, api):
    for path in ("/api/v1/gibt-es-nicht", "/api/v1/", "/api/v1/kommunen/teststadt/organisationseinheiten/1/unbekannt"):
        response = api["admin"].get(path)
        assert response.status_code == 404, path
        assert response.json() == {"detail": "Nicht gefunden."}


def test_wrong_method_is_a_json_405_with_allow_header(world, api):
    response = api["admin"].raw("PUT", f"{UNITS}/{world.hauptamt.pk}", b"{}")
    assert response.status_code == 405
    assert set(response["Allow"].split(", ")) == {"GET", "PATCH", "DELETE"}
    assert response.json()["detail"].startswith("Methode nicht erlaubt")


def test_form_encoded_body_is_refused_as_invalid_json(world, api):
    response = api["admin"].raw("POST", UNITS, "code=77&name=N", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
