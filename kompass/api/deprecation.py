"""The English resource paths of API version 1, kept answering after the paths became German.

Until issue 8 the API named org units and people in English (`/orgunits`, `/persons`, with
`/subtree`, `/move` and `/imports`) beside the German `/rollen`, `/zuordnungen`, `/katalog`.
Every path is German now (docs/glossary.md, "API-Pfade"). Clients written against the old paths
keep working for the whole of version 1: each old path answers exactly like its German successor
(same view, same gate, same errors) and says that it is deprecated, in the style of RFC 9745 and
RFC 8594:

    Deprecation: @1796515200
    Link: </api/v1/kommunen/musterstadt/organisationseinheiten/5>; rel="successor-version"

The old paths are not in the OpenAPI document; `routes.api_route_patterns` lists them (with their
successor) so the isolation tests cover old and new paths alike.
"""

from __future__ import annotations

import calendar
import datetime
import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

# German path segment → the English one it replaced. A path is renamed segment by segment.
RENAMED_SEGMENTS: dict[str, str] = {
    "organisationseinheiten": "orgunits",
    "personen": "persons",
    "importe": "imports",
    "teilbaum": "subtree",
    "verschieben": "move",
}
# The day the German paths became the API's own (Structured Field Date of RFC 9745: "@" + Unix time).
DEPRECATED_ON = datetime.date(2026, 12, 6)
DEPRECATION = f"@{calendar.timegm(DEPRECATED_ON.timetuple())}"
URL_NAME_SUFFIX = "_deprecated"

_OLD_TO_NEW = {old: new for new, old in RENAMED_SEGMENTS.items()}


def old_path(path: str) -> str | None:
    """The English path that answered before `path`, or None if `path` has no renamed segment."""
    parts = path.split("/")
    old = [RENAMED_SEGMENTS.get(part, part) for part in parts]
    return "/".join(old) if old != parts else None


def successor_path(path: str) -> str:
    """The German path of an old English one (the inverse of `old_path`)."""
    return "/".join(_OLD_TO_NEW.get(part, part) for part in path.split("/"))


def deprecated(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """`view` answering at an old path: the same answer with `Deprecation` and the successor `Link`."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        # The percent-encoded path and query: nothing the client sent can break the header.
        path, query = request.get_full_path().partition("?")[::2]
        successor = successor_path(path) + (f"?{query}" if query else "")
        response["Deprecation"] = DEPRECATION
        response["Link"] = f'<{successor}>; rel="successor-version"'
        return response

    wrapper.csrf_exempt = getattr(view, "csrf_exempt", False)  # type: ignore[attr-defined]
    return wrapper
