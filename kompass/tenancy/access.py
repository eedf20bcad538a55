"""The choke point for fetching tenant objects for a user (docs/security.md, decision 1).

Objects are looked up only inside the acting Kommune, so another Kommune's id is a 404.
With a capability, the acting member must hold it for that object, or gets 403.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

from kompass.tenancy.capabilities import Capability
from kompass.tenancy.context import TenantContext
from kompass.tenancy.scoping import TenantQuerySet

M = TypeVar("M", bound=Model)


def fetch(ctx: TenantContext, queryset: QuerySet[Any], pk: object) -> Any:
    assert isinstance(queryset, TenantQuerySet), "fetch() is for tenant-owned models"
    try:
        return queryset.for_kommune(ctx.kommune).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def require(ctx: TenantContext, capability: Capability, unit: object = None) -> None:
    ctx.require(capability, unit)  # type: ignore[arg-type]
