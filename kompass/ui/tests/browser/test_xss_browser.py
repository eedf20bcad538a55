"""S3 in the browser: the XSS payload crawl of `test_xss_crawl.py`, in Chromium, waiting for the payload to run.

Every free text of Teststadt gets the payload of `kompass/ui/tests/xss.py` (an image whose failing load would
open a dialog and set `window.__xss`); then Chromium opens, as Teststadt's administrator, every page of the URL
resolver she may see (about 180). A listener records every dialog; after each page the test also asks for the
marker and for any link or source with a `javascript:` address. None may be there, and no page may answer 500.

The browser context ignores the content security policy (`bypass_csp`): the CSP would stop an injected script
anyway (docs/security.md S1), and this test checks the first wall, the escaping, on its own — as the test-client crawl does. The
pages are grouped by the scene of `test_isolation` they need (role model, Orientierungsrahmen, agenda); each
group is one test with its own world on the live server.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError

from kompass.conftest import World
from kompass.tenancy.public import Publication, publications
from kompass.ui.tests import test_isolation as iso
from kompass.ui.tests import url_registry as reg
from kompass.ui.tests.browser.conftest import login
from kompass.ui.tests.xss import PAGES, PAYLOAD, inject, persona_for

ADMIN_PAGES = [name for name in PAGES if persona_for(reg.ROUTES[name]) == reg.ADMIN]
GROUPS = sorted({iso.Needs.of(name) for name in ADMIN_PAGES})
# What the page shows after it loaded: the marker the payload would set, and `javascript:` addresses.
FINDINGS = """() => {
  const found = [];
  if (window.__xss !== undefined) found.push("window.__xss = " + window.__xss);
  for (const el of document.querySelectorAll("[href], [src], [action], [formaction]")) {
    for (const name of ["href", "src", "action", "formaction"]) {
      const value = (el.getAttribute(name) || "").trim().toLowerCase();
      if (value.startsWith("javascript:")) found.push(el.tagName + " " + name + "=" + value);
    }
  }
  return found;
}"""


def _label(needs: iso.Needs) -> str:
    return "-".join(part for part in ("roles" if needs.role_model else "", needs.framework, needs.agenda) if part) or (
        "base"
    )


@pytest.fixture
def published() -> Iterator[None]:
    """Teststadt publishes, so its public pages answer (as in the isolation scene)."""
    publications.register(Publication("xss-browser-test", lambda kommune: True))
    try:
        yield
    finally:
        publications.unregister("xss-browser-test")


def scene_for(world: World, needs: iso.Needs) -> iso.Scene:
    """The isolation test's scene with what `needs` names, built in the live server's database."""
    scene = iso._build_scene(world)
    needs.build(scene)
    scene.needs, scene.sealed = needs, True
    return scene


@pytest.mark.parametrize("needs", GROUPS, ids=[_label(n) for n in GROUPS])
def test_no_page_runs_the_payload(
    needs: iso.Needs, browser: Any, live_server: Any, transactional_db: Any, world: World, published: None
) -> None:
    scene = scene_for(world, needs)
    assert inject(world.kommune) >= 5
    context = browser.new_context(bypass_csp=True, locale="de-DE", viewport={"width": 1280, "height": 900})
    dialogs: list[str] = []
    problems: list[str] = []
    try:
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(f"{page.url}: {dialog.message}"), dialog.dismiss()))
        login(page, live_server.url, world.admin.username)
        assert "/anmelden/" not in page.url, "login as admin failed"
        pages = [name for name in ADMIN_PAGES if iso.Needs.of(name) == needs]
        for name in pages:
            problems += visit(page, live_server.url, scene, name)
    finally:
        context.close()
    assert not dialogs, "The payload ran (a dialog opened):\n  " + "\n  ".join(dialogs)
    assert not problems, "\n".join(problems)


def visit(page: Any, base: str, scene: iso.Scene, name: str) -> list[str]:
    """Open one page as the administrator; what went wrong on it."""
    route = reg.ROUTES[name]
    iso.prepare(scene, name)
    targets = scene.targets(iso.side_of(reg.ADMIN), scene.user(reg.ADMIN), route)
    url = iso.url_for(name, route, targets)
    try:
        response = page.goto(base + url, wait_until="load")
    except PlaywrightError as exc:
        if "Download is starting" in str(exc):
            return []  # a file, not a page: the test-client crawl checks that it answers
        raise
    if response is not None and response.status >= 500:
        return [f"GET {url}: {response.status}"]
    return [f"GET {url}: {finding}" for finding in page.evaluate(FINDINGS)]


def test_every_group_of_pages_is_crawled() -> None:
    """The groups cover every page the administrator may see, and the payload is one that would run."""
    assert sum(1 for name in ADMIN_PAGES if iso.Needs.of(name) in GROUPS) == len(ADMIN_PAGES) > 150
    assert "onerror=" in PAYLOAD and "__xss" in PAYLOAD
