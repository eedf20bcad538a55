"""The first hour of a real Kommune, by browser only (issue 8): from an empty Kommune to its Rollen-Check.

The platform operator opens a Landkreis and passes on the invitation link; the Kreis's CDO follows it,
chooses her own password and lands on the start page, whose Erste Schritte lead her through the org
chart (a CSV from Excel: cp1252 with semicolons), the staff list (an XLSX whose staff sheet is not
the first), the role catalogue, a CDO and two Digitale Lotsinnen und Lotsen picked by typing in the
search combobox, and the Rollen-Check. Each page passes axe-core; the steps are taken by keyboard
where a person would use it (links, the combobox, the forms), the file choice with the file picker.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from kompass.accounts.models import User
from kompass.factories import UserFactory
from kompass.framework.catalogue_loader import load_framework
from kompass.org.models import OrgUnit, Person
from kompass.roles.catalogue_loader import load_catalogues
from kompass.roles.models import Assignment
from kompass.tenancy.models import Kommune, Membership, Role
from kompass.ui.tests.browser.conftest import Browsing, assert_shell, axe_scan, login

SHOTS = os.environ.get("KOMPASS_SCREENSHOTS", "")
PASSWORD = "Heideland-Kreis-2026!"

# The org chart as Excel saves "CSV (Trennzeichen-getrennt)" on a German Windows: cp1252, semicolons.
ORG_CHART = (
    "kennung;name;typ;uebergeordnet;leitung_email\r\n"
    "LR;Landrätin;Verwaltungsvorstand;;\r\n"
    "FB 1;Fachbereich 1 – Zentrale Dienste;Fachbereich;LR;\r\n"
    "10;Amt für Organisation und Digitalisierung;Amt;FB 1;\r\n"
    "2;Kämmerei;Amt;FB 1;\r\n"
    "FB 3;Fachbereich 3 – Ordnung und Straßenverkehr;Fachbereich;LR;\r\n"
    "36;Straßenverkehrsamt;Amt;FB 3;\r\n"
)
STAFF = [
    ("email", "vorname", "nachname", "funktion", "organisationseinheit"),
    ("m.oezdemir@heideland.example", "Meral", "Özdemir", "Chief Digital Officer", "10"),
    ("l.wojcik@heideland.example", "Łukasz", "Wójcik", "Sachbearbeitung Haushalt", "2"),
    ("j.schaefer@heideland.example", "Jana", "Schäfer", "Sachgebietsleitung Zulassung", "36"),
    ("d.petrovic@heideland.example", "Dragana", "Petrović", "Sachbearbeitung Organisation", "10"),
]


def staff_workbook() -> bytes:
    """A staff list as HR sends it: a cover sheet first, the list on the second sheet."""
    book = Workbook()
    cover = book.active
    cover.title = "Hinweise"
    cover.append(["Stand der Personalliste", "01.12.2026"])
    sheet = book.create_sheet("Personal")
    for row in STAFF:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def press_link(page: Any, name: str) -> None:
    """Follow a link the way a keyboard user does: focus it and press Enter."""
    link = page.get_by_role("link", name=name, exact=True).first
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def press_button(page: Any, name: str) -> None:
    button = page.get_by_role("button", name=name, exact=True).first
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def check_page(page: Any, label: str) -> None:
    assert_shell(page)
    axe_scan(page, label)
    if SHOTS:  # a folder: keep a PNG of every page for review
        page.screenshot(path=str(Path(SHOTS) / f"{label}.png"), full_page=True)


def steps_done(page: Any) -> str:
    text = page.locator("section[aria-labelledby=erste-schritte]").inner_text()
    match = re.search(r"(\d) von (\d) Schritten erledigt", text)
    assert match, text
    return f"{match[1]}/{match[2]}"


def pick(page: Any, field: str, text: str, choose: str) -> None:
    """Type into a search combobox, move down to the suggestion that contains `choose`, take it with Enter."""
    page.focus(field)
    page.keyboard.type(text)
    page.wait_for_function(
        "field => { const s = document.querySelector(field + '-status'); return s && /\\d/.test(s.textContent); }",
        arg=field,
    )
    for _ in range(20):
        page.keyboard.press("ArrowDown")
        active = page.evaluate(
            """field => { const id = document.querySelector(field).getAttribute('aria-activedescendant');
                          return id ? document.getElementById(id).textContent : ''; }""",
            field,
        )
        if choose in active:
            break
    else:
        raise AssertionError(f"{choose!r} not among the suggestions for {text!r}")
    page.keyboard.press("Enter")
    assert page.input_value(field + "_wert"), f"{field}: no id was picked"


def import_file(page: Any, kind_label: str, file: Path) -> None:
    page.get_by_label(kind_label, exact=True).check()
    page.set_input_files("#id_file", str(file))
    press_button(page, "Datei prüfen")


def assign(page: Any, person: str, person_choice: str, unit: str | None, time_share: str) -> None:
    """The new-assignment form that the step opened, with its role already chosen."""
    pick(page, "#id_person", person, person_choice)
    if unit:
        pick(page, "#id_org_unit", unit, unit)
    page.focus("#id_time_share")
    page.keyboard.press("Control+A")
    page.keyboard.type(time_share)
    with page.expect_navigation():
        page.keyboard.press("Enter")  # sends the form: the combobox is closed
    assert "gespeichert" in page.locator("main").inner_text().lower() or "/zuordnungen/neu/" not in page.url


def test_from_an_empty_instance_to_the_rollen_check_of_ones_own_kreis(browsing: Browsing, tmp_path: Path) -> None:
    load_catalogues()
    load_framework()
    UserFactory(username="betrieb", first_name="Olga", last_name="Betrieb", is_superuser=True, is_staff=True)

    # 1. The operator opens the Landkreis and invites its CDO.
    page = browsing.page
    login(page, browsing.base, "betrieb")
    press_link(page, "Kommune anlegen")
    check_page(page, "Kommune anlegen")
    page.get_by_label("Name", exact=True).fill("Landkreis Heideland")
    page.get_by_label("Art").select_option("landkreis")
    page.get_by_label("Bundesland").select_option("NI")
    page.get_by_label("Amtlicher Schlüssel").fill("03399")
    page.get_by_label("Einwohnerzahl").fill("142000")
    page.get_by_label("E-Mail-Adresse").fill("m.oezdemir@heideland.example")
    with page.expect_navigation():
        page.get_by_label("E-Mail-Adresse").press("Enter")
    assert "ist angelegt" in page.locator("h1").inner_text()
    check_page(page, "Kommune angelegt, Einladungslink")
    link = page.get_by_label("Einladungslink").input_value()
    kommune = Kommune.objects.get(name="Landkreis Heideland")
    assert not Membership.objects.for_kommune(kommune).exists()

    # 2. The CDO follows the link and sets her own password; she lands on the start page.
    cdo = browsing.new_page()
    cdo.goto(link)
    check_page(cdo, "Einladung")
    cdo.focus("#id_first_name")
    cdo.keyboard.type("Meral")
    cdo.keyboard.press("Tab")
    cdo.keyboard.type("Özdemir")
    cdo.fill("#id_password1", PASSWORD)
    cdo.fill("#id_password2", PASSWORD)
    with cdo.expect_navigation():
        cdo.locator("#id_password2").press("Enter")
    assert cdo.url.endswith(f"/k/{kommune.slug}/"), cdo.url
    user = User.objects.get(email="m.oezdemir@heideland.example")
    assert Membership.objects.for_kommune(kommune).get(user=user).role == Role.ADMIN
    assert not user.must_change_password
    assert steps_done(cdo) == "0/7"
    main = cdo.locator("main").inner_text()
    assert "vollständig" not in main
    check_page(cdo, "Start einer leeren Kommune")

    # 3. The org chart: a CSV from Excel.
    org_file = tmp_path / "Organigramm Heideland.csv"
    org_file.write_bytes(ORG_CHART.encode("cp1252"))
    press_link(cdo, "Organigramm importieren")
    check_page(cdo, "Import (Organigramm)")
    import_file(cdo, "Organisationseinheiten", org_file)
    preview = cdo.locator("main").inner_text()
    assert "Straßenverkehrsamt" in preview and "Kämmerei" in preview, "names stand next to keys in the preview"
    check_page(cdo, "Vorschau Organigramm")
    press_button(cdo, "Import ausführen")
    assert "Import abgeschlossen: 6 neu" in cdo.locator("main").inner_text()
    assert OrgUnit.objects.for_kommune(kommune).count() == 6

    # 4. The staff list: an XLSX whose list is on its second sheet.
    staff_file = tmp_path / "Personalliste.xlsx"
    staff_file.write_bytes(staff_workbook())
    press_link(cdo, "Start")
    assert steps_done(cdo) == "1/7"
    press_link(cdo, "Personen importieren")
    import_file(cdo, "Personen", staff_file)
    assert "Łukasz" in cdo.locator("main").inner_text()
    check_page(cdo, "Vorschau Personen")
    press_button(cdo, "Import ausführen")
    assert Person.objects.for_kommune(kommune).count() == 4

    # 5. The role catalogue.
    press_link(cdo, "Start")
    assert steps_done(cdo) == "2/7"
    press_link(cdo, "Rollenkatalog übernehmen")
    check_page(cdo, "Rollenmodell übernehmen")
    cdo.locator("form[action$='/katalog/uebernehmen/'] button, main form button").first.focus()
    with cdo.expect_navigation():
        cdo.keyboard.press("Enter")

    # 6. The CDO names herself, then two Lotsinnen und Lotsen, through the combobox.
    press_link(cdo, "Start")
    assert steps_done(cdo) == "3/7"
    press_link(cdo, "CDO benennen")
    check_page(cdo, "Neue Zuordnung (CDO)")
    assign(cdo, "Özde", "Meral Özdemir", None, "50")
    assert Assignment.objects.for_kommune(kommune).count() == 1

    press_link(cdo, "Start")
    assert steps_done(cdo) == "4/7"
    press_link(cdo, "Digitale Lotsinnen und Lotsen benennen")
    assign(cdo, "Wójc", "Łukasz Wójcik", "Kämmerei", "10")
    press_link(cdo, "Start")
    press_link(cdo, "Digitale Lotsinnen und Lotsen benennen")
    assign(cdo, "Schäf", "Jana Schäfer", "Straßenverkehrsamt", "10")
    assert Assignment.objects.for_kommune(kommune).count() == 3

    # 7. The Rollen-Check of her own Kreis.
    press_link(cdo, "Start")
    assert steps_done(cdo) == "5/7"
    press_link(cdo, "Rollen-Check öffnen")
    check_page(cdo, "Rollen-Check")
    text = cdo.locator("main").inner_text()
    assert "Rollen-Check" in text and "Landkreis Heideland" in cdo.content()
    press_link(cdo, "Start")
    assert steps_done(cdo) == "6/7"

    # 8. The Orientierungsrahmen, the ground of the self-assessment.
    press_link(cdo, "Orientierungsrahmen übernehmen")
    check_page(cdo, "Orientierungsrahmen vor der Übernahme")
    with cdo.expect_navigation():
        cdo.get_by_role("button", name="Orientierungsrahmen übernehmen").click()
    assert "Rollen und Verantwortung" in cdo.locator("main").inner_text()
    press_link(cdo, "Start")
    assert "Erste Schritte abgeschlossen" in cdo.locator("main").inner_text()
    check_page(cdo, "Start nach den ersten Schritten")
