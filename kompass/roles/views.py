"""Pages of the role model: roles, catalogue, updates, assignments, Lotsen network, Rollen-Check.

Thin: parse, authorise (`kompass.roles.access`), call a service or selector, render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kompass.audit.selectors import history_for
from kompass.core.exceptions import ConflictError
from kompass.core.forms_util import form_page, form_version, save_form, success
from kompass.core.pagination import paginate_by_ids, query_without_page
from kompass.org.forms import DeleteForm
from kompass.roles import access, overview, rules, selectors, services
from kompass.roles.forms import (
    AdoptForm,
    AssignmentEndForm,
    AssignmentFilterForm,
    AssignmentForm,
    CatalogueRoleChoiceForm,
    RelationDeleteForm,
    RelationForm,
    RoleForm,
)
from kompass.roles.models import Assignment, Catalogue, CatalogueRole, Role
from kompass.tenancy.decorators import tenant_view

# --- helpers ---------------------------------------------------------------------------------------


_save = save_form
_version = form_version


def _roles_crumb(ctx: Any) -> tuple[str, str]:
    return (_("Rollen"), reverse("roles:role_list", args=[ctx.kommune.slug]))


def _role_crumbs(ctx: Any, role: Role) -> list[tuple[str, str | None]]:
    return [_roles_crumb(ctx), (role.name, reverse("roles:role_detail", args=[ctx.kommune.slug, role.pk]))]


def _assignments_crumb(ctx: Any) -> tuple[str, str]:
    return (_("Zuordnungen"), reverse("roles:assignment_list", args=[ctx.kommune.slug]))


def _optional_url(name: str, *args: Any) -> str | None:
    """A link to a page another part of the app may not provide (yet)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


# --- role list and adoption ----------------------------------------------------------------------


@require_safe
@tenant_view
def role_list(request: HttpRequest) -> HttpResponse:
    ctx = request.tenant  # type: ignore[attr-defined]
    model = selectors.role_model(ctx.kommune)
    rows = [(role, overview.role_status(role, role.holder_count)) for role in selectors.role_list(ctx.kommune)]  # type: ignore[attr-defined]
    offers = list(overview.latest_catalogues().values()) if model is None else []
    updates = overview.catalogue_updates(ctx.kommune, model.catalogue) if model is not None else None
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


@require_POST
@tenant_view
def catalogue_adopt(request: HttpRequest) -> HttpResponse:
    ctx = request.tenant  # type: ignore[attr-defined]
    access.require_model_editor(ctx)
    form = AdoptForm(request.POST)
    latest = {c.pk: c for c in overview.latest_catalogues().values()}
    catalogue = latest.get(form.cleaned_data["catalogue"]) if form.is_valid() else None
    if catalogue is None:
        messages.error(request, _("Bitte wählen Sie einen der angebotenen Rollenkataloge."))
        return redirect("roles:role_list", ctx.kommune.slug)
    try:
        services.catalogue_adopt(kommune=ctx.kommune, actor=request.user, catalogue=catalogue)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("roles:role_list", ctx.kommune.slug)
    messages.success(
        request,
        _("Das Rollenmodell „%(name)s“ (Fassung %(version)s) wurde übernommen. Passen Sie es nun an Ihre Kommune an.")
        % {"name": catalogue.name, "version": catalogue.version},
    )
    return redirect("roles:role_list", ctx.kommune.slug)


# --- shipped catalogues (read-only, no Kommune data) ---------------------------------------------


@require_safe
@tenant_view
def catalogue_list(request: HttpRequest) -> HttpResponse:
    ctx = request.tenant  # type: ignore[attr-defined]
    latest = overview.latest_catalogues()
    catalogues = list(Catalogue.objects.all())
    roles_by_catalogue: dict[int, list[CatalogueRole]] = {c.pk: [] for c in latest.values()}
    for cr in CatalogueRole.objects.filter(catalogue__in=list(latest.values())).order_by("id"):
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
            "breadcrumbs": [_roles_crumb(ctx), (_("Rollenkataloge"), None)],
        },
    )


