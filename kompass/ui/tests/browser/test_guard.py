"""The guard of the browser tests can fail: it notices third-party requests, CSP violations and console errors."""

from __future__ import annotations

from kompass.ui.tests.browser.conftest import Browsing


def test_guard_blocks_and_records_a_request_to_another_host(browsing: Browsing) -> None:
    page = browsing.page
    page.set_content("<html lang='de'><title>t</title><img alt='' src='https://cdn.example.org/x.png'></html>")
    page.wait_for_load_state("load")
    assert browsing.guard.foreign_requests == ["https://cdn.example.org/x.png"]
    browsing.guard.foreign_requests.clear()
    browsing.guard.console_errors.clear()  # Chromium logs the refused load


def test_guard_records_a_csp_violation_of_an_inline_script(browsing: Browsing) -> None:
    page = browsing.page
    page.goto(browsing.url("ui:impressum"))
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.x = 1'; document.body.append(s); }"
    )
    page.wait_for_function("() => true")
    page.wait_for_timeout(200)
    assert any("script-src" in v for v in browsing.guard.csp_violations), browsing.guard.csp_violations
    assert page.evaluate("window.x") is None, "the inline script must not run"
    browsing.guard.csp_violations.clear()
    browsing.guard.console_errors.clear()  # Chromium also logs the refused script


def test_guard_records_console_errors(browsing: Browsing) -> None:
    page = browsing.page
    page.goto(browsing.url("ui:impressum"))
    page.evaluate("() => console.error('kaputt')")
    assert "kaputt" in browsing.guard.console_errors
    browsing.guard.console_errors.clear()
