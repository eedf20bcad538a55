"""Single sign-on against a real OpenID Connect provider on loopback (docs/security.md A3).

Each test runs the whole flow: the login link → the provider's authorization endpoint → back with
a code → token exchange → the ID token checked (signature, issuer, audience, expiry, nonce).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import pytest
import requests
from django.contrib.messages import get_messages
from django.test import Client, override_settings

from kompass.accounts.models import User
from kompass.conftest import World
from kompass.sso import oidc
from kompass.sso.models import OidcGroupMapping, OidcIdentity
from kompass.sso.models import OidcProvider as ProviderRow
from kompass.sso.tests.oidc_provider import OidcProvider
from kompass.tenancy.models import Membership, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def idp() -> Iterator[OidcProvider]:
    with OidcProvider() as provider:
        conf = {
            "name": "Landes-Keycloak",
            "issuer": provider.issuer,
            "client_id": provider.client_id,
            "client_secret": "geheim",
            "scopes": "openid email profile",
            "group_claim": "groups",
        }
        with override_settings(KOMPASS_OIDC=conf, KOMPASS_MFA_REQUIRED=True):
            yield provider


@pytest.fixture
def mappings(world: World) -> None:
    OidcGroupMapping.objects.create(provider=None, group="kk-admin", kommune=world.kommune, role=Role.ADMIN)
    OidcGroupMapping.objects.create(provider=None, group="kk-lesen", kommune=world.kommune, role=Role.READER)
    OidcGroupMapping.objects.create(provider=None, group="nb-redaktion", kommune=world.other, role=Role.EDITOR)


def sso_login(client: Client, idp: OidcProvider, key: str = "instanz") -> Any:
    """Follow the flow as a browser would; returns the answer of the callback."""
    start = client.get(f"/anmelden/sso/{key}/")
    assert start.status_code == 302 and start["Location"].startswith(idp.issuer + "/auth?")
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=5)
    back = urlparse(at_provider.headers["Location"])
    assert back.hostname == "testserver"
    return client.get(back.path + "?" + back.query)


def error_text(response: Any) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_the_login_page_offers_the_configured_provider(idp: OidcProvider) -> None:
    page = Client().get("/anmelden/")
    assert "Mit Landes-Keycloak anmelden" in page.content.decode()
    assert 'href="/anmelden/sso/instanz/"' in page.content.decode()


def test_without_a_provider_the_login_page_offers_none(db: Any) -> None:
    assert (
        "Mit " not in Client().get("/anmelden/").content.decode().split("<main", 1)[-1].split("Passwort vergessen")[0]
    )


def test_happy_path_creates_the_account_by_subject_and_the_membership(
    idp: OidcProvider, world: World, mappings: None
) -> None:
    idp.groups = ["kk-admin", "fremd"]
    client = Client()
    answer = sso_login(client, idp)
    assert answer.status_code == 302 and answer["Location"] == "/"
    identity = OidcIdentity.objects.get(issuer=idp.issuer, subject=idp.subject)
    assert identity.user.email == "sara@teststadt.example" and not identity.user.has_usable_password()
    membership = Membership.objects.for_kommune(world.kommune).get(user=identity.user)
    assert membership.role == Role.ADMIN
    # The IdP did the MFA: the Administration member reaches her pages without a TOTP step here.
    assert client.get(f"/k/{world.kommune.slug}/").status_code == 200


def test_the_account_is_found_by_subject_not_by_email(idp: OidcProvider, world: World, mappings: None) -> None:
    idp.groups = ["kk-lesen"]
    world.reader.email = "sara@teststadt.example"
    world.reader.save()
    sso_login(Client(), idp)
    identity = OidcIdentity.objects.get(subject=idp.subject)
    assert identity.user != world.reader


def test_a_second_login_updates_the_memberships_to_the_groups(idp: OidcProvider, world: World, mappings: None) -> None:
    idp.groups = ["kk-admin", "nb-redaktion"]
    sso_login(Client(), idp)
    user = OidcIdentity.objects.get(subject=idp.subject).user
    assert Membership.objects.for_kommune(world.other).get(user=user).role == Role.EDITOR
    idp.groups = ["kk-lesen"]
    sso_login(Client(), idp)
    assert Membership.objects.for_kommune(world.kommune).get(user=user).role == Role.READER
    assert not Membership.objects.for_kommune(world.other).filter(user=user).exists()
    assert User.objects.filter(pk=user.pk).count() == 1 and OidcIdentity.objects.count() == 1


def test_a_group_of_the_provider_that_maps_nowhere_creates_nothing(
    idp: OidcProvider, world: World, mappings: None
) -> None:
    idp.groups = ["unbekannte-gruppe"]
    users = User.objects.count()
    answer = sso_login(Client(), idp)
    assert answer.status_code == 302 and answer["Location"] == "/anmelden/"
    assert "keiner Kommune in Kommunalkompass zugeordnet" in error_text(answer)
    assert User.objects.count() == users and not OidcIdentity.objects.exists()
    assert "_auth_user_id" not in answer.wsgi_request.session


@pytest.mark.parametrize(
    "bend",
    [
        pytest.param({"nonce": "ein-anderer-nonce"}, id="wrong-nonce"),
        pytest.param({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, id="expired"),
        pytest.param({"aud": "ein-anderer-client"}, id="wrong-audience"),
        pytest.param({"iss": "http://127.0.0.1:1/realms/fremd"}, id="wrong-issuer"),
        pytest.param("other-key", id="wrong-signature"),
    ],
)
def test_a_bent_id_token_is_refused_and_creates_nothing(
    idp: OidcProvider, world: World, mappings: None, bend: Any
) -> None:
    idp.groups = ["kk-admin"]
    if bend == "other-key":
        idp.sign_with_other_key = True
    else:
        idp.next_claims = bend
    users = User.objects.count()
    answer = sso_login(Client(), idp)
    assert answer.status_code == 302 and answer["Location"] == "/anmelden/"
    assert "Die Anmeldung über „Landes-Keycloak“ ist fehlgeschlagen" in error_text(answer)
    assert User.objects.count() == users and not OidcIdentity.objects.exists()
    assert "_auth_user_id" not in answer.wsgi_request.session


def test_a_callback_without_the_state_of_this_browser_is_refused(
    idp: OidcProvider, world: World, mappings: None
) -> None:
    idp.groups = ["kk-admin"]
    start = Client().get("/anmelden/sso/instanz/")  # another browser started the flow
    back = urlparse(requests.get(start["Location"], allow_redirects=False, timeout=5).headers["Location"])
    answer = Client().get(back.path + "?" + back.query)
    assert answer["Location"] == "/anmelden/" and not OidcIdentity.objects.exists()


def test_an_unreachable_provider_gives_a_german_message(world: World) -> None:
    conf = {
        "name": "Weg",
        "issuer": "http://127.0.0.1:9/x",
        "client_id": "c",
        "client_secret": "s",
        "scopes": "openid",
        "group_claim": "groups",
    }
    with override_settings(KOMPASS_OIDC=conf):
        answer = Client().get("/anmelden/sso/instanz/")
    assert answer["Location"] == "/anmelden/"
    assert "„Weg“ ist gerade nicht erreichbar" in error_text(answer)


def test_a_kommune_provider_maps_only_into_its_own_kommune(world: World, monkeypatch: Any) -> None:
    with OidcProvider() as provider:
        monkeypatch.setenv("KOMPASS_OIDC_SECRET_TESTSTADT", "geheim")
        row = ProviderRow.objects.create(
            kommune=world.kommune,
            slug="teststadt-ad",
            name="Teststadt-ADFS",
            issuer=provider.issuer,
            client_id=provider.client_id,
            client_secret_env="KOMPASS_OIDC_SECRET_TESTSTADT",
        )
        OidcGroupMapping.objects.create(provider=row, group="Mitarbeitende", kommune=world.kommune, role=Role.READER)
        # A row pointing at another Kommune is ignored for this provider.
        OidcGroupMapping.objects.create(provider=row, group="Mitarbeitende", kommune=world.other, role=Role.ADMIN)
        provider.groups = ["Mitarbeitende"]
        page = Client().get("/anmelden/?anbieter=teststadt-ad")
        assert "Mit Teststadt-ADFS anmelden" in page.content.decode()
        answer = sso_login(Client(), provider, key="teststadt-ad")
    assert answer["Location"] == "/"
    user = OidcIdentity.objects.get(issuer=provider.issuer).user
    assert Membership.objects.for_kommune(world.kommune).get(user=user).role == Role.READER
    assert not Membership.objects.for_kommune(world.other).filter(user=user).exists()


def test_an_unknown_provider_goes_back_to_the_login_page(db: Any) -> None:
    answer = Client().get("/anmelden/sso/gibt-es-nicht/")
    assert answer["Location"] == "/anmelden/" and "Diesen Anmeldeweg gibt es hier nicht" in error_text(answer)


def _kommune_row(world: World, issuer: str) -> Any:
    return ProviderRow.objects.create(
        kommune=world.kommune,
        slug="teststadt-ad",
        name="Teststadt-ADFS",
        issuer=issuer,
        client_id="kompass",
        client_secret_env="KOMPASS_OIDC_SECRET_TESTSTADT",
    )


def test_a_kommune_provider_on_an_internal_address_is_not_contacted(world: World, settings: Any) -> None:
    """The server would fetch from an address a Kommune typed in: only public ones, or allowed networks."""
    settings.KOMPASS_OIDC_ALLOWED_NETWORKS = []
    with OidcProvider() as provider:
        _kommune_row(world, provider.issuer)
        answer = Client().get("/anmelden/sso/teststadt-ad/")
        assert answer["Location"] == "/anmelden/"
        assert "„Teststadt-ADFS“ ist gerade nicht erreichbar" in error_text(answer)
        settings.KOMPASS_OIDC_ALLOWED_NETWORKS = ["127.0.0.0/8"]
        allowed = Client().get("/anmelden/sso/teststadt-ad/")
        assert allowed.status_code == 302 and allowed["Location"].startswith(provider.issuer)


@pytest.mark.parametrize(
    ("address", "allowed"),
    [("10.1.2.3", False), ("169.254.169.254", False), ("192.168.0.1", False), ("::1", False), ("8.8.8.8", True)],
)
def test_the_address_rule_refuses_private_loopback_and_link_local_addresses(
    world: World, settings: Any, monkeypatch: Any, address: str, allowed: bool
) -> None:
    settings.KOMPASS_OIDC_ALLOWED_NETWORKS = []
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [(family, socket.SOCK_STREAM, 6, "", (address, 443))])
    provider = oidc.kommune_provider(_kommune_row(world, "https://anmeldung.teststadt.example"))
    if allowed:
        oidc.check_reachable_address(provider)
    else:
        with pytest.raises(ValueError, match="non-public"):
            oidc.check_reachable_address(provider)
