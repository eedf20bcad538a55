"""The second factor for local accounts (docs/security.md A3): enrolment, the step after the
password, recovery codes, switching it off, throttling, and that an Administration member or a
platform operator reaches no page with the password alone."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import get_resolver
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kompass.accounts.models import User
from kompass.audit.models import AuditEntry
from kompass.conftest import World
from kompass.factories import UserFactory
from kompass.sso import mfa
from kompass.ui.tests import url_registry as reg
from kompass.ui.tests.test_isolation import walk

pytestmark = pytest.mark.django_db
PASSWORD = "ein-langes-testpasswort"
ENROL, VERIFY = "/konto/zweiter-faktor/einrichten/", "/anmelden/bestaetigen/"
enforced = override_settings(KOMPASS_MFA_REQUIRED=True)


def code_for(key_hex: str) -> str:
    """The current TOTP code of a secret, computed here as the app would (RFC 6238)."""
    return f"{totp(bytes.fromhex(key_hex)):06d}"


def password_login(user: User) -> Client:
    client = Client()
    answer = client.post("/anmelden/", {"username": user.username, "password": PASSWORD})
    assert answer.status_code == 302, answer.content[:500]
    return client


def enrol(client: Client) -> tuple[str, list[str]]:
    """Set up TOTP in the browser session; returns the secret and the recovery codes shown."""
    page = client.get(ENROL)
    assert page.status_code == 200 and b"<svg" in page.content
    key = client.session["kompass_sso.pending_totp_key"]
    answer = client.post(ENROL, {"code": code_for(key)})
    assert answer.status_code == 302 and answer["Location"] == "/konto/zweiter-faktor/codes/"
    shown = client.get("/konto/zweiter-faktor/codes/").content.decode()
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", shown)
    return key, codes


@enforced
def test_an_administration_member_must_enrol_before_any_page(world: World) -> None:
    client = password_login(world.admin)
    answer = client.get(f"/k/{world.kommune.slug}/")
    assert answer.status_code == 302 and answer["Location"].startswith(ENROL + "?next=")
    assert client.get("/api/v1/kommunen/").status_code == 403


@enforced
def test_a_platform_operator_must_enrol_too(world: World) -> None:
    operator = UserFactory(username="betrieb", is_superuser=True, is_staff=True)
    client = password_login(operator)
    assert client.get("/betrieb/kommunen/")["Location"].startswith(ENROL)


@enforced
def test_a_reader_is_not_forced_but_may_enrol(world: World) -> None:
    client = password_login(world.reader)
    assert client.get(f"/k/{world.kommune.slug}/").status_code == 200
    _key, codes = enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10


@enforced
def test_enrol_logout_login_with_code_and_a_recovery_code_works_once(world: World, caplog: Any) -> None:
    caplog.set_level(logging.INFO, logger="kompass.security")
    client = password_login(world.admin)
    about_her = AuditEntry.objects.for_kommune(world.kommune).filter(object_id=str(world.admin.pk), action="access")
    before = about_her.count()
    key, codes = enrol(client)
    assert TOTPDevice.objects.get(user=world.admin).confirmed
    assert about_her.count() == before + 1  # "Zweiter Faktor (TOTP) eingerichtet" in her Kommune's log
    download = client.get("/konto/zweiter-faktor/codes.txt")
    assert download["Content-Disposition"].startswith("attachment") and codes[0] in download.content.decode()
    client.post("/konto/zweiter-faktor/codes/")  # "Ich habe die Codes gesichert": shown once
    assert client.get("/konto/zweiter-faktor/codes/")["Location"] == "/konto/zweiter-faktor/"
    assert client.get(f"/k/{world.kommune.slug}/").status_code == 200
    assert "mfa_enrolled" in caplog.text and key not in caplog.text

    client.post("/abmelden/")
    second = password_login(world.admin)
    assert second.get("/")["Location"].startswith(VERIFY)
    assert second.post(VERIFY, {"code": "000000"}).status_code == 200  # wrong: the page again
    # The code used at enrolment does not count again; the next time step's code does.
    assert second.post(VERIFY, {"code": code_for(key)}).status_code == 200
    assert second.get("/").status_code == 302 and second.get("/")["Location"].startswith(VERIFY)
    device = TOTPDevice.objects.get(user=world.admin)
    device.last_t -= 1  # as if the enrolment had been one time step earlier
    device.throttling_failure_count = 0
    device.save()
    assert second.post(VERIFY, {"code": code_for(key)}).status_code == 302
    assert second.get(f"/k/{world.kommune.slug}/").status_code == 200

    third = password_login(world.admin)
    assert third.post(VERIFY, {"code": codes[0]})["Location"] == "/"
    assert third.get(f"/k/{world.kommune.slug}/").status_code == 200
    fourth = password_login(world.admin)
    assert fourth.post(VERIFY, {"code": codes[0]}).status_code == 200  # spent
    # django-otp slows down the next try after a failure (1 s, then 2 s, …): as if time had passed.
    StaticDevice.objects.filter(user=world.admin).update(throttling_failure_count=0)
    assert fourth.post(VERIFY, {"code": codes[1].replace("-", "").upper()}).status_code == 302
    assert StaticToken.objects.filter(device__user=world.admin).count() == 8
    assert "mfa_failed" in caplog.text and codes[0] not in caplog.text


@enforced
def test_a_session_that_owes_the_code_cannot_replace_the_device(world: World) -> None:
    client = password_login(world.admin)
    enrol(client)
    other = password_login(world.admin)
    assert other.get(ENROL)["Location"].startswith(VERIFY)
    assert other.post(ENROL, {"code": "123456"})["Location"].startswith(VERIFY)


@enforced
def test_disabling_and_new_codes_need_the_password(world: World) -> None:
    client = password_login(world.reader)
    enrol(client)
    wrong = client.post("/konto/zweiter-faktor/", {"action": "disable", "password": "falsch"})
    assert wrong.status_code == 200 and "Das Passwort stimmt nicht" in wrong.content.decode()
    assert TOTPDevice.objects.filter(user=world.reader).exists()
    renewed = client.post("/konto/zweiter-faktor/", {"action": "renew", "password": PASSWORD})
    assert renewed["Location"] == "/konto/zweiter-faktor/codes/"
    assert client.post("/konto/zweiter-faktor/", {"action": "disable", "password": PASSWORD}).status_code == 302
    assert not TOTPDevice.objects.filter(user=world.reader).exists()
    assert not StaticToken.objects.filter(device__user=world.reader).exists()


def test_the_step_is_throttled(world: World, settings: Any) -> None:
    # Both through pytest-django's `settings`: mixed with the `enforced` decorator, its teardown would
    # restore the decorator's settings after the decorator had ended and leave enforcement on for every
    # later test of the process.
    settings.KOMPASS_MFA_REQUIRED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "mfa.user": (3, 900)}
    client = password_login(world.admin)
    enrol(client)
    cache.clear()  # the enrolment's code counted too
    other = password_login(world.admin)
    statuses = [other.post(VERIFY, {"code": "000000"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


@override_settings(KOMPASS_MFA_REQUIRED=False)
def test_with_enforcement_off_an_account_with_a_device_still_gives_its_code(world: World) -> None:
    client = password_login(world.reader)
    enrol(client)
    assert password_login(world.reader).get("/")["Location"].startswith(VERIFY)
    assert password_login(world.admin).get(f"/k/{world.kommune.slug}/").status_code == 200


# --- no privileged page with one factor, over every route ----------------------------------------

KWARG = re.compile(r"<(?:([^>:]+):)?([^>]+)>")
OPEN = {"sso:verify", "sso:enrol", "accounts:logout", "set_language"}


def _url(pattern: str) -> str:
    def fill(match: re.Match[str]) -> str:
        converter, name = match.group(1), match.group(2)
        if name == "kommune_slug":
            return "teststadt"
        return "1" if converter == "int" else "x1"

    return "/" + KWARG.sub(fill, pattern).lstrip("^").rstrip("$")


def _guarded_routes() -> list[tuple[str, str]]:
    routes = []
    for found in walk(get_resolver()):
        route = reg.ROUTES.get(found.name)
        if found.name in OPEN or (route is not None and route.access in (reg.PUBLIC, reg.PUBLIC_KOMMUNE)):
            continue
        routes.append((found.name, _url(found.pattern)))
    return sorted(routes)


GUARDED = _guarded_routes()


def test_the_route_list_is_complete_and_covers_the_privileged_pages() -> None:
    names = {name for name, _url in GUARDED}
    assert {"ui:home", "accounts:members", "accounts:operator_kommunen", "sso:manage"} <= names
    assert len(GUARDED) > 100
    assert all(name in reg.ROUTES for name in names)


@enforced
@pytest.mark.parametrize("who", ["admin", "operator"])
def test_no_route_opens_with_the_password_alone(world: World, who: str) -> None:
    user = world.admin if who == "admin" else UserFactory(username="betrieb", is_superuser=True, is_staff=True)
    client = password_login(user)
    opened = []
    for name, url in GUARDED:
        for method in ("get", "post"):
            answer = getattr(client, method)(url)
            if url.startswith("/api/"):
                ok = answer.status_code == 403
            else:
                ok = answer.status_code == 302 and answer["Location"].startswith(ENROL)
            if not ok:
                opened.append((name, method, answer.status_code))
    assert opened == []


def test_state_is_verify_for_an_account_with_a_device_and_ok_after_the_step(world: World, rf: Any) -> None:
    TOTPDevice.objects.create(user=world.reader, name="x", confirmed=True)
    client = password_login(world.reader)
    request = client.get("/").wsgi_request
    assert mfa.state(request) == mfa.VERIFY
    mfa.mark_verified(request, "totp")
    assert mfa.state(request) == mfa.OK


def test_the_overview_without_a_chosen_action_changes_nothing(world: World) -> None:
    client = password_login(world.reader)
    enrol(client)
    answer = client.post("/konto/zweiter-faktor/", {"password": PASSWORD})
    assert answer.status_code == 200 and "Bitte wählen Sie" in answer.content.decode()
    assert TOTPDevice.objects.filter(user=world.reader, confirmed=True).exists()
