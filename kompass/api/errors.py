"""Every API error is JSON with a German message; bad input is never a 500 (docs/security.md S2).

Shapes:
- 422 `{"detail": [{"loc": ["body", "code"], "msg": "…", "type": "…"}]}` for invalid input,
  from Ninja's validation as well as from the services' `ValidationError` (field names as in the API);
- `{"detail": "…"}` for 400, 401, 403, 404, 405, 409 and 500.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, SuspiciousOperation, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from kompass.core.exceptions import ConflictError
from kompass.core.ratelimit import RateLimited

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("kompass.api")

# Service field names → the names clients send.
API_FIELD_NAMES = {"parent": "parent_id", "head": "head_id", "org_unit": "org_unit_id", "user": "user_id"}


def not_found_message() -> str:
    return _("Nicht gefunden.")


def not_authenticated_message() -> str:
    return _("Bitte melden Sie sich an oder senden Sie ein gültiges API-Token (Authorization: Bearer kk_…).")


def _pydantic_message(error: dict[str, Any]) -> str:
    """A German message for one pydantic error (type and context as pydantic reports them)."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    messages = {
        "missing": _("Dieses Feld ist erforderlich."),
        "extra_forbidden": _("Dieses Feld ist unbekannt oder kann nicht gesetzt werden."),
        "string_type": _("Bitte geben Sie einen Text an."),
        "string_unicode": _("Der Text enthält ungültige Zeichen."),
        "string_too_long": _("Höchstens %(max_length)s Zeichen sind erlaubt."),
        "string_too_short": _("Mindestens %(min_length)s Zeichen sind nötig."),
        "string_pattern_mismatch": _("Das Format ist ungültig."),
        "int_type": _("Bitte geben Sie eine ganze Zahl an."),
        "int_parsing": _("Bitte geben Sie eine ganze Zahl an."),
        "int_from_float": _("Bitte geben Sie eine ganze Zahl an."),
        "int_parsing_size": _("Die Zahl ist zu groß."),
        "greater_than_equal": _("Der Wert muss mindestens %(ge)s sein."),
        "greater_than": _("Der Wert muss größer als %(gt)s sein."),
        "less_than_equal": _("Der Wert darf höchstens %(le)s sein."),
        "bool_type": _("Bitte geben Sie true oder false an."),
        "bool_parsing": _("Bitte geben Sie true oder false an."),
        "enum": _("Ungültiger Wert. Erlaubt sind: %(expected)s."),
        "literal_error": _("Ungültiger Wert. Erlaubt sind: %(expected)s."),
        "model_type": _("Erwartet wird ein JSON-Objekt."),
        "model_attributes_type": _("Erwartet wird ein JSON-Objekt."),
        "dict_type": _("Erwartet wird ein JSON-Objekt."),
        "none_required": _("Dieses Feld muss leer sein."),
    }
    template = messages.get(kind, _("Ungültiger Wert."))
    try:
        values = {key: str(value) for key, value in ctx.items()}
        if "expected" in values:  # pydantic lists the allowed values as "'a', 'b' or 'c'"
            values["expected"] = values["expected"].replace("' or '", "' oder '")
        return template % values
    except (KeyError, ValueError, TypeError):
        return _("Ungültiger Wert.")


def german_validation_errors(errors: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ninja's validation errors with German messages and without the echoed input."""
    result = []
    for error in errors:
        loc = [part for part in error.get("loc", ()) if part not in ("payload", "filters")]
        result.append({"loc": loc, "msg": _pydantic_message(error), "type": error.get("type", "value_error")})
    return result


def service_errors(exc: ValidationError) -> list[dict[str, Any]]:
    """A service's `ValidationError` as API field errors (`loc` names the field the client sent)."""
    if not hasattr(exc, "error_dict"):
        return [{"loc": ["body"], "msg": message, "type": "value_error"} for message in exc.messages]
    result: list[dict[str, Any]] = []
    for field, messages in exc.message_dict.items():
        loc = ["body"] if field == NON_FIELD_ERRORS else ["body", API_FIELD_NAMES.get(field, field)]
        result.extend({"loc": loc, "msg": message, "type": "value_error"} for message in messages)
    return result


class InputError(Exception):
    """An input error the API finds itself, e.g. a foreign key outside the Kommune (docs/security.md T2): 422."""

    def __init__(self, where: str, field: str, message: str) -> None:
        super().__init__(message)
        self.errors = [{"loc": [where, field], "msg": message, "type": "value_error"}]


def install_handlers(api: NinjaAPI) -> None:
    """Register the JSON error handlers on `api` (replacing Ninja's English defaults)."""

    def reply(request: HttpRequest, detail: Any, status: int) -> HttpResponse:
        return api.create_response(request, {"detail": detail}, status=status)

    def on_ninja_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return reply(request, german_validation_errors(exc.errors), 422)

    def on_service_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return reply(request, service_errors(exc), 422)

    def on_input_error(request: HttpRequest, exc: InputError) -> HttpResponse:
        return reply(request, exc.errors, 422)

    def on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = exc.message if exc.message != "Unauthorized" else not_authenticated_message()
        response = reply(request, message, 401)
        response["WWW-Authenticate"] = "Bearer"
        return response

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return reply(request, _http_error_message(exc), exc.status_code)

    def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return reply(request, str(exc) or _("Dafür fehlt Ihnen die Berechtigung in dieser Kommune."), 403)

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return reply(request, not_found_message(), 404)

    def on_conflict(request: HttpRequest, exc: ConflictError) -> HttpResponse:
        return reply(request, str(exc), 409)

    def on_bad_request(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Malformed multipart data, too many fields, a body above DATA_UPLOAD_MAX_MEMORY_SIZE …
        return reply(request, _("Die Anfrage ist fehlerhaft oder zu groß."), 400)

    def on_rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
        response = reply(
            request,
            _("Zu viele Anfragen. Bitte versuchen Sie es in %(seconds)d Sekunden noch einmal.")
            % {"seconds": exc.retry_after},
            429,
        )
        response["Retry-After"] = str(exc.retry_after)
        return response

    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API-Fehler (Vorgang %s)", getattr(request, "request_id", "-"))
        return reply(
            request,
            _("Interner Fehler. Bitte nennen Sie der Administration die Vorgangs-ID %(id)s.")
            % {"id": getattr(request, "request_id", "-")},
            500,
        )

    handlers: list[tuple[type[Exception], Any]] = [
        (NinjaValidationError, on_ninja_validation),
        (ValidationError, on_service_validation),
        (InputError, on_input_error),
        (AuthenticationError, on_authentication),
        (HttpError, on_http_error),
        (PermissionDenied, on_forbidden),
        (Http404, on_not_found),
        (ConflictError, on_conflict),
        (RateLimited, on_rate_limited),
        (SuspiciousOperation, on_bad_request),
        (MultiPartParserError, on_bad_request),
        (Exception, on_unexpected),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)


def _http_error_message(exc: HttpError) -> str:
    """Ninja raises a few errors itself, with English texts; say them in German."""
    if isinstance(exc, Throttled):
        return _("Zu viele Anfragen. Bitte warten Sie einen Moment.")
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        return _("Der Inhalt der Anfrage ist kein gültiges JSON.")
    return str(exc)
