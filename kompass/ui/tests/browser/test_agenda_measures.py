"""The measure pages in Chromium: every page and state axe-clean (WCAG 2.1 A/AA), a card moved on the
board by keyboard alone, a measure from a recommendation, and no horizontal scrolling at 320 px."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kompass.agenda.models import Measure, MeasureStatusChange
from kompass.agenda.tests import factories as f
from kompass.agenda.tests import factories_measures as fm
from kompass.ui.tests.browser.conftest import Browsing, assert_shell, axe_scan

pytestmark = pytest.mark.browser
SLUG = "teststadt"


def _open(session: Browsing, name: str, *args: Any, query: str = "") -> Any:
    page = session.page
    response = page.goto(session.base + reverse(f"agenda:{name}", args=[SLUG, *args]) + query)
    assert response is not None and response.status in (200, 400), (name, response and response.status)
    return response


def test_every_measure_page_is_axe_clean(admin_browsing: Browsing) -> None:
    s = fm.scene(admin_browsing.world)
    page = admin_browsing.page
    for name, args, query in (
        ("portfolio", (), ""),
        ("portfolio", (), "?status=geplant&sort=-budget"),
        ("bubble", (), ""),
        ("roadmap", (), ""),
        ("board", (), ""),
        ("measure_detail", (s.inside.pk,), ""),
        ("measure_create", (), ""),
        ("measure_edit", (s.inside.pk,), ""),
        ("measure_delete", (s.inside.pk,), ""),
        ("milestone_edit", (s.inside.pk, s.milestone.pk), ""),
    ):
        _open(admin_browsing, name, *args, query=query)
        assert_shell(page)
        axe_scan(page, f"{name} {query}")
    # Every folded form and every data table open: the hidden parts must pass too.
    _open(admin_browsing, "measure_detail", s.inside.pk)
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    axe_scan(page, "measure_detail, all folded parts open")
    # A refused form: the error summary and the messages next to the fields.
    page.fill("#neu-haushalt-year", "1999")
    page.locator("form[action$='/haushalt/neu/'] button[type=submit]").click()
    page.wait_for_load_state("load")
    assert "bitte eine ganze Zahl von 2000 bis 2100" in page.content()
    axe_scan(page, "budget_create with errors")
    # The browser reports the deliberate 400 as a failed resource; nothing else may have gone wrong.
    guard = admin_browsing.guard
    guard.console_errors[:] = [e for e in guard.console_errors if "status of 400" not in e]


def test_a_card_moves_on_the_board_by_keyboard_alone(admin_browsing: Browsing) -> None:
    s = fm.scene(admin_browsing.world)
    page = admin_browsing.page
    _open(admin_browsing, "board")
    page.locator(f"#karte-{s.inside.pk} h3 a").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == f"status-{s.inside.pk}"
    page.keyboard.press("ArrowDown")  # geplant → in Umsetzung
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Verschieben"
    page.locator(f".kk-board__column--in_umsetzung #karte-{s.inside.pk}").wait_for()
    measure = Measure.objects.for_kommune(admin_browsing.world.kommune).get(pk=s.inside.pk)
    assert measure.status == "in_umsetzung"
    assert MeasureStatusChange.objects.for_kommune(measure.kommune).filter(measure=measure, to_status="in_umsetzung")
    assert "hat jetzt den Status" in page.content()
    axe_scan(page, "board after the move")
    # A move with a note: the card's "mit Anmerkung" leads to the status form on the measure's page.
    page.locator(f"#karte-{s.inside.pk} a[href$='#status']").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.locator("#neuer-status").focus()
    page.keyboard.press("ArrowDown")  # in Umsetzung → abgeschlossen (the next status)
    page.keyboard.press("Tab")
    page.keyboard.type("Beschluss liegt vor")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    step = MeasureStatusChange.objects.for_kommune(measure.kommune).filter(measure=measure).latest("id")
    assert step.from_status == "in_umsetzung" and step.note == "Beschluss liegt vor"


def test_a_recommendation_becomes_a_measure_in_the_browser(admin_browsing: Browsing) -> None:
    fm.scene(admin_browsing.world)
    recommendation = f.recommendation(admin_browsing.world)
    page = admin_browsing.page
    _open(admin_browsing, "portfolio")
    button = page.locator(f"form[action$='/aus-empfehlung/{recommendation.pk}/'] button")
    assert recommendation.title in (button.text_content() or "")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/bearbeiten/" in page.url and "Status „Idee“ entstanden" in page.content()
    axe_scan(page, "measure_edit after the recommendation")


@pytest.mark.parametrize("name", ["portfolio", "board", "roadmap", "measure_detail"])
def test_the_measure_pages_reflow_at_320_pixels(admin_browsing: Browsing, name: str) -> None:
    s = fm.scene(admin_browsing.world)
    page = admin_browsing.page
    page.set_viewport_size({"width": 320, "height": 800})
    _open(admin_browsing, name, *((s.inside.pk,) if name == "measure_detail" else ()))
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{name} scrolls sideways by {overflow} px at 320 px"
