"""The client's address behind reverse proxies (S7 in docs/security.md): forged headers change nothing."""

from __future__ import annotations

import pytest
from axes.helpers import get_client_ip_address
from django.test import RequestFactory, override_settings

from kompass.core.clientaddr import UNKNOWN, client_address, parse_address
from kompass.core.env import ConfigurationError, env_networks, env_rate

PROXIES = ["10.0.0.0/8", "2001:db8:ffff::/48"]


def request(remote: str | None, forwarded: str | None = None):
    meta = {}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    req = RequestFactory().get("/", **meta)
    if remote is None:
        del req.META["REMOTE_ADDR"]
    else:
        req.META["REMOTE_ADDR"] = remote
    return req


@override_settings(TRUSTED_PROXIES=[])
def test_without_trusted_proxies_a_forged_header_is_ignored():
    assert client_address(request("198.51.100.7", "203.0.113.1")) == "198.51.100.7"
    assert client_address(request("198.51.100.7", "203.0.113.1, 10.0.0.1")) == "198.51.100.7"


@override_settings(TRUSTED_PROXIES=PROXIES)
def test_a_connection_from_outside_the_proxies_is_the_client_whatever_it_says():
    assert client_address(request("198.51.100.7", "10.0.0.2")) == "198.51.100.7"


@override_settings(TRUSTED_PROXIES=PROXIES)
def test_behind_a_trusted_proxy_the_hop_it_added_is_the_client():
    assert client_address(request("10.0.0.5", "203.0.113.9")) == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=PROXIES)
def test_what_the_client_wrote_left_of_the_proxy_entries_is_not_believed():
    # The client sent "X-Forwarded-For: 192.0.2.66"; the proxy appended the address it saw.
    assert client_address(request("10.0.0.5", "192.0.2.66, 203.0.113.9")) == "203.0.113.9"
    # Two trusted proxies in a row (10.0.0.7 passed it on to 10.0.0.5).
    assert client_address(request("10.0.0.5", "192.0.2.66, 203.0.113.9, 10.0.0.7")) == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=PROXIES)
def test_garbage_in_the_chain_stops_the_walk_at_the_last_trusted_hop():
    assert client_address(request("10.0.0.5", "203.0.113.9, <script>")) == "10.0.0.5"


@override_settings(TRUSTED_PROXIES=PROXIES)
def test_a_client_inside_the_proxy_network_is_the_leftmost_hop():
    assert client_address(request("10.0.0.5", "10.1.2.3")) == "10.1.2.3"
    assert client_address(request("10.0.0.5")) == "10.0.0.5"


@override_settings(TRUSTED_PROXIES=PROXIES)
def test_ports_brackets_ipv6_and_mapped_addresses():
    assert client_address(request("10.0.0.5", "203.0.113.9:4711")) == "203.0.113.9"
    assert client_address(request("2001:db8:ffff::1", "[2001:db8:1::5]:443")) == "2001:db8:1::5"
    assert client_address(request("::ffff:10.0.0.5", "203.0.113.9")) == "203.0.113.9"


def test_a_request_without_address_is_unknown_and_never_raises():
    assert client_address(request(None)) == UNKNOWN
    assert client_address(request("kein-ip")) == UNKNOWN
    assert parse_address("2001:db8::1") is not None and parse_address("999.1.1.1") is None


@override_settings(TRUSTED_PROXIES=PROXIES)
def test_login_throttling_counts_the_same_address():
    req = request("10.0.0.5", "192.0.2.66, 203.0.113.9")
    assert get_client_ip_address(req) == "203.0.113.9"
    with override_settings(TRUSTED_PROXIES=[]):
        assert get_client_ip_address(req) == "10.0.0.5"


def test_configuration_refuses_what_is_no_network_or_rate(monkeypatch):
    monkeypatch.setenv("KOMPASS_TRUSTED_PROXIES", "10.0.0.0/8, fd00::/8")
    assert env_networks("KOMPASS_TRUSTED_PROXIES", []) == ["10.0.0.0/8", "fd00::/8"]
    monkeypatch.setenv("KOMPASS_TRUSTED_PROXIES", "10.0.0.0/33")
    with pytest.raises(ConfigurationError):
        env_networks("KOMPASS_TRUSTED_PROXIES", [])
    monkeypatch.setenv("RATE_LIMIT_X", "5/600")
    assert env_rate("RATE_LIMIT_X", "1/1") == (5, 600)
    for bad in ("5", "fünf/600", "0/600", "5/0"):
        monkeypatch.setenv("RATE_LIMIT_X", bad)
        with pytest.raises(ConfigurationError):
            env_rate("RATE_LIMIT_X", "1/1")


def test_axes_gets_none_instead_of_the_unknown_marker_for_its_address_column() -> None:
    """force_login and test requests have no REMOTE_ADDR; PostgreSQL's inet column refuses 'unbekannt'."""
    from django.test import RequestFactory

    from kompass.core.clientaddr import axes_client_address

    request = RequestFactory().get("/")
    request.META.pop("REMOTE_ADDR", None)
    assert axes_client_address(request) is None
    request.META["REMOTE_ADDR"] = "198.51.100.7"
    assert axes_client_address(request) == "198.51.100.7"
