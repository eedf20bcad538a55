"""Members of a Kommune, personal API tokens, break-glass operator access and the Kommune switcher."""

from __future__ import annotations

import datetime
import hashlib

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from kompass.accounts import services
from kompass.accounts.models import ApiToken, Invitation, User
from kompass.audit.models import AuditAction, AuditEntry
from kompass.audit.presentation import present_entries
from kompass.audit.selectors import entry_changes
from kompass.conftest import World
from kompass.factories import UserFactory
from kompass.org.models import OrgUnit
from kompass.tenancy.models import Membership, Role

pytestmark = pytest.mark.django_db

MEMBERS = reverse("accounts:members", args=["teststadt"])


def audit_entries(world: World, **filters: object) -> list[AuditEntry]:
    return list(AuditEntry.objects.for_kommune(world.kommune).filter(**filters))


# --- members -------------------------------------------------------------------------------------


def test_admin_sees_the_members_of_the_kommune_only(world: World) -> None:
    response = world.client_for(world.admin).get(MEMBERS)
    body = response.content.decode()
    assert response.status_code == 200
    assert "editor" in body and "reader" in body
    assert "outsider" not in body


def test_the_members_form_takes_no_login_name(world: World) -> None:
    """A2: typing a login name would tell whether an account exists anywhere on the platform."""
    response = world.client_for(world.admin).get(MEMBERS)
    assert 'name="username"' not in response.content.decode()
    assert 'name="email"' in response.content.decode()


def test_a_login_name_in_the_body_adds_nobody(world: World) -> None:
    UserFactory(username="neuling")
    count = Membership.objects.for_kommune(world.kommune).count()
    response = world.client_for(world.admin).post(MEMBERS, {"username": "neuling", "role": "reader"})
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert Membership.objects.for_kommune(world.kommune).count() == count


def test_a_member_cannot_be_invited_again(world: World) -> None:
    world.reader.email = "reader@teststadt.example"
    world.reader.save()
    response = world.client_for(world.admin).post(MEMBERS, {"email": "Reader@teststadt.example", "role": "admin"})
    assert response.status_code == 200
    assert "bereits Mitglied" in response.content.decode()
    assert Membership.objects.for_kommune(world.kommune).get(user=world.reader).role == Role.READER


def test_only_redaktion_can_be_limited_to_a_unit(world: World) -> None:
    response = world.client_for(world.admin).post(
        MEMBERS, {"email": "nina@teststadt.example", "role": "reader", "scope_unit": world.ordnungsamt.pk}
    )
    assert response.status_code == 200
    assert "Nur die Rolle Redaktion" in response.content.decode()
    assert not Invitation.objects.for_kommune(world.kommune).exists()


def test_admin_ends_a_membership_with_audit(world: World) -> None:
    membership = Membership.objects.for_kommune(world.kommune).get(user=world.reader)
    response = world.client_for(world.admin).post(reverse("accounts:member_remove", args=["teststadt", membership.pk]))
    assert response.status_code == 302
    assert not Membership.objects.for_kommune(world.kommune).filter(pk=membership.pk).exists()
    (entry,) = audit_entries(world, object_type="membership", action=AuditAction.DELETE)
    assert entry_changes(entry)["role"] == ["reader", None]


def test_the_last_admin_cannot_be_removed(world: World) -> None:
    membership = Membership.objects.for_kommune(world.kommune).get(user=world.admin)
    response = world.client_for(world.admin).post(
        reverse("accounts:member_remove", args=["teststadt", membership.pk]), follow=True
    )
    assert "mindestens ein Mitglied mit der Rolle Administration" in response.content.decode()
    assert Membership.objects.for_kommune(world.kommune).filter(pk=membership.pk).exists()


def test_editor_and_reader_may_not_manage_members(world: World) -> None:
    for user in (world.editor, world.reader):
        client = world.client_for(user)
        assert client.get(MEMBERS).status_code == 403
        assert client.post(MEMBERS, {"email": "x@teststadt.example", "role": "reader"}).status_code == 403


# --- API tokens ----------------------------------------------------------------------------------

TOKENS = reverse("accounts:api_tokens")


def test_a_new_token_is_shown_once_and_only_its_hash_is_stored(world: World) -> None:
    client = world.client_for(world.editor)
    form = {"name": "Abgleich Personalsystem", "kommune": world.kommune.pk, "scope": "read", "days": "90"}
    response = client.post(TOKENS, form)
    secret = response.context["new_secret"]
    assert secret.startswith("kk_") and secret in response.content.decode()
    token = ApiToken.objects.get(user=world.editor)
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.name, token.prefix, token.token_hash}
    assert services.api_token_authenticate(secret).user == world.editor  # type: ignore[union-attr]
    again = client.get(TOKENS).content.decode()
    assert secret not in again
    assert token.prefix in again


def test_an_empty_token_name_gives_a_german_error(world: World) -> None:
    form = {"name": "   ", "kommune": world.kommune.pk, "scope": "read", "days": "90"}
    response = world.client_for(world.editor).post(TOKENS, form)
    assert response.status_code == 200
    assert response.context["new_secret"] is None
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert not ApiToken.objects.filter(user=world.editor).exists()