@require_safe
@tenant_view
def catalogue_role(request: HttpRequest, catalogue_id: int, role_key: str) -> HttpResponse:
    ctx = request.tenant  # type: ignore[attr-defined]
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
            "outgoing": outgoing,
            "incoming": incoming,
            "breadcrumbs": [
                _roles_crumb(ctx),
                (_("Rollenkataloge"), reverse("roles:catalogue_list", args=[ctx.kommune.slug])),
                (role.name, None),
            ],
        },
    )


# --- one role --------------------------------------------------------------------------------------


HOLDERS_SHOWN = 50


def _role_context(ctx: Any, role: Role, relation_form: RelationForm | None = None) -> dict[str, Any]:
    kommune = ctx.kommune
    relations = selectors.relations(kommune).filter(Q(from_role=role) | Q(to_role=role)).order_by("id")
    outgoing, incoming = overview.group_relations(relations, role.pk)
    newest = overview.newest_catalogue_role(role)
    can_edit = access.can_edit_model(ctx)
    # One more than shown tells whether the list is cut; a Großstadt's Lotsen role has 300 holders,
    # all of them are in the assignment list filtered by the role.
    holders = list(selectors.role_holders(kommune, role)[: HOLDERS_SHOWN + 1])
    count = len(holders) if len(holders) <= HOLDERS_SHOWN else selectors.role_holders(kommune, role).count()
    return {
        "role": role,
        "holders": [(a, access.can_edit_assignment(ctx, a)) for a in holders[:HOLDERS_SHOWN]],
        "holder_count": count,
        "past": list(selectors.role_history(kommune, role)[:50]),
        "outgoing": outgoing,
        "incoming": incoming,
        "newer_version": newest if newest is not None and newest.pk != role.catalogue_role_id else None,
        "relation_form": relation_form
        if relation_form is not None
        else (RelationForm(kommune=kommune, role=role) if can_edit else None),
        "can_edit": can_edit,
        "can_assign": access.can_add_assignments(ctx),
        "pdf_url": _optional_url("roles:role_pdf", kommune.slug, role.pk),
        "history": history_for(ctx, role),
        "breadcrumbs": [_roles_crumb(ctx), (role.name, None)],
    }


