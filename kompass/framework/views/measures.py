"""The measure templates (Maßnahmenvorlagen): what a Kommune can do about a weak field, grouped by the
fields of its framework. Global catalogue data, read by every member."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kompass.framework import kommunentypen, selectors
from kompass.framework.catalogue_loader import CatalogueFileError
from kompass.framework.models import Confidence, Effort
from kompass.tenancy.decorators import TenantRequest, tenant_view


@require_safe
@tenant_view
def measure_list(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    groups = selectors.measure_groups(ctx.kommune)
    return render(
        request,
        "framework/measures.html",
        {
            "groups": groups,
            "count": sum(len(g.measures) for g in groups),
            "adopted": selectors.framework(ctx.kommune) is not None,
            "kommunentypen": _type_names(),
            "efforts": dict(Effort.choices),
            "confidences": Confidence.choices,
            "breadcrumbs": [(_("Maßnahmenvorlagen"), None)],
        },
    )


def _type_names() -> dict[str, str]:
    """The Kommunentypen by key ("serviceorientierte" → "Die Serviceorientierten"); keys stay as they are
    when the file cannot be read."""
    try:
        return {t.key: t.name for t in kommunentypen.catalogue().types}
    except CatalogueFileError:
        return {}
