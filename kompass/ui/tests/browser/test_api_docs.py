"""The API docs page in Debian's Chromium: works under the site's CSP, for a logged-in member too.

Checks what a static look at the HTML cannot: Swagger UI loads nothing from another host (docs/security.md D5),
triggers no CSP violation and no console error, passes axe-core (WCAG 2.1 A/AA, X1) before and
after trying an operation, and "Try it out" writes through the session with the CSRF token.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client

from kompass.org.models import OrgUnit

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REPORT_CSP = (
    'document.addEventListener("securitypolicyviolation", '
    'e => console.error("CSP " + e.violatedDirective + " " + e.blockedURI));'
)


@pytest.fixture
def chromium(browser: Any) -> Any:
    """The session's one Chromium (a second Playwright instance in the same process would clash)."""
    return browser


def axe_violations(page: Any) -> list[str]:
    # Injected through Playwright's protocol, not as a page script, so the page's CSP stays as it is.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})")
    return [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in result["violations"]]


def test_docs_page_runs_under_the_csp_and_writes_through_the_session(world, live_server, chromium):
    client = Client()
    client.force_login(world.admin)
    context = chromium.new_context()
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    context.add_init_script(REPORT_CSP)
    page = context.new_page()
    foreign, errors = [], []
    origin = urlsplit(live_server.url).netloc
    page.on("request", lambda r: urlsplit(r.url).netloc not in (origin, "") and foreign.append(r.url))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))

    page.goto(live_server.url + "/api/v1/docs")
    page.wait_for_selector(".opblock")
    assert axe_violations(page) == []

    operation = page.locator("#operations-Organisationseinheiten-kompass_api_routers_orgunits_orgunit_create")
    operation.locator(".opblock-summary-control").click()
    operation.locator(".try-out__btn").click()
    operation.locator("input[placeholder=kommune_slug]").fill("teststadt")
    operation.locator("textarea.body-param__text").fill('{"code": "77", "name": "Aus der Doku", "unit_type": "amt"}')
    operation.locator(".execute").click()
    status = operation.locator(".live-responses-table tr.response .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip() == "201"
    assert OrgUnit.objects.for_kommune(world.kommune).filter(code="77", name="Aus der Doku").exists()
    assert axe_violations(page) == []
    assert foreign == []
    assert errors == []
