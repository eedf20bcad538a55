"""X3: the main pages reflow at 320 CSS pixels without horizontal scrolling of the page.

Wide tables may scroll inside their own focusable region (`.kk-table-wrap`), never the page.
With `KOMPASS_SCREENSHOTS=<folder>` the test also saves full-page screenshots at 1280 and 320
pixels, for looking at the pages by eye.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from kompass.ui.tests.browser.conftest import Browsing, login

WIDTHS = {"wide": {"width": 1280, "height": 900}, "narrow": {"width": 320, "height": 640}}


def _pages(b: Browsing) -> dict[str, str]:
    w = b.world
    slug = w.kommune.slug
    return {
        "start": b.url("ui:dashboard", kommune_slug=slug),
        "tree": b.url("org:tree", kommune_slug=slug),
        "unit-detail": b.url("org:unit_detail", kommune_slug=slug, pk=w.ordnungsamt.pk),
        "unit-list": b.url("org:unit_list", kommune_slug=slug),
        "person-list": b.url("org:person_list", kommune_slug=slug),
        "person-detail": b.url("org:person_detail", kommune_slug=slug, pk=w.alice.pk),
        "audit-log": b.url("audit:log", kommune_slug=slug),
        "members": b.url("accounts:members", kommune_slug=slug),
        "import": b.url("org:import_export", kommune_slug=slug),
    }


def _overflow(page: Any) -> int:
    """How many pixels the document is wider than the viewport."""
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def _shoot(page: Any, name: str) -> None:
    folder = os.environ.get("KOMPASS_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("size", sorted(WIDTHS))
def test_main_pages_fit_the_viewport_without_horizontal_scrolling(size: str, browsing: Browsing) -> None:
    page = browsing.new_page(viewport=WIDTHS[size])
    login(page, browsing.base, browsing.world.admin.username)
    too_wide = {}
    for name, url in _pages(browsing).items():
        page.goto(url)
        _shoot(page, f"{name}-{size}")
        if (extra := _overflow(page)) > 0:
            too_wide[name] = extra
    page.goto(browsing.url("org:unit_create", kommune_slug=browsing.world.kommune.slug))
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state("load")
    _shoot(page, f"form-errors-{size}")
    if (extra := _overflow(page)) > 0:
        too_wide["form-errors"] = extra
    assert not too_wide, f"pages wider than the {size} viewport (pixels too wide): {too_wide}"


@pytest.mark.parametrize("size", sorted(WIDTHS))
def test_login_page_fits_the_viewport(size: str, browsing: Browsing) -> None:
    page = browsing.new_page(viewport=WIDTHS[size])
    page.goto(browsing.url("accounts:login"))
    _shoot(page, f"login-{size}")
    assert _overflow(page) <= 0


# A 74-character compound as a unit name (from an imported org chart): it must wrap, not widen the page.
LONG_WORD = "Grundstücksverkehrsgenehmigungszuständigkeitsübertragungsverordnungsstelle"


def test_a_unit_name_of_one_long_word_wraps_at_320_pixels(browsing: Browsing) -> None:
    from kompass.factories import orgunit
    from kompass.org.models import OrgUnitType

    w = browsing.world
    slug = w.kommune.slug
    unit = orgunit(w.kommune, "99", LONG_WORD, OrgUnitType.AMT, w.dezernat)  # no head: listed on the start page
    pages = {
        "start": browsing.url("ui:dashboard", kommune_slug=slug),
        "unit-detail": browsing.url("org:unit_detail", kommune_slug=slug, pk=unit.pk),
        "unit-list": browsing.url("org:unit_list", kommune_slug=slug) + "?q=99",
        "tree": browsing.url("org:tree", kommune_slug=slug),
        "rollen-check": browsing.url("roles:checks", kommune_slug=slug),
        "lotsen": browsing.url("roles:lotsen", kommune_slug=slug),
    }
    page = browsing.new_page(viewport=WIDTHS["narrow"])
    login(page, browsing.base, w.admin.username)
    too_wide = {}
    for name, url in pages.items():
        page.goto(url)
        _shoot(page, f"long-word-{name}-narrow")
        assert page.get_by_text(LONG_WORD, exact=False).count() > 0, name
        if (extra := _overflow(page)) > 0:
            too_wide[name] = extra
    assert not too_wide, f"a long word widens these pages at 320 pixels (pixels too wide): {too_wide}"
