"""The plain error pages (400, 429, 500, 503) pass axe and have the page shell (docs/security.md S2, X1, X5).

They are rendered without the request context (no navigation, no database), so they are scanned on
their own: the live server's answer for a test path is replaced by the page the handler renders.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from kompass.ui import errors
from kompass.ui.tests.browser.conftest import Browsing, assert_shell, axe_scan

pytestmark = pytest.mark.browser

PATH = "/fehlerseite/"
PAGES: dict[int, Callable[[HttpRequest], HttpResponse]] = {
    400: errors.bad_request,
    429: lambda request: errors.too_many_requests(request, retry_after=120),
    500: errors.server_error,
    503: lambda request: errors.service_unavailable(request, retry_after=30),
}


@pytest.mark.parametrize("status", list(PAGES))
def test_plain_error_page_passes_axe_and_has_the_page_shell(status: int, browsing: Browsing) -> None:
    request = RequestFactory().get(PATH)
    request.request_id = "vorgang-4711"  # type: ignore[attr-defined]
    rendered = PAGES[status](request)

    def answer(route: Any) -> None:
        route.fulfill(status=status, content_type="text/html; charset=utf-8", body=rendered.content.decode())

    browsing.page.route(browsing.base + PATH, answer)
    response = browsing.page.goto(browsing.base + PATH)
    assert response is not None and response.status == status
    # The browser logs the error status of the document itself as a console error; that one is expected.
    browsing.guard.console_errors[:] = [e for e in browsing.guard.console_errors if str(status) not in e]
    assert "vorgang-4711" in browsing.page.locator("main").inner_text()
    assert_shell(browsing.page)
    axe_scan(browsing.page, f"{status} page")
