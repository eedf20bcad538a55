"""Imports through the API: the upload page's importer, Kommune-wide import right, all or nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from kompass.api.tests.helpers import BASE, tenant_state
from kompass.audit.models import AuditEntry
from kompass.org.models import OrgUnit, Person

UNITS_CSV = b"kennung;name;typ;uebergeordnet;leitung_email\r\n40;Schulverwaltungsamt;Amt;D1;\r\n"
PEOPLE_CSV = "email;vorname;nachname;funktion;organisationseinheit\r\nzoe.zahl@teststadt.example;Zoë;Zahl;;40\r\n"


def upload(client, kind, content, **fields):
    return client.upload(f"{BASE}/importe/{kind}", {"file": SimpleUploadedFile("daten.csv", content), **fields})


def test_dry_run_reports_what_would_happen_and_changes_nothing(world, api):
    before = tenant_state(world)
    response = upload(api["admin"], "organisationseinheiten", UNITS_CSV, dry_run="true")
    assert response.status_code == 200
    report = response.json()
    assert (report["ok"], report["dry_run"], report["created"]) == (True, True, 1)
    assert report["rows"] == [{"row": 2, "key": "40", "action": "neu", "changed": []}]
    assert tenant_state(world) == before


def test_import_creates_units_then_people_with_one_import_id(world, api):
    response = upload(api["admin"], "organisationseinheiten", UNITS_CSV)
    assert response.status_code == 200
    import_id = response.json()["import_id"]
    unit = OrgUnit.objects.for_kommune(world.kommune).get(code="40")
    assert unit.parent == world.dezernat
    entry = AuditEntry.objects.for_kommune(world.kommune).get(object_id=str(unit.pk), object_type="orgunit")
    assert (entry.source, entry.request_id, entry.actor) == ("import", import_id, world.admin)
    response = upload(api["admin"], "personen", PEOPLE_CSV.encode("cp1252"))
    assert response.status_code == 200, response.json()
    assert Person.objects.for_kommune(world.kommune).get(email="zoe.zahl@teststadt.example").org_unit == unit


def test_reimport_of_the_same_file_changes_nothing(world, api):
    upload(api["admin"], "organisationseinheiten", UNITS_CSV)
    before = tenant_state(world)
    report = upload(api["admin"], "organisationseinheiten", UNITS_CSV).json()
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 0, 1)
    assert tenant_state(world) == before


def test_rejected_file_is_422_with_row_column_and_reason_and_changes_nothing(world, api):
    before = tenant_state(world)
    content = UNITS_CSV + b"41;Ohne Typ;;D1;\r\n"
    response = upload(api["admin"], "organisationseinheiten", content)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"][0]["loc"] == ["body", "file", 3, "typ"]
    assert body["detail"][0]["msg"].startswith("Zeile 3, Spalte typ:")
    assert body["report"]["ok"] is False
    assert body["report"]["created"] == 0
    assert tenant_state(world) == before


def test_file_that_is_not_a_table_is_422(world, api):
    response = upload(api["admin"], "personen", b"%PDF-1.7 kein CSV")
    assert response.status_code == 422
    assert "PDF" in response.json()["detail"][0]["msg"]


@override_settings(IMPORT_MAX_BYTES=100)
def test_too_large_file_is_refused_before_reading(world, api):
    response = upload(api["admin"], "organisationseinheiten", UNITS_CSV * 10)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "file"]


def test_missing_file_is_422(world, api):
    response = api["admin"].upload(f"{BASE}/importe/organisationseinheiten", {"dry_run": "true"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "Dieses Feld ist erforderlich."


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("reader", 403),
        ("editor", 403),
        ("outsider", 404),
        ("anonymous", 401),
    ],
)
def test_import_needs_the_kommune_wide_import_right(world, api, persona, status):
    before = tenant_state(world)
    for kind in ("organisationseinheiten", "personen"):
        assert upload(api[persona], kind, UNITS_CSV).status_code == status
    assert tenant_state(world) == before


def test_import_through_the_session_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin)
    response = client.post(f"{BASE}/importe/organisationseinheiten", {"file": SimpleUploadedFile("d.csv", UNITS_CSV)})
    assert response.status_code == 403
    assert not OrgUnit.objects.for_kommune(world.kommune).filter(code="40").exists()
