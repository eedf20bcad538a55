"""Every role-model route: another Kommune's admin gets 404, its ids in the URL are 404, anonymous 401."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kompass.api.routes import api_route_patterns
from kompass.api.tests.helpers import ApiClient
from kompass.api.tests.roles.conftest import Scene, assert_no_sentinel
from kompass.roles.models import Catalogue

ROLE_ROUTES = {
    "role_catalogue_list",
    "role_catalogue_detail",
    "role_model_adopt",
    "role_list",
    "role_create",
    "role_detail",
    "role_update",
    "assignment_list",
    "assignment_create",
    "assignment_detail",
    "assignment_update",
    "assignment_delete",
    "import_assignments",
    "matrix_detail",
    "matrix_cell_set",
    "role_checks",
}


ROUTES = [r for r in api_route_patterns() if r.name in ROLE_ROUTES]


def test_the_role_routes_are_all_registered() -> None:
    assert {r.name for r in ROUTES} == ROLE_ROUTES


def _send(client: ApiClient, route: Any, url: str) -> Any:
    if route.method == "GET":
        return client.get(url)
    if route.method == "DELETE":
        return client.delete(url)
    if route.name == "import_assignments":
        return client.upload(url, {"file": SimpleUploadedFile("z.csv", b"email;rolle;von\r\n")})
    return client.raw(route.method, url, "{}")


def _url(route: Any, scene: Scene, *, foreign_ids: bool, catalogue: int) -> str:
    ids = {
        "role_id": (scene.other_roles if foreign_ids else scene.roles)["cio"].pk,
        "assignment_id": (scene.foreign if foreign_ids else scene.lotse).pk,
        "catalogue_id": catalogue,
    }
    return route.url(kommune_slug="teststadt", **{p: ids[p] for p in route.object_params})


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.name}")
def test_the_admin_of_another_kommune_gets_404_on_every_role_route(
    scene: Scene, api: dict[str, ApiClient], catalogues: dict[str, Catalogue], route: Any
) -> None:
    before = scene.state()
    response = _send(api["outsider"], route, _url(route, scene, foreign_ids=False, catalogue=catalogues["kgst"].pk))
    assert response.status_code == 404
    assert scene.state() == before


OBJECT_ROUTES = [r for r in ROUTES if set(r.object_params) - {"catalogue_id"}]


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=lambda r: f"{r.method} {r.name}")
def test_ids_of_another_kommune_in_the_url_are_404_on_every_method(
    scene: Scene, api: dict[str, ApiClient], catalogues: dict[str, Catalogue], route: Any
) -> None:
    before = scene.state()
    response = _send(api["admin"], route, _url(route, scene, foreign_ids=True, catalogue=catalogues["kgst"].pk))
    assert response.status_code == 404
    assert response.json()["detail"] == "Nicht gefunden."
    assert scene.state() == before
    assert_no_sentinel(response)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.name}")
def test_anonymous_callers_get_401_on_every_role_route(
    scene: Scene, api: dict[str, ApiClient], catalogues: dict[str, Catalogue], route: Any
) -> None:
    response = _send(api["anonymous"], route, _url(route, scene, foreign_ids=False, catalogue=catalogues["kgst"].pk))
    assert response.status_code == 401
