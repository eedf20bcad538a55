"""The shipped role catalogues, adopting one as the Kommune's role model, and catalogue updates.

Reading the catalogues needs only membership; adopting and taking over updates change the
Kommune-wide role model (`access.require_model_editor`, capability `EDIT_ROLE_MODEL`).
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from kompass.roles import access, overview, selectors, services
from kompass.roles.forms import AdoptForm, CatalogueRoleChoiceForm
from kompass.roles.models import Catalogue, CatalogueRelation, CatalogueRole, Confidence
from kompass.roles.views.common import roles_crumb
from kompass.tenancy.decorators import TenantRequest, tenant_view


@require_safe
@tenant_view
def catalogue_list(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    latest = overview.latest_catalogues()
    catalogues = list(Catalogue.objects.all())
    roles_by_catalogue: dict[int, list[CatalogueRole]] = {c.pk: [] for c in latest.values()}
    adopted = selectors.adopted_roles(ctx.kommune)
    latest_by_id = {c.pk: c for c in latest.values()}
    for cr in CatalogueRole.objects.filter(catalogue__in=list(latest.values())).order_by("id"):
        key = (latest_by_id[cr.catalogue_id].key, cr.key)
        cr.own_role = adopted.get(key)  # type: ignore[attr-defined]  # the Kommune's role, shown beside it
        roles_by_catalogue[cr.catalogue_id].append(cr)
    shown = [
        (c, roles_by_catalogue[c.pk], [o for o in catalogues if o.key == c.key and o.pk != c.pk])
        for c in latest.values()
    ]
    return render(
        request,
        "roles/catalogue_list.html",
        {
            "catalogues": sorted(shown, key=lambda item: item[0].key != "kgst"),
            "confidences": Confidence.values,
            "breadcrumbs": [roles_crumb(ctx), (_("Rollenkataloge"), None)],
        },
    )


@require_safe
@tenant_view
def catalogue_role(request: TenantRequest, catalogue_id: int, role_key: str) -> HttpResponse:
    ctx = request.tenant
    catalogue = Catalogue.objects.filter(pk=catalogue_id).first()  # global catalogue, no Kommune data
    if catalogue is None:
        raise Http404
    roles = {cr.key: cr for cr in CatalogueRole.objects.filter(catalogue=catalogue)}
    role = roles.get(role_key)
    if role is None:
        raise Http404
    outgoing, incoming = overview.group_relations(overview.catalogue_relations(catalogue, roles), role.key, key="key")
    return render(
        request,
        "roles/catalogue_role.html",
        {
            "catalogue": catalogue,
            "role": role,
            "own_role": selectors.adopted_roles(ctx.kommune).get((catalogue.key, role.key)),
            "outgoing": outgoing,
            "incoming": incoming,
            "breadcrumbs": [
                roles_crumb(ctx),
                (_("Rollenkataloge"), reverse("roles:catalogue_list", args=[ctx.kommune.slug])),
                (role.name, None),
            ],
        },
    )


@require_POST
@tenant_view
def catalogue_adopt(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    access.require_model_editor(ctx)
    form = AdoptForm(request.POST)
    latest = {c.pk: c for c in overview.latest_catalogues().values()}
    catalogue = latest.get(form.cleaned_data["catalogue"]) if form.is_valid() else None
    if catalogue is None:
        messages.error(request, _("Bitte wählen Sie einen der angebotenen Rollenkataloge."))
        return redirect("roles:role_list", ctx.kommune.slug)
    try:
        services.catalogue_adopt(kommune=ctx.kommune, actor=ctx.user, catalogue=catalogue)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("roles:role_list", ctx.kommune.slug)
    messages.success(
        request,
        _("Das Rollenmodell „%(name)s“ (Fassung %(version)s) wurde übernommen. Passen Sie es nun an Ihre Kommune an.")
        % {"name": catalogue.name, "version": catalogue.version},
    )
    return redirect("roles:role_list", ctx.kommune.slug)


@require_safe
@tenant_view
def catalogue_updates(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    model = selectors.role_model(ctx.kommune)
    updates = (
        overview.catalogue_updates(ctx.kommune, model.catalogue, with_relations=True) if model is not None else None
    )
    return render(
        request,
        "roles/catalogue_updates.html",
        {
            "model": model,
            "updates": updates,
            "latest": overview.latest_catalogues(),
            "can_edit": access.can_edit_model(ctx),
            "breadcrumbs": [roles_crumb(ctx), (_("Katalog-Aktualisierung"), None)],
        },
    )


@require_POST
@tenant_view
def role_take_catalogue_version(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    role = access.role_for_edit(ctx, pk)
    source = overview.newest_catalogue_role(role)
    if source is None or source.pk == role.catalogue_role_id:
        messages.error(request, _("Für „%(name)s“ gibt es keine neuere Katalogfassung.") % {"name": role.name})
        return redirect("roles:catalogue_updates", ctx.kommune.slug)
    try:
        services.role_take_catalogue_version(kommune=ctx.kommune, actor=ctx.user, role=role, source=source)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("„%(name)s“ entspricht jetzt der Katalogfassung %(version)s.")
            % {"name": role.name, "version": source.catalogue.version},
        )
    return redirect("roles:catalogue_updates", ctx.kommune.slug)


@require_POST
@tenant_view
def role_add_from_catalogue(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    access.require_model_editor(ctx)
    latest = list(overview.latest_catalogues().values())
    form = CatalogueRoleChoiceForm(request.POST, queryset=CatalogueRole.objects.filter(catalogue__in=latest))
    if not form.is_valid():
        messages.error(request, _("Bitte wählen Sie eine Rolle aus der neuesten Fassung eines Katalogs."))
        return redirect("roles:catalogue_updates", ctx.kommune.slug)
    source = form.cleaned_data["catalogue_role"]
    try:
        role = services.role_add_from_catalogue(kommune=ctx.kommune, actor=ctx.user, source=source)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("roles:catalogue_updates", ctx.kommune.slug)
    messages.success(request, _("Die Rolle „%(name)s“ wurde in Ihr Rollenmodell übernommen.") % {"name": role.name})
    return redirect("roles:catalogue_updates", ctx.kommune.slug)


NO_RELATION_UPDATE = gettext_lazy(
    "Für diese Beziehung bietet der Katalog keine Änderung (mehr) an. Vielleicht wurde sie schon übernommen; "
    "eigene Beziehungen Ihrer Kommune ändert der Katalog nie."
)


@require_POST
@tenant_view
def relation_take_catalogue_version(request: TenantRequest, pk: int) -> HttpResponse:
    """Take a changed or removed relation of the newest catalogue version for one relation of the Kommune."""
    ctx = request.tenant
    relation = access.relation_for_edit(ctx, pk)  # another Kommune's relation: 404
    update = overview.pending_relation_update(ctx.kommune, relation_pk=relation.pk)
    if update is None:
        messages.error(request, str(NO_RELATION_UPDATE))
        return redirect("roles:catalogue_updates", ctx.kommune.slug)
    label = _relation_text(update)
    try:
        if update.kind == "removed":
            services.relation_remove_as_catalogue(kommune=ctx.kommune, actor=ctx.user, relation=relation)
        else:
            services.relation_take_catalogue_version(
                kommune=ctx.kommune,
                actor=ctx.user,
                relation=relation,
                source=cast(CatalogueRelation, update.source),
                from_role=update.from_role,
                to_role=update.to_role,
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if update.kind == "removed":
            messages.success(request, _("Die Beziehung „%(relation)s“ wurde entfernt.") % {"relation": label})
        else:
            messages.success(
                request, _("Die Beziehung „%(relation)s“ entspricht jetzt dem Katalog.") % {"relation": label}
            )
    return redirect("roles:catalogue_updates", ctx.kommune.slug)


@require_POST
@tenant_view
def relation_add_from_catalogue(request: TenantRequest) -> HttpResponse:
    """Add a relation that is new in the newest catalogue version between two adopted roles."""
    ctx = request.tenant
    access.require_model_editor(ctx)
    raw = request.POST.get("catalogue_relation", "")
    update = None
    if raw.isdigit() and len(raw) < 12:
        update = overview.pending_relation_update(ctx.kommune, catalogue_relation_pk=int(raw))
    if update is None or update.source is None:
        messages.error(request, str(NO_RELATION_UPDATE))
        return redirect("roles:catalogue_updates", ctx.kommune.slug)
    try:
        services.relation_add_from_catalogue(
            kommune=ctx.kommune,
            actor=ctx.user,
            source=update.source,
            from_role=update.from_role,
            to_role=update.to_role,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Die Beziehung „%(relation)s“ wurde übernommen.") % {"relation": _relation_text(update)}
        )
    return redirect("roles:catalogue_updates", ctx.kommune.slug)


def _relation_text(update: overview.RelationUpdate) -> str:
    return f"{update.from_role.name} {update.relation_type_label} {update.to_role.name}"
