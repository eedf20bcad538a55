"""The warning before the idle timeout (docs/security.md A4): it appears two minutes before the end as
a KERN alert, takes the focus to "Angemeldet bleiben", works by keyboard, passes axe, and without
a click the page ends on the login page with the reason."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from kompass.ui.tests.browser.conftest import Browsing, assert_focus_visible, axe_scan, focused, login

WARNING = ".kk-session-warning"


def test_the_warning_appears_and_angemeldet_bleiben_works_by_keyboard(browsing: Browsing, settings: Any) -> None:
    settings.SESSION_IDLE_TIMEOUT = 124  # the warning (120 s before the end) comes 4 s after a page loads
    page = browsing.page
    login(page, browsing.base, browsing.world.editor.username)
    page.goto(browsing.url("accounts:api_tokens"))
    assert page.locator(WARNING).count() == 0
    alert = page.locator(WARNING)
    alert.wait_for(state="visible", timeout=15_000)
    assert alert.get_attribute("role") == "alert"
    assert "Ihre Anmeldung endet bald" in alert.inner_text()
    info = focused(page)
    assert info["text"].strip() == "Angemeldet bleiben", info
    assert_focus_visible(info)
    axe_scan(page, "session warning")
    with page.expect_response(lambda r: r.url.endswith(reverse("accounts:session_keepalive"))) as answer:
        page.keyboard.press("Enter")
    assert answer.value.status == 200
    assert answer.value.json()["renewable"] is True
    alert.wait_for(state="detached", timeout=5_000)
    assert "/anmelden/" not in page.url
    assert focused(page)["tag"] != "button"  # the focus went back to the page, not to a removed button
    # armed again: the next warning comes after the renewed time
    alert.wait_for(state="visible", timeout=15_000)


def test_without_a_click_the_page_ends_on_the_login_with_the_reason(browsing: Browsing, settings: Any) -> None:
    settings.SESSION_IDLE_TIMEOUT = 5
    page = browsing.page
    login(page, browsing.base, browsing.world.editor.username)
    page.goto(browsing.url("accounts:api_tokens"))
    page.locator(WARNING).wait_for(state="visible", timeout=5_000)  # less than two minutes left: at once
    page.wait_for_url("**/anmelden/**", timeout=20_000)
    assert "ohne Aktivität abgemeldet" in page.locator("main").inner_text()
    axe_scan(page, "login after the idle timeout")
