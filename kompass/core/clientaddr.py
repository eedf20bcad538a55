"""The address of the client that sent a request, also behind reverse proxies (S7 in docs/security.md).

A reverse proxy connects to the app itself, so `REMOTE_ADDR` is the proxy's address and every client
behind it would share one. The proxy writes the address it saw into `X-Forwarded-For`, appending to
whatever the client sent; only the entries added by proxies we run can be believed. So the header is
read from the right: each hop whose sender is a trusted proxy (setting `TRUSTED_PROXIES`, networks in
CIDR notation, environment `KOMPASS_TRUSTED_PROXIES`) names the next sender; the first one that is not
trusted is the client. Without trusted proxies the header is ignored and `REMOTE_ADDR` is the client,
so a client cannot choose the address it is counted under.

Used by the login throttling (`AXES_CLIENT_IP_CALLABLE`) and by the rate limiter (`core.ratelimit`).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

UNKNOWN = "unbekannt"


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def trusted_networks() -> tuple[IPNetwork, ...]:
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))


def parse_address(raw: str) -> IPAddress | None:
    """An address as a proxy writes it: `203.0.113.7`, `203.0.113.7:4711`, `2001:db8::1`, `[2001:db8::1]:443`;
    an IPv4 address mapped into IPv6 counts as the IPv4 address. Anything else is None."""
    text = raw.strip().strip('"')
    if text.startswith("["):  # [v6]:port
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_trusted(address: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The client's address as text; `UNKNOWN` when the connection names none (never raises)."""
    peer = parse_address(request.META.get("REMOTE_ADDR", "") or "")
    if peer is None:
        return UNKNOWN
    networks = trusted_networks()
    if not networks or not _is_trusted(peer, networks):
        return str(peer)
    hops = [hop for hop in (request.META.get("HTTP_X_FORWARDED_FOR", "") or "").split(",") if hop.strip()]
    current = peer  # the sender of the request as far as it is known for sure
    for hop in reversed(hops):
        address = parse_address(hop)
        if address is None:
            # A trusted proxy passed on something that is no address: nothing left of it can be believed.
            return str(current)
        current = address
        if not _is_trusted(address, networks):
            return str(address)
    return str(current)


def axes_client_address(request: HttpRequest) -> str | None:
    """For django-axes (`AXES_CLIENT_IP_CALLABLE`): the address, or None when the connection names none
    (axes stores it in an address column, which PostgreSQL refuses to fill with `UNKNOWN`)."""
    address = client_address(request)
    return None if address == UNKNOWN else address
