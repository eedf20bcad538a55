"""The CDO's whole journey in a real browser (issue 3, "Done when"), through the UI only.

Teststadt starts without a role model; the shipped catalogues are loaded. The administrator (a CDO
with Administration rights) adopts the KGSt-oriented catalogue, assigns the CDO, sets one letter of
the responsibility matrix with the keyboard only, reads the Rollen-Check, follows the fix link of
"Kernrolle nicht besetzt: Datenschutzbeauftragte oder -beauftragter", assigns a DSB and sees the finding gone, and
prints the CDO's role profile as a PDF. Every page on the way passes an axe-core scan (WCAG 2.1 A/AA).
"""

from __future__ import annotations

import datetime
import shutil
import subprocess
from decimal import Decimal
from typing import Any

from kompass.roles.catalogue_loader import latest_catalogue, load_catalogues
from kompass.roles.models import ActivityTemplate, Assignment, RaciCell, Role, RoleModel
from kompass.ui.tests.browser.conftest import Browsing, assert_focus_visible, assert_shell, axe_scan, focused

CDO = "Chief Digital Officer"
DSB = "Datenschutzbeauftragte oder -beauftragter"
# One holder of the role, as the success message names her or him (the catalogue's singular form).
CDO_ONE = "Chief Digital Officer (CDO)"
DSB_ONE = "Datenschutzbeauftragte oder Datenschutzbeauftragter (DSB)"
DSB_UNFILLED = f"Kernrolle nicht besetzt: {DSB}"
CDO_UNFILLED = f"Kernrolle nicht besetzt: {CDO}"


def nav_to(page: Any, link: str) -> None:
    """Follow a link of the main navigation."""
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    group = nav.locator("details").filter(has=page.get_by_text(link, exact=True))
    if group.count():  # the link sits in its module's group: open it first, as a user does
        group.locator("summary").click()
    nav.get_by_role("link", name=link, exact=True).click()
    page.wait_for_load_state("load")


def check_page(page: Any, label: str) -> None:
    """Every page of the journey: the shell is complete and axe-core finds no violation."""
    assert_shell(page)
    axe_scan(page, label)


def success_message(page: Any) -> str:
    return str(page.locator(".kk-messages").inner_text())


def assign_person(page: Any, email: str, time_share: str, valid_from: datetime.date, role_name: str) -> None:
    """On a role profile: "Person zuordnen", fill the form as a person would, save."""
    page.get_by_role("link", name="Person zuordnen").click()
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == "Neue Zuordnung"
    role_select = page.get_by_label("Rolle", exact=True)
    assert role_select.locator("option:checked").inner_text() == role_name, "the role comes preselected"
    # The person field is a search combobox; the typed address is resolved by the server on saving.
    page.get_by_role("combobox", name="Person", exact=True).fill(email)
    page.get_by_label("Zeitanteil (% einer Vollzeitstelle)").fill(time_share)
    page.fill("#id_valid_from", str(valid_from.day))  # Gültig ab: Tag, Monat, Jahr
    page.fill("#id_valid_from_monat", str(valid_from.month))
    page.fill("#id_valid_from_jahr", str(valid_from.year))
    check_page(page, f"assignment form for {role_name}")
    with page.expect_navigation():
        page.get_by_role("button", name="Speichern").click()


def holder_names(page: Any) -> str:
    """The names in the role profile's table of current holders."""
    return "\n".join(page.locator("table", has=page.locator("#inhaber-caption")).locator("tbody th").all_inner_texts())


def findings(page: Any) -> list[str]:
    """The titles of the Rollen-Check's findings (without the severity badge)."""
    titles = page.locator(".kern-card__header h3").all_inner_texts()
    return [t.split(None, 1)[1].strip() if " " in t else t for t in titles]


def grid_position(page: Any) -> dict[str, Any]:
    """The focused matrix cell: activity id of its row, role id, the letter it holds."""
    return page.evaluate(
        """() => {
          const cell = document.activeElement.closest("td, th");
          const row = document.activeElement.closest("tr");
          return {activity: row ? row.dataset.activity || "" : "", role: cell ? cell.dataset.role || "" : "",
                  letter: cell ? cell.dataset.letter : null};
        }"""
    )


