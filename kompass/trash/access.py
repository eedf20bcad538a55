"""Fetching an item of the Papierkorb for the acting member (404 outside the Kommune, 403 without the right)."""

from __future__ import annotations

from django.http import Http404

from kompass.tenancy.capabilities import Capability
from kompass.tenancy.context import TenantContext
from kompass.trash.models import TrashItem
from kompass.trash.registry import TRASHABLE

# Kommune-wide: the Administration and the Redaktion without a subtree limit.
CAPABILITY = Capability.MANAGE_TRASH


def item_for_action(ctx: TenantContext, pk: int) -> TrashItem:
    """An item of the acting Kommune that the member may restore or delete for good: besides the
    Papierkorb she needs the right to keep objects of its kind (people, units, roles, measures)."""
    item = TrashItem.objects.for_kommune(ctx.kommune).filter(pk=pk).defer("payload", "relinks").first()
    if item is None:
        raise Http404
    ctx.require(CAPABILITY)
    entry = TRASHABLE.get(item.kind)
    if entry is not None:
        ctx.require(Capability(entry.capability))
    return item
