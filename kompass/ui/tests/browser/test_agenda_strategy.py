"""The strategy pages in Debian's Chromium: a new Kommune starts its agenda from the empty state,
writes the vision, adds a Handlungsfeld with a Gestaltungsfeld, a goal and a council decision, and
decides the version — every page and state (empty, filled, with errors, read-only) scanned with
axe-core (WCAG 2.1 A/AA: zero violations), none misbehaving (no foreign request, console error or
CSP violation)."""

from __future__ import annotations

from typing import Any

import pytest

from kompass.agenda.models import AgendaVersion
from kompass.agenda.tests import factories
from kompass.agenda.tests.factories_strategy import fields, gestaltungsfeld
from kompass.ui.tests.browser.conftest import (
    assert_shell,
    axe_scan,
)

pytestmark = pytest.mark.browser


def visit(session: Any, name: str, *args: Any) -> Any:
    page = session.page
    page.goto(session.url(f"agenda:{name}", "teststadt", *args))
    return page


def expected_400(session: Any) -> None:
    """Chromium logs a page answered with 400 as a failed load; bad input answers 400 on purpose."""
    errors = session.guard.console_errors
    errors[:] = [e for e in errors if "status of 400" not in e]


def check(page: Any, label: str) -> None:
    assert_shell(page)
    axe_scan(page, label)


def test_a_new_kommune_starts_and_decides_its_agenda_with_every_page_axe_clean(admin_browsing: Any) -> None:
    session = admin_browsing
    world = session.world
    factories.framework_field(world)
    gestaltungsfeld(world)

    page = visit(session, "overview")
    check(page, "Übersicht ohne Agenda")
    page.get_by_role("button", name="Agenda anlegen").click()
    page.wait_for_load_state("load")
    assert "Fassung 1" in page.inner_text("main")
    check(page, "Übersicht mit leerem Entwurf")
    version = AgendaVersion.objects.for_kommune(world.kommune).get()

    page = visit(session, "version_edit", version.pk)
    check(page, "Vision bearbeiten")
    page.fill("#id_vision", "Digital und nah für alle in der Gemeinde.")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_load_state("load")
    check(page, "Fassung 1 (Entwurf)")

    page = visit(session, "leitsatz_create", version.pk)
    page.get_by_role("button", name="Speichern").click()  # empty: the error state
    page.wait_for_load_state("load")
    assert "Bitte den Leitsatz angeben." in page.inner_text("main")
    expected_400(session)
    check(page, "Leitsatz mit Fehler")
    page.fill("#id_text", "Wir beginnen bei dem, was die Menschen brauchen.")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_load_state("load")

    page = visit(session, "handlungsfeld_create", version.pk)
    check(page, "Neues Handlungsfeld")
    page.fill("#id_name", "Bürgerservice digital")
    page.get_by_label("Steuerung der Digitalisierung").check()
    page.get_by_label("Lebensqualität").check()
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_load_state("load")
    assert "Gestaltungsfelder:" in page.inner_text("main")
    check(page, "Handlungsfeld")

    page = visit(session, "goal_create")
    check(page, "Neues Ziel")
    page.get_by_label("Wirkungsziel", exact=True).check()
    page.fill("#id_title", "Anliegen ohne Weg ins Rathaus erledigen")
    page.get_by_label("Bürgerinnen, Bürger und Unternehmen").check()
    page.get_by_label("Bürgerservice digital").check()
    page.get_by_role("button", name="Ziel anlegen").click()
    page.wait_for_load_state("load")
    assert "Dieses Ziel hat keine Kennzahl" in page.inner_text("main")
    check(page, "Ziel ohne Kennzahl")
    check(visit(session, "goal_list"), "Ziele")

    page = visit(session, "decision_create")
    check(page, "Beschluss erfassen")
    page.fill("#id_body", "Gemeinderat")
    page.fill("#id_decided_on", "12")
    page.fill("#id_decided_on_monat", "3")
    page.fill("#id_decided_on_jahr", "2026")
    page.get_by_label("beschlossen", exact=True).check()
    page.fill("#id_link", "ratsinfo.example/vorlage")  # no https://: the error state
    page.get_by_role("button", name="Beschluss erfassen").click()
    page.wait_for_load_state("load")
    assert "https://" in page.inner_text("main")
    expected_400(session)
    check(page, "Beschluss mit Fehler")
    page.fill("#id_link", "https://ratsinfo.example/vorlage/17")
    page.get_by_role("button", name="Beschluss erfassen").click()
    page.wait_for_load_state("load")
    check(page, "Beschluss")
    check(visit(session, "decision_list"), "Beschlüsse")

    page = visit(session, "version_decide", version.pk)
    check(page, "Beschluss festhalten")
    page.fill("#id_decided_on", "12")
    page.fill("#id_decided_on_monat", "3")
    page.fill("#id_decided_on_jahr", "2026")
    page.select_option("#id_decision", index=1)
    page.get_by_role("button", name="Als beschlossen festhalten").click()
    page.wait_for_load_state("load")
    assert "beschlossen am 12.03.2026" in page.inner_text("main")
    check(page, "Beschlossene Fassung")
    check(visit(session, "version_edit", version.pk), "Beschlossene Fassung: nur lesen")

    page = visit(session, "version_detail", version.pk)
    page.get_by_role("button", name="Neuen Entwurf anlegen").click()
    page.wait_for_load_state("load")
    draft = AgendaVersion.objects.for_kommune(world.kommune).get(number=2)
    check(visit(session, "version_diff", draft.pk), "Vergleich")
    check(visit(session, "version_list"), "Fassungen")
    check(visit(session, "overview"), "Übersicht mit Entwurf")
    check(visit(session, "settings"), "Einstellungen")
    page = session.page
    page.goto(session.url("ui:dashboard", "teststadt"))
    check(page, "Startseite mit Agenda")


def test_the_overview_with_measures_and_kpis_is_axe_clean_at_320_px(admin_browsing: Any) -> None:
    session = admin_browsing
    world = session.world
    plain, outside = fields(world)
    version = factories.decided_agenda(world, field_keys=[plain.key, outside.key])
    from kompass.agenda.models import Handlungsfeld
    from kompass.agenda.tests.factories_strategy import goal

    hf = Handlungsfeld.objects.for_kommune(world.kommune).get(agenda_version=version)
    wz = goal(world, handlungsfelder=[hf.pk])
    factories.kpi(world, goal=wz.pk)
    factories.measure(world, "Serviceportal einführen", handlungsfelder=[hf.pk], goals=[wz.pk], status="in_umsetzung")
    factories.measure(world, "E-Akte einführen", handlungsfelder=[hf.pk], status="abgeschlossen")
    page = session.page
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(session.url("agenda:overview", "teststadt"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the overview scrolls sideways at 320 px ({width} px)"
    check(page, "Übersicht bei 320 px")
    check(visit(session, "goal_detail", wz.pk), "Ziel mit Kennzahl bei 320 px")
    check(visit(session, "handlungsfeld_detail", hf.pk), "Handlungsfeld bei 320 px")
