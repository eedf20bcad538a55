"""Login through an identity provider: the redirect there and the way back (docs/security.md A3).

Both pages are public (the person is not logged in yet). Any failure — a wrong state or nonce, a
bad signature, an expired token, an unreachable provider, groups that give no Kommune — ends on
the login page with one German message; the details go to the security log only, and nothing is
created (`services.oidc_login` runs in one transaction).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kompass.core.ratelimit import address_key, blocked, hit
from kompass.sso import mfa, oidc, services

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _unknown(request: HttpRequest) -> HttpResponse:
    messages.error(
        request, _("Diesen Anmeldeweg gibt es hier nicht (mehr). Bitte melden Sie sich mit Ihrem Passwort an.")
    )
    return redirect("accounts:login")


def _failed(request: HttpRequest, provider: oidc.Provider, reason: str, text: str) -> HttpResponse:
    hit("login.address", address_key(request))  # counts like a failed password (docs/security.md S7)
    services.security_event("sso_failed", None, provider=provider.key, reason=reason[:200])
    messages.error(request, text)
    return redirect("accounts:login")


@require_safe
def oidc_start(request: HttpRequest, provider: str) -> HttpResponse:
    chosen = oidc.provider_by_key(provider)
    if chosen is None:
        return _unknown(request)
    if blocked("login.address", address_key(request)):
        return _failed(request, chosen, "throttled", _("Zu viele Anmeldeversuche. Bitte warten Sie etwas."))
    try:
        return oidc.start(request, chosen)
    except oidc.SsoError as exc:
        text = _(
            "Der Identitätsanbieter „%(name)s“ ist gerade nicht erreichbar. Bitte versuchen Sie es später noch einmal."
        )
        return _failed(request, chosen, str(exc), text % {"name": chosen.name})


@require_safe
def oidc_callback(request: HttpRequest, provider: str) -> HttpResponse:
    chosen = oidc.provider_by_key(provider)
    if chosen is None:
        return _unknown(request)
    try:
        claims = oidc.finish(request, chosen)
        user = services.oidc_login(provider=chosen, claims=claims, groups=oidc.groups_of(claims, chosen))
    except oidc.SsoError as exc:
        text = _("Die Anmeldung über „%(name)s“ ist fehlgeschlagen. Bitte versuchen Sie es noch einmal.")
        return _failed(request, chosen, str(exc), text % {"name": chosen.name})
    except services.NoMembershipError as exc:
        text = _(
            "Ihr Konto bei „%(name)s“ ist keiner Kommune in Kommunalkompass zugeordnet. "
            "Bitte wenden Sie sich an die Administration Ihrer Kommune."
        )
        return _failed(request, chosen, str(exc), text % {"name": chosen.name})
    login(request, user, backend=BACKEND)
    if settings.KOMPASS_OIDC_TRUSTS_IDP_MFA:
        mfa.mark_verified(request, "oidc")
    return redirect(settings.LOGIN_REDIRECT_URL)
