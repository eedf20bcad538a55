"""The read routes of the role model answer with a fixed number of queries, however many assignments."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kompass.api.tests.helpers import BASE, ApiClient, token_for
from kompass.api.tests.roles.conftest import Scene, assign
from kompass.factories import person


def _queries(client: ApiClient, url: str, params: dict[str, Any] | None = None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _more_assignments(scene: Scene, n: int = 15) -> None:
    w = scene.world
    keys = ["lotse", "isb", "dsb", "personal", "cio"]
    for i in range(n):
        holder = person(w.kommune, f"Person{i}", "Viele", w.sachgebiet if i % 2 else w.hauptamt)
        assign(
            w.kommune,
            holder,
            scene.roles[keys[i % len(keys)]],
            deputy=w.alice,
            approved_by=w.bruno,
            org_unit=w.ordnungsamt if i % 3 else None,
        )


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/katalog", None),
        ("/rollen", None),
        ("/rollen/{cdo}", None),
        ("/zuordnungen", {"status": "alle"}),
        ("/matrix", None),
        ("/rollen-check", None),
    ],
)
def test_queries_of_a_read_route_do_not_grow_with_the_assignments(
    scene: Scene, path: str, params: dict[str, Any] | None
) -> None:
    client = ApiClient(token_for(scene.world.admin))
    url = BASE + path.format(cdo=scene.roles["lotse"].pk)
    client.get(url, params)
    before = _queries(client, url, params)
    _more_assignments(scene)
    assert _queries(client, url, params) == before
