"""The council pages: the report page and its downloads for every member, a malformed Stichtag as
a German 400 page, another Kommune's members not even told the page exists; the settings of the
public page for the Kommune-wide strategy editors only, with its audit entry and 400 on conflict."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from kompass.agenda import services
from kompass.agenda.models import AgendaSettings
from kompass.agenda.tests.factories_council import council_scene
from kompass.audit.models import AuditEntry
from kompass.conftest import World

READ_PAGES = ("agenda:council_report", "agenda:council_report_pdf", "agenda:council_report_docx", "agenda:agenda_xlsx")


def url(name: str, slug: str = "teststadt") -> str:
    return reverse(name, args=[slug])


@pytest.fixture
def scene(world: World):  # type: ignore[no-untyped-def]
    return council_scene(world)


@pytest.mark.parametrize("name", READ_PAGES)
def test_a_reader_gets_the_report_and_its_downloads(name: str, world: World, scene, reader_client) -> None:  # type: ignore[no-untyped-def]
    response = reader_client.get(url(name))
    assert response.status_code == 200
    if name != "agenda:council_report":
        assert response["Content-Disposition"].startswith("attachment; filename=")
        assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("name", READ_PAGES)
def test_a_member_of_another_kommune_gets_404(name: str, world: World, scene, outsider_client) -> None:  # type: ignore[no-untyped-def]
    assert outsider_client.get(url(name)).status_code == 404


@pytest.mark.parametrize("name", READ_PAGES)
def test_an_anonymous_visitor_is_sent_to_the_login(name: str, world: World, scene, client) -> None:  # type: ignore[no-untyped-def]
    assert client.get(url(name)).status_code == 302


@pytest.mark.parametrize("name", READ_PAGES)
def test_the_report_pages_answer_only_get(name: str, world: World, scene, admin_client) -> None:  # type: ignore[no-untyped-def]
    assert admin_client.post(url(name)).status_code == 405


@pytest.mark.parametrize("name", ["agenda:council_report", "agenda:council_report_pdf", "agenda:council_report_docx"])
def test_a_malformed_stichtag_is_a_german_400_page(name: str, world: World, scene, reader_client) -> None:  # type: ignore[no-untyped-def]
    response = reader_client.get(url(name) + "?stichtag=2026-13-45")
    assert response.status_code == 400
    assert "„2026-13-45“ ist kein gültiger Stichtag" in response.content.decode()


def test_the_report_page_shows_the_preview_and_links_the_downloads_with_the_options(
    world: World,
    scene,
    reader_client,  # type: ignore[no-untyped-def]
) -> None:
    today = timezone.localdate()
    response = reader_client.get(
        url("agenda:council_report") + f"?stichtag={today:%Y-%m-%d}&teil=haushalt&kennzahlen=alle"
    )
    page = response.content.decode()
    assert f"Vorschau: Stand zum Stichtag {today:%d.%m.%Y}" in page
    assert (
        "Haushaltsansätze der geplanten und laufenden Maßnahmen" in page
        and "Produkt 11.10.01" in page
        and "Größte Risiken" not in page
    )
    assert f"/bericht/pdf/?stichtag={today:%Y-%m-%d}&amp;kennzahlen=alle&amp;teil=haushalt" in page


def test_the_docx_download_opens_with_python_docx(world: World, scene, reader_client) -> None:  # type: ignore[no-untyped-def]
    response = reader_client.get(url("agenda:council_report_docx"))
    document = Document(io.BytesIO(response.content))
    assert "Verwaltung digital" in [p.text for p in document.paragraphs]


def test_the_workbook_download_has_both_sheets(world: World, scene, reader_client) -> None:  # type: ignore[no-untyped-def]
    book = load_workbook(io.BytesIO(reader_client.get(url("agenda:agenda_xlsx")).content))
    assert {"Maßnahmen", "Kennzahlenwerte"} <= set(book.sheetnames)


def test_the_report_page_needs_the_same_number_of_queries_for_more_measures(
    world: World,
    scene,
    reader_client,  # type: ignore[no-untyped-def]
) -> None:
    address = url("agenda:council_report") + "?kennzahlen=alle"
    reader_client.get(address)
    with CaptureQueriesContext(connection) as before:
        reader_client.get(address)
    for n in range(4):
        measure = services.measure_create(
            kommune=world.kommune,
            actor=world.admin,
            data={"title": f"Mehr {n}", "status": "geplant", "handlungsfelder": [scene.verwaltung.pk]},
        )
        services.kpi_create(
            kommune=world.kommune,
            actor=world.admin,
            data={
                "name": f"K {n}",
                "baseline_value": "1",
                "baseline_on": "2025-01-01",
                "target_value": "2",
                "target_on": "2027-01-01",
                "measure": measure.pk,
            },
        )
    with CaptureQueriesContext(connection) as after:
        reader_client.get(address)
    assert len(after) == len(before)


# --- settings of the public page -------------------------------------------------------------------


SETTINGS = "agenda:public_settings"


def test_the_settings_page_shows_the_switch_off_by_default(world: World, scene, admin_client) -> None:  # type: ignore[no-untyped-def]
    page = admin_client.get(url(SETTINGS)).content.decode()
    assert 'name="public_page_enabled"' in page and "Die Seite ist ausgeschaltet" in page


@pytest.mark.parametrize("who", ["reader", "editor"])
def test_readers_and_subtree_limited_editors_may_not_switch_the_page(who: str, world: World, scene) -> None:  # type: ignore[no-untyped-def]
    client = world.client_for(getattr(world, who))
    assert client.get(url(SETTINGS)).status_code == 403
    assert client.post(url(SETTINGS), {"public_page_enabled": "on", "version": 1}).status_code == 403
    assert not AgendaSettings.objects.for_kommune(world.kommune).filter(public_page_enabled=True).exists()


def test_another_kommunes_admin_gets_404(world: World, scene, outsider_client) -> None:  # type: ignore[no-untyped-def]
    assert outsider_client.post(url(SETTINGS), {"public_page_enabled": "on"}).status_code == 404


def test_switching_the_page_on_is_stored_with_its_audit_entry(world: World, scene, admin_client) -> None:  # type: ignore[no-untyped-def]
    response = admin_client.post(
        url(SETTINGS), {"public_page_enabled": "on", "public_intro": "Willkommen", "version": 1}
    )
    assert response.status_code == 302 and response["Location"] == url(SETTINGS)
    row = AgendaSettings.objects.for_kommune(world.kommune).get()
    assert row.public_page_enabled and row.public_intro == "Willkommen"
    entry = AuditEntry.objects.for_kommune(world.kommune).filter(object_type="agendasettings", action="update").first()
    assert entry is not None and entry.changes["public_page_enabled"] == [False, True]
    assert entry.changes["public_intro"] == ["", "Willkommen"]
    assert "Die Seite ist öffentlich" in admin_client.get(url(SETTINGS)).content.decode()


def test_a_stale_form_is_a_conflict_and_nothing_changes(world: World, scene, admin_client) -> None:  # type: ignore[no-untyped-def]
    admin_client.post(url(SETTINGS), {"public_intro": "Erste", "version": 1})
    response = admin_client.post(url(SETTINGS), {"public_page_enabled": "on", "public_intro": "Zweite", "version": 1})
    assert response.status_code == 400
    assert "inzwischen von jemand anderem geändert" in response.content.decode()
    row = AgendaSettings.objects.for_kommune(world.kommune).get()
    assert row.public_intro == "Erste" and not row.public_page_enabled


def test_a_too_long_text_is_a_400_with_the_field_named(world: World, scene, admin_client) -> None:  # type: ignore[no-untyped-def]
    response = admin_client.post(url(SETTINGS), {"public_intro": "x" * 6000, "version": 1})
    assert response.status_code == 400 and "Einleitung" in response.content.decode()
    assert not AgendaSettings.objects.for_kommune(world.kommune).exists()
