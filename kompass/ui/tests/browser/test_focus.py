"""X2: on the main pages every element reached with the Tab key shows a visible focus indicator."""

from __future__ import annotations

from typing import Any

import pytest

from kompass.ui.tests.browser.conftest import Browsing, focused

MAX_STOPS = 150


def _urls(b: Browsing) -> dict[str, str]:
    w = b.world
    slug = w.kommune.slug
    return {
        "start": b.url("ui:dashboard", kommune_slug=slug),
        "tree": b.url("org:tree", kommune_slug=slug),
        "unit-detail": b.url("org:unit_detail", kommune_slug=slug, pk=w.ordnungsamt.pk),
        "person-list": b.url("org:person_list", kommune_slug=slug),
        "person-form": b.url("org:person_edit", kommune_slug=slug, pk=w.alice.pk),
        "import": b.url("org:import_export", kommune_slug=slug),
        "audit-log": b.url("audit:log", kommune_slug=slug),
    }


def _tab_through(page: Any) -> list[dict[str, Any]]:
    """Every stop of one full round of Tab presses, from the top of the page back to the document."""
    stops = []
    for _press in range(MAX_STOPS):
        page.keyboard.press("Tab")
        info = focused(page)
        if info["tag"] == "body" or (stops and info == stops[0]):
            return stops
        stops.append(info)
    raise AssertionError(f"more than {MAX_STOPS} tab stops: a keyboard trap?")


@pytest.mark.parametrize("name", ["start", "tree", "unit-detail", "person-list", "person-form", "import", "audit-log"])
def test_every_tab_stop_shows_a_visible_focus_indicator(name: str, admin_browsing: Browsing) -> None:
    page = admin_browsing.page
    page.goto(_urls(admin_browsing)[name])
    stops = _tab_through(page)
    assert len(stops) >= 10, f"only {len(stops)} tab stops on {name}: is the page reachable by keyboard?"
    invisible = [s for s in stops if s["outlineStyle"] == "none" or s["outlineWidth"] < 2]
    assert not invisible, f"tab stops without a visible focus indicator on {name}: {invisible}"
