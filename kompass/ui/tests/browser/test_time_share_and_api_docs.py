"""In Chromium: the time-share question of the assignment form and the German API docs page (issue 8,
points 7 and 12). axe-core on each state; screenshots go to $KK_SHOTS if it is set."""

from __future__ import annotations

import datetime
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kompass.roles import services as role_services
from kompass.roles.catalogue_loader import load_catalogues
from kompass.roles.models import Assignment, Catalogue, Role
from kompass.ui.tests.browser.conftest import Browsing, axe_scan

pytestmark = pytest.mark.browser


def _shot(page: Any, name: str) -> None:
    if folder := os.environ.get("KK_SHOTS"):
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _lotse(b: Browsing) -> Assignment:
    w = b.world
    load_catalogues()
    role_services.catalogue_adopt(kommune=w.kommune, actor=None, catalogue=Catalogue.objects.get(key="kgst"))
    role = Role.objects.for_kommune(w.kommune).get(key="lotse")
    data = {"person": w.bruno, "role": role, "time_share": Decimal(10), "valid_from": datetime.date(2026, 1, 1)}
    return role_services.assignment_create(kommune=w.kommune, actor=None, data=data)


def test_a_share_below_one_percent_is_asked_about_and_saved_once_confirmed(admin_browsing: Browsing) -> None:
    b, page = admin_browsing, admin_browsing.page
    lotse = _lotse(b)
    page.goto(b.url("roles:assignment_edit", b.world.kommune.slug, lotse.pk))
    share = page.get_by_label("Zeitanteil (% einer Vollzeitstelle)")
    share.fill("0,5")
    share.press("Enter")
    page.wait_for_load_state("load")
    error = page.locator("#id_time_share-error")
    assert error.inner_text().startswith("0,5 % – meinten Sie 50 %?")
    confirm = page.get_by_label("Ja, der Zeitanteil unter 1 % ist so gemeint.")
    assert confirm.is_visible() and not confirm.is_checked()
    axe_scan(page, "Zuordnung mit Rückfrage zum Zeitanteil")
    _shot(page, "zeitanteil-rueckfrage")
    lotse.refresh_from_db()
    assert lotse.time_share == Decimal(10)

    confirm.check()
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state("load")
    lotse.refresh_from_db()
    assert lotse.time_share == Decimal("0.5")


def test_the_api_docs_page_is_german_kern_styled_and_leads_back_to_the_app(browsing: Browsing) -> None:
    page = browsing.page
    page.goto(browsing.base + "/api/v1/docs")
    page.wait_for_selector(".opblock")
    page.wait_for_selector(".swagger-ui .info h1[aria-level='2']")  # Swagger's title, below the page's h1
    # (Playwright's role query keeps the tag's level; assistive technology follows aria-level.)
    assert page.locator("h1:not([aria-level])").all_inner_texts() == ["API-Dokumentation"]
    assert page.locator(".kern-kopfzeile").is_visible()
    page.locator(".opblock-summary-control").first.click()
    page.wait_for_selector(".try-out__btn")
    assert page.locator(".try-out__btn").first.inner_text().strip() == "Ausprobieren"
    assert page.get_by_text("Parameter", exact=True).first.is_visible()
    axe_scan(page, "API-Dokumentation")
    _shot(page, "api-dokumentation")
    page.get_by_role("link", name="Zurück zu Kommunalkompass").click()
    page.wait_for_load_state("load")
    assert page.url.startswith(browsing.base + "/anmelden/")  # the app's start page asks a visitor to log in
