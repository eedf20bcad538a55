"""The JSON API of Kommunalkompass under `/api/v1/` (Django Ninja).

Every route inside a Kommune goes through the same services and access functions as the UI:
authentication (`auth.py`), then the gate (`gate.py`: Kommune 404, objects 404, write right
403), then body validation (422), then the service (one transaction, audit entry with source
"api"). OpenAPI (`/api/v1/openapi.json`) and the docs page (`/api/v1/docs`) need no login:
they describe the API and contain no data; they answer GET and HEAD only.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.operation import Operation
from ninja.renderers import JSONRenderer

from kompass.api.auth import SessionAuth, TokenAuth
from kompass.api.deprecation import URL_NAME_SUFFIX, deprecated, old_path
from kompass.api.errors import install_handlers, not_found_message
from kompass.api.openapi import document_errors
from kompass.api.routers import agenda, assessment, framework, imports, kommunen, orgunits, persons, roles

DESCRIPTION = """
Daten einer Kommune – Organisationseinheiten, Personen, Importe, Rollenmodell, Orientierungsrahmen,
Selbstbewertung, Digitale Agenda – mit denselben Regeln wie in der Oberfläche.

**Pfade** sind deutsch (`/organisationseinheiten`, `/personen`, `/importe`, `/rollen`, `/zuordnungen`,
`/agenda`, `/ziele`, `/massnahmen`, `/kennzahlen`, `/beschluesse` …). Die
früheren englischen Pfade (`/orgunits`, `/persons`, `/subtree`, `/move`, `/imports`) antworten in Version 1
weiter gleich, mit den Köpfen `Deprecation` und `Link: <neuer Pfad>; rel="successor-version"`; sie stehen nicht
mehr in dieser Beschreibung.

**Anmeldung:** persönliches API-Token (unter „API-Tokens“ erzeugen) im Kopf `Authorization: Bearer kk_…`,
oder die Sitzung im Browser (dann bei ändernden Anfragen mit CSRF-Token im Kopf `X-CSRFToken`).
Ein Token gilt für **eine Kommune**: Unter der Adresse einer anderen Kommune antwortet die API mit 404,
auch wenn Sie dort Mitglied sind. Es darf **nur lesen** oder **lesen und ändern** (dann mit den Rechten
Ihrer Rolle); ein Token, das nur lesen darf, erhält bei ändernden Anfragen 403. Es **läuft ab** zum
gewählten Datum (höchstens ein Jahr nach dem Erzeugen) und endet, wenn Sie Ihr Passwort ändern, Ihr Konto
gesperrt wird oder Ihre Mitgliedschaft in der Kommune endet; danach antwortet die API mit 401.

**Antworten:** 401 ohne Anmeldung, 404 für Kommunen und Objekte, die Sie nicht sehen dürfen, 403 ohne
Schreibrecht, 422 bei ungültigen Eingaben (`{"detail": [{"loc": […], "msg": "…", "type": "…"}]}`),
409 wenn jemand anderes das Objekt inzwischen geändert hat (Feld `version`). Listen liefern
`{"count", "limit", "offset", "items"}`.
"""


class DocsPage(Swagger):
    """Swagger UI from the app's own static files (Ninja ships them; "ninja" is in INSTALLED_APPS).

    Ninja's start-up script is a static file that reads its settings from a JSON data block, so the
    page works under the site-wide CSP (`script-src 'self'`) without a per-view exception.
    `validatorUrl: null` stops Swagger UI from loading a badge from validator.swagger.io (docs/security.md D5);
    without deep links the operation buttons contain no nested links (axe: nested-interactive),
    and `api/docs.css` darkens Swagger's colours to WCAG AA contrast.
    """

    template = "api/docs.html"

    def __init__(self) -> None:
        super().__init__(
            settings={"validatorUrl": None, "deepLinking": False, "docExpansion": "list", "defaultModelsExpandDepth": 0}
        )


class Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # German messages readable as they are


ROUTERS_PACKAGE = "kompass.api.routers"


class KompassAPI(NinjaAPI):
    """Ninja with JSON answers also where Django, not Ninja, answers: unknown paths (404), wrong
    methods (405) and the bare `/api/v1/` root; and with operation ids that outlive file splits."""

    def get_openapi_operation_id(self, operation: Operation) -> str:
        """`<module>_<view>` as in Ninja, the module cut to the router under `kompass.api.routers`:
        clients generated from the OpenAPI document key on the operation id, so splitting a router
        into a package (`routers/roles/assignments.py`) must not rename its operations."""
        module = operation.view_func.__module__
        if module.startswith(ROUTERS_PACKAGE + "."):
            module = ".".join(module.split(".")[: ROUTERS_PACKAGE.count(".") + 2])
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        """Ninja's document with every error answer an operation can give (`openapi.py`)."""
        return document_errors(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))

    def _get_urls(self) -> list[URLPattern | URLResolver]:
        patterns = super()._get_urls()
        old_paths: list[URLPattern | URLResolver] = []
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = _json_errors(pattern.callback)
                old_paths.extend(_deprecated_alias(pattern))
        patterns.extend(old_paths)
        patterns.append(re_path(r"^.*$", _json_not_found, name="not-found"))
        return patterns


def _deprecated_alias(pattern: URLPattern) -> list[URLPattern]:
    """The old English path of a route whose path became German, answering like it with a
    `Deprecation` header (see `deprecation.py`); named `<name>_deprecated`."""
    route = str(pattern.pattern)
    old = old_path(route)
    if old is None or not pattern.name:
        return []
    return [path(old, deprecated(pattern.callback), name=pattern.name + URL_NAME_SUFFIX)]


def _json_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return JsonResponse({"detail": not_found_message()}, status=404, json_dumps_params=Renderer.json_dumps_params)


def _json_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return _json_not_found(request)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            allowed = response.get("Allow", "")
            message = _("Methode nicht erlaubt. Erlaubt: %(allowed)s.") % {"allowed": allowed}
            response = JsonResponse({"detail": message}, status=405, json_dumps_params=Renderer.json_dumps_params)
            response["Allow"] = allowed
        return response

    wrapper.csrf_exempt = getattr(view, "csrf_exempt", False)  # type: ignore[attr-defined]
    return wrapper


api = KompassAPI(
    title="Kommunalkompass API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs=DocsPage(),
    # OpenAPI and the docs page are read-only: GET and HEAD, 405 (as JSON, see _json_errors) otherwise.
    docs_decorator=require_safe,
    renderer=Renderer(),
)
install_handlers(api)
api.add_router("", kommunen.router)
api.add_router("", orgunits.router)
api.add_router("", persons.router)
api.add_router("", imports.router)
api.add_router("", roles.router)
api.add_router("", framework.router)
api.add_router("", assessment.router)
api.add_router("", agenda.router)
