"""Fetching a Kommune's identity provider or group mapping for its Administration: 404 outside the
Kommune, 403 without the right to keep the Kommune's master data."""

from __future__ import annotations

from kompass.sso.models import OidcGroupMapping, OidcProvider
from kompass.tenancy.access import fetch
from kompass.tenancy.capabilities import Capability
from kompass.tenancy.context import TenantContext

# How the Kommune's people log in belongs to its master data: the Administration only.
CAPABILITY = Capability.MANAGE_KOMMUNE


def provider_for(ctx: TenantContext, pk: object) -> OidcProvider:
    provider = fetch(ctx, OidcProvider.objects.all(), pk)
    ctx.require(CAPABILITY)
    return provider


def mapping_for(ctx: TenantContext, pk: object) -> OidcGroupMapping:
    mapping = fetch(ctx, OidcGroupMapping.objects.select_related("provider", "scope_unit"), pk)
    ctx.require(CAPABILITY)
    return mapping
