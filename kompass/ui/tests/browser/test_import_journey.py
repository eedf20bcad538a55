"""Browser journey (Playwright, Debian's Chromium): import a CSV through the upload page, with an
axe-core scan of each state (upload form, preview, error report, result), and the two questions the
page asks back: which sheet of a workbook, and whether a file of the other kind is meant as that."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from openpyxl import Workbook

from kompass.org.models import OrgUnit, Person
from kompass.ui.tests.browser.conftest import Browsing, assert_shell, axe_scan

pytestmark = pytest.mark.browser

GOOD = "kennung;name;typ;uebergeordnet;leitung_email\r\n62;Vermessungsamt;Amt;D1;\r\n62.1;Kataster;Sachgebiet;62;\r\n"
BAD = GOOD + "63;Bauamt;Amt;GIBT-ES-NICHT;\r\n"


def open_upload(b: Browsing, tmp_path: Path, name: str, text: str) -> None:
    page = b.page
    page.goto(b.url("org:import_export", kommune_slug=b.world.kommune.slug))
    file = tmp_path / name
    file.write_bytes(text.encode("cp1252"))
    page.get_by_label("Organisationseinheiten", exact=True).check()
    page.set_input_files("#id_file", str(file))
    page.get_by_role("button", name="Datei prüfen").click()
    page.wait_for_load_state("load")


def test_admin_imports_a_csv_through_preview_and_confirm(admin_browsing: Browsing, tmp_path: Path) -> None:
    b = admin_browsing
    b.page.goto(b.url("org:import_export", kommune_slug=b.world.kommune.slug))
    assert_shell(b.page)
    axe_scan(b.page, "Import und Export (Formular)")
    open_upload(b, tmp_path, "einheiten.csv", GOOD)
    assert "Vorschau: einheiten.csv" in b.page.content()
    axe_scan(b.page, "Import-Vorschau")
    assert not OrgUnit.objects.for_kommune(b.world.kommune).filter(code="62").exists()
    b.page.get_by_role("button", name="Import ausführen").click()
    b.page.wait_for_load_state("load")
    assert "Import abgeschlossen: 2 neu" in b.page.content()
    axe_scan(b.page, "Import-Ergebnis")
    assert OrgUnit.objects.for_kommune(b.world.kommune).filter(code__in=["62", "62.1"]).count() == 2


def test_admin_sees_the_errors_of_a_bad_file(admin_browsing: Browsing, tmp_path: Path) -> None:
    b = admin_browsing
    open_upload(b, tmp_path, "einheiten.csv", BAD)
    content = b.page.content()
    assert "Fehler in der Datei einheiten.csv" in content and "GIBT-ES-NICHT" in content
    axe_scan(b.page, "Import-Fehlerbericht")
    assert not OrgUnit.objects.for_kommune(b.world.kommune).filter(code="62").exists()


PEOPLE = [
    ["email", "vorname", "nachname", "organisationseinheit"],
    ["lukasz.wojcik@teststadt.example", "Łukasz", "Wójcik", "32"],
    ["guenther.gross@teststadt.example", "Günther", "Groß", "10"],
]
# Set KOMPASS_SCREENSHOTS to a directory to keep a picture of each asked-back state.
SHOTS = os.environ.get("KOMPASS_SCREENSHOTS", "")


def shot(b: Browsing, name: str) -> None:
    if SHOTS:
        b.page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def workbook(*sheets: tuple[str, list[list[str]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def send(b: Browsing, tmp_path: Path, name: str, data: bytes, kind_label: str) -> None:
    page = b.page
    page.goto(b.url("org:import_export", kommune_slug=b.world.kommune.slug))
    file = tmp_path / name
    file.write_bytes(data)
    page.get_by_label(kind_label, exact=True).check()
    page.set_input_files("#id_file", str(file))
    page.get_by_role("button", name="Datei prüfen").click()
    page.wait_for_load_state("load")


def test_admin_picks_the_sheet_of_a_workbook_by_keyboard(admin_browsing: Browsing, tmp_path: Path) -> None:
    b = admin_browsing
    older = [PEOPLE[0], ["alt@teststadt.example", "Alma", "Älter", "32"]]
    send(b, tmp_path, "personal.xlsx", workbook(("Personen 2024", older), ("Personen 2025", PEOPLE)), "Personen")
    assert "Tabellenblatt wählen: personal.xlsx" in b.page.content()
    axe_scan(b.page, "Import: Tabellenblatt wählen")
    shot(b, "import-tabellenblatt")
    choice = b.page.get_by_label("Personen 2025")
    choice.focus()
    b.page.keyboard.press("Space")
    assert choice.is_checked()
    b.page.get_by_role("button", name="Tabellenblatt prüfen").click()
    b.page.wait_for_load_state("load")
    content = b.page.content()
    assert "Gelesen wurde das Tabellenblatt „Personen 2025“." in content and "Łukasz Wójcik" in content
    axe_scan(b.page, "Import-Vorschau mit Namen")
    shot(b, "import-vorschau-namen")
    b.page.get_by_role("button", name="Import ausführen").click()
    b.page.wait_for_load_state("load")
    assert Person.objects.for_kommune(b.world.kommune).filter(last_name__in=["Wójcik", "Groß"]).count() == 2


def test_a_people_file_sent_as_org_units_is_offered_to_the_people_import(
    admin_browsing: Browsing, tmp_path: Path
) -> None:
    b = admin_browsing
    data = "\r\n".join(";".join(row) for row in PEOPLE).encode("utf-8")
    send(b, tmp_path, "personen.csv", data, "Organisationseinheiten")
    assert "Diese Datei sieht nach Personen aus" in b.page.content()
    axe_scan(b.page, "Import: andere Importart")
    shot(b, "import-andere-art")
    b.page.get_by_role("button", name="Als Personen prüfen").click()
    b.page.wait_for_load_state("load")
    assert "Vorschau: personen.csv" in b.page.content()
    assert b.page.get_by_label("Personen", exact=True).is_checked()


def test_an_xlsx_that_is_text_is_explained(admin_browsing: Browsing, tmp_path: Path) -> None:
    b = admin_browsing
    send(b, tmp_path, "einheiten.xlsx", GOOD.encode("cp1252"), "Organisationseinheiten")
    assert "Die Datei ist keine gültige Excel-Datei" in b.page.content()
    axe_scan(b.page, "Import: keine gültige Excel-Datei")
    shot(b, "import-keine-excel-datei")
