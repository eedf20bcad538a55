"""Rate limit of the feedback form, reachable without login (S7 in docs/security.md).

Every message is stored and mailed to the administrators, so one address may send five in ten
minutes; what comes after gets 429 with Retry-After and is neither stored nor mailed.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from kompass.ui.models import Feedback

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, 0, 5, tzinfo=datetime.UTC)
ADMINS = [("Betrieb", "betrieb@example.org")]
PROXY = "10.0.0.5"
RATES = {**settings.RATE_LIMITS, "feedback.address": (5, 600)}


def post(client: Client, n: int = 0, **extra: str):
    return client.post(
        reverse("ui:feedback"), {"page_url": "/impressum/", "message": f"Kontrast zu gering ({n})"}, **extra
    )


@override_settings(ADMINS=ADMINS, RATE_LIMITS=RATES)
def test_sixty_posts_from_one_address_store_and_mail_five() -> None:
    client = Client(REMOTE_ADDR="198.51.100.7")
    with time_machine.travel(START, tick=False):
        statuses = [post(client, n).status_code for n in range(60)]
        refused = post(client, 61)
    assert statuses[:5] == [302] * 5
    assert set(statuses[5:]) == {429}
    assert refused["Retry-After"] == "595"
    page = refused.content.decode()
    assert refused["Content-Type"].startswith("text/html") and '<html lang="de">' in page
    assert "Zu viele Anfragen" in page and "in 10 Minuten" in page
    assert Feedback.objects.count() == 5
    assert len(mail.outbox) == 5


@override_settings(ADMINS=ADMINS, RATE_LIMITS=RATES)
def test_the_form_is_open_again_when_the_window_has_passed() -> None:
    client = Client(REMOTE_ADDR="198.51.100.7")
    with time_machine.travel(START, tick=False) as clock:
        for n in range(6):
            post(client, n)
        assert post(client).status_code == 429
        clock.shift(datetime.timedelta(seconds=595))
        assert post(client).status_code == 302
    assert Feedback.objects.count() == 6


@override_settings(RATE_LIMITS=RATES)
def test_another_address_has_its_own_bucket_and_reading_the_form_is_not_counted() -> None:
    with time_machine.travel(START, tick=False):
        first = Client(REMOTE_ADDR="198.51.100.7")
        for n in range(6):
            post(first, n)
        assert post(first).status_code == 429
        assert first.get(reverse("ui:feedback")).status_code == 200
        assert post(Client(REMOTE_ADDR="198.51.100.8")).status_code == 302


@override_settings(TRUSTED_PROXIES=[], RATE_LIMITS=RATES)
def test_a_forged_forwarded_header_without_trusted_proxy_changes_nothing() -> None:
    client = Client(REMOTE_ADDR="198.51.100.7")
    with time_machine.travel(START, tick=False):
        statuses = [post(client, n, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(7)]
    assert statuses == [302] * 5 + [429] * 2


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"], RATE_LIMITS=RATES)
def test_behind_the_trusted_proxy_each_client_has_its_own_bucket_and_cannot_forge_another() -> None:
    proxy = Client(REMOTE_ADDR=PROXY)
    with time_machine.travel(START, tick=False):
        # The client forges a new address in front each time; the proxy appends the one it saw.
        statuses = [post(proxy, n, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 198.51.100.7").status_code for n in range(7)]
        other = post(proxy, HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert statuses == [302] * 5 + [429] * 2
    assert other.status_code == 302
