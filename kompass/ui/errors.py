"""German error pages that reveal nothing about the system (docs/security.md S2).

Every page names the request id ("Vorgangsnummer", also in the `X-Request-ID` header) so an
operator can find the request in the logs. The pages for 400, 500 and 503 are rendered without
the request context: a bad Host header, a failing context processor or an unreachable database
must not make the error page fail too. The API keeps its own JSON answers (kompass/api/errors.py).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

# 429 is answered by the rate limiter with this module's plain page (ui/error_plain.html).
from kompass.core.ratelimit import too_many_requests as too_many_requests
from kompass.tenancy.context import KommuneSuspended

# What the driver raises when the database cannot be reached or the connection broke.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def _request_id(request: HttpRequest) -> str:
    return getattr(request, "request_id", "")


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _page(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    body = render_to_string(
        "ui/error.html",
        {"status": status, "title": title, "text": text, "request_id": _request_id(request)},
        request=request,
    )
    return HttpResponse(body, status=status)


def _plain_page(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    """A page without the request context: no navigation, no user, no database query."""
    context = {"status": status, "title": title, "text": text, "request_id": _request_id(request), "path": request.path}
    body = render_to_string("ui/error_plain.html", context)
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Also Django's answer to a Host header outside ALLOWED_HOSTS (DisallowedHost): the
    # request's host cannot be read, so the page must not need it.
    return _plain_page(
        request,
        400,
        _("Ungültige Anfrage"),
        _("Die Anfrage konnte nicht verarbeitet werden. Rufen Sie die Seite bitte über die übliche Adresse neu auf."),
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, KommuneSuspended):
        return _page(request, 403, _("Kommune gesperrt"), str(exception))
    return _page(
        request,
        403,
        _("Keine Berechtigung"),
        _("Für diese Aktion fehlt Ihnen die Berechtigung. Wenden Sie sich an die Administration Ihrer Kommune."),
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the reason stays in the log, the page says what to do."""
    text = _(
        "Das Formular ist abgelaufen oder wurde nicht von dieser Seite abgeschickt. Es wurde nichts gespeichert. "
        "Laden Sie die Seite neu und versuchen Sie es erneut; Cookies müssen erlaubt sein."
    )
    if _is_api(request):
        return JsonResponse({"detail": text}, status=403)
    return _page(request, 403, _("Sicherheitsprüfung fehlgeschlagen"), text)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        404,
        _("Seite nicht gefunden"),
        _("Die angeforderte Seite gibt es nicht oder sie ist für Sie nicht sichtbar."),
    )


def method_not_allowed(request: HttpRequest, allowed: str) -> HttpResponse:
    response = _page(
        request,
        405,
        _("Aktion nicht möglich"),
        _("Diese Seite lässt diese Art von Anfrage nicht zu. Nutzen Sie die Links und Schaltflächen der Seite."),
    )
    response["Allow"] = allowed
    return response


def service_unavailable(request: HttpRequest, retry_after: int | None = None) -> HttpResponse:
    """For an outage of the database or another service: 503, plain (the database may be gone)."""
    response = _plain_page(
        request,
        503,
        _("Vorübergehend nicht erreichbar"),
        _(
            "Kommunalkompass ist gerade nicht erreichbar. Es wurde nichts gespeichert. Bitte versuchen Sie es gleich "
            "noch einmal."
        ),
    )
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    # An unreachable database is an outage, not a bug: 503, so the proxy may retry (docs/security.md R7).
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return service_unavailable(request, retry_after=30)
    # Plain: the failure may lie in a context processor.
    return _plain_page(
        request,
        500,
        _("Es ist ein Fehler aufgetreten"),
        _(
            "Die Anfrage konnte nicht bearbeitet werden. Es wurde nichts gespeichert. "
            "Bitte versuchen Sie es später erneut."
        ),
    )


class MethodNotAllowedMiddleware:
    """Turn Django's empty 405 (HttpResponseNotAllowed) into the German page for the UI.

    The API answers 405 as JSON itself and is left alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not _is_api(request):
            return method_not_allowed(request, response.get("Allow", ""))
        return response
