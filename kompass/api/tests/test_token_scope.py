"""The API keeps a token to its Kommune and its scope (docs/security.md A4).

A token made for Teststadt answers 404 under another Kommune's address, also when its holder is a
member there (like any address of a Kommune the caller may not see, it does not say whether it
exists); a token that may only read gets 403 with a German message for every change, and nothing
changes; an expired token is 401.
"""

from __future__ import annotations

import datetime

import time_machine

from kompass.accounts import services as account_services
from kompass.accounts.models import TokenScope
from kompass.api.tests.helpers import BASE, ApiClient
from kompass.conftest import World
from kompass.org.models import OrgUnit
from kompass.tenancy.models import Membership, Role

OTHER = "/api/v1/kommunen/nachbarort"
NEW_UNIT = {"code": "77", "name": "Neu", "unit_type": "amt"}


def client(world: World, scope: str = TokenScope.WRITE, kommune=None) -> ApiClient:  # type: ignore[no-untyped-def]
    _token, secret = account_services.api_token_create(
        user=world.admin, name="Skript", kommune=kommune or world.kommune, scope=scope
    )
    return ApiClient(secret)


def test_a_token_answers_404_under_another_kommune_even_for_a_member_there(world: World) -> None:
    Membership.objects.create(kommune=world.other, user=world.admin, role=Role.ADMIN)
    teststadt = client(world)
    assert teststadt.get(BASE + "/organisationseinheiten").status_code == 200
    for path in (OTHER, OTHER + "/organisationseinheiten", f"{OTHER}/organisationseinheiten/{world.other_unit.pk}"):
        response = teststadt.get(path)
        assert response.status_code == 404, path
        assert response.json()["detail"]
    assert teststadt.post(OTHER + "/organisationseinheiten", NEW_UNIT).status_code == 404
    assert not OrgUnit.objects.for_kommune(world.other).filter(code="77").exists()
    # the same person with a token for Nachbarort reaches it
    assert client(world, kommune=world.other).get(OTHER + "/organisationseinheiten").status_code == 200


def test_the_list_of_kommunen_shows_only_the_tokens_kommune(world: World) -> None:
    Membership.objects.create(kommune=world.other, user=world.admin, role=Role.ADMIN)
    assert [k["slug"] for k in client(world).get("/api/v1/kommunen").json()] == ["teststadt"]
    assert [k["slug"] for k in client(world, kommune=world.other).get("/api/v1/kommunen").json()] == ["nachbarort"]


def test_a_read_token_reads_but_every_change_is_403_in_german(world: World) -> None:
    reader = client(world, scope=TokenScope.READ)
    assert reader.get(BASE + "/organisationseinheiten").status_code == 200
    unit = world.ordnungsamt
    calls = [
        reader.post(BASE + "/organisationseinheiten", NEW_UNIT),
        reader.patch(f"{BASE}/organisationseinheiten/{unit.pk}", {"name": "Umbenannt", "version": unit.version}),
        reader.delete(f"{BASE}/organisationseinheiten/{unit.pk}", f"?version={unit.version}"),
    ]
    for response in calls:
        assert response.status_code == 403
        assert "darf nur lesen" in response.json()["detail"]
    assert not OrgUnit.objects.for_kommune(world.kommune).filter(code="77").exists()
    unit.refresh_from_db()
    assert unit.name != "Umbenannt"


def test_a_write_token_changes_with_the_members_rights(world: World) -> None:
    assert client(world).post(BASE + "/organisationseinheiten", NEW_UNIT).status_code == 201


def test_a_read_token_under_another_kommune_still_gets_404_not_403(world: World) -> None:
    assert client(world, scope=TokenScope.READ).post(OTHER + "/organisationseinheiten", NEW_UNIT).status_code == 404


def test_an_expired_token_is_401(world: World) -> None:
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        _token, secret = account_services.api_token_create(user=world.admin, name="Skript", days=1)
        assert ApiClient(secret).get(BASE).status_code == 200
    with time_machine.travel(start + datetime.timedelta(days=1), tick=False):
        response = ApiClient(secret).get(BASE)
    assert response.status_code == 401
    assert "API-Token" in response.json()["detail"]


def test_a_token_ends_with_a_password_change(world: World) -> None:
    token_client = client(world)
    world.admin.set_password("ein neues Passwort 123")
    world.admin.save()
    assert token_client.get(BASE).status_code == 401


def test_the_openapi_description_explains_kommune_scope_and_expiry(world: World) -> None:
    description = ApiClient().get("/api/v1/openapi.json").json()["info"]["description"]
    for text in ("eine Kommune", "nur lesen", "403", "läuft ab", "Passwort"):
        assert text in description, text
