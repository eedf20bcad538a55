"""Erste Schritte and the grouped Rollen-Check in Chromium: by keyboard, with an axe-core scan of each state.

Teststadt has units and people but no role model yet: two of six steps are done. The administrator
follows the step "Rollen-Check öffnen" by keyboard, opens the group of units without a Lotsin or
Lotse with Enter, reaches a fix link with Tab, and finds the step ticked on the start page.
"""

from __future__ import annotations

from kompass.ui.tests.browser.conftest import Browsing, assert_focus_visible, assert_shell, axe_scan, focused


def test_the_first_steps_lead_to_the_rollen_check_whose_groups_open_by_keyboard(admin_browsing: Browsing) -> None:
    b = admin_browsing
    page = b.page
    slug = b.world.kommune.slug
    page.goto(b.url("ui:dashboard", kommune_slug=slug))
    steps = page.locator("section[aria-labelledby=erste-schritte]")
    assert "2 von 7 Schritten erledigt" in steps.inner_text()
    assert_shell(page)
    axe_scan(page, "start page with Erste Schritte")

    link = page.get_by_role("link", name="Rollen-Check öffnen")
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(b.url("roles:checks", kommune_slug=slug).removeprefix(b.base))

    summary = page.locator("#befund-lotsen-abdeckung summary")
    assert summary.count() == 1, "the units without a Lotsin or Lotse form one group"
    details = page.locator("#befund-lotsen-abdeckung details")
    assert details.get_attribute("open") is None
    summary.focus()
    page.keyboard.press("Enter")
    assert details.get_attribute("open") is not None
    page.keyboard.press("Tab")
    now = focused(page)
    assert now["text"] == "Beheben" and "/zuordnungen/neu/" in now["href"], now
    assert_focus_visible(now)
    assert_shell(page)
    axe_scan(page, "Rollen-Check with an open group")

    page.goto(b.url("ui:dashboard", kommune_slug=slug))
    assert "3 von 7 Schritten erledigt" in page.locator("section[aria-labelledby=erste-schritte]").inner_text()
