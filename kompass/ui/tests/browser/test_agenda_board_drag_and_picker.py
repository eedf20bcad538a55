"""The board's drag and drop and the dependency combobox in Chromium: a card dragged into another
column changes the measure's status (the same request as the card's button, which keeps working by
keyboard), and the measure a measure needs first is picked by keyboard alone from the search
suggestions; each page axe-clean with the list open and after the change."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kompass.agenda.models import Measure, MeasureDependency, MeasureStatusChange
from kompass.agenda.tests import factories as f
from kompass.agenda.tests import factories_measures as fm
from kompass.ui.tests.browser.conftest import Browsing, assert_focus_visible, axe_scan, focused

pytestmark = pytest.mark.browser
SLUG = "teststadt"


def _open(session: Browsing, name: str, *args: Any) -> None:
    response = session.page.goto(session.base + reverse(f"agenda:{name}", args=[SLUG, *args]))
    assert response is not None and response.status == 200


def _status(session: Browsing, measure: Measure) -> str:
    return Measure.objects.for_kommune(session.world.kommune).get(pk=measure.pk).status


def test_a_card_is_dragged_into_another_column_and_the_buttons_still_move_it(admin_browsing: Browsing) -> None:
    s = fm.scene(admin_browsing.world)  # "Gewerbeanmeldung online" is geplant
    page = admin_browsing.page
    _open(admin_browsing, "board")
    card = page.locator(f"#karte-{s.inside.pk}")
    assert card.get_attribute("draggable") == "true"
    assert page.locator("[data-kk-board-hint]").is_visible()

    card.drag_to(page.locator("[data-kk-drop=in_umsetzung]"))
    page.locator(f".kk-board__column--in_umsetzung #karte-{s.inside.pk}").wait_for()
    assert _status(admin_browsing, s.inside) == "in_umsetzung"
    step = MeasureStatusChange.objects.for_kommune(s.kommune).filter(measure=s.inside).latest("id")
    assert (step.from_status, step.to_status) == ("geplant", "in_umsetzung")
    assert "hat jetzt den Status „in Umsetzung“" in page.content()
    assert "/tafel/" in page.url  # swapped in place, no new page
    axe_scan(page, "board after a card was dragged")

    # The swapped board is draggable again; a drop on the card's own column sends nothing.
    moved = page.locator(f"#karte-{s.inside.pk}")
    assert moved.get_attribute("draggable") == "true"
    moved.drag_to(page.locator("[data-kk-drop=in_umsetzung]"))
    page.wait_for_load_state("networkidle")
    assert MeasureStatusChange.objects.for_kommune(s.kommune).filter(measure=s.inside).count() == 2  # created, moved

    # The keyboard path beside it: the card's select and "Verschieben".
    page.locator(f"#status-{s.inside.pk}").focus()
    page.keyboard.press("ArrowDown")  # in Umsetzung → abgeschlossen
    page.keyboard.press("Tab")
    assert_focus_visible(focused(page))
    page.keyboard.press("Enter")
    page.locator(f".kk-board__column--abgeschlossen #karte-{s.inside.pk}").wait_for()
    assert _status(admin_browsing, s.inside) == "abgeschlossen"


def test_the_measure_needed_first_is_picked_by_keyboard_alone(admin_browsing: Browsing) -> None:
    s = fm.scene(admin_browsing.world)  # "Gewerbeanmeldung online" needs "E-Akte im Hauptamt" already
    portal = f.measure(admin_browsing.world, "Bürgerportal anbinden", responsible_unit=admin_browsing.world.hauptamt.pk)
    f.measure(admin_browsing.world, "Portalkonto für Unternehmen")
    page = admin_browsing.page
    _open(admin_browsing, "measure_detail", s.inside.pk)
    summary = page.locator("summary", has_text="Abhängigkeit hinzufügen")
    summary.focus()
    page.keyboard.press("Enter")  # unfolds the form
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "neu-abh-depends_on"
    field = "#neu-abh-depends_on"

    page.keyboard.type("portal")
    page.wait_for_function("f => document.querySelector(f + '-status').textContent.startsWith('2 Treffer')", arg=field)
    options = page.locator(f"{field}-liste [role=option]")
    assert options.count() == 2 and page.get_attribute(field, "aria-expanded") == "true"
    axe_scan(page, "measure page with the dependency suggestions open")
    page.keyboard.press("ArrowDown")
    assert page.get_attribute(field, "aria-activedescendant") == options.nth(0).get_attribute("id")
    page.keyboard.press("Enter")  # picks; the form is not sent
    assert page.input_value(field) == "Bürgerportal anbinden (10 Hauptamt)"
    assert page.input_value(f"{field}_wert") == str(portal.pk)
    assert f"/massnahmen/{s.inside.pk}/" in page.url

    page.keyboard.press("Tab")  # the button "Abhängigkeit speichern"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert MeasureDependency.objects.for_kommune(s.kommune).filter(measure=s.inside, depends_on=portal).exists()
    assert "braucht jetzt zuerst „Bürgerportal anbinden“" in page.content()
    axe_scan(page, "measure page after the dependency was added")
