from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kompass.audit import presentation, selectors
from kompass.audit.forms import AuditFilterForm
from kompass.core.pagination import paginate, query_without_page
from kompass.tenancy.capabilities import Capability
from kompass.tenancy.decorators import TenantRequest, tenant_view


@require_safe
@tenant_view
def audit_log(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    ctx.require(Capability.VIEW_AUDIT)
    form = AuditFilterForm(request.GET or None, object_types=selectors.object_types(ctx))
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.audit_list(
        ctx,
        actor=filters.get("person", ""),
        object_type=filters.get("typ", ""),
        action=filters.get("aktion", ""),
        date_from=filters.get("von"),
        date_to=filters.get("bis"),
        # PostgreSQL text cannot hold NUL bytes: a raw "\x00" in the address would be a 500.
        object_id=request.GET.get("objekt", "").replace("\x00", "")[:40],
    )
    page = paginate(request, qs)
    template = "audit/partials/audit_table.html" if request.htmx else "audit/audit_log.html"  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "entries": presentation.present_entries(page.object_list),
            "querystring": query_without_page(request),
            "breadcrumbs": [(_("Protokoll"), None)],
        },
    )
