"""Browser journey (Playwright, Debian's Chromium): import a CSV through the upload page, with an
axe-core scan of each state (upload form, preview, error report, result)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kompass.org.models import OrgUnit
from kompass.ui.tests.browser.conftest import Browsing, assert_shell, axe_scan

pytestmark = pytest.mark.browser

GOOD = "kennung;name;typ;uebergeordnet;leitung_email\r\n62;Vermessungsamt;Amt;D1;\r\n62.1;Kataster;Sachgebiet;62;\r\n"
BAD = GOOD + "63;Bauamt;Amt;GIBT-ES-NICHT;\r\n"


def open_upload(b: Browsing, tmp_path: Path, name: str, text: str) -> None:
    page = b.page
    page.goto(b.url("org:import_export", kommune_slug=b.world.kommune.slug))
    file = tmp_path / name
    file.write_bytes(text.encode("cp1252"))
    page.get_by_label("Organisationseinheiten").check()
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
