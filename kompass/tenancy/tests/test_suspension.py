"""A suspended Kommune: its members get a German 403 page (and the API a German 403) with the reason,
everyone else still the 404 that does not confirm it exists; the operator's reasoned access stays."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kompass.accounts import services
from kompass.conftest import World
from kompass.factories import UserFactory
from kompass.tenancy.context import KommuneSuspended, resolve_tenant
from kompass.tenancy.models import Membership, Role

pytestmark = pytest.mark.django_db

REASON = "Vertrag zum Jahresende beendet"
PAGES = ["/k/teststadt/", "/k/teststadt/organisation/", "/k/teststadt/mitglieder/", "/k/teststadt/stammdaten/"]


@pytest.fixture
def operator() -> Any:
    return UserFactory(username="betrieb", first_name="Olga", last_name="Operator", is_superuser=True, is_staff=True)


@pytest.fixture
def suspended(world: World, operator: Any) -> World:
    services.kommune_suspend(kommune=world.kommune, operator=operator, reason=REASON)
    world.kommune.refresh_from_db()
    return world


def api_client(user: Any) -> Client:
    _token, secret = services.api_token_create(user=user, name="Test")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_resolve_tenant_refuses_a_member_of_a_suspended_kommune(suspended: World) -> None:
    with pytest.raises(KommuneSuspended) as caught:
        resolve_tenant(suspended.admin, "teststadt")
    assert REASON in str(caught.value)


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("persona", ["admin", "editor", "reader"])
def test_members_see_a_german_page_that_the_kommune_is_suspended(suspended: World, persona: str, url: str) -> None:
    response = suspended.client_for(getattr(suspended, persona)).get(url)
    assert response.status_code == 403
    page = response.content.decode()
    assert "Kommune gesperrt" in page and "Teststadt" in page and REASON in page
    assert "Hauptamt" not in page


def test_a_member_cannot_write_into_a_suspended_kommune(suspended: World) -> None:
    client = suspended.client_for(suspended.admin)
    response = client.post("/k/teststadt/stammdaten/", {"name": "Umbenannt"})
    assert response.status_code == 403
    suspended.kommune.refresh_from_db()
    assert suspended.kommune.name == "Teststadt"


def test_non_members_still_get_404_and_learn_nothing(suspended: World) -> None:
    response = suspended.client_for(suspended.outsider).get("/k/teststadt/")
    assert response.status_code == 404
    assert REASON not in response.content.decode()


def test_the_other_kommune_is_not_affected(suspended: World) -> None:
    assert suspended.client_for(suspended.outsider).get("/k/nachbarort/").status_code == 200


def test_the_api_answers_403_with_a_german_message(suspended: World) -> None:
    for path in ("/api/v1/kommunen/teststadt", "/api/v1/kommunen/teststadt/orgunits"):
        response = api_client(suspended.editor).get(path)
        assert response.status_code == 403
        assert "gesperrt" in response.json()["detail"] and REASON in response.json()["detail"]
    response = api_client(suspended.admin).post(
        "/api/v1/kommunen/teststadt/orgunits", {"code": "99", "name": "Neu"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert api_client(suspended.outsider).get("/api/v1/kommunen/teststadt").status_code == 404


def test_after_reactivation_members_open_their_kommune_again(suspended: World, operator: Any) -> None:
    services.kommune_reactivate(kommune=suspended.kommune, operator=operator, reason="Vertrag wurde verlängert")
    assert suspended.client_for(suspended.reader).get("/k/teststadt/").status_code == 200
    assert api_client(suspended.reader).get("/api/v1/kommunen/teststadt").status_code == 200


def test_the_operators_reasoned_access_still_opens_a_suspended_kommune(suspended: World, operator: Any) -> None:
    client = suspended.client_for(operator)
    assert client.get("/k/teststadt/").status_code == 404
    client.post(
        reverse("accounts:operator_access_kommune", args=["teststadt"]), {"reason": "Datenübergabe vor Austritt"}
    )
    assert client.get("/k/teststadt/").status_code == 200


def test_the_start_page_of_a_member_marks_the_suspended_kommune(suspended: World) -> None:
    from kompass.tenancy.models import Membership, Role

    Membership.objects.create(kommune=suspended.other, user=suspended.admin, role=Role.READER)
    page = suspended.client_for(suspended.admin).get(reverse("ui:home")).content.decode()
    assert "gesperrt" in page


def test_the_api_list_of_ones_kommunen_marks_the_suspended_one(suspended: World) -> None:
    Membership.objects.create(kommune=suspended.other, user=suspended.admin, role=Role.READER)
    # In the browser session both Kommunen are listed; an API token names only its own (docs/security.md A4).
    session = suspended.client_for(suspended.admin)
    listed = {k["slug"]: k["suspended"] for k in session.get("/api/v1/kommunen").json()}
    assert listed == {"teststadt": True, "nachbarort": False}


def test_the_kommune_switcher_in_the_header_marks_the_suspended_one(suspended: World) -> None:
    Membership.objects.create(kommune=suspended.other, user=suspended.admin, role=Role.READER)
    page = suspended.client_for(suspended.admin).get(reverse("ui:dashboard", args=["nachbarort"])).content.decode()
    switcher = page[page.index("Kommune wechseln") : page.index("Benutzermenü")]
    assert 'Teststadt <span class="kk-muted">(Administration, gesperrt)</span>' in switcher
    assert 'Nachbarort <span class="kk-muted">(Lesend)</span>' in switcher