@require_safe
@tenant_view
def role_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = request.tenant  # type: ignore[attr-defined]
    role = access.role_for_view(ctx, pk)
    return render(request, "roles/role_detail.html", _role_context(ctx, role))


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def role_create(request: HttpRequest) -> HttpResponse:
    ctx = request.tenant  # type: ignore[attr-defined]
    access.require_model_editor(ctx)
    form = RoleForm(request.POST or None, initial={"is_active": True, "kind": "intern"})
    return form_page(
        request,
        form,
        lambda: services.role_create(kommune=ctx.kommune, actor=request.user, data=form.service_data()),
        done=lambda role: success(
            request,
            _("Die Rolle „%(name)s“ wurde angelegt.") % {"name": role.name},
            "roles:role_detail",
            ctx.kommune.slug,
            role.pk,
        ),
        template="roles/role_form.html",
        context={"title": _("Neue eigene Rolle"), "breadcrumbs": [_roles_crumb(ctx), (_("Neue Rolle"), None)]},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def role_edit(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = request.tenant  # type: ignore[attr-defined]
    role = access.role_for_edit(ctx, pk)
    form = RoleForm(request.POST or None, initial=RoleForm.initial_for(role))
    return form_page(
        request,
        form,
        lambda: services.role_update(
            kommune=ctx.kommune,
            actor=request.user,
            role=role,
            data=form.service_data(),
            expected_version=_version(form),
        ),
        done=lambda _role: success(
            request, _("Die Änderungen wurden gespeichert."), "roles:role_detail", ctx.kommune.slug, role.pk
        ),
        template="roles/role_form.html",
        context={
            "role": role,
            "title": _("Rolle „%(name)s“ anpassen") % {"name": role.name},
            "breadcrumbs": [*_role_crumbs(ctx, role), (_("Bearbeiten"), None)],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def role_delete(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = request.tenant  # type: ignore[attr-defined]
    role = access.role_for_edit(ctx, pk)
    form = DeleteForm(request.POST or None, initial={"version": role.version})

    def delete() -> None:
        if not role.is_custom:
            raise ValidationError(_("Rollen aus dem Katalog werden nicht gelöscht. Setzen Sie sie auf inaktiv."))
        services.role_delete(kommune=ctx.kommune, actor=request.user, role=role)

    return form_page(
        request,
        form,
        delete,
        done=lambda _none: success(
            request,
            _("Die Rolle „%(name)s“ wurde gelöscht.") % {"name": role.name},
            "roles:role_list",
            ctx.kommune.slug,
        ),
        template="roles/role_delete.html",
        context={
            "role": role,
            "has_assignments": selectors.assignments(ctx.kommune).filter(role=role).exists(),
            "title": _("Rolle „%(name)s“ löschen") % {"name": role.name},
            "breadcrumbs": [*_role_crumbs(ctx, role), (_("Löschen"), None)],
        },
    )


@require_POST
@tenant_view
def relation_create(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = request.tenant  # type: ignore[attr-defined]
    role = access.role_for_edit(ctx, pk)
    form = RelationForm(request.POST, kommune=ctx.kommune, role=role)
    if form.is_valid():
        data = {**form.cleaned_data, "from_role": role}
        relation = _save(form, lambda: services.relation_create(kommune=ctx.kommune, actor=request.user, data=data))
        if relation is not None:
            messages.success(request, _("Die Beziehung „%(relation)s“ wurde angelegt.") % {"relation": relation})
            return redirect("roles:role_detail", ctx.kommune.slug, role.pk)
    return render(request, "roles/role_detail.html", _role_context(ctx, role, relation_form=form))


@require_POST
@tenant_view
def relation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = request.tenant  # type: ignore[attr-defined]
    role = access.role_for_edit(ctx, pk)
    form = RelationDeleteForm(request.POST)
    if not form.is_valid():
        raise Http404
    relation = access.relation_for_edit(ctx, form.cleaned_data["relation"])
    if role.pk not in (relation.from_role_id, relation.to_role_id):
        raise Http404
    services.relation_delete(kommune=ctx.kommune, actor=request.user, relation=relation)
    messages.success(request, _("Die Beziehung „%(relation)s“ wurde entfernt.") % {"relation": relation})
    return redirect("roles:role_detail", ctx.kommune.slug, role.pk)


# --- catalogue updates ---------------------------------------------------------------------------------


@require_safe
@tenant_view
def catalogue_updates(request: HttpRequest) -> HttpResponse:
    ctx = request.tenant  # type: ignore[attr-defined]
    model = selectors.role_model(ctx.kommune)
    updates = overview.catalogue_updates(ctx.kommune, model.catalogue) if model is not None else None
    return render(
        request,
        "roles/catalogue_updates.html",
        {
            "model": model,
            "updates": updates,
            "latest": overview.latest_catalogues(),
            "can_edit": access.can_edit_model(ctx),
            "breadcrumbs": [_roles_crumb(ctx), (_("Katalog-Aktualisierung"), None)],
        },
    )


@require_POST
@tenant_view
def role_take_catalogue_version(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = request.tenant  # type: ignore[attr-defined]
    role = access.role_for_edit(ctx, pk)
    source = overview.newest_catalogue_role(role)
    if source is None or source.pk == role.catalogue_role_id:
        messages.error(request, _("Für „%(name)s“ gibt es keine neuere Katalogfassung.") % {"name": role.name})
        return redirect("roles:catalogue_updates", ctx.kommune.slug)
    try:
        services.role_take_catalogue_version(kommune=ctx.kommune, actor=request.user, role=role, source=source)
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
def role_add_from_catalogue(request: HttpRequest) -> HttpResponse:
    ctx = request.tenant  # type: ignore[attr-defined]
    access.require_model_editor(ctx)
    latest = list(overview.latest_catalogues().values())
    form = CatalogueRoleChoiceForm(request.POST, queryset=CatalogueRole.objects.filter(catalogue__in=latest))
    if not form.is_valid():
        messages.error(request, _("Bitte wählen Sie eine Rolle aus der neuesten Fassung eines Katalogs."))
        return redirect("roles:catalogue_updates", ctx.kommune.slug)
    source = form.cleaned_data["catalogue_role"]
    try:
        role = services.role_add_from_catalogue(kommune=ctx.kommune, actor=request.user, source=source)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("roles:catalogue_updates", ctx.kommune.slug)
    messages.success(request, _("Die Rolle „%(name)s“ wurde in Ihr Rollenmodell übernommen.") % {"name": role.name})
    return redirect("roles:catalogue_updates", ctx.kommune.slug)


# --- assignments -----------------------------------------------------------------------------------------


@require_safe
@tenant_view
def assignment_list(request: HttpRequest) -> HttpResponse:
    ctx = request.tenant  # type: ignore[attr-defined]
    form = AssignmentFilterForm(request.GET or None, kommune=ctx.kommune)
    filters = form.cleaned_data if form.is_valid() else {}
    sort = filters.get("sort") or "person"
    qs = selectors.assignment_list(
        ctx.kommune,
        status=filters.get("status") or "aktuell",
        role=filters.get("rolle"),
        unit=filters.get("einheit"),
        query=filters.get("q", ""),
        sort=sort,
    )
    page = paginate_by_ids(request, qs, lambda ids: selectors.assignments(ctx.kommune).filter(pk__in=ids))
    template = "roles/partials/assignment_table.html" if request.htmx else "roles/assignment_list.html"  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "rows": [(a, access.can_edit_assignment(ctx, a)) for a in page],
            "sort": sort,
            "querystring": query_without_page(request),
            "can_add": access.can_add_assignments(ctx),
            "breadcrumbs": [_roles_crumb(ctx), (_("Zuordnungen"), None)],
        },
    )


def _warn_overload(request: HttpRequest, assignment: Assignment) -> None:
    """Tell the editor when the person now holds more than 100 % across all current roles."""
    kommune = request.tenant.kommune  # type: ignore[attr-defined]
    total = selectors.person_time_shares(kommune, [assignment.person_id]).get(assignment.person_id)
    if total is not None and total > 100:
        messages.warning(
            request,
            _(
                "Achtung: %(person)s hat jetzt insgesamt %(total)s %% Zeitanteil über alle aktuellen Rollen "
                "(mehr als 100 %%). Bitte prüfen Sie die Zeitanteile."
            )
            % {"person": assignment.person, "total": rules.percent(total)},
        )


def _assignment_initial(ctx: Any, request: HttpRequest) -> dict[str, Any]:
    initial: dict[str, Any] = {"valid_from": selectors.today(), "qualification": "keine"}
    role_id, unit_id = request.GET.get("rolle", ""), request.GET.get("einheit", "")
    if role_id.isdigit():
        initial["role"] = access.role_for_view(ctx, role_id).pk
    if unit_id.isdigit():
        initial["org_unit"] = access.unit_for_view(ctx, unit_id).pk
    return initial


def _assignment_saved(request: HttpRequest, message: str, assignment: Assignment) -> HttpResponse:
    _warn_overload(request, assignment)
    return success(request, message, "roles:role_detail", request.tenant.kommune.slug, assignment.role_id)  # type: ignore[attr-defined]


def _assignment_title(text: str, assignment: Assignment) -> str:
    return text % {"person": assignment.person, "role": assignment.role.name}


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def assignment_create(request: HttpRequest) -> HttpResponse:
    ctx = request.tenant  # type: ignore[attr-defined]
    access.require_assignment_editor(ctx)
    form = AssignmentForm(request.POST or None, kommune=ctx.kommune, initial=_assignment_initial(ctx, request))

    def save() -> Assignment:
        access.require_assignment_place(ctx, form.cleaned_data["person"], form.cleaned_data["org_unit"])
        return services.assignment_create(kommune=ctx.kommune, actor=request.user, data=form.service_data())

    return form_page(
        request,
        form,
        save,
        done=lambda a: _assignment_saved(
            request, _assignment_title(_("%(person)s ist jetzt als „%(role)s“ zugeordnet."), a), a
        ),
        template="roles/assignment_form.html",
        context={
            "title": _("Neue Zuordnung"),
            "breadcrumbs": [_roles_crumb(ctx), _assignments_crumb(ctx), (_("Neue Zuordnung"), None)],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def assignment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = request.tenant  # type: ignore[attr-defined]
    assignment = access.assignment_for_edit(ctx, pk)
    form = AssignmentForm(
        request.POST or None,
        kommune=ctx.kommune,
        current_role=assignment.role,
        initial=AssignmentForm.initial_for(assignment),
    )

    def save() -> Assignment:
        access.require_assignment_place(ctx, form.cleaned_data["person"], form.cleaned_data["org_unit"])
        return services.assignment_update(
            kommune=ctx.kommune,
            actor=request.user,
            assignment=assignment,
            data=form.service_data(),
            expected_version=_version(form),
        )

    return form_page(
        request,
        form,
        save,
        done=lambda a: _assignment_saved(request, _("Die Änderungen wurden gespeichert."), a),
        template="roles/assignment_form.html",
        context={
            "assignment": assignment,
            "title": _assignment_title(_("Zuordnung bearbeiten: %(person)s als %(role)s"), assignment),
            "breadcrumbs": [_roles_crumb(ctx), _assignments_crumb(ctx), (_("Bearbeiten"), None)],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def assignment_end(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = request.tenant  # type: ignore[attr-defined]
    assignment = access.assignment_for_edit(ctx, pk)
    form = AssignmentEndForm(request.POST or None, initial=AssignmentEndForm.initial_for(assignment, selectors.today()))
    return form_page(
        request,
        form,
        lambda: services.assignment_end(
            kommune=ctx.kommune,
            actor=request.user,
            assignment=assignment,
            end=form.cleaned_data["end"],
            expected_version=_version(form),
        ),
        rename={"valid_until": "end"},
        done=lambda a: success(
            request,
            _("Die Zuordnung endet am %(date)s und bleibt im Verlauf sichtbar.")
            % {"date": a.valid_until.strftime("%d.%m.%Y")},
            "roles:role_detail",
            ctx.kommune.slug,
            a.role_id,
        ),
        template="roles/assignment_end.html",
        context={
            "assignment": assignment,
            "title": _assignment_title(_("Zuordnung beenden: %(person)s als %(role)s"), assignment),
            "breadcrumbs": [_roles_crumb(ctx), _assignments_crumb(ctx), (_("Beenden"), None)],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def assignment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = request.tenant  # type: ignore[attr-defined]
    assignment = access.assignment_for_edit(ctx, pk)
    form = DeleteForm(request.POST or None, initial={"version": assignment.version})

    def delete() -> None:
        if _version(form) is not None and _version(form) != assignment.version:
            raise ConflictError
        services.assignment_delete(kommune=ctx.kommune, actor=request.user, assignment=assignment)

    return form_page(
        request,
        form,
        delete,
        done=lambda _none: success(
            request, _("Die Zuordnung wurde gelöscht."), "roles:role_detail", ctx.kommune.slug, assignment.role_id
        ),
        template="roles/assignment_delete.html",
        context={
            "assignment": assignment,
            "title": _assignment_title(_("Zuordnung löschen: %(person)s als %(role)s"), assignment),
            "breadcrumbs": [_roles_crumb(ctx), _assignments_crumb(ctx), (_("Löschen"), None)],
        },
    )


# --- Lotsen network and Rollen-Check ---------------------------------------------------------------


@require_safe
@tenant_view
def lotsen(request: HttpRequest) -> HttpResponse:
    ctx = request.tenant  # type: ignore[attr-defined]
    return render(
        request,
        "roles/lotsen.html",
        {
            "network": overview.lotsen_network(ctx.kommune),
            "can_add": access.can_add_assignments(ctx),
            "breadcrumbs": [_roles_crumb(ctx), (_("Lotsen-Netzwerk"), None)],
        },
    )


@require_safe
@tenant_view
def checks(request: HttpRequest) -> HttpResponse:
    ctx = request.tenant  # type: ignore[attr-defined]
    return render(
        request,
        "roles/checks.html",
        {
            "summary": overview.check_summary(ctx.kommune, ctx.kommune.slug),
            "breadcrumbs": [_roles_crumb(ctx), (_("Rollen-Check"), None)],
        },
    )
