"""The Kommune's roles: the list, one role with holders and relations, own roles, relations.

Every member reads; creating, changing, deleting roles and relations changes the Kommune-wide
role model (`access.role_for_edit`, `access.require_model_editor`: capability `EDIT_ROLE_MODEL`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kompass.audit.selectors import history_for
from kompass.core.forms_util import form_page, form_version, save_form, success
from kompass.org.forms import DeleteForm
from kompass.roles import access, overview, selectors, services
from kompass.roles.forms import RelationDeleteForm, RelationForm, RoleForm
from kompass.roles.models import Role
from kompass.roles.views.common import optional_url, role_crumbs, roles_crumb
from kompass.tenancy.decorators import TenantRequest, tenant_view

HOLDERS_SHOWN = 50


@require_safe
@tenant_view
def role_list(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    model = selectors.role_model(ctx.kommune)
    rows = [(role, overview.role_status(role, role.holder_count)) for role in selectors.role_list(ctx.kommune)]  # type: ignore[attr-defined]  # annotated by the selector
    offers = list(overview.latest_catalogues().values()) if model is None else []
    updates = (
        overview.catalogue_updates(ctx.kommune, model.catalogue, with_relations=True) if model is not None else None
    )
    return render(
        request,
        "roles/role_list.html",
        {
            "model": model,
            "rows": rows,
            "offers": sorted(offers, key=lambda c: c.key != "kgst"),
            "updates": updates,
            "can_edit": access.can_edit_model(ctx),
            "breadcrumbs": [(_("Rollen"), None)],
        },
    )


def _role_context(ctx: Any, role: Role, relation_form: RelationForm | None = None) -> dict[str, Any]:
    kommune = ctx.kommune
    relations = selectors.relations(kommune).filter(Q(from_role=role) | Q(to_role=role)).order_by("id")
    outgoing, incoming = overview.group_relations(relations, role.pk)
    newest = overview.newest_catalogue_role(role)
    can_edit = access.can_edit_model(ctx)
    # One more than shown tells whether the list is cut; a Großstadt's Lotsen role has 300 holders,
    # all of them are in the assignment list filtered by the role.
    holders = list(selectors.role_holders(kommune, role)[: HOLDERS_SHOWN + 1])
    figures = selectors.holder_figures(kommune, role)
    return {
        "role": role,
        "holders": [(a, access.can_edit_assignment(ctx, a)) for a in holders[:HOLDERS_SHOWN]],
        "holder_count": figures.assignments,
        "holder_people": figures.people,
        "past": list(selectors.role_history(kommune, role)[:50]),
        "outgoing": outgoing,
        "incoming": incoming,
        "newer_version": newest if newest is not None and newest.pk != role.catalogue_role_id else None,
        "relation_form": relation_form
        if relation_form is not None
        else (RelationForm(kommune=kommune, role=role) if can_edit else None),
        "can_edit": can_edit,
        "can_assign": access.can_add_assignments(ctx),
        "pdf_url": optional_url("roles:role_pdf", kommune.slug, role.pk),
        "history": history_for(ctx, role),
        "breadcrumbs": [roles_crumb(ctx), (role.name, None)],
    }


@require_safe
@tenant_view
def role_detail(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    role = access.role_for_view(ctx, pk)
    return render(request, "roles/role_detail.html", _role_context(ctx, role))


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def role_create(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    access.require_model_editor(ctx)
    form = RoleForm(request.POST or None, initial={"is_active": True, "kind": "intern"})
    return form_page(
        request,
        form,
        lambda: services.role_create(kommune=ctx.kommune, actor=ctx.user, data=form.service_data()),
        done=lambda role: success(
            request,
            _("Die Rolle „%(name)s“ wurde angelegt.") % {"name": role.name},
            "roles:role_detail",
            ctx.kommune.slug,
            role.pk,
        ),
        template="roles/role_form.html",
        context={"title": _("Neue eigene Rolle"), "breadcrumbs": [roles_crumb(ctx), (_("Neue Rolle"), None)]},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def role_edit(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    role = access.role_for_edit(ctx, pk)
    form = RoleForm(request.POST or None, initial=RoleForm.initial_for(role))
    return form_page(
        request,
        form,
        lambda: services.role_update(
            kommune=ctx.kommune,
            actor=ctx.user,
            role=role,
            data=form.service_data(),
            expected_version=form_version(form),
        ),
        done=lambda _role: success(
            request, _("Die Änderungen wurden gespeichert."), "roles:role_detail", ctx.kommune.slug, role.pk
        ),
        template="roles/role_form.html",
        context={
            "role": role,
            "title": _("Rolle „%(name)s“ anpassen") % {"name": role.name},
            "breadcrumbs": [*role_crumbs(ctx, role), (_("Bearbeiten"), None)],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def role_delete(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    role = access.role_for_edit(ctx, pk)
    form = DeleteForm(request.POST or None, initial={"version": role.version})

    def delete() -> None:
        if not role.is_custom:
            raise ValidationError(_("Rollen aus dem Katalog werden nicht gelöscht. Setzen Sie sie auf inaktiv."))
        services.role_delete(kommune=ctx.kommune, actor=ctx.user, role=role)

    return form_page(
        request,
        form,
        delete,
        done=lambda _none: success(
            request,
            _("Die Rolle „%(name)s“ wurde in den Papierkorb verschoben und ist 30 Tage wiederherstellbar.")
            % {"name": role.name},
            "roles:role_list",
            ctx.kommune.slug,
        ),
        template="roles/role_delete.html",
        context={
            "role": role,
            "has_assignments": selectors.assignments(ctx.kommune).filter(role=role).exists(),
            "title": _("Rolle „%(name)s“ löschen") % {"name": role.name},
            "breadcrumbs": [*role_crumbs(ctx, role), (_("Löschen"), None)],
        },
    )


@require_POST
@tenant_view
def relation_create(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    role = access.role_for_edit(ctx, pk)
    form = RelationForm(request.POST, kommune=ctx.kommune, role=role)
    if form.is_valid():
        data = {**form.cleaned_data, "from_role": role}
        relation = save_form(form, lambda: services.relation_create(kommune=ctx.kommune, actor=ctx.user, data=data))
        if relation is not None:
            messages.success(request, _("Die Beziehung „%(relation)s“ wurde angelegt.") % {"relation": relation})
            return redirect("roles:role_detail", ctx.kommune.slug, role.pk)
    return render(request, "roles/role_detail.html", _role_context(ctx, role, relation_form=form))


@require_POST
@tenant_view
def relation_delete(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    role = access.role_for_edit(ctx, pk)
    form = RelationDeleteForm(request.POST)
    if not form.is_valid():
        raise Http404
    relation = access.relation_for_edit(ctx, form.cleaned_data["relation"])
    if role.pk not in (relation.from_role_id, relation.to_role_id):
        raise Http404
    services.relation_delete(kommune=ctx.kommune, actor=ctx.user, relation=relation)
    messages.success(request, _("Die Beziehung „%(relation)s“ wurde entfernt.") % {"relation": relation})
    return redirect("roles:role_detail", ctx.kommune.slug, role.pk)
