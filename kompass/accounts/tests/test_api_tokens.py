"""API tokens: one Kommune, read or write, an expiry, ended by a new password, a deactivation or a lost
membership; creation and revocation audited and logged without the secret (docs/security.md A4)."""

from __future__ import annotations

import datetime
import importlib
from types import SimpleNamespace

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kompass.accounts import services
from kompass.accounts.models import ApiToken, TokenScope
from kompass.audit.models import AuditEntry
from kompass.conftest import World
from kompass.tenancy.models import Membership, Role

TOKENS = reverse("accounts:api_tokens")
NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def entries(world: World, token: ApiToken) -> list[AuditEntry]:
    entries = AuditEntry.objects.for_kommune(world.kommune).filter(object_type="apitoken", object_id=str(token.pk))
    return list(entries.order_by("pk"))


# --- creation ------------------------------------------------------------------------------------


def test_a_token_holds_its_kommune_scope_and_an_expiry_of_90_days(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        token, _secret = services.api_token_create(user=world.editor, name="Skript", scope=TokenScope.READ)
    assert token.kommune == world.kommune
    assert token.scope == "read"
    assert token.expires_at == NOW + datetime.timedelta(days=90)


@pytest.mark.parametrize("days", [0, -1, 366, 10_000, "90", True])
def test_a_validity_outside_one_day_to_a_year_is_refused(world: World, days: object) -> None:
    with pytest.raises(ValidationError) as caught:
        services.api_token_create(user=world.editor, name="Skript", days=days)  # type: ignore[arg-type]
    assert "höchstens 365 Tage" in str(caught.value)
    assert not ApiToken.objects.exists()


def test_an_unknown_scope_is_refused(world: World) -> None:
    with pytest.raises(ValidationError):
        services.api_token_create(user=world.editor, name="Skript", scope="admin")
    assert not ApiToken.objects.exists()


def test_a_token_for_a_kommune_without_membership_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.api_token_create(user=world.editor, name="Skript", kommune=world.other)
    assert "nicht Mitglied" in str(caught.value)
    assert not ApiToken.objects.exists()


def test_a_member_of_two_kommunen_must_name_one(world: World) -> None:
    Membership.objects.create(kommune=world.other, user=world.editor, role=Role.READER)
    with pytest.raises(ValidationError):
        services.api_token_create(user=world.editor, name="Skript")
    token, _secret = services.api_token_create(user=world.editor, name="Skript", kommune=world.other)
    assert token.kommune == world.other


def test_creation_is_audited_in_the_kommune_and_logged_without_the_secret(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("INFO", logger="kompass.security"):
        token, secret = services.api_token_create(user=world.editor, name="Skript", scope=TokenScope.WRITE)
    [entry] = entries(world, token)
    assert entry.action == "create"
    assert entry.actor_id == world.editor.pk
    assert entry.changes["scope"] == [None, "write"]
    assert entry.changes["kommune"] == [None, world.kommune.pk]
    stored = str(entry.changes) + entry.object_label
    assert secret not in stored and token.token_hash not in stored
    assert not AuditEntry.objects.for_kommune(world.other).filter(object_type="apitoken").exists()
    lines = [r.getMessage() for r in caplog.records if r.name == "kompass.security"]
    assert lines == [
        f"api_token_created user={world.editor.pk} token={token.pk} kommune={world.kommune.pk} scope=write"
    ]


def test_revocation_is_audited_and_logged(world: World, caplog: pytest.LogCaptureFixture) -> None:
    token, secret = services.api_token_create(user=world.editor, name="Skript")
    with caplog.at_level("INFO", logger="kompass.security"):
        services.api_token_revoke(user=world.editor, token=token)
        services.api_token_revoke(user=world.editor, token=token)  # twice: one entry
    assert [e.action for e in entries(world, token)] == ["create", "update"]
    assert set(entries(world, token)[1].changes) == {"revoked_at"}
    lines = [r.getMessage() for r in caplog.records if r.name == "kompass.security"]
    assert [line for line in lines if "revoked" in line] == [
        f"api_token_revoked user={world.editor.pk} token={token.pk} reason=revoked"
    ]
    assert secret not in caplog.text


# --- what ends a token ---------------------------------------------------------------------------


def test_an_expired_token_is_refused(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        _token, secret = services.api_token_create(user=world.editor, name="Skript", days=30)
    with time_machine.travel(NOW + datetime.timedelta(days=30) - datetime.timedelta(seconds=1), tick=False):
        assert services.api_token_authenticate(secret) is not None
    with time_machine.travel(NOW + datetime.timedelta(days=30), tick=False):
        assert services.api_token_authenticate(secret) is None


def test_a_password_change_on_the_page_ends_the_token(world: World) -> None:
    token, secret = services.api_token_create(user=world.editor, name="Skript")
    client = world.client_for(world.editor)
    world.editor.set_password("altes Passwort 123")
    world.editor.save()
    token.password_stamp = services.password_stamp(world.editor)  # as if made with this password
    token.save()
    assert services.api_token_authenticate(secret) is not None
    client.force_login(world.editor)
    new = "ein ganz neues Passwort 456"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "altes Passwort 123", "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert services.api_token_authenticate(secret) is None
    token.refresh_from_db()
    assert token.status == "widerrufen"
    assert entries(world, token)[-1].action == "update"


def test_a_password_changed_outside_the_services_ends_the_token_too(world: World) -> None:
    _token, secret = services.api_token_create(user=world.editor, name="Skript")
    world.editor.set_password("anderswo gesetzt 789")  # e.g. manage.py changepassword
    world.editor.save()
    assert services.api_token_authenticate(secret) is None


def test_deactivation_ends_the_token(world: World) -> None:
    token, secret = services.api_token_create(user=world.editor, name="Skript")
    services.user_deactivate(actor=world.admin, user=world.editor)
    world.editor.is_active = True  # even reactivated, the token stays revoked
    world.editor.save()
    assert services.api_token_authenticate(secret) is None
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_losing_the_membership_ends_the_token_of_that_kommune_only(world: World) -> None:
    Membership.objects.create(kommune=world.other, user=world.editor, role=Role.READER)
    here, secret_here = services.api_token_create(user=world.editor, name="Hier", kommune=world.kommune)
    _there, secret_there = services.api_token_create(user=world.editor, name="Dort", kommune=world.other)
    membership = Membership.objects.for_kommune(world.kommune).get(user=world.editor)
    services.membership_delete(kommune=world.kommune, actor=world.admin, membership=membership)
    assert services.api_token_authenticate(secret_here) is None
    assert services.api_token_authenticate(secret_there) is not None
    assert [e.action for e in entries(world, here)] == ["create", "update"]


def test_a_membership_gone_without_the_service_opens_nothing_either(world: World) -> None:
    _token, secret = services.api_token_create(user=world.editor, name="Skript")
    Membership.objects.for_kommune(world.kommune).filter(user=world.editor).delete()
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    assert api.get("/api/v1/kommunen/teststadt/organisationseinheiten").status_code == 404
    assert api.get("/api/v1/kommunen").json() == []


def test_the_last_use_is_written_at_most_once_a_minute(world: World) -> None:
    token, secret = services.api_token_create(user=world.editor, name="Skript")
    with time_machine.travel(NOW, tick=False) as clock:
        services.api_token_authenticate(secret)
        clock.shift(datetime.timedelta(seconds=59))
        services.api_token_authenticate(secret)
        token.refresh_from_db()
        assert token.last_used_at == NOW
        clock.shift(datetime.timedelta(seconds=1))
        services.api_token_authenticate(secret)
        token.refresh_from_db()
        assert token.last_used_at == NOW + datetime.timedelta(minutes=1)


def test_a_recently_used_token_authenticates_without_a_write(world: World, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    _token, secret = services.api_token_create(user=world.editor, name="Skript")
    services.api_token_authenticate(secret)
    with django_assert_num_queries(1):
        assert services.api_token_authenticate(secret) is not None


# --- the token page ------------------------------------------------------------------------------


def form(world: World, **values: object) -> dict[str, object]:
    return {"name": "Abgleich", "kommune": world.kommune.pk, "scope": "read", "days": "90", **values}


def test_the_page_creates_a_token_with_the_chosen_kommune_scope_and_validity(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        response = world.client_for(world.editor).post(TOKENS, form(world, scope="write", days="365"))
    assert response.context["new_secret"]
    token = ApiToken.objects.get(user=world.editor)
    assert (token.kommune, token.scope, token.expires_at) == (
        world.kommune,
        "write",
        NOW + datetime.timedelta(days=365),
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"days": "400"}, "gültige Auswahl"),
        ({"scope": "alles"}, "gültige Auswahl"),
        ({"kommune": "999999"}, "in der Sie Mitglied sind"),
        ({"kommune": "nachbarort"}, "in der Sie Mitglied sind"),
    ],
)
def test_bad_choices_give_a_german_error_and_create_nothing(
    world: World, values: dict[str, object], message: str
) -> None:
    response = world.client_for(world.editor).post(TOKENS, form(world, **values))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_kommune_of_someone_else_cannot_be_chosen(world: World) -> None:
    response = world.client_for(world.editor).post(TOKENS, form(world, kommune=world.other.pk))
    assert "in der Sie Mitglied sind" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_page_shows_kommune_scope_expiry_last_use_and_status(world: World) -> None:
    with time_machine.travel(NOW, tick=False):
        _active, secret = services.api_token_create(user=world.editor, name="Aktiv", scope=TokenScope.READ)
        services.api_token_authenticate(secret)
        _expired, _s = services.api_token_create(user=world.editor, name="Kurz", days=1)
        revoked, _s = services.api_token_create(user=world.editor, name="Weg")
        services.api_token_revoke(user=world.editor, token=revoked)
    with time_machine.travel(NOW + datetime.timedelta(days=2), tick=False):
        response = world.client_for(world.editor).get(TOKENS)
        rows = {t.name: t.status for t in response.context["tokens"]}
    assert rows == {"Aktiv": "aktiv", "Kurz": "abgelaufen", "Weg": "widerrufen"}
    body = response.content.decode()
    for text in ("Teststadt", "Nur lesen", "Lesen und ändern", "31.05.2026", "02.03.2026 10:00", "abgelaufen"):
        assert text in body, text
    assert body.count("widerrufen</span></button>") == 1  # only the active token can be revoked


def test_without_a_membership_the_page_explains_why_no_token_can_be_made(world: World) -> None:
    Membership.objects.for_kommune(world.kommune).filter(user=world.reader).delete()
    client = world.client_for(world.reader)
    body = client.get(TOKENS).content.decode()
    assert "in keiner Kommune Mitglied" in body
    assert "<form" not in body.split("Ihre Tokens")[0].split("<main")[-1]
    client.post(TOKENS, form(world))
    assert not ApiToken.objects.exists()


# --- tokens from before scopes -------------------------------------------------------------------


def test_the_migration_scopes_old_tokens_to_the_only_kommune_and_revokes_the_rest(world: World) -> None:
    migration = importlib.import_module("kompass.accounts.migrations.0006_api_token_existing_scoped")
    Membership.objects.create(kommune=world.other, user=world.editor, role=Role.READER)
    old = {}
    for user in (world.reader, world.editor):
        old[user.username] = ApiToken.objects.create(
            user=user, name="Alt", prefix=f"kk_{user.pk}", token_hash=f"hash-{user.pk}", expires_at=NOW
        )
    ApiToken.objects.filter(pk__in=[t.pk for t in old.values()]).update(kommune=None)
    with time_machine.travel(NOW, tick=False):
        # The migration reads and writes through the schema editor's connection.
        migration.scope_existing_tokens(apps, SimpleNamespace(connection=connection))
    single, double = (ApiToken.objects.get(pk=old[name].pk) for name in ("reader", "editor"))
    assert (single.kommune, single.scope, single.revoked_at) == (world.kommune, "write", None)
    assert single.expires_at == NOW + datetime.timedelta(days=90)
    assert single.password_stamp == services.password_stamp(world.reader)
    assert double.kommune is None and double.revoked_at == NOW
    assert timezone.now() > NOW  # the travel ended
