"""German error pages that reveal nothing about the system (S2)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from kompass.tenancy.context import KommuneSuspended


def _page(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    body = render_to_string(
        "ui/error.html",
        {"status": status, "title": title, "text": text, "request_id": getattr(request, "request_id", "")},
        request=request,
    )
    return HttpResponse(body, status=status)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, KommuneSuspended):
        return _page(request, 403, _("Kommune gesperrt"), str(exception))
    return _page(
        request,
        403,
        _("Keine Berechtigung"),
        _("Für diese Aktion fehlt Ihnen die Berechtigung. Wenden Sie sich an die Administration Ihrer Kommune."),
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        404,
        _("Seite nicht gefunden"),
        _("Die angeforderte Seite gibt es nicht oder sie ist für Sie nicht sichtbar."),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the request context: the failure may lie in a context processor.
    body = render_to_string("ui/error_500.html", {"request_id": getattr(request, "request_id", "")})
    return HttpResponse(body, status=500)
