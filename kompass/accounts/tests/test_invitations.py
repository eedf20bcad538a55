"""Invitations: the only door into a Kommune (issue 8) — expiry, single use, resend, revoke, consent,
the neutral answer (docs/security.md A2) and the refusal of platform operators (docs/security.md L3)."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kompass.accounts import invitations, services
from kompass.accounts.models import Invitation, User
from kompass.audit.models import AuditAction, AuditEntry
from kompass.audit.presentation import present_entries
from kompass.conftest import World
from kompass.factories import UserFactory
from kompass.tenancy.models import Membership, Role

pytestmark = pytest.mark.django_db

MEMBERS = reverse("accounts:members", args=["teststadt"])
NEW_PASSWORD = "korrekt-pferd-batterie-heftklammer"
LINK = re.compile(r"/einladung/[A-Za-z0-9_-]+/")


def invite(world: World, email: str = "nina.neu@example.org", **kwargs: object) -> tuple[Invitation, str]:
    values = {"role": Role.READER, **kwargs}
    return invitations.invitation_create(kommune=world.kommune, actor=world.admin, email=email, **values)  # type: ignore[arg-type]


def new_account(path: str, client: Client | None = None, **changes: str) -> object:
    data = {"first_name": "Nina", "last_name": "Neu", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    return (client or Client()).post(path, {**data, **changes})


def members_of(world: World) -> set[str]:
    return set(Membership.objects.for_kommune(world.kommune).values_list("user__username", flat=True))


# --- inviting ------------------------------------------------------------------------------------


def test_an_invitation_is_mailed_in_german_and_only_the_hash_of_its_link_is_stored(world: World) -> None:
    invitation, path = invite(world, " Nina.Neu@Example.org ")
    assert invitation.email == "nina.neu@example.org"
    secret = path.strip("/").rsplit("/", 1)[1]
    assert invitation.token_hash == services.hash_token(secret)
    assert secret not in str(Invitation.objects.for_kommune(world.kommune).values().get())
    (message,) = mail.outbox
    assert message.to == ["nina.neu@example.org"]
    assert message.subject == "Einladung zu Kommunalkompass: Teststadt"
    assert "Admin Test lädt Sie ein" in message.body and "http://127.0.0.1:8000" + path in message.body
    assert invitation.expires_at - timezone.now() > datetime.timedelta(days=6, hours=23)
    (entry,) = AuditEntry.objects.for_kommune(world.kommune).filter(object_type="invitation")
    assert "nina" not in entry.object_label  # a pseudonym; the label is kept beside the row
    assert (entry.action, entry.actor_id, present_entries([entry])[0].object_label) == (
        AuditAction.CREATE,
        world.admin.pk,
        "Einladung an nina.neu@example.org",
    )


def test_without_mail_the_members_page_shows_the_link_once(world: World) -> None:
    client = world.client_for(world.admin)
    response = client.post(MEMBERS, {"email": "nina.neu@example.org", "role": "reader"}, follow=True)
    body = response.content.decode()
    assert "Einladungslink – jetzt weitergeben" in body and LINK.search(body)
    assert "nina.neu@example.org" in body  # listed among the open invitations
    assert not LINK.search(client.get(MEMBERS).content.decode()), "the link is shown only once"


def test_with_mail_the_members_page_says_it_was_sent_and_shows_no_link(world: World, monkeypatch) -> None:
    monkeypatch.setattr(invitations, "mail_is_configured", lambda: True)
    response = world.client_for(world.admin).post(
        MEMBERS, {"email": "nina.neu@example.org", "role": "reader"}, follow=True
    )
    body = response.content.decode()
    assert "Die Einladung an nina.neu@example.org ist verschickt." in body
    assert not LINK.search(body)


@pytest.mark.parametrize(
    ("backend", "configured"),
    [
        ("django.core.mail.backends.smtp.EmailBackend", True),
        ("django.core.mail.backends.console.EmailBackend", False),
        ("django.core.mail.backends.locmem.EmailBackend", False),
        ("django.core.mail.backends.dummy.EmailBackend", False),
    ],
)
def test_mail_is_configured_only_with_a_backend_that_reaches_people(backend: str, configured: bool) -> None:
    with override_settings(EMAIL_BACKEND=backend):
        assert invitations.mail_is_configured() is configured


def test_a_failing_mail_server_keeps_the_invitation_and_shows_the_link(world: World, monkeypatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("Verbindung abgelehnt")

    monkeypatch.setattr(invitations, "send_mail", refuse)
    monkeypatch.setattr(invitations, "mail_is_configured", lambda: True)
    response = world.client_for(world.admin).post(
        MEMBERS, {"email": "nina.neu@example.org", "role": "reader"}, follow=True
    )
    assert LINK.search(response.content.decode())
    assert Invitation.objects.for_kommune(world.kommune).get().last_sent_at is None


def test_an_address_with_an_open_invitation_is_not_invited_twice(world: World) -> None:
    invite(world)
    response = world.client_for(world.admin).post(MEMBERS, {"email": "NINA.neu@example.org", "role": "admin"})
    assert response.status_code == 200
    assert "schon eine offene Einladung" in response.content.decode()
    assert Invitation.objects.for_kommune(world.kommune).count() == 1


def test_the_same_address_may_be_invited_by_another_kommune(world: World) -> None:
    invite(world)
    invitations.invitation_create(
        kommune=world.other, actor=world.outsider, email="nina.neu@example.org", role="reader"
    )
    assert Invitation.objects.unscoped().filter(email="nina.neu@example.org").count() == 2


def test_a_unit_of_another_kommune_cannot_limit_an_invitation(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        invite(world, role=Role.EDITOR, scope_unit=world.other_unit)
    assert "gehört nicht zu dieser Kommune" in str(exc.value)


def _answer(world: World, email: str) -> str:
    """What the administration sees after inviting `email`, with the address and the link blanked."""
    client = world.client_for(world.admin)
    response = client.post(MEMBERS, {"email": email, "role": "reader"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    page = LINK.sub("/einladung/…/", page).replace(email, "…")
    page = re.sub(r"/einladungen/\d+/", "/einladungen/…/", page)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def test_the_answer_is_the_same_whether_an_account_exists_or_not(world: World) -> None:
    """A2: nothing the administration sees tells whether the address has an account elsewhere,
    not even whether it is a platform operator's."""
    UserFactory(username="gerda", email="gerda@nachbarort.example", first_name="Gerda", last_name="Geheim")
    UserFactory(username="betrieb", email="betrieb@plattform.example", is_superuser=True, is_staff=True)
    unknown = _answer(world, "niemand@example.org")
    Invitation.objects.for_kommune(world.kommune).update(revoked_at=timezone.now())
    existing = _answer(world, "gerda@nachbarort.example")
    Invitation.objects.for_kommune(world.kommune).update(revoked_at=timezone.now())
    operator = _answer(world, "betrieb@plattform.example")
    assert unknown == existing == operator
    assert "Gerda" not in existing and "Geheim" not in existing


