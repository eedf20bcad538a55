"""Login, password, personal API tokens, members of a Kommune and operator access."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kompass.accounts import invitations, services
from kompass.accounts.forms import ApiTokenForm, InvitationForm, KommuneForm, LoginForm, OperatorAccessForm
from kompass.accounts.models import ApiToken, Invitation, User
from kompass.audit.selectors import history_for
from kompass.core.exceptions import ConflictError
from kompass.core.forms_util import add_service_errors, form_version
from kompass.core.ratelimit import address_key, blocked, hit, limited, too_many_requests
from kompass.tenancy.access import fetch
from kompass.tenancy.capabilities import Capability
from kompass.tenancy.decorators import TenantRequest, tenant_view
from kompass.tenancy.models import Kommune, Membership


def _user(request: HttpRequest) -> User:
    """The logged-in user of a view behind `login_required`."""
    return cast(User, request.user)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    # Django's form views treat PUT like POST; pages here answer 405 to anything but GET/HEAD/POST.
    http_method_names = ["get", "head", "post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Failed logins per address across all user names (docs/security.md S7): axes locks a name and address pair,
        # this stops one address from trying a password against many names.
        wait = blocked("login.address", address_key(request))
        if wait:
            return too_many_requests(request, wait)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        hit("login.address", address_key(self.request))
        return super().form_invalid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change the own password; a forced change (password set by someone else) ends here."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")
    http_method_names = ["get", "head", "post"]

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.password_changed(user=form.user)
        return response

    def get_success_url(self) -> str:
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if target and url_has_allowed_host_and_scheme(target, {self.request.get_host()}, self.request.is_secure()):
            return target
        return str(self.success_url)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["forced"] = _user(self.request).must_change_password
        context["next"] = self.request.GET.get("next", "")
        return context


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"
    http_method_names = ["get", "head"]


logout_view = require_POST(auth_views.LogoutView.as_view())


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The own tokens with Kommune, scope, expiry, last use and status; a new one is shown once."""
    user = _user(request)
    kommunen = services.token_kommunen(user)
    form = ApiTokenForm(request.POST or None, kommunen=kommunen)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_secret = services.api_token_create(user=user, **form.cleaned_data)
            form = ApiTokenForm(kommunen=kommunen)
        except ValidationError as exc:
            add_service_errors(form, exc)
    tokens = ApiToken.objects.filter(user=user).select_related("kommune")
    context = {"form": form, "tokens": tokens, "new_secret": new_secret, "may_create": bool(kommunen)}
    return render(request, "accounts/api_tokens.html", context)


@require_POST
@login_required
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(user=_user(request), token=token)
    messages.success(request, _("Das Token „%(name)s“ wurde widerrufen.") % {"name": token.name})
    return redirect("accounts:api_tokens")


NEW_INVITATION_LINK = "accounts.new_invitation_link"


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
@limited(
    "invitation.user", "invitation.kommune", methods=["POST"]
)  # each invitation sends a mail (docs/security.md S7)
def members(request: TenantRequest) -> HttpResponse:
    """Members and open invitations; new members come only through an invitation they accept."""
    ctx = request.tenant
    ctx.require(Capability.MANAGE_MEMBERS)
    form = InvitationForm(request.POST or None, kommune=ctx.kommune)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, link = invitations.invitation_create(kommune=ctx.kommune, actor=ctx.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            remember_link(request, invitation, link)
            return redirect("accounts:members", kommune_slug=ctx.kommune.slug)
    context = {
        "form": form,
        "memberships": Membership.objects.for_kommune(ctx.kommune)
        .select_related("user", "scope_unit")
        .order_by("user__last_name", "user__username"),
        "invitations": invitations.open_invitations(ctx.kommune),
        "new_link": request.session.pop(NEW_INVITATION_LINK, None),
    }
    return render(request, "accounts/members.html", context)


def remember_link(request: HttpRequest, invitation: Invitation, link: str) -> None:
    """Say what happened, the same whether or not the address has an account (docs/security.md A2); keep the link
    for the next page view only when no mail carries it."""
    if invitation.last_sent_at is not None and invitations.mail_is_configured():
        messages.success(request, _("Die Einladung an %(email)s ist verschickt.") % {"email": invitation.email})
        return
    request.session[NEW_INVITATION_LINK] = {"email": invitation.email, "url": request.build_absolute_uri(link)}


@require_POST
@tenant_view
def member_remove(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    membership = fetch(ctx, Membership.objects.select_related("user"), pk)
    ctx.require(Capability.MANAGE_MEMBERS)
    try:
        services.membership_delete(kommune=ctx.kommune, actor=ctx.user, membership=membership)
        messages.success(request, _("Die Mitgliedschaft wurde beendet."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("accounts:members", kommune_slug=ctx.kommune.slug)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def operator_access(request: HttpRequest, kommune_slug: str | None = None) -> HttpResponse:
    """Platform operators choose a Kommune and give a reason before they can read it."""
    if not request.user.is_superuser:
        raise Http404
    kommune = get_object_or_404(Kommune, slug=kommune_slug) if kommune_slug else None
    form = OperatorAccessForm(request.POST or None)
    if kommune is not None and request.method == "POST" and form.is_valid():
        try:
            services.operator_access_grant(kommune=kommune, operator=request.user, reason=form.cleaned_data["reason"])
            return redirect("ui:dashboard", kommune_slug=kommune.slug)
        except ValidationError as exc:
            add_service_errors(form, exc)
    elif request.method == "POST" and kommune is None:
        raise PermissionDenied
    return render(
        request,
        "accounts/operator_access.html",
        {"form": form, "kommune": kommune, "kommunen": Kommune.objects.order_by("name")},
    )


@require_safe
def locked(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/locked.html", status=429)


# --- the Kommune's master data ------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def kommune_settings(request: TenantRequest) -> HttpResponse:
    """Master data of the Kommune, maintained by its administration."""
    ctx = request.tenant
    ctx.require(Capability.MANAGE_KOMMUNE)
    form = KommuneForm(request.POST or None, initial=KommuneForm.initial_for(ctx.kommune))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.kommune_update(kommune=ctx.kommune, actor=ctx.user, data=data, expected_version=form_version(form))
            messages.success(request, _("Die Stammdaten wurden gespeichert."))
            return redirect("accounts:kommune_settings", ctx.kommune.slug)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ConflictError as exc:
            form.add_error(None, str(exc))
    return render(
        request,
        "accounts/kommune_settings.html",
        {
            "form": form,
            "history": history_for(ctx, ctx.kommune),
            "breadcrumbs": [(_("Stammdaten der Kommune"), None)],
        },
    )