def test_cdo_adopts_staffs_fills_checks_fixes_and_prints(admin_browsing: Browsing) -> None:
    page, world = admin_browsing.page, admin_browsing.world
    kommune = world.kommune
    load_catalogues()
    katalog = latest_catalogue("kgst")
    assert katalog is not None
    assert not RoleModel.objects.for_kommune(kommune).exists(), "Teststadt starts without a role model"
    beginn = datetime.date.today() - datetime.timedelta(days=30)

    # 1. Rollen: adopt the KGSt-oriented catalogue through its adopt form.
    page.goto(admin_browsing.url("ui:dashboard", kommune_slug=kommune.slug))
    check_page(page, "start page")
    nav_to(page, "Rollen")
    assert page.locator("h2#uebernehmen").inner_text() == "Rollenmodell übernehmen"
    check_page(page, "role list without a role model")
    page.get_by_role("button", name=f"„{katalog.name}“ übernehmen").click()
    page.wait_for_load_state("load")
    assert f"Das Rollenmodell „{katalog.name}“ (Fassung {katalog.version}) wurde übernommen" in success_message(page)
    assert page.locator("h2#uebernehmen").count() == 0
    assert page.get_by_role("link", name=CDO, exact=True).count() == 1
    check_page(page, "role list after adopting")

    # 2. Assign Alice as CDO ("Person zuordnen"), time share with a German comma.
    page.get_by_role("link", name=CDO, exact=True).click()
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text().startswith(CDO)
    assert "Niemand ist dieser Rolle derzeit zugeordnet." in page.locator("main").inner_text()
    check_page(page, "CDO role profile, unfilled")
    assign_person(page, world.alice.email, "12,5", beginn, CDO)
    assert f"{world.alice} ist jetzt als {CDO_ONE} zugeordnet." in success_message(page)
    assert page.locator("h1").inner_text().startswith(CDO), "back on the role profile"
    assert "Amtsleiterin, Alice" in holder_names(page)
    holder_row = page.locator("table", has=page.locator("#inhaber-caption")).locator("tbody tr").first
    assert "12,5 %" in holder_row.inner_text() and beginn.strftime("%d.%m.%Y") in holder_row.inner_text()
    cdo_profile_url = page.url
    check_page(page, "CDO role profile with the success message")
    saved = Assignment.objects.for_kommune(kommune).get(role__key="cdo")
    assert (saved.person, saved.time_share, saved.valid_from) == (world.alice, Decimal("12.5"), beginn)

    # 3. Verantwortungsmatrix: move to an empty cell and set a letter with the keyboard only.
    nav_to(page, "Rollen")
    page.get_by_role("link", name="Verantwortungsmatrix (RACI)").click()
    page.wait_for_load_state("load")
    assert page.locator("#matrix[role=grid]").count() == 1
    page.get_by_role("button", name="Zeile bearbeiten").focus()
    page.keyboard.press("Tab")  # the grid is one tab stop: its first letter cell
    assert grid_position(page)["role"], "Tab leads into the grid"
    assert_focus_visible(focused(page))
    for _step in range(Role.objects.for_kommune(kommune).count()):
        if grid_position(page)["letter"] == "":
            break
        page.keyboard.press("ArrowRight")
    zelle = grid_position(page)
    assert zelle["letter"] == "" and zelle["role"] and zelle["activity"], "an empty cell in the first row"
    page.keyboard.press("c")
    page.wait_for_function("() => !document.activeElement.hasAttribute('aria-busy')")
    page.wait_for_function("() => document.getElementById('matrix-status').textContent.includes('Gespeichert')")
    assert grid_position(page)["letter"] == "C"
    page.reload()
    cell = page.locator(f"#zeile-{zelle['activity']} td[data-role='{zelle['role']}']")
    assert cell.inner_text().strip() == "C", "the letter is saved: the reload shows it"
    activity = ActivityTemplate.objects.get(pk=zelle["activity"])
    stored = RaciCell.objects.for_kommune(kommune).get(activity=activity, role_id=zelle["role"])
    assert stored.letter == "C"
    check_page(page, "responsibility matrix after the keyboard edit")

    # 4. Rollen-Check: the DSB is missing (the CDO is not any more); fix it through the link.
    nav_to(page, "Rollen-Check")
    vorher = findings(page)
    assert DSB_UNFILLED in vorher, f"the finding to fix must be there before the fix: {vorher}"
    assert CDO_UNFILLED not in vorher, "the CDO was assigned in step 2"
    karte = page.locator(".kern-card", has=page.get_by_role("heading", name=DSB_UNFILLED))
    assert "Regel „Kernrollen besetzt“" in karte.inner_text(), "the finding names its rule"
    assert "DSGVO Art. 37" in karte.inner_text(), "the finding names its source"
    check_page(page, "Rollen-Check before the fix")
    karte.get_by_role("link", name="Beheben").click()
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text().startswith(DSB), "the fix link leads to the DSB's role profile"
    check_page(page, "DSB role profile, unfilled")
    assign_person(page, world.bruno.email, "10", beginn, DSB)
    assert f"{world.bruno} ist jetzt als {DSB_ONE} zugeordnet." in success_message(page)
    assert "Ordner, Bruno" in holder_names(page)
    check_page(page, "DSB role profile with the success message")
    nav_to(page, "Rollen-Check")
    nachher = findings(page)
    assert DSB_UNFILLED not in nachher, f"the finding is gone after the fix: {nachher}"
    check_page(page, "Rollen-Check after the fix")

    # 5. The CDO's role profile as a PDF.
    nav_to(page, "Rollen")
    page.get_by_role("link", name=CDO, exact=True).click()
    page.wait_for_load_state("load")
    assert page.url == cdo_profile_url
    pdf_link = page.get_by_role("link", name="Als PDF")
    href = pdf_link.get_attribute("href")
    assert href
    antwort = page.request.get(admin_browsing.base + href)
    assert antwort.status == 200
    assert antwort.headers["content-type"] == "application/pdf"
    pdf = antwort.body()
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60
        ).stdout.decode("utf-8")
        assert CDO in text and "Alice" in text and "Amtsleiterin" in text, text[:2000]
