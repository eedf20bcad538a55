from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kompass.audit import presentation, selectors
from kompass.audit.forms import AuditFilterForm
from kompass.core.listing import ListPage
from kompass.tenancy.capabilities import Capability
from kompass.tenancy.decorators import TenantRequest, tenant_view

# Newest first, always: the Protokoll offers no other order.
LOG = ListPage(template="audit/audit_log.html", partial="audit/partials/audit_table.html", form=AuditFilterForm)


@require_safe
@tenant_view
def audit_log(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    ctx.require(Capability.VIEW_AUDIT)

    def rows(filters: Mapping[str, Any], _sort: str) -> Any:
        return selectors.audit_list(
            ctx,
            actor=filters.get("person", ""),
            object_type=filters.get("typ", ""),
            action=filters.get("aktion", ""),
            date_from=filters.get("von"),
            date_to=filters.get("bis"),
            # PostgreSQL text cannot hold NUL bytes: a raw "\x00" in the address would be a 500.
            object_id=request.GET.get("objekt", "").replace("\x00", "")[:40],
        )

    return LOG.render(
        request,
        rows,
        form_kwargs={"object_types": selectors.object_types(ctx)},
        context=lambda page: {
            "entries": presentation.present_entries(page.object_list),
            "breadcrumbs": [(_("Protokoll"), None)],
        },
    )
