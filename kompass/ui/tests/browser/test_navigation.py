"""X1–X3 for the main navigation: its module groups open and close by keyboard, by mouse and without
script, one at a time; the group of the page shown is marked; it works at 320 pixels; axe finds
nothing with a group open."""

from __future__ import annotations

from typing import Any

import pytest

from kompass.ui.tests.browser.conftest import Browsing, assert_focus_visible, assert_shell, axe_scan, focused, login

NAV = "nav[aria-label=Hauptnavigation]"
MAX_TABS = 40


def group(page: Any, label: str) -> Any:
    return page.locator(f"{NAV} details.kk-nav__group", has=page.locator("summary", has_text=label))


def is_open(page: Any, label: str) -> bool:
    return bool(group(page, label).evaluate("d => d.open"))


def open_groups(page: Any) -> list[str]:
    return list(page.locator(f"{NAV} details[open] > summary").all_inner_texts())


def tab_to(page: Any, tag: str, text: str) -> dict[str, Any]:
    """Press Tab until the element `tag` with `text` has the focus."""
    for _press in range(MAX_TABS):
        page.keyboard.press("Tab")
        info = focused(page)
        if info["tag"] == tag and info["text"] == text:
            assert_focus_visible(info)
            return info
    raise AssertionError(f"{tag} {text!r} not reached with {MAX_TABS} Tab presses")


