"""Rate limits of the API (S7 in docs/security.md): per token, and imports per member and Kommune.

The API's limit is generous (a runaway script, not work, should hit it); tests set small limits.
An import through the API uses the same counters as the import pages.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from kompass.api.tests.helpers import BASE, ApiClient, token_for
from kompass.conftest import World

START = datetime.datetime(2026, 3, 2, 9, 0, 5, tzinfo=datetime.UTC)
UNITS_CSV = b"kennung;name;typ;uebergeordnet;leitung_email\r\n40;Schulverwaltungsamt;Amt;D1;\r\n"


def rates(**overrides: tuple[int, int]) -> dict[str, tuple[int, int]]:
    return {**settings.RATE_LIMITS, **{name.replace("__", "."): rate for name, rate in overrides.items()}}


@override_settings(RATE_LIMITS=rates(api__token=(3, 60)))
def test_calls_past_the_token_limit_get_429_with_retry_after_and_another_token_is_served(world: World) -> None:
    first = ApiClient(token_for(world.admin))
    second = ApiClient(token_for(world.admin))
    with time_machine.travel(START, tick=False) as clock:
        statuses = [first.get(BASE + "/organisationseinheiten").status_code for _ in range(4)]
        refused = first.get(BASE + "/organisationseinheiten")
        other = second.get(BASE + "/organisationseinheiten")
        clock.shift(datetime.timedelta(seconds=55))
        again = first.get(BASE + "/organisationseinheiten")
    assert statuses == [200, 200, 200, 429]
    assert refused.status_code == 429 and refused["Retry-After"] == "55"
    assert "Zu viele Anfragen" in refused.json()["detail"]
    assert other.status_code == 200
    assert again.status_code == 200


@override_settings(RATE_LIMITS=rates(api__token=(3, 60)))
def test_a_wrong_token_is_401_and_fills_no_counter(world: World) -> None:
    with time_machine.travel(START, tick=False):
        assert {ApiClient("kk_falsch").get("/api/v1/kommunen").status_code for _ in range(5)} == {401}


def upload(client: ApiClient) -> int:
    files = {"file": SimpleUploadedFile("daten.csv", UNITS_CSV), "dry_run": "true"}
    return int(client.upload(f"{BASE}/importe/organisationseinheiten", files).status_code)


@override_settings(RATE_LIMITS=rates(import__user=(2, 600), import__kommune=(100, 600)))
def test_imports_through_api_and_pages_share_the_member_counter(world: World) -> None:
    api = ApiClient(token_for(world.admin))
    page = world.client_for(world.admin)
    with time_machine.travel(START, tick=False):
        assert upload(api) == 200
        assert page.post(reverse("org:import_preview", kwargs={"kommune_slug": "teststadt"})).status_code != 429
        assert upload(api) == 429
        assert page.post(reverse("org:import_preview", kwargs={"kommune_slug": "teststadt"})).status_code == 429


@override_settings(RATE_LIMITS=rates(import__user=(100, 600), import__kommune=(2, 600)))
def test_a_kommune_that_used_up_its_imports_does_not_slow_down_another(world: World) -> None:
    with time_machine.travel(START, tick=False):
        assert upload(ApiClient(token_for(world.admin))) == 200
        assert upload(ApiClient(token_for(world.admin))) == 200
        assert upload(ApiClient(token_for(world.admin))) == 429
        outsider = ApiClient(token_for(world.outsider))
        response = outsider.upload(
            "/api/v1/kommunen/nachbarort/importe/organisationseinheiten",
            {"file": SimpleUploadedFile("daten.csv", b"kennung;name;typ\r\n50;Amt;Amt\r\n"), "dry_run": "true"},
        )
        assert response.status_code in {200, 422}


pytestmark = pytest.mark.django_db
