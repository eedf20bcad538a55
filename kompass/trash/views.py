"""The Papierkorb page of a Kommune: what was deleted, by whom, how long it can still come back;
restore it (POST with the version shown) or delete it for good (after a confirmation page)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kompass.core.exceptions import ConflictError
from kompass.core.forms_util import form_page, form_version, success
from kompass.tenancy.decorators import TenantRequest, tenant_view
from kompass.trash import access, selectors, services
from kompass.trash.forms import ItemActionForm


def _crumbs(request: TenantRequest, here: str | None = None) -> list[tuple[str, str | None]]:
    index = reverse("trash:index", args=[request.tenant.kommune.slug])
    return [(_("Papierkorb"), index if here else None), *([(here, None)] if here else [])]


@require_safe
@tenant_view
def index(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    ctx.require(access.CAPABILITY)
    context = {"rows": selectors.items(ctx.kommune), "breadcrumbs": _crumbs(request)}
    return render(request, "trash/index.html", context)


@require_POST
@tenant_view
def restore(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    item = access.item_for_action(ctx, pk)
    form = ItemActionForm(request.POST)
    try:
        services.restore(kommune=ctx.kommune, actor=ctx.user, item=item, expected_version=form_version(form))
    except (ValidationError, ConflictError) as exc:
        for message in getattr(exc, "messages", [str(exc)]):
            messages.error(request, message)
    else:
        messages.success(request, _("„%(label)s“ wurde wiederhergestellt.") % {"label": item.label})
    return redirect("trash:index", ctx.kommune.slug)


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def purge(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    item = access.item_for_action(ctx, pk)
    form = ItemActionForm(request.POST or None, initial={"version": item.version})
    return form_page(
        request,
        form,
        lambda: services.purge(kommune=ctx.kommune, actor=ctx.user, item=item, expected_version=form_version(form)),
        done=lambda _none: success(
            request, _("„%(label)s“ wurde endgültig gelöscht.") % {"label": item.label}, "trash:index", ctx.kommune.slug
        ),
        template="trash/purge.html",
        context={
            "item": item,
            "title": _("„%(label)s“ endgültig löschen") % {"label": item.label},
            "cancel_url": reverse("trash:index", args=[ctx.kommune.slug]),
            "breadcrumbs": _crumbs(request, _("Endgültig löschen")),
        },
    )
