"""Who may read and change the target profile, the recommendations and the Kommunentyp.

Every member reads them; they are changed by whoever holds `Capability.EDIT_FRAMEWORK` (the
Administration and a Redaktion without a unit limit), like the framework they belong to. Fields
and criteria are fetched through `kompass.framework.access`; objects of another Kommune are not
found (404), never forbidden (403).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from kompass.assessment.models import Recommendation
from kompass.framework import access as framework_access
from kompass.framework.models import Criterion, Field
from kompass.tenancy.access import fetch
from kompass.tenancy.context import TenantContext


def can_edit(ctx: TenantContext) -> bool:
    return framework_access.can_edit(ctx)


def require_editor(ctx: TenantContext) -> None:
    if not can_edit(ctx):
        raise PermissionDenied(
            _(
                "Soll-Profil, Empfehlungen und Kommunentyp ändern nur die Administration und die Redaktion ohne "
                "Beschränkung auf eine Organisationseinheit."
            )
        )


def field_for_target(ctx: TenantContext, pk: object) -> Field:
    """A field of the Kommune whose Soll the member is about to set (404 elsewhere, 403 without the right)."""
    field = framework_access.field_for_view(ctx, pk)
    require_editor(ctx)
    return field


def criterion_for_target(ctx: TenantContext, pk: object) -> Criterion:
    criterion: Criterion = fetch(ctx, Criterion.objects.select_related("field__dimension"), pk)
    require_editor(ctx)
    return criterion


def recommendation_for_edit(ctx: TenantContext, pk: object) -> Recommendation:
    recommendation: Recommendation = fetch(ctx, Recommendation.objects.select_related("field", "template"), pk)
    require_editor(ctx)
    return recommendation
