"""The shipped catalogues through the API: read by every member, the same for every Kommune."""

from __future__ import annotations

from kompass.api.tests.helpers import BASE, ApiClient
from kompass.api.tests.roles.conftest import Scene
from kompass.roles.models import Catalogue


def test_every_member_reads_the_catalogues_with_their_roles(scene: Scene, api: dict[str, ApiClient]) -> None:
    response = api["reader"].get(f"{BASE}/katalog")
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["limit"], body["offset"]) == (2, 50, 0)
    kgst = next(c for c in body["items"] if c["key"] == "kgst")
    assert kgst["is_latest"] is True
    assert [r["key"] for r in kgst["roles"]][:3] == ["rat", "hvb", "cdo"]
    assert kgst["roles"][2]["markers"] == ["cdo", "core"]


def test_catalogue_detail_has_the_relations_and_an_unknown_id_is_404(
    scene: Scene, api: dict[str, ApiClient], catalogues: dict[str, Catalogue]
) -> None:
    response = api["reader"].get(f"{BASE}/katalog/{catalogues['kgst'].pk}")
    assert response.status_code == 200
    assert {"from_key": "cdo", "to_key": "hvb"}.items() <= response.json()["relations"][0].items()
    assert api["reader"].get(f"{BASE}/katalog/999999").status_code == 404
