"""Every API operation with its method, path and path parameters, for generated tests.

`api_route_patterns()` lists one `ApiRoute` per operation (method + path), e.g.
`ApiRoute("PATCH", "/api/v1/kommunen/{kommune_slug}/organisationseinheiten/{unit_id}",
"orgunit_update", ("kommune_slug", "unit_id"))`. Its `name` is also the Django URL name in the
`api` namespace (`reverse("api:orgunit_update", kwargs=…)`), and `route.url(kommune_slug=…,
unit_id=…)` fills it. The tenant-isolation test (docs/security.md T1) iterates over these; `object_params` are the
parameters the gate resolves inside the Kommune (see `gate.PATH_OBJECTS`).

The old English paths of version 1 (`deprecation.py`) are listed too, after the current ones, as
`orgunit_update_deprecated` with `successor="orgunit_update"`; they are not in the OpenAPI document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import reverse

from kompass.api.deprecation import URL_NAME_SUFFIX, old_path
from kompass.api.gate import KOMMUNE_PARAM, PATH_OBJECTS

_PARAM = re.compile(r"{(?:\w+:)?(\w+)}")


@dataclass(frozen=True)
class ApiRoute:
    method: str
    path: str
    name: str
    params: tuple[str, ...]
    successor: str = ""  # for an old path kept answering: the name of the route that replaced it

    @property
    def is_deprecated(self) -> bool:
        return bool(self.successor)

    @property
    def in_kommune(self) -> bool:
        return KOMMUNE_PARAM in self.params

    @property
    def object_params(self) -> tuple[str, ...]:
        return tuple(p for p in self.params if p in PATH_OBJECTS)

    def url(self, **values: object) -> str:
        return _PARAM.sub(lambda m: str(values[m.group(1)]), self.path)


def api_route_patterns() -> list[ApiRoute]:
    """All operations of the API (not the OpenAPI and docs views), in declaration order, then the
    deprecated old paths."""
    from kompass.api.api import api

    root = reverse(f"{api.urls_namespace}:api-root").rstrip("/")
    routes: list[ApiRoute] = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            full = root + "/" + "/".join(part.strip("/") for part in (prefix, path) if part.strip("/"))
            params = tuple(_PARAM.findall(full))
            for operation in path_view.operations:
                name = getattr(operation, "url_name", None) or operation.view_func.__name__
                routes.extend(ApiRoute(method, full, name, params) for method in operation.methods)
    old = [
        ApiRoute(route.method, old_path(route.path) or "", route.name + URL_NAME_SUFFIX, route.params, route.name)
        for route in routes
        if old_path(route.path) is not None
    ]
    return routes + old
