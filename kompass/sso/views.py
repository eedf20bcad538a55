"""Pages of the second factor: the step after the password, setting up TOTP, the recovery codes
and turning it off (docs/security.md A3)."""

from __future__ import annotations

import base64
import time
from typing import Any, cast

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from kompass.accounts.models import User
from kompass.core.ratelimit import limited
from kompass.sso import mfa, services
from kompass.sso.forms import CodeForm, EnrolForm, PasswordConfirmForm

PENDING_KEY = "kompass_sso.pending_totp_key"  # the secret being set up, in the session until confirmed


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return str(settings.LOGIN_REDIRECT_URL)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@limited("mfa.user", "mfa.address", methods=["POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step after the password: a code from the app or a recovery code."""
    current = mfa.state(request)
    if current == mfa.ENROL:
        return redirect("sso:enrol")
    if current == mfa.OK:
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        how = mfa.verify_code(request.user, form.cleaned_data["code"])
        services.second_factor_checked(user=request.user, how=how)
        if how is not None:
            mfa.mark_verified(request, how)
            if how == "recovery":
                messages.warning(
                    request, _("Sie haben einen Wiederherstellungscode verbraucht; er gilt nicht noch einmal.")
                )
            return redirect(_next(request))
        form.add_error("code", _("Der Code stimmt nicht oder ist abgelaufen. Bitte versuchen Sie es noch einmal."))
    return render(request, "sso/verify.html", {"form": form, "next": _next(request)})


def _pending_device(request: HttpRequest) -> TOTPDevice:
    """An unsaved device with the secret being set up: nothing is written before it is confirmed."""
    key = request.session.get(PENDING_KEY)
    if not key:
        key = request.session[PENDING_KEY] = default_key()
    return TOTPDevice(user=request.user, key=key, name="Authenticator-App")


def _code_matches(device: TOTPDevice, code: str) -> int | None:
    """The time step of a matching code for the secret being set up, else None."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, 0)
    totp.time = time.time()
    return totp.t() if totp.verify(int(code), device.tolerance) else None


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@limited("mfa.user", "mfa.address", methods=["POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up TOTP: the QR code and the secret for typing, confirmed by the first code."""
    if mfa.state(request) == mfa.VERIFY:  # a device exists: it is replaced only after the step
        return redirect("sso:verify")
    device = _pending_device(request)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        step = _code_matches(device, form.cleaned_data["code"])
        if step is not None:
            device.last_t = step  # the code just used does not count again
            codes = services.totp_confirm(user=request.user, device=device)
            update_session_auth_hash(request, cast(User, request.user))  # this session stays, the others end
            request.session.pop(PENDING_KEY, None)
            mfa.mark_verified(request, "enrolled")
            request.session[mfa.RECOVERY_CODES_KEY] = codes
            return redirect("sso:recovery_codes")
        services.security_event("mfa_enrol_failed", request.user)
        form.add_error(
            "code", _("Der Code passt nicht. Prüfen Sie die Uhrzeit des Telefons und geben Sie den aktuellen Code ein.")
        )
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    qr = segno.make(device.config_url, error="m").svg_inline(scale=4, title=_("QR-Code für die Authenticator-App"))
    context: dict[str, Any] = {
        "form": form,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "qr": qr,
        "replacing": mfa.has_device(request.user),
    }
    return render(request, "sso/enrol.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown once: "Fertig" removes them from the session."""
    codes = request.session.get(mfa.RECOVERY_CODES_KEY)
    if request.method == "POST" or not codes:
        request.session.pop(mfa.RECOVERY_CODES_KEY, None)
        return redirect("sso:manage")
    return render(request, "sso/recovery_codes.html", {"codes": codes})


@require_safe
@login_required
def recovery_codes_download(request: HttpRequest) -> HttpResponse:
    codes = request.session.get(mfa.RECOVERY_CODES_KEY)
    if not codes:
        return redirect("sso:manage")
    heading = _("Wiederherstellungscodes für Kommunalkompass (%(user)s), jeder gilt einmal.") % {
        "user": request.user.get_username()
    }
    response = HttpResponse(heading + "\n\n" + "\n".join(codes) + "\n", content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="kommunalkompass-wiederherstellungscodes.txt"'
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@limited("mfa.user", "mfa.address", methods=["POST"])
def manage(request: HttpRequest) -> HttpResponse:
    """Status of the second factor; new recovery codes or switching it off, each with the password."""
    user = request.user
    form = PasswordConfirmForm(request.POST or None, user=user)
    action = request.POST.get("action")
    if request.method == "POST" and action in ("renew", "disable") and form.is_valid():
        if action == "renew":
            request.session[mfa.RECOVERY_CODES_KEY] = services.recovery_codes_renew(user=user)
            return redirect("sso:recovery_codes")
        services.second_factor_disable(user=user)
        request.session.pop(mfa.VERIFIED_KEY, None)  # an enforced account sets it up again at once
        request.session[mfa.HAS_DEVICE_KEY] = False
        messages.success(request, _("Der zweite Faktor ist abgeschaltet."))
        return redirect("sso:manage")
    if request.method == "POST" and action not in ("renew", "disable") and form.is_bound:
        form.is_valid()  # add_error needs the cleaned data
        form.add_error(
            None, _("Bitte wählen Sie, ob Sie neue Codes erzeugen oder den zweiten Faktor abschalten wollen.")
        )
    context = {
        "form": form,
        "device": mfa.totp_device(user),
        "codes_left": mfa.recovery_codes_left(user),
        "required": settings.KOMPASS_MFA_REQUIRED and mfa.is_privileged(user),
    }
    return render(request, "sso/manage.html", context)
