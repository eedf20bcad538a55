"""The Orientierungsrahmen page (before adoption: what it is and a preview of the catalogue; after:
the whole tree with sources), adopting it, and one field with its criteria.

Every member reads; adopting needs `EDIT_FRAMEWORK` (Administration, Redaktion without unit limit).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kompass.audit.selectors import history_for
from kompass.framework import access, selectors, services, updates
from kompass.framework.catalogue_loader import latest_catalogue
from kompass.framework.models import Confidence, Criterion, Framework
from kompass.framework.views.common import framework_crumb
from kompass.tenancy.decorators import TenantRequest, tenant_view


@require_safe
@tenant_view
def overview(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    framework = selectors.framework(ctx.kommune)
    context: dict[str, Any] = {
        "framework": framework,
        "can_edit": access.can_edit(ctx),
        "confidences": Confidence.choices,
        "breadcrumbs": [(_("Orientierungsrahmen"), None)],
    }
    if framework is None:
        newest = latest_catalogue()
        preview = selectors.catalogue_preview(newest) if newest is not None else []
        names = {item.field.key: item.field for node in preview for item in node.fields}
        context.update(
            newest=newest,
            preview=preview,
            decisions=_decisions(newest.decisions if newest is not None else [], names),
            level_names=selectors.level_names(newest),
        )
        return render(request, "framework/adopt.html", context)
    context.update(_tree_context(ctx.kommune, framework))
    return render(request, "framework/overview.html", context)


def _tree_context(kommune: Any, framework: Framework) -> dict[str, Any]:
    """The adopted tree with each criterion marked when the Kommune reworded it, the counts, the
    decisions of the catalogue and the offer of a newer version (a fixed number of queries)."""
    tree = selectors.tree(kommune)
    newer = updates.newer_catalogue(framework)
    wordings = updates.catalogue_wording(framework, newer)
    names = {}
    counts = {"fields": 0, "off": 0, "criteria": 0, "custom": 0, "criteria_off": 0}
    for dimension in tree:
        for node in dimension.fields:
            names[node.field.key] = node.field
            counts["fields"] += 1
            counts["off"] += not node.field.is_active
            for criterion in node.criteria:
                criterion.reworded = updates.criterion_reworded(criterion, node.field.key, wordings)  # type: ignore[attr-defined]
                active = criterion.is_active and node.field.is_active
                counts["criteria"] += active
                counts["criteria_off"] += not active
                counts["custom"] += criterion.is_custom
    decisions = _decisions(framework.catalogue.decisions, names)
    pending = updates.framework_updates(kommune) if newer is not None else None
    return {
        "tree": tree,
        "counts": counts,
        "decisions": decisions,
        "level_names": selectors.level_names(framework.catalogue),
        "newer": newer,
        "pending": pending.pending if pending is not None else 0,
    }


def _decisions(raw: Any, fields: dict[str, Any]) -> list[dict[str, Any]]:
    """The catalogue's decisions on gaps, each with the fields it names (the Kommune's or the catalogue's)."""
    return [
        {**d, "field_refs": [fields[k] for k in d.get("fields", []) if k in fields]}
        for d in raw or []
        if isinstance(d, dict)
    ]


@require_POST
@tenant_view
def adopt(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    access.require_editor(ctx)
    catalogue = latest_catalogue()
    if catalogue is None:
        messages.error(request, _("Es ist noch kein Orientierungsrahmen geladen."))
        return redirect("framework:overview", ctx.kommune.slug)
    try:
        services.framework_adopt(kommune=ctx.kommune, actor=ctx.user, catalogue=catalogue)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _(
                "Der Orientierungsrahmen (Fassung %(version)s) wurde übernommen. Schalten Sie Felder ab, die für Ihre "
                "Kommune nicht passen, und ergänzen Sie eigene Kriterien."
            )
            % {"version": catalogue.version},
        )
    return redirect("framework:overview", ctx.kommune.slug)


@require_safe
@tenant_view
def field_detail(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    field = access.field_for_view(ctx, pk)
    framework = selectors.framework(ctx.kommune)
    criteria = list(Criterion.objects.for_kommune(ctx.kommune).filter(field=field))
    wordings = updates.catalogue_wording(framework, updates.newer_catalogue(framework))
    for criterion in criteria:
        criterion.reworded = updates.criterion_reworded(criterion, field.key, wordings)  # type: ignore[attr-defined]
    return render(
        request,
        "framework/field_detail.html",
        {
            "field": field,
            "criteria": criteria,
            "level_names": selectors.level_names(framework.catalogue if framework is not None else None),
            "can_edit": access.can_edit(ctx),
            "history": history_for(ctx, field),
            "breadcrumbs": [framework_crumb(ctx), (field.name, None)],
        },
    )
