"""Who may read and change a Kommune's framework: the one choke point for views, API and exports.

The framework is Kommune-wide: changed by whoever holds `Capability.EDIT_FRAMEWORK` (the
Administration and a Redaktion without a unit limit); every member reads it. Objects of another
Kommune are not found (404), never forbidden (403).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from kompass.framework.models import Criterion, Field
from kompass.tenancy.access import fetch
from kompass.tenancy.capabilities import Capability
from kompass.tenancy.context import TenantContext


def can_edit(ctx: TenantContext) -> bool:
    return ctx.can(Capability.EDIT_FRAMEWORK)


def require_editor(ctx: TenantContext) -> None:
    if not can_edit(ctx):
        raise PermissionDenied(
            _("Den Orientierungsrahmen der Kommune dürfen nur Administration und Redaktion ohne Beschränkung ändern.")
        )


def field_for_view(ctx: TenantContext, pk: object) -> Field:
    return fetch(ctx, Field.objects.select_related("dimension"), pk)


def field_for_edit(ctx: TenantContext, pk: object) -> Field:
    field = field_for_view(ctx, pk)
    require_editor(ctx)
    return field


def criterion_for_edit(ctx: TenantContext, pk: object) -> Criterion:
    criterion = fetch(ctx, Criterion.objects.select_related("field"), pk)
    require_editor(ctx)
    return criterion


def criterion_for_view(ctx: TenantContext, pk: object) -> Criterion:
    return fetch(ctx, Criterion.objects.select_related("field"), pk)