def test_a_revoked_token_no_longer_authenticates(world: World) -> None:
    token, secret = services.api_token_create(user=world.editor, name="Alt")
    response = world.client_for(world.editor).post(reverse("accounts:api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert services.api_token_authenticate(secret) is None


def test_nobody_can_revoke_someone_elses_token(world: World) -> None:
    token, secret = services.api_token_create(user=world.editor, name="Fremd")
    response = world.client_for(world.admin).post(reverse("accounts:api_token_revoke", args=[token.pk]))
    assert response.status_code == 404
    assert services.api_token_authenticate(secret).user == world.editor  # type: ignore[union-attr]


def test_the_token_page_lists_only_the_own_tokens(world: World) -> None:
    services.api_token_create(user=world.admin, name="Token der Administration")
    body = world.client_for(world.reader).get(TOKENS).content.decode()
    assert "Token der Administration" not in body


# --- operator access -----------------------------------------------------------------------------


@pytest.fixture
def operator(world: World) -> User:
    return UserFactory(username="betrieb", first_name="Olga", last_name="Operator", is_superuser=True, is_staff=True)


DASHBOARD = reverse("ui:dashboard", args=["teststadt"])
GRANT = reverse("accounts:operator_access_kommune", args=["teststadt"])


def test_an_operator_without_membership_gets_404_on_the_kommune(world: World, operator) -> None:
    client = world.client_for(operator)
    assert client.get(DASHBOARD).status_code == 404
    assert client.get(reverse("org:tree", args=["teststadt"])).status_code == 404


def test_a_reason_shorter_than_ten_characters_is_refused(world: World, operator) -> None:
    client = world.client_for(operator)
    response = client.post(GRANT, {"reason": "Prüfung"})
    assert response.status_code == 200
    assert "mindestens 10 Zeichen" in response.content.decode()
    assert client.get(DASHBOARD).status_code == 404
    assert not audit_entries(world, action=AuditAction.ACCESS)


def test_granted_access_is_audited_and_visible_to_the_kommunes_admin(world: World, operator) -> None:
    client = world.client_for(operator)
    response = client.post(GRANT, {"reason": "Störungsanalyse zu Ticket 4711"})
    assert response.status_code == 302 and response["Location"] == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200
    (entry,) = audit_entries(world, action=AuditAction.ACCESS)
    assert [p.actor_label for p in present_entries([entry])] == ["Olga Operator"]  # from the live account
    assert entry_changes(entry)["reason"] == [None, "Störungsanalyse zu Ticket 4711"]
    log = world.client_for(world.admin).get(reverse("audit:log", args=["teststadt"])).content.decode()
    assert "Betreiberzugriff: Olga Operator" in log


def test_operator_access_is_read_only(world: World, operator) -> None:
    client = world.client_for(operator)
    client.post(GRANT, {"reason": "Störungsanalyse zu Ticket 4711"})
    edit = reverse("org:unit_edit", args=["teststadt", world.hauptamt.pk])
    response = client.post(edit, {"code": "10", "name": "Übernommen", "unit_type": "amt", "parent": world.dezernat.pk})
    assert response.status_code == 403
    assert client.post(reverse("org:unit_create", args=["teststadt"]), {"code": "99"}).status_code == 403
    assert client.post(MEMBERS, {"username": "betrieb", "role": "admin"}).status_code == 403
    assert OrgUnit.objects.for_kommune(world.kommune).get(pk=world.hauptamt.pk).name == "Hauptamt"


@override_settings(SESSION_IDLE_TIMEOUT=3 * 3600)  # two idle hours would end the session itself
def test_operator_access_ends_after_two_hours(world: World, operator) -> None:
    client = world.client_for(operator)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.post(GRANT, {"reason": "Störungsanalyse zu Ticket 4711"})
        traveller.shift(datetime.timedelta(hours=1, minutes=59))
        assert client.get(DASHBOARD).status_code == 200
        traveller.shift(datetime.timedelta(minutes=2))
        assert client.get(DASHBOARD).status_code == 404


def test_access_to_one_kommune_does_not_open_another(world: World, operator) -> None:
    client = world.client_for(operator)
    client.post(GRANT, {"reason": "Störungsanalyse zu Ticket 4711"})
    assert client.get(reverse("ui:dashboard", args=["nachbarort"])).status_code == 404


def test_members_of_a_kommune_cannot_open_the_operator_pages(world: World) -> None:
    client = world.client_for(world.admin)
    assert client.get(reverse("accounts:operator_access")).status_code == 404
    assert client.post(GRANT, {"reason": "Ich möchte gern hineinsehen"}).status_code == 404
    assert not audit_entries(world, action=AuditAction.ACCESS)


# --- Kommune switcher ----------------------------------------------------------------------------


def test_the_switcher_lists_only_the_users_own_memberships(world: World) -> None:
    both = UserFactory(username="pendlerin")
    Membership.objects.create(kommune=world.kommune, user=both, role=Role.READER)
    Membership.objects.create(kommune=world.other, user=both, role=Role.READER)
    third = Client()
    third.force_login(both)
    body = third.get(DASHBOARD).content.decode()
    assert "Kommune wechseln" in body
    assert reverse("ui:dashboard", args=["nachbarort"]) in body
    admin_body = world.client_for(world.admin).get(DASHBOARD).content.decode()
    assert "Kommune wechseln" not in admin_body
    assert reverse("ui:dashboard", args=["nachbarort"]) not in admin_body
    assert "Nachbarort" not in admin_body


def test_a_user_with_several_kommunen_chooses_on_the_start_page(world: World) -> None:
    Membership.objects.create(kommune=world.other, user=world.reader, role=Role.READER)
    response = world.client_for(world.reader).get(reverse("ui:home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("ui:dashboard", args=["teststadt"]) in body
    assert reverse("ui:dashboard", args=["nachbarort"]) in body


# --- methods -------------------------------------------------------------------------------------


def test_login_and_password_pages_answer_405_to_put(world: World) -> None:
    """Django's form views would treat PUT like POST; these pages serve GET and POST only."""
    assert Client().put(reverse("accounts:login")).status_code == 405
    client = world.client_for(world.reader)
    assert client.put(reverse("accounts:password_change")).status_code == 405
    assert client.post(reverse("accounts:password_change_done")).status_code == 405
