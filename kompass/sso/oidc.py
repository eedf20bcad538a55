"""Single sign-on with OpenID Connect (authorization code flow), through authlib.

authlib does the protocol: the `state` kept in the session and compared on return, the `nonce`
sent along and compared with the ID token's, the code exchange, the ID token's signature against
the provider's published keys (JWKS, RS256), its issuer (the configured one, which must also be
the discovery document's), audience (our client id) and expiry. This module only says which
provider is meant and turns authlib's exceptions into one German message.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from joserfc.errors import JoseError

from kompass.sso.models import OidcProvider

INSTANCE_KEY = "instanz"
DISCOVERY = "/.well-known/openid-configuration"
LEEWAY_SECONDS = 60  # clock difference tolerated between the provider and this server
TIMEOUT_SECONDS = 10


class SsoError(Exception):
    """The login through the identity provider failed; `str(exc)` is for the log, never the page."""


@dataclass(frozen=True)
class Provider:
    key: str
    name: str
    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    group_claim: str
    kommune_id: int | None  # None: the instance-wide provider
    model: OidcProvider | None = None


def instance_provider() -> Provider | None:
    conf = settings.KOMPASS_OIDC
    if not conf.get("issuer") or not conf.get("client_id"):
        return None
    return Provider(
        key=INSTANCE_KEY,
        name=conf["name"],
        issuer=conf["issuer"].rstrip("/"),
        client_id=conf["client_id"],
        client_secret=conf["client_secret"],
        scopes=conf["scopes"],
        group_claim=conf["group_claim"],
        kommune_id=None,
    )


def kommune_provider(row: OidcProvider) -> Provider:
    return Provider(
        key=row.slug,
        name=row.name,
        issuer=row.issuer.rstrip("/"),
        client_id=row.client_id,
        client_secret=os.environ.get(row.client_secret_env, ""),
        scopes=row.scopes,
        group_claim=row.group_claim,
        kommune_id=row.kommune_id,
        model=row,
    )


def provider_by_key(key: str) -> Provider | None:
    """The provider a login link names. A Kommune's provider is looked up before any Kommune is
    known (the person is not logged in yet), by its unique slug only."""
    if key == INSTANCE_KEY:
        return instance_provider()
    row = OidcProvider.objects.unscoped().filter(slug=key, enabled=True).first()
    return kommune_provider(row) if row is not None else None


def _client(provider: Provider) -> DjangoOAuth2App:
    registry = OAuth()  # one per login: providers differ per Kommune and may change at any time
    return registry.register(
        name=f"kompass_{provider.key}",
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        server_metadata_url=provider.issuer + DISCOVERY,
        client_kwargs={"scope": provider.scopes, "timeout": TIMEOUT_SECONDS},
    )


def callback_url(request: HttpRequest, provider: Provider) -> str:
    return request.build_absolute_uri(reverse("sso:oidc_callback", kwargs={"provider": provider.key}))


def check_reachable_address(provider: Provider) -> None:
    """SECURITY (docs/security.md A3): the server itself fetches the discovery document, the keys and
    the token from the issuer a Kommune's Administration typed in. Its host must resolve to public
    addresses only, or to networks the operator allows for intranet providers
    (`KOMPASS_OIDC_ALLOWED_NETWORKS`), so a Kommune cannot make the server call into the data
    centre's internal network. The instance's own provider is the operator's choice and is not
    checked. (A name that resolves differently a moment later is not caught here; the operator's
    egress rules are the second wall.)"""
    if provider.model is None:
        return
    parts = urlsplit(provider.issuer)
    allowed = [ipaddress.ip_network(network, strict=False) for network in settings.KOMPASS_OIDC_ALLOWED_NETWORKS]
    try:
        found = socket.getaddrinfo(parts.hostname or "", parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise ValueError(f"issuer host does not resolve: {exc}") from exc
    for *_rest, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if not address.is_global and not any(address in network for network in allowed):
            raise ValueError(f"issuer host resolves to a non-public address ({address})")


def start(request: HttpRequest, provider: Provider) -> HttpResponse:
    """Redirect to the provider's login page; authlib keeps state and nonce in the session."""
    try:
        check_reachable_address(provider)
        client = _client(provider)
        _check_issuer(client, provider)
        return client.authorize_redirect(request, callback_url(request, provider))
    except (OAuthError, requests.RequestException, ValueError, KeyError, RuntimeError) as exc:
        raise SsoError(f"start: {exc!r}") from exc


def finish(request: HttpRequest, provider: Provider) -> dict[str, Any]:
    """Back from the provider: the verified claims of the ID token."""
    try:
        check_reachable_address(provider)
        client = _client(provider)
        _check_issuer(client, provider)
        token = client.authorize_access_token(
            request,
            claims_options={"iss": {"essential": True, "value": provider.issuer}},
            leeway=LEEWAY_SECONDS,
        )
    except (OAuthError, JoseError, requests.RequestException, ValueError, KeyError, TypeError, RuntimeError) as exc:
        raise SsoError(f"callback: {exc!r}") from exc
    claims = token.get("userinfo")
    if not claims or not claims.get("sub"):
        raise SsoError("callback: no verified ID token")  # a token response without one
    return dict(claims)


def _check_issuer(client: DjangoOAuth2App, provider: Provider) -> None:
    metadata = client.load_server_metadata()
    if str(metadata.get("issuer", "")).rstrip("/") != provider.issuer:
        raise ValueError("the discovery document names another issuer")


def groups_of(claims: dict[str, Any], provider: Provider) -> set[str]:
    value = claims.get(provider.group_claim) or []
    if isinstance(value, str):
        value = [value]
    return {str(group) for group in value if isinstance(group, str | int)}
