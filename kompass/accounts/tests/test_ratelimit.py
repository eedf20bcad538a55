"""Rate limits of logins, invitations and downloads (S7 in docs/security.md).

Login: axes locks a user name together with an address after five failures; on top, one address
may fail 30 times in 15 minutes across all user names (password spraying). Invitations and
downloads are counted per member within a Kommune and per Kommune, so a busy Kommune never
slows down another.
"""

from __future__ import annotations

import datetime

import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from kompass.accounts.models import Invitation
from kompass.conftest import World
from kompass.factories import UserFactory
from kompass.tenancy.models import Membership, Role

PASSWORD = "ein-langes-testpasswort"
LOGIN = "/anmelden/"
START = datetime.datetime(2026, 3, 2, 9, 0, 5, tzinfo=datetime.UTC)
SPRAYER = "198.51.100.7"


def rates(**overrides: tuple[int, int]) -> dict[str, tuple[int, int]]:
    return {**settings.RATE_LIMITS, **{name.replace("__", "."): rate for name, rate in overrides.items()}}


def spray(client: Client, count: int) -> list[int]:
    """`count` failed logins, each with another user name (below axes' lock per name and address)."""
    return [
        client.post(LOGIN, {"username": f"nutzer{n}", "password": "falsches-passwort"}).status_code
        for n in range(count)
    ]


@override_settings(RATE_LIMITS=rates(login__address=(30, 900)))
def test_spraying_31_user_names_from_one_address_is_refused(world: World) -> None:
    client = Client(REMOTE_ADDR=SPRAYER)
    with time_machine.travel(START, tick=False):
        assert spray(client, 30) == [200] * 30
        refused = client.post(LOGIN, {"username": "nutzer31", "password": "falsches-passwort"})
        # Even the right password of a real account: the address has used up its attempts.
        right = client.post(LOGIN, {"username": "admin", "password": PASSWORD})
    assert refused.status_code == 429 and int(refused["Retry-After"]) == 895
    assert right.status_code == 429 and SESSION_KEY not in client.session
    assert "Zu viele Anfragen" in right.content.decode()


@override_settings(RATE_LIMITS=rates(login__address=(30, 900)))
def test_another_address_logs_in_and_the_sprayer_may_try_again_after_the_window(world: World) -> None:
    client = Client(REMOTE_ADDR=SPRAYER)
    with time_machine.travel(START, tick=False) as clock:
        spray(client, 31)
        assert client.post(LOGIN, {"username": "admin", "password": PASSWORD}).status_code == 429
        other = Client(REMOTE_ADDR="198.51.100.8")
        assert other.post(LOGIN, {"username": "admin", "password": PASSWORD}).status_code == 302
        clock.shift(datetime.timedelta(seconds=895))
        assert client.post(LOGIN, {"username": "admin", "password": PASSWORD}).status_code == 302


@override_settings(RATE_LIMITS=rates(login__address=(30, 900)), TRUSTED_PROXIES=[])
def test_a_forged_forwarded_header_does_not_open_a_new_bucket(world: World) -> None:
    client = Client(REMOTE_ADDR=SPRAYER)
    with time_machine.travel(START, tick=False):
        for n in range(30):
            client.post(
                LOGIN,
                {"username": f"nutzer{n}", "password": "falsch"},
                HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
            )
        response = client.post(LOGIN, {"username": "admin", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.200")
    assert response.status_code == 429


@override_settings(RATE_LIMITS=rates(login__address=(30, 900)))
def test_successful_logins_and_reading_the_form_are_not_counted(world: World) -> None:
    with time_machine.travel(START, tick=False):
        for _ in range(35):
            client = Client(REMOTE_ADDR=SPRAYER)
            assert client.get(LOGIN).status_code == 200
            assert client.post(LOGIN, {"username": "admin", "password": PASSWORD}).status_code == 302


# --- invitations ---------------------------------------------------------------------------------


def invite(client: Client, slug: str, n: int) -> int:
    data = {"email": f"person{n}@example.org", "role": Role.READER}
    return client.post(reverse("accounts:members", kwargs={"kommune_slug": slug}), data).status_code


@override_settings(RATE_LIMITS=rates(invitation__user=(3, 3600), invitation__kommune=(100, 3600)))
def test_invitations_per_member_and_the_other_kommune_is_not_touched(world: World) -> None:
    admin = world.client_for(world.admin)
    second = UserFactory(username="zweite")
    Membership.objects.create(kommune=world.kommune, user=second, role=Role.ADMIN)
    with time_machine.travel(START, tick=False):
        assert [invite(admin, "teststadt", n) for n in range(5)] == [302, 302, 302, 429, 429]
        assert invite(world.client_for(second), "teststadt", 10) == 302
        assert invite(world.client_for(world.outsider), "nachbarort", 20) == 302
    assert Invitation.objects.filter(kommune=world.kommune).count() == 4
    assert len(mail.outbox) == 5


@override_settings(RATE_LIMITS=rates(invitation__user=(100, 3600), invitation__kommune=(3, 3600)))
def test_a_kommune_that_used_up_its_invitations_does_not_slow_down_another(world: World) -> None:
    second = UserFactory(username="zweite")
    Membership.objects.create(kommune=world.kommune, user=second, role=Role.ADMIN)
    with time_machine.travel(START, tick=False):
        assert [invite(world.client_for(world.admin), "teststadt", n) for n in range(3)] == [302] * 3
        assert invite(world.client_for(second), "teststadt", 10) == 429
        assert [invite(world.client_for(world.outsider), "nachbarort", 20 + n) for n in range(3)] == [302] * 3


# --- downloads -----------------------------------------------------------------------------------


def download(client: Client, slug: str) -> int:
    return client.get(reverse("roles:matrix_csv", kwargs={"kommune_slug": slug})).status_code


@override_settings(RATE_LIMITS=rates(export__user=(2, 600), export__kommune=(300, 600)))
def test_downloads_per_member_within_a_kommune(world: World) -> None:
    admin = world.client_for(world.admin)
    with time_machine.travel(START, tick=False) as clock:
        assert [download(admin, "teststadt") for _ in range(3)] == [200, 200, 429]
        assert download(world.client_for(world.reader), "teststadt") == 200
        clock.shift(datetime.timedelta(seconds=595))
        assert download(admin, "teststadt") == 200


@override_settings(RATE_LIMITS=rates(export__user=(100, 600), export__kommune=(3, 600)))
def test_downloads_per_kommune_leave_the_other_kommune_served(world: World) -> None:
    with time_machine.travel(START, tick=False):
        for user in (world.admin, world.reader, world.editor):
            assert download(world.client_for(user), "teststadt") == 200
        refused = world.client_for(world.admin).get(reverse("roles:matrix_csv", kwargs={"kommune_slug": "teststadt"}))
        assert refused.status_code == 429 and refused["Retry-After"] == "595"
        assert download(world.client_for(world.outsider), "nachbarort") == 200
