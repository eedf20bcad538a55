"""The Kommune's own identity provider, kept by its Administration (docs/security.md A3): the pages,
the rules of the services (German field errors), version and audit, and a login through a provider
and a group mapping made on these pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kompass.audit.models import AuditEntry
from kompass.conftest import World
from kompass.sso import services
from kompass.sso.models import OidcGroupMapping, OidcIdentity, OidcProvider
from kompass.sso.tests.oidc_provider import OidcProvider as LoopbackProvider
from kompass.sso.tests.test_oidc import sso_login
from kompass.tenancy.models import Membership, Role

pytestmark = pytest.mark.django_db
BASE = "/k/teststadt/verwaltung/anmeldung/"
SECRET_VALUE = "SENTINEL-client-secret-value"


def provider_data(**changes: Any) -> dict[str, Any]:
    return {
        "name": "Keycloak der Stadt",
        "issuer": "https://anmeldung.teststadt.example/realms/verwaltung",
        "client_id": "kommunalkompass",
        "client_secret_env": "KOMPASS_OIDC_SECRET_TESTSTADT",
        "scopes": "openid email profile",
        "group_claim": "groups",
        "enabled": "on",
        **changes,
    }


def make_provider(world: World, **changes: Any) -> OidcProvider:
    data = {**provider_data(**changes), "enabled": True}
    return services.provider_create(kommune=world.kommune, actor=world.admin, data=data)


def audited(world: World, obj: Any) -> list[str]:
    entries = AuditEntry.objects.for_kommune(world.kommune).filter(object_id=str(obj.pk))
    return list(entries.filter(object_type=obj._meta.model_name).values_list("action", flat=True).order_by("pk"))


def errors_of(answer: Any) -> str:
    return answer.content.decode()


def test_the_administration_sets_up_a_provider_and_the_page_names_the_variable_never_the_secret(
    world: World, monkeypatch: Any
) -> None:
    monkeypatch.setenv("KOMPASS_OIDC_SECRET_TESTSTADT", SECRET_VALUE)
    client = world.client_for(world.admin)
    assert 'value="KOMPASS_OIDC_SECRET_TESTSTADT"' in client.get(BASE + "neu/").content.decode()  # suggested
    answer = client.post(BASE + "neu/", provider_data())
    assert answer.status_code == 302 and answer["Location"] == BASE
    provider = OidcProvider.objects.for_kommune(world.kommune).get()
    assert provider.slug == "teststadt" and provider.issuer.endswith("/verwaltung") and provider.version == 1
    assert audited(world, provider) == ["create"]
    page = client.get(BASE).content.decode()
    assert "KOMPASS_OIDC_SECRET_TESTSTADT" in page and "kommunalkompass" in page
    assert "/anmelden/sso/teststadt/rueckkehr/" in page and "/anmelden/?anbieter=teststadt" in page
    assert SECRET_VALUE not in page
    assert SECRET_VALUE not in client.get(f"{BASE}{provider.pk}/bearbeiten/").content.decode()


def test_the_navigation_of_the_administration_links_the_page(world: World) -> None:
    assert f'href="{BASE}"' in world.client_for(world.admin).get("/k/teststadt/").content.decode()
    assert f'href="{BASE}"' not in world.client_for(world.editor).get("/k/teststadt/").content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("issuer", "http://anmeldung.teststadt.example", "https-Adresse"),
        ("issuer", "https://10.1.2.3/realms/x", "keine IP-Adresse"),
        ("issuer", "https://intranet", "keine IP-Adresse"),
        ("issuer", "https://user:pw@anmeldung.teststadt.example", "ohne Zugangsdaten"),
        ("issuer", "http://127.0.0.1:8080", "https-Adresse"),  # loopback only on a development machine
        ("client_secret_env", "DATABASE_URL", "KOMPASS_OIDC_SECRET_TESTSTADT"),
        ("client_secret_env", "DJANGO_SECRET_KEY", "KOMPASS_OIDC_SECRET_TESTSTADT"),
        ("client_secret_env", "KOMPASS_OIDC_SECRET_NACHBARORT", "KOMPASS_OIDC_SECRET_TESTSTADT"),
        ("client_secret_env", "KOMPASS_OIDC_SECRET_TESTSTADT_NORD", "KOMPASS_OIDC_SECRET_TESTSTADT"),
        ("client_secret_env", "kompass_oidc_secret_teststadt", "KOMPASS_OIDC_SECRET_TESTSTADT"),
        ("scopes", "email profile", "openid"),
        ("client_id", "", "zwingend erforderlich"),
    ],
)
def test_a_wrong_provider_gets_a_german_error_at_its_field_and_nothing_is_stored(
    world: World, field: str, value: str, message: str
) -> None:
    answer = world.client_for(world.admin).post(BASE + "neu/", provider_data(**{field: value}))
    assert answer.status_code == 200 and message in errors_of(answer)
    assert 'aria-invalid="true"' in errors_of(answer) or "kern-error" in errors_of(answer)
    assert not OidcProvider.objects.for_kommune(world.kommune).exists()


def test_a_provider_on_loopback_is_allowed_on_a_development_machine(world: World, settings: Any) -> None:
    settings.DEBUG = True
    assert make_provider(world, issuer="http://127.0.0.1:8080/").issuer == "http://127.0.0.1:8080"


def test_a_variable_with_a_suffix_is_the_kommunes_own_but_not_one_another_kommune_names(world: World) -> None:
    assert make_provider(world, client_secret_env="KOMPASS_OIDC_SECRET_TESTSTADT__AD").client_secret_env
    OidcProvider.objects.create(
        kommune=world.other,
        slug="nachbarort",
        name="N",
        issuer="https://n.example",
        client_id="x",
        client_secret_env="KOMPASS_OIDC_SECRET_TESTSTADT__ALT",  # made by an operator in the shell
    )
    with pytest.raises(services.ValidationError) as refused:
        make_provider(world, client_secret_env="KOMPASS_OIDC_SECRET_TESTSTADT__ALT")
    assert "schon vergeben" in str(refused.value)


def test_a_second_provider_gets_the_next_free_kurzname(world: World) -> None:
    assert make_provider(world).slug == "teststadt"
    assert make_provider(world, name="ADFS").slug == "teststadt-2"


def test_the_kurzname_of_a_kommune_with_a_long_name_fits_its_column(world: World) -> None:
    world.kommune.slug = "verbandsgemeinde-mit-einem-sehr-langen-namen-am-rhein"[:50]
    data = {**provider_data(client_secret_env=services.secret_env_base(world.kommune)), "enabled": True}
    provider = services.provider_create(kommune=world.kommune, actor=world.admin, data=data)
    assert len(provider.slug) <= 40 and world.kommune.slug.startswith(provider.slug)


def test_an_edit_with_a_stale_version_changes_nothing(world: World) -> None:
    provider = make_provider(world)
    client = world.client_for(world.admin)
    url = f"{BASE}{provider.pk}/bearbeiten/"
    assert client.post(url, {**provider_data(name="Neu"), "version": 1}).status_code == 302
    stale = client.post(url, {**provider_data(name="Noch neuer"), "version": 1})
    assert stale.status_code == 200 and "kern-alert" in errors_of(stale)
    provider.refresh_from_db()
    assert (provider.name, provider.version) == ("Neu", 2)
    assert audited(world, provider) == ["create", "update"]


def test_deleting_a_provider_deletes_its_mappings_and_keeps_the_memberships(world: World) -> None:
    provider = make_provider(world)
    mapping = services.group_mapping_create(
        kommune=world.kommune, actor=world.admin, provider=provider, data={"group": "kk-lesen", "role": Role.READER}
    )
    members = Membership.objects.for_kommune(world.kommune).count()
    client = world.client_for(world.admin)
    assert client.post(f"{BASE}{provider.pk}/loeschen/", {"version": 1})["Location"] == BASE
    assert not OidcProvider.objects.for_kommune(world.kommune).exists()
    assert not OidcGroupMapping.objects.for_kommune(world.kommune).exists()
    assert Membership.objects.for_kommune(world.kommune).count() == members
    assert audited(world, provider) == ["create", "delete"] and audited(world, mapping) == ["create", "delete"]


def test_group_mappings_are_created_changed_and_deleted_on_their_pages(world: World) -> None:
    provider = make_provider(world)
    client = world.client_for(world.admin)
    body = {"group": "kompass-redaktion", "role": "editor", "scope_unit": world.ordnungsamt.pk}
    assert client.post(f"{BASE}{provider.pk}/gruppen/neu/", body)["Location"] == BASE
    mapping = OidcGroupMapping.objects.for_kommune(world.kommune).get()
    assert (mapping.provider_id, mapping.role, mapping.scope_unit_id) == (provider.pk, "editor", world.ordnungsamt.pk)
    page = client.get(BASE).content.decode()
    assert "kompass-redaktion" in page and "Ordnungsamt" in page
    edit = {"group": "kompass-redaktion", "role": "reader", "scope_unit": "", "version": 1}
    assert client.post(f"{BASE}gruppen/{mapping.pk}/bearbeiten/", edit).status_code == 302
    mapping.refresh_from_db()
    assert (mapping.role, mapping.scope_unit_id, mapping.version) == ("reader", None, 2)
    assert client.post(f"{BASE}gruppen/{mapping.pk}/loeschen/", {"version": 2}).status_code == 302
    assert audited(world, mapping) == ["create", "update", "delete"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"group": "kk-lesen", "role": "reader"}, "schon zugeordnet"),
        ({"group": "kk-neu", "role": "admin", "scope_unit": "ORDNUNGSAMT"}, "Nur die Rolle Redaktion"),
        ({"group": "  ", "role": "reader"}, "zwingend erforderlich"),
        ({"group": "kk-neu", "role": "chef"}, "keine gültige Auswahl"),
    ],
)
def test_a_wrong_mapping_gets_a_german_error_at_its_field(world: World, body: dict[str, Any], message: str) -> None:
    provider = make_provider(world)
    services.group_mapping_create(
        kommune=world.kommune, actor=world.admin, provider=provider, data={"group": "kk-lesen", "role": Role.READER}
    )
    if body.get("scope_unit") == "ORDNUNGSAMT":
        body = {**body, "scope_unit": world.ordnungsamt.pk}
    answer = world.client_for(world.admin).post(f"{BASE}{provider.pk}/gruppen/neu/", body)
    assert answer.status_code == 200 and message in errors_of(answer)
    assert OidcGroupMapping.objects.for_kommune(world.kommune).count() == 1


def test_a_unit_of_another_kommune_is_refused_by_the_service(world: World) -> None:
    provider = make_provider(world)
    data = {"group": "kk-neu", "role": Role.EDITOR, "scope_unit": world.other_unit}
    with pytest.raises(services.ValidationError) as refused:
        services.group_mapping_create(kommune=world.kommune, actor=world.admin, provider=provider, data=data)
    assert "scope_unit" in refused.value.message_dict


def test_another_kommunes_provider_cannot_get_a_mapping_here(world: World) -> None:
    foreign = OidcProvider.objects.create(
        kommune=world.other, slug="n", name="N", issuer="https://n.example", client_id="x", client_secret_env="X"
    )
    with pytest.raises(services.ValidationError):
        services.group_mapping_create(
            kommune=world.kommune, actor=world.admin, provider=foreign, data={"group": "g", "role": Role.READER}
        )


def test_only_the_administration_opens_the_pages(world: World) -> None:
    provider = make_provider(world)
    for user, status in ((world.reader, 403), (world.editor, 403), (world.outsider, 404)):
        assert world.client_for(user).get(BASE).status_code == status
        assert world.client_for(user).get(f"{BASE}{provider.pk}/bearbeiten/").status_code == status
    assert (
        world.client_for(world.outsider)
        .get(f"/k/nachbarort/verwaltung/anmeldung/{provider.pk}/bearbeiten/")
        .status_code
        == 404
    )


def test_the_overview_costs_the_same_queries_for_one_provider_or_three(world: World) -> None:
    client = world.client_for(world.admin)

    def queries() -> int:
        client.get(BASE)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(BASE).status_code == 200
        return len(captured)

    def provider_with_groups(n: int) -> None:
        provider = make_provider(world, name=f"Anbieter {n}", client_secret_env=f"KOMPASS_OIDC_SECRET_TESTSTADT__N{n}")
        for group in ("a", "b"):
            data = {"group": f"{group}{n}", "role": Role.EDITOR, "scope_unit": world.ordnungsamt}
            services.group_mapping_create(kommune=world.kommune, actor=world.admin, provider=provider, data=data)

    provider_with_groups(1)
    one = queries()
    provider_with_groups(2)
    provider_with_groups(3)
    assert queries() == one


def test_a_login_through_a_provider_made_on_the_pages_gives_the_limited_membership(
    world: World, settings: Any, monkeypatch: Any
) -> None:
    settings.DEBUG = True  # the test provider runs on loopback over http
    monkeypatch.setenv("KOMPASS_OIDC_SECRET_TESTSTADT", "geheim")
    with LoopbackProvider() as idp:
        client = world.client_for(world.admin)
        made = client.post(BASE + "neu/", provider_data(issuer=idp.issuer, client_id=idp.client_id))
        assert made.status_code == 302, made.content[:2000]
        provider = OidcProvider.objects.for_kommune(world.kommune).get()
        body = {"group": "kompass-redaktion", "role": "editor", "scope_unit": world.ordnungsamt.pk}
        client.post(f"{BASE}{provider.pk}/gruppen/neu/", body)
        idp.groups = ["kompass-redaktion"]
        settings.KOMPASS_MFA_REQUIRED = True
        browser = Client()
        assert sso_login(browser, idp, key=provider.slug)["Location"] == "/"
        user = OidcIdentity.objects.get(issuer=idp.issuer).user
        membership = Membership.objects.for_kommune(world.kommune).get(user=user)
        assert (membership.role, membership.scope_unit_id) == (Role.EDITOR, world.ordnungsamt.pk)

        # The groups now give the Administration: the login promotes her and her new session stays open.
        services.group_mapping_create(
            kommune=world.kommune,
            actor=world.admin,
            provider=provider,
            data={"group": "kompass-admin", "role": "admin"},
        )
        idp.groups = ["kompass-admin"]
        again = Client()
        assert sso_login(again, idp, key=provider.slug)["Location"] == "/"
        assert Membership.objects.for_kommune(world.kommune).get(user=user).role == Role.ADMIN
        assert again.get("/k/teststadt/").status_code == 200  # trusted IdP MFA: both factors
        assert browser.get("/k/teststadt/")["Location"].startswith("/anmelden/")  # the session from before ended
