"""Idle timeout and absolute lifetime of browser sessions, and "Angemeldet bleiben" (docs/security.md A4)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse

from kompass.accounts import services
from kompass.api.tests.helpers import BASE
from kompass.conftest import World

PAGE = reverse("accounts:api_tokens")
LOGIN = reverse("accounts:login")
KEEPALIVE = reverse("accounts:session_keepalive")
START = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)
MIN = datetime.timedelta(minutes=1)


@pytest.fixture
def clock():  # type: ignore[no-untyped-def]
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def logged_in(world: World) -> Client:
    client = Client()
    client.force_login(world.editor)
    return client


def sent_to_login(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_activity_keeps_the_session_and_30_idle_minutes_end_it(world: World, clock) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(world)
    assert client.get(PAGE).status_code == 200
    clock.shift(29 * MIN)
    assert client.get(PAGE).status_code == 200
    clock.shift(29 * MIN)  # 58 minutes after the login, 29 after the last request
    assert client.get(PAGE).status_code == 200
    clock.shift(30 * MIN)
    response = client.get(PAGE)
    assert sent_to_login(response)
    assert response["Location"] == f"{LOGIN}?next=%2Fkonto%2Fapi-tokens%2F"
    login_page = client.get(response["Location"]).content.decode()
    assert "Sie wurden nach 30 Minuten ohne Aktivität abgemeldet." in login_page
    assert "_auth_user_id" not in client.session
    clock.shift(MIN)
    assert sent_to_login(client.get(PAGE))  # the old cookie opens nothing any more


@override_settings(SESSION_ABSOLUTE_LIFETIME=3 * 3600)
def test_the_absolute_lifetime_ends_even_an_active_session(world: World, clock) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(world)
    for _step in range(8):  # every 20 minutes for 2 h 40 min
        assert client.get(PAGE).status_code == 200
        clock.shift(20 * MIN)
    assert client.get(PAGE).status_code == 200  # 2 h 40 min
    clock.shift(20 * MIN)  # 3 h
    response = client.get(PAGE)
    assert sent_to_login(response)
    assert "nach 3 Stunden" in client.get(response["Location"]).content.decode()


def test_keep_alive_resets_the_idle_time_but_not_the_lifetime(world: World, clock) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(world)
    client.get(PAGE)
    clock.shift(28 * MIN)
    answer = client.post(KEEPALIVE).json()
    assert answer == {"seconds_left": 30 * 60, "renewable": True}
    clock.shift(28 * MIN)  # 56 minutes after the login, 28 after "Angemeldet bleiben"
    assert client.get(PAGE).status_code == 200
    # near the end of the 10 hours, staying logged in is no longer possible
    for _step in range(18):
        clock.shift(29 * MIN)
        assert client.post(KEEPALIVE).status_code == 200
    clock.shift(datetime.timedelta(hours=10) - 56 * MIN - 18 * 29 * MIN - MIN)
    answer = client.post(KEEPALIVE).json()
    assert answer == {"seconds_left": 60, "renewable": False}
    clock.shift(MIN)
    assert client.post(KEEPALIVE).status_code == 302


def test_background_requests_do_not_count_as_activity(world: World, clock) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(world)
    client.get(PAGE)
    for _step in range(3):
        clock.shift(10 * MIN - datetime.timedelta(seconds=1))
        assert client.get(PAGE, headers={"X-Kompass-Background": "1"}).status_code == 200
    clock.shift(datetime.timedelta(seconds=3))
    assert sent_to_login(client.get(PAGE, headers={"X-Kompass-Background": "1"}))


def test_an_htmx_request_after_the_timeout_moves_the_whole_page(world: World, clock) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(world)
    client.get(PAGE)
    clock.shift(31 * MIN)
    response = client.get(PAGE, headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == LOGIN


def test_the_api_on_an_idle_session_answers_401_and_bearer_tokens_are_untouched(world: World, clock) -> None:  # type: ignore[no-untyped-def]
    _token, secret = services.api_token_create(user=world.editor, name="Skript")
    client = logged_in(world)
    assert client.get(BASE).status_code == 200
    clock.shift(31 * MIN)
    assert client.get(BASE, headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    response = client.get(BASE)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")


def test_expiry_is_logged_without_secrets(world: World, clock, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(world)
    client.get(PAGE)
    clock.shift(31 * MIN)
    with caplog.at_level("INFO", logger="kompass.security"):
        client.get(PAGE)
    lines = [r.getMessage() for r in caplog.records if r.name == "kompass.security"]
    assert f"session_expired user={world.editor.pk} reason=idle" in lines
    assert all("sessionid" not in line and world.editor.username not in line for line in lines)


@override_settings(SESSION_IDLE_TIMEOUT=60)
def test_the_message_follows_the_configured_timeout(world: World, clock) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(world)
    client.get(PAGE)
    clock.shift(MIN)
    response = client.get(PAGE, follow=True)
    assert "nach 1 Minute ohne Aktivität" in response.content.decode()


def test_pages_carry_the_seconds_left_for_the_warning_script(world: World, clock) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(world)
    client.get(PAGE)
    clock.shift(10 * MIN)
    body = client.get(PAGE).content.decode()
    assert 'data-session-left="1800"' in body  # the page request itself was activity
    assert 'data-session-warn="120"' in body
    assert "accounts/session_timeout" in body and 'id="kk-session-warning"' in body
    anonymous = Client().get(LOGIN).content.decode()
    assert "data-session-left" not in anonymous and "session_timeout" not in anonymous


def test_keep_alive_is_post_only_with_csrf_and_needs_a_login(world: World) -> None:
    assert Client().post(KEEPALIVE).status_code == 401
    client = logged_in(world)
    assert client.get(KEEPALIVE).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.editor)
    assert strict.post(KEEPALIVE).status_code == 403
