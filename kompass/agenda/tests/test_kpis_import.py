"""The import of measured KPI values: the page and the templates, preview without storing, apply all
or nothing with German messages per row, cp1252 and semicolons, only for Kommune-wide editors."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kompass.agenda.models import KPIValue
from kompass.agenda.tests import factories_kpis as fk
from kompass.conftest import World

pytestmark = pytest.mark.django_db
SLUG = "teststadt"


def url(name: str, *args: Any) -> str:
    return reverse(f"agenda:{name}", args=[SLUG, *args])


def upload(text: str, name: str = "werte.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def _token(html: str) -> str:
    marker = 'name="token" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_the_page_explains_the_columns_and_offers_both_templates(world: World, admin_client: Client) -> None:
    fk.scene(world)
    page = admin_client.get(url("kpi_import")).content.decode()
    assert "kennzahl" in page and "anmerkung" in page and "Datei prüfen" in page
    csv = admin_client.get(url("kpi_import_template", "csv"))
    assert csv.status_code == 200 and "vorlage-kennzahlenwerte.csv" in csv["Content-Disposition"]
    assert csv.content.decode("utf-8-sig").splitlines()[0].split(";")[:3] == ["kennzahl", "datum", "wert"]
    xlsx = admin_client.get(url("kpi_import_template", "xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None and [c.value for c in sheet[1]] == ["kennzahl", "datum", "wert", "anmerkung"]
    assert admin_client.get(url("kpi_import_template", "pdf")).status_code == 404


def test_preview_stores_nothing_and_apply_imports_cp1252_with_semicolons(world: World, admin_client: Client) -> None:
    s = fk.scene(world)
    text = f"Kennzahl;Datum;Wert;Anmerkung\r\n{s.inside_kpi.pk};01.01.2026;1.234,5;Zählung\r\nDigitale Akten;2026-02-01;7;\r\n"
    preview = admin_client.post(url("kpi_import"), {"file": upload(text, encoding="cp1252")})
    html = preview.content.decode()
    assert preview.status_code == 200 and "Vorschau" in html and "Import ausführen" in html
    assert not KPIValue.objects.for_kommune(world.kommune).exists()
    applied = admin_client.post(url("kpi_import"), {"token": _token(html), "action": "import"})
    assert applied.status_code == 302 and applied["Location"] == url("kpi_list")
    values = {(v.kpi_id, str(v.measured_on)): v for v in KPIValue.objects.for_kommune(world.kommune)}
    assert values[(s.inside_kpi.pk, "2026-01-01")].note == "Zählung"
    assert str(values[(s.inside_kpi.pk, "2026-01-01")].value) == "1234.5000"
    assert (s.outside_kpi.pk, "2026-02-01") in values


def test_a_bad_row_rejects_the_whole_file_with_german_messages(world: World, admin_client: Client) -> None:
    s = fk.scene(world)
    text = f"kennzahl,datum,wert\n{s.inside_kpi.pk},01.01.2026,5\nGibt es nicht,32.01.2026,viel\n"
    response = admin_client.post(url("kpi_import"), {"file": upload(text)})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Die Datei wurde abgelehnt" in html and "Es wurde nichts geändert" in html
    assert "„Gibt es nicht“ gibt es nicht" in html and "ist keine Zahl" in html
    assert not KPIValue.objects.for_kommune(world.kommune).exists()


def test_a_file_without_the_columns_and_a_missing_file_are_400(world: World, admin_client: Client) -> None:
    fk.scene(world)
    wrong = admin_client.post(url("kpi_import"), {"file": upload("name;wert\nA;1\n")})
    assert wrong.status_code == 400 and "kennzahl" in wrong.content.decode()
    missing = admin_client.post(url("kpi_import"), {})
    assert missing.status_code == 400 and "Bitte eine Datei wählen." in missing.content.decode()


def test_a_stale_token_imports_nothing_and_cancel_discards(world: World, admin_client: Client) -> None:
    s = fk.scene(world)
    stale = admin_client.post(url("kpi_import"), {"token": "erfunden", "action": "import"})
    assert stale.status_code == 400 and "nicht mehr gültig" in stale.content.decode()
    preview = admin_client.post(
        url("kpi_import"), {"file": upload(f"kennzahl;datum;wert\n{s.inside_kpi.pk};01.01.2026;1\n")}
    )
    cancel = admin_client.post(url("kpi_import"), {"token": _token(preview.content.decode()), "action": "cancel"})
    assert cancel.status_code == 302
    assert not KPIValue.objects.for_kommune(world.kommune).exists()


def test_only_kommune_wide_editors_import(world: World, reader_client: Client, editor_client: Client) -> None:
    s = fk.scene(world)
    body = {"file": upload(f"kennzahl;datum;wert\n{s.inside_kpi.pk};01.01.2026;1\n")}
    assert reader_client.get(url("kpi_import")).status_code == 403
    assert editor_client.get(url("kpi_import")).status_code == 403  # a subtree-limited Redaktion
    assert editor_client.post(url("kpi_import"), body).status_code == 403
    assert not KPIValue.objects.for_kommune(world.kommune).exists()


def test_another_kommunes_kpi_is_unknown_to_the_import(world: World, admin_client: Client) -> None:
    s = fk.scene(world)
    response = admin_client.post(
        url("kpi_import"), {"file": upload(f"kennzahl;datum;wert\n{s.foreign_kpi.pk};01.01.2026;1\n")}
    )
    assert response.status_code == 400 and "GEHEIM" not in response.content.decode()
    assert not KPIValue.objects.for_kommune(world.other).exists()
