"""When the second factor is asked for, and what a session has shown (docs/security.md A3).

A session is in one of three states after the password:

- verified: the person entered a TOTP or recovery code in this session, or came through an
  identity provider whose own MFA the instance trusts (`KOMPASS_OIDC_TRUSTS_IDP_MFA`);
- verify: the account has a confirmed TOTP device, so the code is asked for before any page;
- enrol: the account has no device yet but must have one — with `KOMPASS_MFA_REQUIRED` on,
  every platform operator (superuser) and every member with the Administration role of any
  Kommune; such a person sets up TOTP before any other page.

Everyone else may set up TOTP voluntarily; from then on the code is asked for at each login.

Whether the account has a device and whether it holds the Administration role somewhere are read
once at login and kept in the session, so a request costs no extra query (the operator flag comes
with the user row the request loads anyway). What could make a kept answer wrong ends the session
instead: becoming Administration ends every session of that account (`accounts.services`, the
member logs in again and meets the enrolment), and setting up the device here ends the account's
other sessions (`services.totp_confirm`), which had been opened without it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kompass.sso import recovery
from kompass.tenancy.models import Membership, Role

VERIFIED_KEY = "kompass_sso.verified"  # "totp", "recovery", "enrolled" or "oidc"
HAS_DEVICE_KEY = "kompass_sso.has_device"
ADMIN_KEY = "kompass_sso.administration"  # an Administration membership somewhere, as at login
RECOVERY_CODES_KEY = "kompass_sso.new_recovery_codes"  # shown once, right after they were made
RECOVERY_CODE_COUNT = 10
OK, VERIFY, ENROL = "ok", "verify", "enrol"


def is_privileged(user: Any) -> bool:
    """Platform operators and members with the Administration role of any Kommune."""
    return user.is_superuser or is_administration(user)


def is_administration(user: Any) -> bool:
    # A user's own memberships across Kommunen, before a Kommune is known (like tenancy.memberships_of).
    return Membership.objects.unscoped().filter(user=user, role=Role.ADMIN).exists()


def totp_device(user: Any, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


def has_device(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def state(request: HttpRequest) -> str:
    """What the session still has to show before a page opens: OK, VERIFY or ENROL."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return OK
    session = request.session
    if session.get(VERIFIED_KEY):
        return OK
    if HAS_DEVICE_KEY not in session:  # a session from before the login kept it
        session[HAS_DEVICE_KEY] = has_device(user)
    if session[HAS_DEVICE_KEY]:
        return VERIFY
    if not settings.KOMPASS_MFA_REQUIRED:
        return OK
    if user.is_superuser:  # read from the user row of this request: no kept answer to go stale
        return ENROL
    if ADMIN_KEY not in session:
        session[ADMIN_KEY] = is_administration(user)
    return ENROL if session[ADMIN_KEY] else OK


def remember_login(request: HttpRequest, user: Any) -> None:
    """At the login: a fresh session starts unverified; note whether a device exists and whether
    the account is Administration anywhere (both kept for the session, see the module's text)."""
    request.session.pop(VERIFIED_KEY, None)
    request.session[HAS_DEVICE_KEY] = has_device(user)
    request.session[ADMIN_KEY] = is_administration(user)


def mark_verified(request: HttpRequest, how: str) -> None:
    """The session has shown the second factor: a new session key, so a key seen before the step
    (e.g. on a shared computer) is worth nothing afterwards."""
    request.session.cycle_key()
    request.session[VERIFIED_KEY] = how
    request.session[HAS_DEVICE_KEY] = how != "oidc"


def verify_code(user: Any, code: str) -> str | None:
    """Check a code against the TOTP device, then the recovery codes: "totp", "recovery" or None.

    django-otp refuses a TOTP code that was already used (its `last_t`) and slows down guessing
    after failures (its throttling); a recovery code is spent when it is used (`recovery.spend`)."""
    code = "".join(code.split()).lower()
    device = totp_device(user)
    if device is not None and code.isdigit():
        return "totp" if device.verify_token(code) else None
    for static in StaticDevice.objects.filter(user=user, confirmed=True):
        if recovery.spend(static, code):
            return "recovery"
    return None


def new_recovery_codes(user: Any) -> list[str]:
    """Replace the account's recovery codes by ten new single-use ones and return them (shown
    once; only their keyed hash is stored)."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="Wiederherstellungscodes", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [recovery.new_code() for _ in range(RECOVERY_CODE_COUNT)]
    recovery.store(device, codes)
    return codes


def remove_devices(user: Any) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
