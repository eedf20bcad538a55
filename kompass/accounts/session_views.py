"""The administration ends a member's sessions (docs/security.md, A4)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kompass.accounts import services
from kompass.tenancy.access import fetch
from kompass.tenancy.capabilities import Capability
from kompass.tenancy.decorators import TenantRequest, tenant_view
from kompass.tenancy.models import Membership


@require_POST
@tenant_view
def member_sessions_end(request: TenantRequest, pk: int) -> HttpResponse:
    """End every session of a member, in any browser and on any device; audited in the Kommune's log.

    A member of another Kommune is 404 (the choke point), a member without the right 403.
    """
    ctx = request.tenant
    membership = fetch(ctx, Membership.objects.select_related("user"), pk)
    ctx.require(Capability.MANAGE_MEMBERS)
    services.member_sessions_end(kommune=ctx.kommune, actor=ctx.user, membership=membership)
    messages.success(
        request,
        _("Alle Anmeldungen von %(name)s sind beendet; die Person muss sich neu anmelden.")
        % {"name": membership.user.display_name},
    )
    return redirect("accounts:members", kommune_slug=ctx.kommune.slug)
