"""The rate limiter (S7 in docs/security.md): fixed windows on the shared cache, one bucket per key."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from kompass.core import ratelimit
from kompass.core.ratelimit import address_key, blocked, hit, limited, too_many_requests

pytestmark = pytest.mark.django_db

LIMITS = {**settings.RATE_LIMITS, "test.address": (3, 600), "test.kommune": (2, 60)}
START = datetime.datetime(2026, 3, 2, 9, 0, 5, tzinfo=datetime.UTC)


@override_settings(RATE_LIMITS=LIMITS)
def test_the_event_past_the_limit_is_refused_until_the_window_ends():
    with time_machine.travel(START, tick=False) as clock:
        assert [hit("test.address", "198.51.100.7") for _ in range(3)] == [None, None, None]
        assert hit("test.address", "198.51.100.7") == 595  # the window started at 9:00:00
        # Still counted after the database cache's default timeout of 300 s.
        clock.shift(datetime.timedelta(seconds=594))
        assert hit("test.address", "198.51.100.7") == 1
        clock.shift(datetime.timedelta(seconds=1))
        assert hit("test.address", "198.51.100.7") is None


@override_settings(RATE_LIMITS=LIMITS)
def test_keys_and_scopes_do_not_share_a_bucket():
    with time_machine.travel(START, tick=False):
        for _ in range(3):
            hit("test.address", "198.51.100.7")
        assert hit("test.address", "198.51.100.7")
        assert hit("test.address", "198.51.100.8") is None
        assert hit("test.kommune", "198.51.100.7") is None


@override_settings(RATE_LIMITS=LIMITS)
def test_blocked_looks_without_counting():
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            assert blocked("test.address", "a") is None
        for _ in range(3):
            hit("test.address", "a")
        assert blocked("test.address", "a") == 595


def test_the_cache_key_holds_no_address_in_clear():
    assert "198.51.100.7" not in ratelimit._key("feedback.address", ("198.51.100.7",), 1)


def test_an_ipv6_client_is_counted_by_its_64_network():
    factory = RequestFactory()
    one = factory.get("/", REMOTE_ADDR="2001:db8:1:2::1")
    two = factory.get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")
    other = factory.get("/", REMOTE_ADDR="2001:db8:1:3::1")
    assert address_key(one) == address_key(two) == "2001:db8:1:2::/64"
    assert address_key(other) != address_key(one)
    assert address_key(factory.get("/", REMOTE_ADDR="198.51.100.7")) == "198.51.100.7"


@override_settings(RATE_LIMITS=LIMITS)
def test_the_decorator_counts_only_the_named_methods_and_answers_429_in_german():
    calls = []

    @limited("test.address", methods=["POST"])
    def view(request):
        calls.append(request.method)
        return HttpResponse("ok")

    factory = RequestFactory()
    with time_machine.travel(START, tick=False):
        for _ in range(10):
            assert view(factory.get("/")).status_code == 200
        statuses = [view(factory.post("/")).status_code for _ in range(5)]
        response = view(factory.post("/"))
    assert statuses == [200, 200, 200, 429, 429]
    assert len(calls) == 13
    assert response.status_code == 429 and response["Retry-After"] == "595"


def test_an_unknown_scope_fails_when_the_view_is_declared():
    with pytest.raises(KeyError):
        limited("gibt.es.nicht")


def test_the_429_page_says_when_to_try_again():
    request = RequestFactory().get("/")
    response = too_many_requests(request, 90)
    assert response.status_code == 429
    assert response["Retry-After"] == "90"
    text = response.content.decode()
    assert "Zu viele Anfragen" in text and "2 Minuten" in text
    assert "30 Sekunden" in too_many_requests(request, 30).content.decode()
