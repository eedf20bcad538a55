"""A forgotten password and the end of sessions (docs/security.md, A4): no enumeration, a single-use
link that expires, the project's password rules, and every session ends after a reset, a
deactivation or an administrator's "Alle Anmeldungen beenden"."""

from __future__ import annotations

import datetime
import re
from unittest import mock

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.test import Client
from django.urls import reverse

from kompass.accounts import password_reset, services
from kompass.accounts.models import User
from kompass.audit.models import AuditEntry
from kompass.audit.presentation import present_entries
from kompass.conftest import World
from kompass.tenancy.models import Membership

pytestmark = pytest.mark.django_db

REQUEST = reverse("accounts:password_reset")
DONE = reverse("accounts:password_reset_done")
COMPLETE = reverse("accounts:password_reset_complete")
LOGIN = reverse("accounts:login")
DASHBOARD = reverse("ui:dashboard", args=["teststadt"])
OLD_PASSWORD = "ein-langes-testpasswort"
NEW_PASSWORD = "korrekt-pferd-batterie-heftklammer"


@pytest.fixture
def reader(world: World) -> User:
    world.reader.email = "lesend@teststadt.example"
    world.reader.save(update_fields=["email"])
    return world.reader


@pytest.fixture
def inactive(world: World) -> User:
    world.editor.email = "gesperrt@teststadt.example"
    world.editor.is_active = False
    world.editor.save(update_fields=["email", "is_active"])
    return world.editor


CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _request(identifier: str) -> tuple[int, str, str]:
    """Status, where the answer sends to and the page (without the per-response CSRF token)."""
    response = Client().post(REQUEST, {"identifier": identifier}, follow=True)
    page = CSRF_VALUE.sub("csrf", response.content.decode())
    return response.status_code, response.redirect_chain[0][0], page


def reader_kommune(user: User) -> int:
    return Membership.objects.unscoped().get(user=user).kommune_id


def _link(message: mail.EmailMessage) -> str:
    found = re.search(r"https?://\S+", message.body)
    assert found, message.body
    return "/" + found.group(0).split("://", 1)[1].split("/", 1)[1]


def _mail_link(user: User) -> str:
    mail.outbox.clear()
    _request(user.email)
    assert len(mail.outbox) == 1
    return _link(mail.outbox[0])


def _set_password(client: Client, link: str, password: str) -> object:
    """Open the link (the token moves into the session) and post the new password."""
    opened = client.get(link)
    assert opened.status_code == 302, "the token must leave the address at once"
    return client.post(opened["Location"], {"new_password1": password, "new_password2": password})


# --- asking for the link: the same answer for everyone -------------------------------------------


def test_the_login_page_links_the_reset() -> None:
    page = Client().get(LOGIN).content.decode()
    assert f'href="{REQUEST}"' in page and "Passwort vergessen?" in page


def test_existing_unknown_and_inactive_get_the_same_answer_and_only_the_active_one_a_mail(
    reader: User, inactive: User
) -> None:
    answers = {}
    for identifier in (reader.email, "niemand@teststadt.example", inactive.email, "reader", "gibt-es-nicht"):
        mail.outbox.clear()
        status, location, page = _request(identifier)
        answers[identifier] = (status, location, page)
        sent = {m.to[0] for m in mail.outbox}
        assert sent == ({reader.email} if identifier in (reader.email, "reader") else set()), identifier
    assert len(set(answers.values())) == 1, "the answer must not tell which account exists"
    status, location, page = answers[reader.email]
    assert status == 200 and location == DONE and "Wenn es ein Konto" in page


def test_the_request_does_the_same_work_for_every_input(reader: User) -> None:
    """Timing: the page only queues the task with what was typed; the look-up happens in the task."""
    with mock.patch.object(password_reset, "send_reset_mail") as task:
        for identifier in (reader.email, "niemand@teststadt.example"):
            assert Client().post(REQUEST, {"identifier": identifier})["Location"] == DONE
    assert [c.args[0] for c in task.enqueue.call_args_list] == [reader.email, "niemand@teststadt.example"]
    assert not mail.outbox and not AuditEntry.objects.for_kommune(reader_kommune(reader)).filter(object_type="user")


def test_an_empty_or_overlong_request_is_refused_in_german_and_sends_nothing(reader: User) -> None:
    for identifier in ("", "x" * 300):
        response = Client().post(REQUEST, {"identifier": identifier})
        assert response.status_code == 200 and not mail.outbox
        assert "Dieses Feld ist zwingend erforderlich" in response.content.decode() or "höchstens" in (
            response.content.decode()
        )


