"""Browser tests in Debian's Chromium (Playwright for Python) against pytest-django's live server.

Every test in this folder is marked `browser`. Each page a test opens is guarded: a request to any
host other than the live server (D5: no third-party requests), a console error, an uncaught script
error or a Content-Security-Policy violation fails the test. `axe_scan` checks a page against
WCAG 2.1 A/AA with axe-core (docs/security.md X1); `assert_shell` checks the parts every page must have (docs/security.md X5).

Where `/usr/bin/chromium` is missing the tests are skipped with a message, unless
`KOMPASS_REQUIRE_BROWSER=1` (set by `.ci/run`): then they fail, so CI never skips them silently.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from kompass.conftest import World

CHROMIUM = Path("/usr/bin/chromium")
AXE_FILE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# Served to the page from the live server's own origin, so injecting axe obeys the CSP.
AXE_PATH = "/__axe-core-fuer-tests__/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "ein-langes-testpasswort"  # the factory password of every test user
HERE = Path(__file__).resolve().parent

# Reports CSP violations to the test through an exposed binding (installed before any page script).
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.kkReportCspViolation(e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
    " (" + e.sourceFile + ":" + e.lineNumber + ")");
});
"""


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test in this folder `browser`, so `-m "not browser"` leaves them out."""
    for item in items:
        if Path(str(item.path)).resolve().is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole session; skip (or fail in CI) when it is missing."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: browser tests skipped (apt-get install chromium)."
        if os.environ.get("KOMPASS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing but KOMPASS_REQUIRE_BROWSER=1: browser tests must run.", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Guard:
    """What a page did that it must not do: foreign requests, console errors, CSP violations."""

    origin: str
    requests: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return (
            [f"request to a third-party host: {url}" for url in self.foreign_requests]
            + [f"console error: {text}" for text in self.console_errors]
            + [f"CSP violation: {text}" for text in self.csp_violations]
        )

    def assert_clean(self) -> None:
        problems = self.problems()
        assert not problems, "The page misbehaved:\n  " + "\n  ".join(problems)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _install_guard(context: Any, guard: Guard) -> None:
    """Record every request; answer axe from our origin; block (and record) any other host."""
    axe_source = AXE_FILE.read_text(encoding="utf-8")

    def route(route_: Any) -> None:
        url = route_.request.url
        guard.requests.append(url)
        if url.startswith(("data:", "blob:", "about:")):
            route_.continue_()
        elif _origin(url) != guard.origin:
            guard.foreign_requests.append(url)
            route_.abort()
        elif urlsplit(url).path == AXE_PATH:
            route_.fulfill(status=200, content_type="text/javascript", body=axe_source)
        else:
            route_.continue_()

    context.route("**/*", route)
    context.expose_binding("kkReportCspViolation", lambda _source, text: guard.csp_violations.append(text))
    context.add_init_script(CSP_LISTENER)


def _watch_page(page: Any, guard: Guard) -> None:
    page.on("console", lambda msg: guard.console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: guard.console_errors.append(f"uncaught: {exc}"))


@dataclass
class Browsing:
    """A browser context on the live server with its guard; `open` makes a further guarded context."""

    base: str
    page: Any
    guard: Guard
    world: World
    _browser: Any
    _contexts: list[Any] = field(default_factory=list)

    def url(self, name: str, *args: Any, **kwargs: Any) -> str:
        return self.base + reverse(name, args=args or None, kwargs=kwargs or None)

    def new_page(self, **context_options: Any) -> Any:
        options = {"viewport": {"width": 1280, "height": 900}, "locale": "de-DE", **context_options}
        context = self._browser.new_context(**options)
        self._contexts.append(context)
        _install_guard(context, self.guard)
        page = context.new_page()
        _watch_page(page, self.guard)
        return page

    def close(self) -> None:
        for context in self._contexts:
            context.close()


@pytest.fixture
def browsing(browser: Any, live_server: Any, transactional_db: Any, world: World) -> Iterator[Browsing]:
    """The world on a live server, one fresh browser page (anonymous); fails on misbehaviour at the end.

    `world` is built under `transactional_db` (the live server is requested too), so the server
    thread sees its rows.
    """
    base = live_server.url
    guard = Guard(origin=_origin(base))
    session = Browsing(base=base, page=None, guard=guard, world=world, _browser=browser)
    session.page = session.new_page()
    yield session
    session.close()
    guard.assert_clean()


def login(page: Any, base: str, username: str, password: str = PASSWORD) -> None:
    """Log in through the real login form."""
    page.goto(base + reverse("accounts:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state("load")


@pytest.fixture
def admin_browsing(browsing: Browsing) -> Browsing:
    """`browsing`, logged in as the Kommune's administrator through the login form."""
    login(browsing.page, browsing.base, browsing.world.admin.username)
    assert "/anmelden/" not in browsing.page.url, "login as admin failed"
    return browsing


def format_violations(label: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"axe-core found {len(violations)} WCAG 2.1 A/AA violation(s) on {label}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} – {v['helpUrl']}")
        for node in v["nodes"][:8]:
            lines.append(f"    target {json.dumps(node['target'])}: {node.get('failureSummary', '').splitlines()[-1:]}")
            lines.append(f"      html: {node['html'][:200]}")
    return "\n".join(lines)


def axe_scan(page: Any, label: str = "") -> None:
    """Run axe-core (WCAG 2.1 A/AA) on the current page; fail with a readable list of violations."""
    page.add_script_tag(url=_origin(page.url) + AXE_PATH)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    violations = result["violations"]
    assert not violations, format_violations(label or page.url, violations)


def assert_shell(page: Any) -> None:
    """X5 and the page skeleton: one h1, a main landmark, the skip link, the legal and feedback links."""
    assert page.locator("h1").count() == 1, f"expected exactly one h1 on {page.url}"
    assert page.locator("main").count() == 1, f"expected one main landmark on {page.url}"
    skip = page.locator("a.kk-skip-link")
    assert skip.count() == 1, f"skip link missing on {page.url}"
    target = skip.get_attribute("href") or ""
    assert target.startswith("#") and page.locator(f"main{target}").count() == 1, "skip link must lead to main"
    footer = page.locator("footer")
    accessibility = footer.locator(f"a[href='{reverse('ui:accessibility')}']")
    assert accessibility.count() == 1, f"footer link to the Erklärung zur Barrierefreiheit missing on {page.url}"
    assert footer.locator(f"a[href^='{reverse('ui:feedback')}']").count() == 1, f"feedback link missing on {page.url}"


def focused(page: Any) -> dict[str, Any]:
    """The focused element: tag, id, text, href and whether a focus indicator is drawn."""
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          const cs = getComputedStyle(el);
          return {tag: el.tagName.toLowerCase(), id: el.id, text: (el.innerText || el.value || "").trim(),
                  href: el.getAttribute("href") || "", outlineStyle: cs.outlineStyle,
                  outlineWidth: parseFloat(cs.outlineWidth) || 0, boxShadow: cs.boxShadow};
        }"""
    )


def assert_focus_visible(info: dict[str, Any]) -> None:
    assert info["outlineStyle"] != "none" and info["outlineWidth"] >= 2, f"no visible focus indicator on {info}"
