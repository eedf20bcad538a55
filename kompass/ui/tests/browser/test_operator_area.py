"""The operator area in a real browser: an operator opens a Kommune with the keyboard and passes on the
invitation link, suspends a Kommune, and its administration reads the German page that says so; axe
on every state (the error summary of the create form, the link page, the confirmation, the 403 page)."""

from __future__ import annotations

import os
from typing import Any

from kompass.accounts.models import Invitation
from kompass.factories import UserFactory
from kompass.tenancy.models import Kommune
from kompass.ui.tests.browser.conftest import Browsing, assert_shell, axe_scan, login

SHOTS = os.environ.get("KOMPASS_SCREENSHOTS", "")  # a folder: keep a PNG of every state for review


def shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def as_operator(browsing: Browsing) -> Any:
    UserFactory(username="betrieb", first_name="Olga", last_name="Operator", is_superuser=True, is_staff=True)
    login(browsing.page, browsing.base, "betrieb")
    return browsing.page


def test_an_operator_opens_a_kommune_by_keyboard_and_gets_the_invitation_link(browsing: Browsing) -> None:
    page = as_operator(browsing)
    page.goto(browsing.url("ui:home"))
    page.get_by_role("link", name="Kommune anlegen").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == "Kommune anlegen"
    # First with a Gemeinde key for a Landkreis: the summary takes the focus and names the field.
    page.get_by_label("Name", exact=True).fill("Landkreis Lüneburg")
    page.get_by_label("Art").select_option("landkreis")
    page.get_by_label("Bundesland").select_option("NI")
    page.get_by_label("Amtlicher Schlüssel").fill("03355000")
    page.get_by_label("Einwohnerzahl").fill("185000")
    page.get_by_label("E-Mail-Adresse").fill("cdo@landkreis-lueneburg.example")
    page.get_by_label("E-Mail-Adresse").press("Enter")
    page.wait_for_load_state("load")
    assert page.evaluate("document.activeElement.id") == "fehler"
    assert "Kreisschlüssel" in page.locator("#fehler").inner_text()
    assert not Kommune.objects.filter(name="Landkreis Lüneburg").exists()
    shot(page, "operator-create-errors")
    axe_scan(page, "create form with errors")
    page.get_by_label("Amtlicher Schlüssel").fill("03355")
    page.get_by_label("Amtlicher Schlüssel").press("Enter")
    page.wait_for_load_state("load")
    assert "ist angelegt" in page.locator("h1").inner_text()
    link = page.get_by_label("Einladungslink").input_value()
    kommune = Kommune.objects.get(slug="landkreis-lueneburg")
    assert link.startswith(browsing.base + "/einladung/")
    assert Invitation.objects.for_kommune(kommune).filter(email="cdo@landkreis-lueneburg.example").exists()
    shot(page, "operator-created")
    assert_shell(page)
    axe_scan(page, "Kommune created, invitation link")
    browsing.guard.assert_clean()


def test_an_operator_suspends_a_kommune_and_its_members_read_why(browsing: Browsing) -> None:
    page = as_operator(browsing)
    page.goto(browsing.url("accounts:operator_kommunen"))
    shot(page, "operator-list")
    page.get_by_role("link", name="sperren (Teststadt)").click()
    page.wait_for_load_state("load")
    assert_shell(page)
    axe_scan(page, "suspend confirmation")
    shot(page, "operator-suspend")
    page.get_by_label("Grund der Sperre").fill("Vertrag zum Jahresende beendet")
    page.get_by_role("button", name="Kommune sperren").click()
    page.wait_for_load_state("load")
    assert "ist gesperrt" in page.locator("main").inner_text()
    assert "gesperrt" in page.locator("#ergebnis").inner_text()
    axe_scan(page, "operator list with a suspended Kommune")
    member = browsing.new_page()
    login(member, browsing.base, browsing.world.admin.username)
    response = member.goto(browsing.url("ui:dashboard", kommune_slug="teststadt"))
    assert response is not None and response.status == 403
    assert member.locator("h1").inner_text() == "Kommune gesperrt"
    assert "Vertrag zum Jahresende beendet" in member.locator("main").inner_text()
    shot(member, "member-suspended")
    browsing.guard.console_errors[:] = [e for e in browsing.guard.console_errors if "403" not in e]
    assert_shell(member)
    axe_scan(member, "suspended Kommune page")