def test_the_members_page_costs_the_same_queries_for_one_and_for_many_invitations(world: World) -> None:
    client = world.client_for(world.admin)
    invite(world, "eine@example.org", role=Role.EDITOR, scope_unit=world.ordnungsamt)
    with CaptureQueriesContext(connection) as one:
        assert client.get(MEMBERS).status_code == 200
    for n in range(8):
        invite(world, f"person{n}@example.org", role=Role.EDITOR, scope_unit=world.hauptamt)
    with CaptureQueriesContext(connection) as many:
        assert client.get(MEMBERS).status_code == 200
    assert len(many) == len(one)


# --- the link: a new account ---------------------------------------------------------------------


def test_a_new_person_sets_her_own_password_and_becomes_a_member(world: World) -> None:
    invitation, path = invite(world, role=Role.EDITOR, scope_unit=world.ordnungsamt)
    client = Client()
    page = client.get(path).content.decode()
    assert "Einladung zu Teststadt" in page and "nina.neu@example.org" in page
    response = new_account(path, client)
    assert response.status_code == 302 and response["Location"] == reverse("ui:dashboard", args=["teststadt"])
    user = User.objects.get(username="nina.neu@example.org")
    assert (user.email, user.get_full_name(), user.must_change_password) == ("nina.neu@example.org", "Nina Neu", False)
    assert user.check_password(NEW_PASSWORD)
    membership = Membership.objects.for_kommune(world.kommune).get(user=user)
    assert (membership.role, membership.scope_unit_id) == (Role.EDITOR, world.ordnungsamt.pk)
    assert client.session[SESSION_KEY] == str(user.pk)
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.accepted_by == user
    labels = {p.object_label for p in present_entries(AuditEntry.objects.for_kommune(world.kommune))}
    assert "Einladung an nina.neu@example.org angenommen" in labels


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"password1": "kurz", "password2": "kurz"}, "mindestens 8 Zeichen"),
        ({"password1": "password123", "password2": "password123"}, "zu üblich"),
        ({"password2": "etwas-ganz-anderes-langes"}, "stimmen nicht überein"),
        ({"last_name": ""}, "Dieses Feld ist zwingend erforderlich."),
    ],
)
def test_a_bad_password_or_name_gives_a_german_error_and_changes_nothing(
    world: World, changes: dict[str, str], message: str
) -> None:
    invitation, path = invite(world)
    response = new_account(path, **changes)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(username="nina.neu@example.org").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_link_works_only_once(world: World) -> None:
    _invitation, path = invite(world)
    assert new_account(path).status_code == 302
    again = Client().get(path)
    assert again.status_code == 410
    assert "bereits angenommen" in again.content.decode()
    users = User.objects.count()
    assert new_account(path, first_name="Zweite").status_code == 410
    assert User.objects.count() == users


