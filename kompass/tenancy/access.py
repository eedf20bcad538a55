"""The choke point for fetching tenant objects for a user (docs/security.md, decision 1).

Objects are looked up only inside the acting Kommune, so another Kommune's id is a 404.
With a capability, the acting member must hold it for that object, or gets 403.
"""

from __future__ import annotations

import logging
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

from kompass.core.security_log import security_event
from kompass.tenancy.capabilities import Capability
from kompass.tenancy.context import TenantContext
from kompass.tenancy.scoping import TenantQuerySet

M = TypeVar("M", bound=Model)


def fetch(ctx: TenantContext, queryset: QuerySet[Any], pk: object) -> Any:
    assert isinstance(queryset, TenantQuerySet), "fetch() is for tenant-owned models"
    try:
        return queryset.for_kommune(ctx.kommune).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        _log_if_cross_tenant(ctx, queryset.model, pk)
        raise Http404 from None


def _log_if_cross_tenant(ctx: TenantContext, model: type[Model], pk: object) -> None:
    """An id of another Kommune's object is a denied cross-tenant attempt (docs/security.md L3); one query, on the
    404 path only. The log names the model, never the other Kommune."""
    try:
        elsewhere = model._base_manager.filter(pk=pk).exclude(kommune=ctx.kommune).exists()
    except (ValueError, TypeError):
        return
    if elsewhere:
        security_event(
            "cross_tenant_denied",
            outcome="not_found",
            level=logging.WARNING,
            kommune_id=ctx.kommune.pk,
            user_id=getattr(ctx.user, "pk", None),
            model=model._meta.label,
        )


def require(ctx: TenantContext, capability: Capability, unit: object = None) -> None:
    ctx.require(capability, unit)  # type: ignore[arg-type]
