"""A password set by someone else is changed at the first login; ending a membership or an account
ends its sessions (issue 8)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from kompass.accounts import services
from kompass.accounts.models import User
from kompass.conftest import World
from kompass.factories import UserFactory
from kompass.tenancy.models import Membership, Role

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("ui:dashboard", args=["teststadt"])
CHANGE = reverse("accounts:password_change")
NEW_PASSWORD = "korrekt-pferd-batterie-heftklammer"


# --- forced password change ----------------------------------------------------------------------


def test_create_kommune_marks_the_printed_password_for_a_change(db: None, capsys) -> None:
    call_command(
        "create_kommune",
        "--name=Neudorf",
        "--slug=neudorf",
        "--type=gemeinde",
        "--land=NW",
        "--population=1200",
        "--ags=05999001",
        "--admin=verwaltung",
    )
    password = capsys.readouterr().out.split("einmaliges Passwort: ")[1].split()[0]
    user = User.objects.get(username="verwaltung")
    assert user.must_change_password and user.check_password(password)


def test_create_kommune_refuses_a_platform_operator_as_administrator(db: None) -> None:
    UserFactory(username="betrieb", is_superuser=True)
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Betreiberinnen und Betreiber"):
        call_command(
            "create_kommune",
            "--name=Neudorf",
            "--slug=neudorf",
            "--type=gemeinde",
            "--land=NW",
            "--population=1200",
            "--ags=05999001",
            "--admin=betrieb",
        )


@pytest.fixture
def marked(world: World) -> User:
    services.password_set_by_other(user=world.admin, password="vom-betrieb-gesetzt-4711")
    return world.admin


def test_every_page_sends_to_the_password_change_until_it_is_done(world: World, marked: User) -> None:
    client = world.client_for(marked)
    for url in (DASHBOARD, reverse("accounts:members", args=["teststadt"]), reverse("ui:home")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(CHANGE), url
    page = client.get(CHANGE)
    assert page.status_code == 200 and "von jemand anderem festgelegt" in page.content.decode()
    assert client.post(reverse("org:unit_create", args=["teststadt"]), {"code": "99"}).status_code == 302
    assert client.get(reverse("ui:impressum")).status_code == 200


def test_after_the_change_the_flag_is_gone_and_the_page_asked_for_opens(world: World, marked: User) -> None:
    client = world.client_for(marked)
    response = client.post(
        f"{CHANGE}?next={DASHBOARD}",
        {
            "old_password": "vom-betrieb-gesetzt-4711",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
            "next": DASHBOARD,
        },
    )
    assert response.status_code == 302 and response["Location"] == DASHBOARD
    marked.refresh_from_db()
    assert not marked.must_change_password
    assert client.get(DASHBOARD).status_code == 200


def test_a_foreign_next_after_the_change_is_ignored(world: World, marked: User) -> None:
    response = world.client_for(marked).post(
        CHANGE,
        {
            "old_password": "vom-betrieb-gesetzt-4711",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
            "next": "https://boese.example/",
        },
    )
    assert response["Location"] == reverse("accounts:password_change_done")


def test_logout_stays_possible(world: World, marked: User) -> None:
    client = world.client_for(marked)
    assert client.post(reverse("accounts:logout"))["Location"] == reverse("accounts:login")
    assert client.get(DASHBOARD)["Location"].startswith(reverse("accounts:login"))


def test_an_htmx_request_moves_the_whole_page(world: World, marked: User) -> None:
    response = world.client_for(marked).get(DASHBOARD, headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith(CHANGE)


def test_the_api_answers_403_in_german_for_token_and_session(world: World, marked: User) -> None:
    _token, secret = services.api_token_create(user=marked, name="Skript")
    url = reverse("api:kommune_list")
    for client in (Client(headers={"Authorization": f"Bearer {secret}"}), world.client_for(marked)):
        response = client.get(url)
        assert response.status_code == 403
        assert "Bitte ändern Sie zuerst Ihr Passwort" in response.json()["detail"]


def test_accounts_with_their_own_password_are_not_stopped(world: World) -> None:
    assert world.client_for(world.reader).get(DASHBOARD).status_code == 200


# --- sessions end with the membership -----------------------------------------------------------


def _member_remove(world: World, user: User) -> None:
    membership = Membership.objects.for_kommune(world.kommune).get(user=user)
    response = world.client_for(world.admin).post(reverse("accounts:member_remove", args=["teststadt", membership.pk]))
    assert response.status_code == 302


def test_ending_the_only_membership_ends_the_persons_sessions(world: World) -> None:
    laptop, phone = world.client_for(world.reader), world.client_for(world.reader)
    assert laptop.get(DASHBOARD).status_code == 200
    _member_remove(world, world.reader)
    for client in (laptop, phone):
        response = client.get(reverse("accounts:api_tokens"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_with_another_membership_the_session_stays_for_the_other_kommune(world: World) -> None:
    Membership.objects.create(kommune=world.other, user=world.reader, role=Role.READER)
    client = world.client_for(world.reader)
    _member_remove(world, world.reader)
    assert client.get(reverse("ui:dashboard", args=["nachbarort"])).status_code == 200
    assert client.get(DASHBOARD).status_code == 404


def test_the_sessions_of_other_people_stay(world: World) -> None:
    editor = world.client_for(world.editor)
    _member_remove(world, world.reader)
    assert editor.get(DASHBOARD).status_code == 200


def test_deactivating_an_account_ends_all_its_sessions(world: World) -> None:
    client = world.client_for(world.editor)
    services.user_deactivate(actor=None, user=world.editor)
    assert client.get(DASHBOARD)["Location"].startswith(reverse("accounts:login"))
    world.editor.refresh_from_db()
    assert not world.editor.is_active


def test_a_new_login_after_the_sessions_ended_works(world: World) -> None:
    """The epoch changes the session hash, not the password: the person can log in again."""
    services.sessions_end(user=world.reader)
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "reader", "password": "ein-langes-testpasswort"})
    assert response.status_code == 302
    assert client.get(DASHBOARD).status_code == 200
