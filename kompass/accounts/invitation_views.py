"""The invitation link (`/einladung/<secret>/`) and the administration's resend and revoke.

The link page is open without login and belongs to no Kommune's URL space: the secret in the
link is the permission. What it shows depends on who opens it (see `invitation`).
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from kompass.accounts import invitations
from kompass.accounts.forms import InvitationAcceptForm
from kompass.accounts.models import Invitation, User
from kompass.accounts.views import remember_link
from kompass.core.forms_util import add_service_errors
from kompass.core.ratelimit import limited
from kompass.tenancy.access import fetch
from kompass.tenancy.capabilities import Capability
from kompass.tenancy.decorators import TenantRequest, tenant_view

TEMPLATE = "accounts/invitation.html"
LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"
# Pages of a link that can no longer be used: status and what the person reads.
UNUSABLE_STATUS = {"unknown": 404, "revoked": 410, "accepted": 410, "expired": 410}


@never_cache
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "HEAD", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Who opens the link decides the page:

    - nobody logged in, no account for the address: name and own password, then member;
    - nobody logged in, an account exists: log in first (the login returns here);
    - the invited account logged in: accept (consent) — refused for platform operators;
    - anyone else logged in: a page that says the invitation is for another account.
    """
    found = invitations.invitation_for_secret(token)
    problem = invitations.usable_problem(found)
    if found is None or problem is not None:
        return render(request, TEMPLATE, {"state": problem}, status=UNUSABLE_STATUS[problem or "unknown"])
    if request.user.is_authenticated:
        return _logged_in(request, found, cast(User, request.user))
    if invitations.accounts_for_email(found.email).exists():
        return render(request, TEMPLATE, {"state": "login", "invitation": found})
    return _new_account(request, found)


def _new_account(request: HttpRequest, found: Invitation) -> HttpResponse:
    initial = {"first_name": found.first_name, "last_name": found.last_name}
    form = InvitationAcceptForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, _membership = invitations.invitation_accept_new_account(
                invitation=found, first_name=data["first_name"], last_name=data["last_name"], password=data["password1"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            login(request, user, backend=LOGIN_BACKEND)
            messages.success(request, _("Willkommen! Ihr Konto ist angelegt."))
            return redirect("ui:dashboard", kommune_slug=found.kommune.slug)
    return render(request, TEMPLATE, {"state": "new", "invitation": found, "form": form})


def _logged_in(request: HttpRequest, found: Invitation, user: User) -> HttpResponse:
    if not invitations.invitation_meant_for(found, user):
        return render(request, TEMPLATE, {"state": "other"}, status=403 if request.method == "POST" else 200)
    if user.is_superuser:
        return render(request, TEMPLATE, {"state": "operator"}, status=403 if request.method == "POST" else 200)
    error = None
    if request.method == "POST":
        try:
            invitations.invitation_accept_existing_account(invitation=found, user=user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Sie sind jetzt Mitglied von %(kommune)s.") % {"kommune": found.kommune.name})
            return redirect("ui:dashboard", kommune_slug=found.kommune.slug)
    return render(request, TEMPLATE, {"state": "consent", "invitation": found, "error": error})


@require_POST
@tenant_view
@limited("invitation.user", "invitation.kommune")  # each resend sends a mail (docs/security.md S7)
def invitation_resend(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    found = fetch(ctx, Invitation.objects.all(), pk)
    ctx.require(Capability.MANAGE_MEMBERS)
    try:
        found, link = invitations.invitation_resend(kommune=ctx.kommune, actor=ctx.user, invitation=found)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        remember_link(request, found, link)
    return redirect("accounts:members", kommune_slug=ctx.kommune.slug)


@require_POST
@tenant_view
def invitation_revoke(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    found = fetch(ctx, Invitation.objects.all(), pk)
    ctx.require(Capability.MANAGE_MEMBERS)
    try:
        invitations.invitation_revoke(kommune=ctx.kommune, actor=ctx.user, invitation=found)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Die Einladung an %(email)s ist zurückgezogen; ihr Link gilt nicht mehr.") % {"email": found.email},
        )
    return redirect("accounts:members", kommune_slug=ctx.kommune.slug)
