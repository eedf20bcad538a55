"""The request id and the audit source ("ui" or "api") of every request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from kompass.audit.context import change_context
from kompass.core.security_log import bind_request


class RequestIdMiddleware:
    """Give each request an id (for the audit log and error pages) and mark its changes as UI."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        source = "api" if request.path.startswith("/api/") else "ui"
        with change_context(source) as ctx, bind_request(ctx.request_id):
            request.request_id = ctx.request_id  # type: ignore[attr-defined]
            response = self.get_response(request)
        response["X-Request-ID"] = ctx.request_id
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            # Authenticated pages must not be kept by shared caches (docs/security.md S1).
            response.setdefault("Cache-Control", "no-store")
        return response