def test_an_expired_link_shows_a_german_page_and_changes_nothing(world: World) -> None:
    _invitation, path = invite(world)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, minutes=1)):
        page = Client().get(path)
        assert page.status_code == 410 and "Diese Einladung ist abgelaufen" in page.content.decode()
        assert new_account(path).status_code == 410
    assert not User.objects.filter(username="nina.neu@example.org").exists()


def test_a_revoked_link_shows_a_german_page_and_changes_nothing(world: World) -> None:
    invitation, path = invite(world)
    response = world.client_for(world.admin).post(
        reverse("accounts:invitation_revoke", args=["teststadt", invitation.pk]), follow=True
    )
    assert "ist zurückgezogen" in response.content.decode()
    page = Client().get(path)
    assert page.status_code == 410 and "zurückgezogen" in page.content.decode()
    assert new_account(path).status_code == 410
    assert not User.objects.filter(username="nina.neu@example.org").exists()
    entry = AuditEntry.objects.for_kommune(world.kommune).filter(action=AuditAction.DELETE).get()
    assert present_entries([entry])[0].object_label == "Einladung an nina.neu@example.org zurückgezogen"


def test_resending_kills_the_old_link_and_gives_a_new_one_with_a_new_expiry(world: World) -> None:
    invitation, old_path = invite(world)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=6)):
        client = world.client_for(world.admin)
        response = client.post(reverse("accounts:invitation_resend", args=["teststadt", invitation.pk]), follow=True)
        new_path = LINK.search(response.content.decode()).group(0)  # type: ignore[union-attr]
        assert new_path != old_path and len(mail.outbox) == 2
        invitation.refresh_from_db()
        assert invitation.resent_count == 1
        assert invitation.expires_at > timezone.now() + datetime.timedelta(days=6)
    assert Client().get(old_path).status_code == 404
    assert new_account(old_path).status_code == 404
    assert new_account(new_path).status_code == 302


def test_an_accepted_invitation_can_be_neither_resent_nor_revoked(world: World) -> None:
    invitation, path = invite(world)
    new_account(path)
    for name in ("accounts:invitation_resend", "accounts:invitation_revoke"):
        response = world.client_for(world.admin).post(reverse(name, args=["teststadt", invitation.pk]), follow=True)
        assert "nicht mehr offen" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.revoked_at is None and invitation.resent_count == 0


def test_an_unknown_link_shows_a_german_page(world: World) -> None:
    response = Client().get(reverse("accounts:invitation", args=["gibt-es-nicht"]))
    assert response.status_code == 404
    assert "Dieser Einladungslink gilt nicht" in response.content.decode()


