"""The caller's Kommunen: only their own, another Kommune is not even confirmed to exist."""

from __future__ import annotations

from kompass.api.tests.helpers import BASE


def test_kommune_list_shows_only_the_callers_kommunen_with_role(world, api):
    response = api["editor"].get("/api/v1/kommunen")
    assert response.status_code == 200
    assert response.json() == [
        {
            "slug": "teststadt",
            "name": "Teststadt",
            "kommune_type": "stadt",
            "bundesland": "NW",
            "population": 45000,
            "ags": "05111000",
            "role": "editor",
            "scope_unit_id": world.ordnungsamt.pk,
            "suspended": False,
        }
    ]
    assert "GEHEIM" not in response.content.decode()


def test_kommune_detail_for_a_member(world, api):
    response = api["reader"].get(BASE)
    assert response.status_code == 200
    assert response.json()["role"] == "reader"
    assert response.json()["scope_unit_id"] is None


def test_kommune_detail_of_another_kommune_is_404(world, api):
    response = api["outsider"].get(BASE)
    assert response.status_code == 404
    assert response.json() == {"detail": "Nicht gefunden."}


def test_unknown_and_malformed_kommune_slugs_are_404(world, api):
    for slug in ("gibt-es-nicht", "TESTSTADT", "test%00stadt", "x" * 300):
        assert api["admin"].get(f"/api/v1/kommunen/{slug}").status_code == 404, slug


def test_kommune_detail_rejects_writes_with_405_json(world, api):
    response = api["admin"].post(BASE, {})
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert "nicht erlaubt" in response.json()["detail"]
