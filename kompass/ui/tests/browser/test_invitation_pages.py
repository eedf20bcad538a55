"""Invitations in the browser, by keyboard: the administration invites, the invitee follows the link,
sets her password and lands in the Kommune; an existing account consents after login; operators and
other accounts read why they cannot accept. axe-core on every page (docs/security.md X1)."""

from __future__ import annotations

import os
from pathlib import Path

from kompass.accounts import invitations
from kompass.factories import UserFactory
from kompass.tenancy.models import Membership, Role
from kompass.ui.tests.browser.conftest import PASSWORD, Browsing, assert_shell, axe_scan, login

NEW_PASSWORD = "korrekt-pferd-batterie-heftklammer"
SHOTS = os.environ.get("KOMPASS_SCREENSHOTS")  # a folder: save screenshots of the pages for review


def shot(page: object, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_an_invitee_joins_by_keyboard_from_the_link_shown_on_the_members_page(admin_browsing: Browsing) -> None:
    page = admin_browsing.page
    page.goto(admin_browsing.url("accounts:members", kommune_slug="teststadt"))
    page.fill("#id_email", "nina.neu@example.org")
    page.select_option("#id_role", "editor")
    with page.expect_navigation():
        page.get_by_role("button", name="Einladen").press("Enter")
    link = page.locator("#einladungslink").inner_text().strip()
    assert "/einladung/" in link
    assert page.locator("#einladungen-caption").inner_text().startswith("1 offene Einladung")
    shot(page, "members-with-link")
    axe_scan(page, "members page with a new invitation link")

    invitee = admin_browsing.new_page()
    invitee.goto(link)
    assert invitee.locator("h1").inner_text() == "Einladung zu Teststadt"
    assert_shell(invitee)
    shot(invitee, "invitation-new-account")
    axe_scan(invitee, "invitation: new account")
    invitee.locator("#id_first_name").focus()
    invitee.keyboard.type("Nina")
    invitee.keyboard.press("Tab")
    invitee.keyboard.type("Neu")
    invitee.keyboard.press("Tab")
    invitee.keyboard.type("kurz")
    invitee.keyboard.press("Tab")
    invitee.keyboard.type("kurz")
    with invitee.expect_navigation():
        invitee.keyboard.press("Enter")
    assert invitee.locator("#fehler").is_visible()
    shot(invitee, "invitation-error")
    axe_scan(invitee, "invitation: password error")
    invitee.fill("#id_password1", NEW_PASSWORD)
    invitee.fill("#id_password2", NEW_PASSWORD)
    with invitee.expect_navigation():
        invitee.locator("#id_password2").press("Enter")
    assert invitee.url.endswith("/k/teststadt/")
    membership = Membership.objects.for_kommune(admin_browsing.world.kommune).get(user__username="nina.neu@example.org")
    assert membership.role == Role.EDITOR
    # A spent link answers 410 (the unit tests read its page): the browser's console would report it.


def test_an_existing_account_logs_in_and_consents(browsing: Browsing) -> None:
    world = browsing.world
    UserFactory(username="gerda", email="gerda@nachbarort.example", first_name="Gerda", last_name="Gast")
    _invitation, path = invitations.invitation_create(
        kommune=world.kommune, actor=world.admin, email="gerda@nachbarort.example", role=Role.READER
    )
    page = browsing.page
    page.goto(browsing.base + path)
    shot(page, "invitation-login")
    axe_scan(page, "invitation: log in first")
    page.get_by_role("link", name="Anmelden und Einladung ansehen").click()
    page.fill("#id_username", "gerda")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")
    assert page.url == browsing.base + path
    shot(page, "invitation-consent")
    axe_scan(page, "invitation: consent")
    with page.expect_navigation():
        page.get_by_role("button", name="Einladung annehmen").press("Enter")
    assert page.url.endswith("/k/teststadt/")


def test_operator_and_other_accounts_see_why_they_cannot_accept(browsing: Browsing) -> None:
    world = browsing.world
    UserFactory(username="betrieb", email="betrieb@plattform.example", is_superuser=True, is_staff=True)
    _invitation, path = invitations.invitation_create(
        kommune=world.kommune, actor=world.admin, email="betrieb@plattform.example", role=Role.ADMIN
    )
    page = browsing.page
    login(page, browsing.base, "betrieb")
    page.goto(browsing.base + path)
    assert page.locator("h1").inner_text() == "Diese Einladung kann nicht angenommen werden"
    shot(page, "invitation-operator")
    axe_scan(page, "invitation: operator refused")
    other = browsing.new_page()
    login(other, browsing.base, world.reader.username)
    other.goto(browsing.base + path)
    assert other.locator("h1").inner_text() == "Diese Einladung gilt für ein anderes Konto"
    axe_scan(other, "invitation: another account")