def test_the_mail_is_german_names_only_the_person_and_no_other_data(reader: User, world: World) -> None:
    link = _mail_link(reader)
    message = mail.outbox[0]
    assert message.subject == "Kommunalkompass: Passwort zurücksetzen"
    assert f"Guten Tag {reader.display_name}," in message.body and "60 Minuten und nur einmal" in message.body
    for secret in (reader.username, "Teststadt", world.kommune.slug):
        assert secret not in message.body
    assert link.startswith("/konto/passwort-neu/")


# --- the link: once, for one hour, with the project's rules ---------------------------------------


def test_the_link_sets_the_password_once(reader: User) -> None:
    link = _mail_link(reader)
    response = _set_password(Client(), link, NEW_PASSWORD)
    assert response["Location"] == COMPLETE  # type: ignore[index]
    reader.refresh_from_db()
    assert reader.check_password(NEW_PASSWORD)
    again = Client().get(link, follow=True)
    assert again.status_code == 200 and "Link ungültig" in again.content.decode()
    reader.refresh_from_db()
    assert reader.check_password(NEW_PASSWORD)


def test_the_link_expires_after_an_hour(reader: User) -> None:
    link = _mail_link(reader)
    later = datetime.datetime.now() + datetime.timedelta(hours=1, minutes=1)
    with mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=later):
        page = Client().get(link, follow=True)
    assert "Link ungültig" in page.content.decode()
    soon = datetime.datetime.now() + datetime.timedelta(minutes=59)
    with mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=soon):
        assert Client().get(link).status_code == 302


def test_a_forged_or_foreign_token_is_refused(reader: User, world: World) -> None:
    link = _mail_link(reader)
    uid, token = link.strip("/").split("/")[-2:]
    for bad in (
        link.replace(token, token[:-2] + ("aa" if not token.endswith("aa") else "bb")),
        link.replace(uid, "MTIzNDU2Nzg5"),
        "/konto/passwort-neu/%C3%A4/%00/",
    ):
        page = Client().get(bad, follow=True)
        assert page.status_code in (200, 404) and "Neues Passwort wählen" not in page.content.decode()


def test_a_link_of_an_account_locked_after_the_mail_is_refused(reader: User) -> None:
    link = _mail_link(reader)
    services.user_deactivate(actor=None, user=reader)
    assert "Link ungültig" in Client().get(link, follow=True).content.decode()


def test_a_weak_password_is_refused_in_german_and_the_link_stays_valid(reader: User) -> None:
    link = _mail_link(reader)
    client = Client()
    for weak, message in (("kurz1", "zu kurz"), ("password123", "zu üblich"), ("lesend-x", None)):
        response = _set_password(client, link, weak)
        assert response.status_code == 200, weak  # type: ignore[attr-defined]
        text = response.content.decode()  # type: ignore[attr-defined]
        assert message is None or message in text, (weak, text)
        assert "Neues Passwort wählen" in text
    reader.refresh_from_db()
    assert reader.check_password(OLD_PASSWORD)
    mismatch = client.post(
        client.get(link)["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"}
    )
    assert "Die beiden Passwörter stimmen nicht überein." in mismatch.content.decode()


# --- sessions end ------------------------------------------------------------------------------


def test_after_the_reset_every_session_ends_and_the_person_logs_in_anew(reader: User, world: World) -> None:
    laptop, phone = world.client_for(reader), world.client_for(reader)
    assert laptop.get(DASHBOARD).status_code == 200
    services.password_set_by_other(user=reader, password="vom-betrieb-gesetzt-4711")
    reader.refresh_from_db()
    mail.outbox.clear()
    _request(reader.email)
    reset_browser = Client()
    assert _set_password(reset_browser, _link(mail.outbox[0]), NEW_PASSWORD)["Location"] == COMPLETE  # type: ignore[index]
    for client in (laptop, phone, reset_browser):
        response = client.get(DASHBOARD)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    reader.refresh_from_db()
    assert not reader.must_change_password, "a password the person chose herself needs no forced change"
    fresh = Client()
    assert fresh.post(LOGIN, {"username": "reader", "password": NEW_PASSWORD}).status_code == 302
    assert fresh.get(DASHBOARD).status_code == 200


def test_a_password_change_elsewhere_ends_other_sessions(world: World) -> None:
    """Django's session auth hash is on: the hash of the password is in every session."""
    other = world.client_for(world.reader)
    world.reader.set_password(NEW_PASSWORD)
    world.reader.save()
    assert other.get(DASHBOARD)["Location"].startswith(LOGIN)


def test_a_deactivation_by_any_path_logs_the_client_out_on_its_next_request(world: World) -> None:
    by_service, by_update = world.client_for(world.editor), world.client_for(world.reader)
    services.user_deactivate(actor=None, user=world.editor)
    User.objects.filter(pk=world.reader.pk).update(is_active=False)  # e.g. in Django's admin or a script
    for client in (by_service, by_update):
        assert client.get(DASHBOARD)["Location"].startswith(LOGIN)


