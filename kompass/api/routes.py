"""Every API operation with its method, path and path parameters, for generated tests.

`api_route_patterns()` lists one `ApiRoute` per operation (method + path), e.g.
`ApiRoute("PATCH", "/api/v1/kommunen/{kommune_slug}/orgunits/{unit_id}", "orgunit_update",
("kommune_slug", "unit_id"))`. Its `name` is also the Django URL name in the `api` namespace
(`reverse("api:orgunit_update", kwargs=…)`), and `route.url(kommune_slug=…, unit_id=…)` fills
it. The tenant-isolation test (T1) iterates over these; `object_params` are the parameters the
gate resolves inside the Kommune (see `gate.PATH_OBJECTS`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import reverse

from kompass.api.gate import KOMMUNE_PARAM, PATH_OBJECTS

_PARAM = re.compile(r"{(?:\w+:)?(\w+)}")


@dataclass(frozen=True)
class ApiRoute:
    method: str
    path: str
    name: str
    params: tuple[str, ...]

    @property
    def in_kommune(self) -> bool:
        return KOMMUNE_PARAM in self.params

    @property
    def object_params(self) -> tuple[str, ...]:
        return tuple(p for p in self.params if p in PATH_OBJECTS)

    def url(self, **values: object) -> str:
        return _PARAM.sub(lambda m: str(values[m.group(1)]), self.path)


def api_route_patterns() -> list[ApiRoute]:
    """All operations of the API (not the OpenAPI and docs views), in declaration order."""
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
    return routes