def test_the_administration_of_another_kommune_cannot_touch_the_invitation(world: World) -> None:
    invitation, _path = invite(world)
    client = world.client_for(world.outsider)
    for name in ("accounts:invitation_resend", "accounts:invitation_revoke"):
        assert client.post(reverse(name, args=["nachbarort", invitation.pk])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.is_open and invitation.resent_count == 0


# --- the link: an existing account must consent ---------------------------------------------------


@pytest.fixture
def gerda(world: World) -> User:
    """An account of Nachbarort's administration that Teststadt invites."""
    user = UserFactory(username="gerda", email="Gerda@Nachbarort.example", first_name="Gerda", last_name="Gast")
    Membership.objects.create(kommune=world.other, user=user, role=Role.ADMIN)
    return user


def test_an_existing_account_is_asked_to_log_in_and_nothing_happens_before(world: World, gerda: User) -> None:
    _invitation, path = invite(world, "gerda@nachbarort.example")
    response = Client().get(path)
    body = response.content.decode()
    assert response.status_code == 200 and "Melden Sie sich damit an" in body
    assert 'name="password1"' not in body
    assert new_account(path).status_code == 200  # the POST of a visitor shows the same page
    assert "gerda" not in members_of(world)


def test_the_invited_account_accepts_after_login_and_only_then_becomes_a_member(world: World, gerda: User) -> None:
    invitation, path = invite(world, "gerda@nachbarort.example", role=Role.EDITOR)
    client = world.client_for(gerda)
    page = client.get(path).content.decode()
    assert "Einladung annehmen" in page
    assert "gerda" not in members_of(world)
    response = client.post(path)
    assert response.status_code == 302 and response["Location"] == reverse("ui:dashboard", args=["teststadt"])
    assert Membership.objects.for_kommune(world.kommune).get(user=gerda).role == Role.EDITOR
    assert Membership.objects.for_kommune(world.other).filter(user=gerda).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == gerda


def test_another_logged_in_account_cannot_use_the_link(world: World, gerda: User) -> None:
    invitation, path = invite(world, "gerda@nachbarort.example")
    client = world.client_for(world.reader)
    page = client.get(path)
    assert page.status_code == 200 and "Diese Einladung gilt für ein anderes Konto" in page.content.decode()
    assert client.post(path).status_code == 403
    invitation.refresh_from_db()
    assert invitation.is_open and "gerda" not in members_of(world)


def test_a_platform_operator_can_never_accept(world: World) -> None:
    operator = UserFactory(username="betrieb", email="betrieb@plattform.example", is_superuser=True, is_staff=True)
    invitation, path = invite(world, "betrieb@plattform.example", role=Role.ADMIN)
    client = world.client_for(operator)
    page = client.get(path)
    assert page.status_code == 200 and "Betreiberinnen und Betreiber werden nicht Mitglied" in page.content.decode()
    assert client.post(path).status_code == 403
    assert not Membership.objects.unscoped().filter(user=operator).exists()
    with pytest.raises(ValidationError):
        invitations.invitation_accept_existing_account(invitation=invitation, user=operator)
    invitation.refresh_from_db()
    assert invitation.is_open


def test_membership_create_refuses_a_platform_operator(world: World) -> None:
    operator = UserFactory(username="betrieb", is_superuser=True)
    with pytest.raises(ValidationError) as exc:
        services.membership_create(kommune=world.kommune, actor=world.admin, user=operator, role=Role.READER)
    assert "Betreiberinnen und Betreiber der Plattform" in " ".join(exc.value.messages)
    assert not Membership.objects.unscoped().filter(user=operator).exists()


def test_an_invitation_into_a_suspended_kommune_waits_until_it_is_reactivated(world: World, gerda: User) -> None:
    operator = UserFactory(username="betrieb", is_superuser=True, is_staff=True)
    _invitation, path = invite(world)
    _invitation2, path2 = invite(world, "gerda@nachbarort.example")
    services.kommune_suspend(kommune=world.kommune, operator=operator, reason="Vertrag ruht bis Januar")
    response = new_account(path)
    assert response.status_code == 200 and "derzeit gesperrt" in response.content.decode()  # type: ignore[attr-defined]
    assert not User.objects.filter(username="nina.neu@example.org").exists()
    world.client_for(gerda).post(path2)
    assert "gerda" not in members_of(world)
    services.kommune_reactivate(kommune=world.kommune, operator=operator, reason="Vertrag läuft wieder")
    new_account(path)
    assert "nina.neu@example.org" in members_of(world)