def overflow(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def test_a_keyboard_user_opens_a_group_reaches_its_entries_closes_it_and_follows_a_link(
    admin_browsing: Browsing,
) -> None:
    page = admin_browsing.page
    slug = admin_browsing.world.kommune.slug
    page.goto(admin_browsing.url("ui:dashboard", kommune_slug=slug))
    assert open_groups(page) == [], "every group starts closed"
    assert page.locator(f"{NAV} a", has_text="Zuordnungen").is_hidden()

    tab_to(page, "summary", "Rollenmodell")
    page.keyboard.press("Enter")
    assert is_open(page, "Rollenmodell")
    assert tab_to(page, "a", "Rollen")["href"] == admin_browsing.url("roles:role_list", kommune_slug=slug).removeprefix(
        admin_browsing.base
    )
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Zuordnungen"

    page.keyboard.press("Escape")
    assert not is_open(page, "Rollenmodell")
    info = focused(page)
    assert (info["tag"], info["text"]) == ("summary", "Rollenmodell"), "Escape returns the focus to the group"
    assert_focus_visible(info)

    page.keyboard.press("Enter")
    tab_to(page, "a", "Lotsinnen und Lotsen")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == admin_browsing.url("roles:lotsen", kommune_slug=slug)
    assert group(page, "Rollenmodell").locator("summary").get_attribute("aria-current") == "true"
    assert page.locator(f"{NAV} [aria-current]").count() == 2, "the group and its page, nothing else"
    assert group(page, "Rollenmodell").locator("a[aria-current=page]").text_content() == "Lotsinnen und Lotsen"
    assert open_groups(page) == [], "the new page starts with every group closed"


def test_tabbing_out_of_an_open_group_closes_it(admin_browsing: Browsing) -> None:
    page = admin_browsing.page
    page.goto(admin_browsing.url("ui:dashboard", kommune_slug=admin_browsing.world.kommune.slug))
    tab_to(page, "summary", "Organisation")
    page.keyboard.press("Enter")
    tab_to(page, "a", "Personen")
    page.keyboard.press("Tab")
    info = focused(page)
    assert (info["tag"], info["text"]) == ("summary", "Rollenmodell")
    assert open_groups(page) == [], "the list left behind does not cover the page"
    page.keyboard.press("Shift+Tab")
    assert (focused(page)["tag"], focused(page)["text"]) == ("summary", "Organisation")


def test_one_group_is_open_at_a_time_and_a_click_elsewhere_closes_it(admin_browsing: Browsing) -> None:
    page = admin_browsing.page
    page.goto(admin_browsing.url("org:tree", kommune_slug=admin_browsing.world.kommune.slug))
    group(page, "Selbstbewertung").locator("summary").click()
    assert open_groups(page) == ["Selbstbewertung"]
    group(page, "Digitale Agenda").locator("summary").click()
    assert open_groups(page) == ["Digitale Agenda"]
    group(page, "Digitale Agenda").locator("a", has_text="Kennzahlen").hover()  # the list stays under the pointer
    assert open_groups(page) == ["Digitale Agenda"]
    page.locator("h1").click()
    assert open_groups(page) == []
    group(page, "Verwaltung").locator("summary").click()
    group(page, "Verwaltung").locator("summary").click()
    assert open_groups(page) == [], "a second click closes the group"


def test_axe_finds_nothing_with_a_group_open_and_its_list_lies_above_the_page(admin_browsing: Browsing) -> None:
    page = admin_browsing.page
    page.goto(admin_browsing.url("org:person_list", kommune_slug=admin_browsing.world.kommune.slug))
    assert group(page, "Organisation").locator("summary").get_attribute("aria-current") == "true"
    axe_scan(page, "person list, navigation closed")
    for label in ("Organisation", "Verwaltung"):
        group(page, label).locator("summary").click()
        entries = group(page, label).locator("ul.kk-nav__sub")
        box = entries.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 1280, f"{label} leaves the screen"
        # The list is drawn above the page: the point in its middle belongs to the list, not to main.
        middle = page.evaluate(
            "([x, y]) => document.elementFromPoint(x, y).closest('.kk-nav__sub') !== null",
            [box["x"] + box["width"] / 2, box["y"] + box["height"] - 8],
        )
        assert middle, f"the list of {label} is covered by the page"
        axe_scan(page, f"person list, group {label} open")
    assert_shell(page)


@pytest.mark.parametrize("width", [320, 800, 960])  # 800, 960: where a list could pass the right edge
def test_every_group_opens_inside_the_screen_from_320_pixels_up(width: int, admin_browsing: Browsing) -> None:
    page = admin_browsing.new_page(viewport={"width": width, "height": 640})
    login(page, admin_browsing.base, admin_browsing.world.admin.username)
    slug = admin_browsing.world.kommune.slug
    page.goto(admin_browsing.url("ui:dashboard", kommune_slug=slug))
    assert overflow(page) <= 0
    for label in ("Organisation", "Rollenmodell", "Selbstbewertung", "Digitale Agenda", "Verwaltung"):
        summary = group(page, label).locator("summary")
        box = summary.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, f"{label} leaves the screen"
        summary.click()
        entries = group(page, label).locator("ul.kk-nav__sub").bounding_box()
        assert entries is not None and entries["x"] >= 0 and entries["x"] + entries["width"] <= width, label
        assert overflow(page) <= 0, f"the open group {label} widens the page"
    with page.expect_navigation():
        group(page, "Verwaltung").locator("a", has_text="Protokoll").click()
    assert page.url == admin_browsing.url("audit:log", kommune_slug=slug)
    axe_scan(page, f"audit log at {width} pixels")


def test_the_groups_open_without_javascript(admin_browsing: Browsing) -> None:
    page = admin_browsing.new_page(java_script_enabled=False)
    login(page, admin_browsing.base, admin_browsing.world.admin.username)
    slug = admin_browsing.world.kommune.slug
    page.goto(admin_browsing.url("ui:dashboard", kommune_slug=slug))
    tab_to(page, "summary", "Selbstbewertung")
    page.keyboard.press("Enter")
    tab_to(page, "a", "Umfragen")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == admin_browsing.url("assessment:campaign_list", kommune_slug=slug)
    group(page, "Organisation").locator("summary").click()
    group(page, "Organisation").locator("a", has_text="Personen").click()
    page.wait_for_load_state("load")
    assert page.url == admin_browsing.url("org:person_list", kommune_slug=slug)
