"""The Lotsen network and the Rollen-Check: read-only overviews for every member."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kompass.roles import access, overview, services
from kompass.roles.views.common import roles_crumb
from kompass.tenancy.decorators import TenantRequest, tenant_view


@require_safe
@tenant_view
def lotsen(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    return render(
        request,
        "roles/lotsen.html",
        {
            "network": overview.lotsen_network(ctx.kommune),
            "can_add": access.can_add_assignments(ctx),
            "breadcrumbs": [roles_crumb(ctx), (_("Lotsen-Netzwerk"), None)],
        },
    )


GROUP_PREVIEW = 50


@require_safe
@tenant_view
def checks(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    if not ctx.is_operator:  # an operator's read-only look is not the Kommune's own first step
        services.check_visit_record(kommune=ctx.kommune)
    summary = overview.check_summary(ctx.kommune, ctx.kommune.slug)
    # ?art=<rule> shows every finding of one kind; the whole page shows the first GROUP_PREVIEW of
    # each kind (a Großstadt has a thousand and more findings of one kind).
    kind = request.GET.get("art", "")
    only = kind if any(group.rule == kind for group in summary.finding_groups) else ""
    sections = summary.sections
    if only:
        sections = [
            (severity, label, items, [group for group in groups if group.rule == only])
            for severity, label, items, groups in sections
            if any(group.rule == only for group in groups)
        ]
    return render(
        request,
        "roles/checks.html",
        {
            "summary": summary,
            "sections": sections,
            "only": only,
            "preview": GROUP_PREVIEW,
            "shown": ":" if only else f":{GROUP_PREVIEW}",
            "breadcrumbs": [roles_crumb(ctx), (_("Rollen-Check"), None)],
        },
    )