# --- audit without secrets ----------------------------------------------------------------------


def test_request_and_completion_are_audited_in_the_persons_kommune_without_the_token(
    reader: User, world: World
) -> None:
    link = _mail_link(reader)
    _set_password(Client(), link, NEW_PASSWORD)
    _request("niemand@teststadt.example")
    entries = list(AuditEntry.objects.for_kommune(world.kommune).filter(object_type="user", object_id=str(reader.pk)))
    assert all(
        entry.object_label.startswith("P-") for entry in entries
    )  # the row names a pseudonym (docs/security.md L1)
    labels = sorted(shown.object_label for shown in present_entries(entries))  # the label beside the row
    assert labels == [
        f"Passwort über den Link zurückgesetzt: {reader.display_name}",
        f"Zurücksetzen des Passworts angefordert: {reader.display_name}",
    ]
    assert not AuditEntry.objects.for_kommune(world.other).filter(object_type="user").exists()
    token = link.strip("/").split("/")[-1]
    for entry in AuditEntry.objects.for_kommune(world.kommune):
        assert token not in f"{entry.object_label}{entry.changes}"
        assert "niemand" not in f"{entry.object_label}{entry.changes}"


def test_the_security_log_holds_no_token_and_no_address(reader: User, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="kompass.security"):
        link = _mail_link(reader)
        _set_password(Client(), link, NEW_PASSWORD)
    events = [r.getMessage() for r in caplog.records if r.name == "kompass.security"]
    assert events == [f"password_reset_requested user={reader.pk}", f"password_reset_completed user={reader.pk}"]
    token = link.strip("/").split("/")[-1]
    assert all(token not in e and reader.email not in e for e in events)


# --- the administration ends a member's sessions ------------------------------------------------


def _sessions_end_url(world: World, user: User, kommune_slug: str = "teststadt") -> str:
    membership = Membership.objects.unscoped().get(user=user)
    return reverse("accounts:member_sessions_end", args=[kommune_slug, membership.pk])


def test_the_administration_ends_a_members_sessions_and_it_is_audited(world: World) -> None:
    member = world.client_for(world.reader)
    assert member.get(DASHBOARD).status_code == 200
    admin = world.client_for(world.admin)
    members_page = reverse("accounts:members", args=["teststadt"])
    assert _sessions_end_url(world, world.reader) in admin.get(members_page).content.decode()
    response = admin.post(_sessions_end_url(world, world.reader))
    assert response.status_code == 302 and response["Location"] == members_page
    assert member.get(DASHBOARD)["Location"].startswith(LOGIN)
    assert admin.get(DASHBOARD).status_code == 200, "the administrator's own session stays"
    entry = AuditEntry.objects.for_kommune(world.kommune).get(object_type="user", object_id=str(world.reader.pk))
    (shown,) = present_entries([entry])
    assert (
        entry.actor_id == world.admin.pk and shown.object_label == f"Anmeldungen beendet: {world.reader.display_name}"
    )
    fresh = Client()
    assert fresh.post(LOGIN, {"username": "reader", "password": OLD_PASSWORD}).status_code == 302
    assert fresh.get(DASHBOARD).status_code == 200


def test_only_the_administration_may_end_sessions_and_only_in_its_kommune(world: World) -> None:
    url = _sessions_end_url(world, world.reader)
    before = world.reader.session_epoch
    for user in (world.reader, world.editor):
        assert world.client_for(user).post(url).status_code == 403
    assert world.client_for(world.admin).get(url).status_code == 405
    neighbour = Membership.objects.unscoped().get(kommune=world.other, user=world.outsider)
    foreign = reverse("accounts:member_sessions_end", args=["teststadt", neighbour.pk])
    assert world.client_for(world.admin).post(foreign).status_code == 404
    assert world.client_for(world.outsider).post(url).status_code == 404
    world.reader.refresh_from_db()
    world.outsider.refresh_from_db()
    assert world.reader.session_epoch == before and world.outsider.session_epoch == 0
    assert not AuditEntry.objects.for_kommune(world.kommune).filter(object_type="user").exists()


def test_one_address_may_ask_for_a_few_links_then_gets_429_and_no_mail(reader: User, settings) -> None:  # type: ignore[no-untyped-def]
    """Each request may send a mail: per address the requests are limited (docs/security.md S7)."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset.address": (2, 3600)}
    client = Client(REMOTE_ADDR="198.51.100.9")
    mail.outbox.clear()
    statuses = [client.post(REQUEST, {"identifier": reader.email}).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert len(mail.outbox) == 2
    assert Client(REMOTE_ADDR="198.51.100.10").post(REQUEST, {"identifier": reader.email}).status_code == 302
