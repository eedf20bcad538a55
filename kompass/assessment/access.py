"""Who may read and run a Kommune's surveys: the one choke point for views, API and exports.

Campaigns are Kommune-wide: run (created, changed, opened, closed, invitations sent) by whoever
holds `Capability.MANAGE_SURVEYS` (the Administration and a Redaktion without a unit limit); every
member reads them and their results. A campaign of another Kommune is not found (404), never
forbidden (403).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from kompass.assessment.models import Campaign
from kompass.tenancy.access import fetch
from kompass.tenancy.capabilities import Capability
from kompass.tenancy.context import TenantContext


def can_manage(ctx: TenantContext) -> bool:
    return ctx.can(Capability.MANAGE_SURVEYS)


def require_manager(ctx: TenantContext) -> None:
    if not can_manage(ctx):
        raise PermissionDenied(
            _("Umfragen dürfen nur die Administration und die Redaktion ohne Beschränkung anlegen und steuern.")
        )


def campaign_for_view(ctx: TenantContext, pk: object) -> Campaign:
    return fetch(ctx, Campaign.objects.all(), pk)


def campaign_for_manage(ctx: TenantContext, pk: object) -> Campaign:
    campaign = campaign_for_view(ctx, pk)
    require_manager(ctx)
    return campaign
