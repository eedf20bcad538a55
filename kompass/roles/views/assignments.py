"""Who holds which role: the assignment list and creating, changing, ending, deleting assignments.

An assignment has a place in the tree (its unit, else the person's unit); it is changed by whoever
holds `EDIT_ASSIGNMENTS` there (`access.assignment_for_edit`, `access.require_assignment_place`),
so a Redaktion limited to a unit keeps the assignments of its subtree.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from kompass.core.exceptions import ConflictError
from kompass.core.forms_util import form_page, form_version, success
from kompass.core.pagination import paginate_by_ids, query_without_page
from kompass.org import access as org_access
from kompass.org.forms import DeleteForm
from kompass.roles import access, rules, selectors, services
from kompass.roles.forms import AssignmentEndForm, AssignmentFilterForm, AssignmentForm
from kompass.roles.models import Assignment
from kompass.roles.views.common import assignments_crumb, roles_crumb
from kompass.tenancy.decorators import TenantRequest, tenant_view


@require_safe
@tenant_view
def assignment_list(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
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
    template = "roles/partials/assignment_table.html" if request.htmx else "roles/assignment_list.html"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            # One person may hold several of the listed assignments: say both numbers.
            "people_count": qs.order_by().values("person_id").distinct().count(),
            "rows": [(a, access.can_edit_assignment(ctx, a)) for a in page],
            "sort": sort,
            "querystring": query_without_page(request),
            "can_add": access.can_add_assignments(ctx),
            "breadcrumbs": [roles_crumb(ctx), (_("Zuordnungen"), None)],
        },
    )


def _warn_overload(request: TenantRequest, assignment: Assignment) -> None:
    """Tell the editor when the person's current time shares now exceed her Beschäftigungsumfang
    (as the Rollen-Check's overload rule judges it, `rules.person_load`)."""
    kommune = request.tenant.kommune
    person = assignment.person
    load = rules.person_load(person.employment_percent, selectors.person_current_assignments(kommune, person.pk))
    if load.state == rules.OVERLOAD:
        messages.warning(
            request,
            _(
                "Achtung: %(person)s hat jetzt insgesamt %(total)s %% Zeitanteil über alle aktuellen Rollen, mehr "
                "als den Beschäftigungsumfang von %(capacity)s %%. Bitte prüfen Sie die Zeitanteile."
            )
            % {"person": person, "total": rules.percent(load.total), "capacity": rules.percent(load.capacity)},
        )
    elif load.state == rules.LOTSE_EXTRA:
        messages.warning(
            request,
            _(
                "Hinweis: Bei %(person)s kommt die Lotsenrolle mit %(extra)s %% zum Beschäftigungsumfang von "
                "%(capacity)s %% hinzu. Verringern Sie den Zeitanteil der übrigen Rollen, damit die Zeit für die "
                "Lotsenrolle freigestellt ist."
            )
            % {"person": person, "extra": rules.percent(load.extra), "capacity": rules.percent(load.capacity)},
        )


def _assignment_initial(ctx: Any, request: HttpRequest) -> dict[str, Any]:
    initial: dict[str, Any] = {"valid_from": selectors.today(), "qualification": "keine"}
    role_id, unit_id = request.GET.get("rolle", ""), request.GET.get("einheit", "")
    person_id = request.GET.get("person", "")
    if person_id.isdigit():  # from the person page: "Neue Zuordnung" for this person
        initial["person"] = org_access.person_for_view(ctx, person_id).pk
    if role_id.isdigit():
        initial["role"] = access.role_for_view(ctx, role_id).pk
    if unit_id.isdigit():
        initial["org_unit"] = access.unit_for_view(ctx, unit_id).pk
    return initial


def _assignment_saved(request: TenantRequest, message: str, assignment: Assignment) -> HttpResponse:
    _warn_overload(request, assignment)
    return success(request, message, "roles:role_detail", request.tenant.kommune.slug, assignment.role_id)


def _assignment_title(text: str, assignment: Assignment) -> str:
    """`text` with the person and her or his role as one holder ("als Digitale Lotsin oder Digitaler Lotse")."""
    return text % {"person": assignment.person, "as_role": assignment.role.as_holder}


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def assignment_create(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    access.require_assignment_editor(ctx)
    form = AssignmentForm(request.POST or None, kommune=ctx.kommune, initial=_assignment_initial(ctx, request))

    def save() -> Assignment:
        access.require_assignment_place(ctx, form.cleaned_data["person"], form.cleaned_data["org_unit"])
        return services.assignment_create(kommune=ctx.kommune, actor=ctx.user, data=form.service_data())

    return form_page(
        request,
        form,
        save,
        done=lambda a: _assignment_saved(
            request, _assignment_title(_("%(person)s ist jetzt %(as_role)s zugeordnet."), a), a
        ),
        template="roles/assignment_form.html",
        context={
            "title": _("Neue Zuordnung"),
            "breadcrumbs": [roles_crumb(ctx), assignments_crumb(ctx), (_("Neue Zuordnung"), None)],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def assignment_edit(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
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
            actor=ctx.user,
            assignment=assignment,
            data=form.service_data(),
            expected_version=form_version(form),
        )

    return form_page(
        request,
        form,
        save,
        done=lambda a: _assignment_saved(request, _("Die Änderungen wurden gespeichert."), a),
        template="roles/assignment_form.html",
        context={
            "assignment": assignment,
            "title": _assignment_title(_("Zuordnung bearbeiten: %(person)s %(as_role)s"), assignment),
            "breadcrumbs": [roles_crumb(ctx), assignments_crumb(ctx), (_("Bearbeiten"), None)],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def assignment_end(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    assignment = access.assignment_for_edit(ctx, pk)
    form = AssignmentEndForm(request.POST or None, initial=AssignmentEndForm.initial_for(assignment, selectors.today()))
    return form_page(
        request,
        form,
        lambda: services.assignment_end(
            kommune=ctx.kommune,
            actor=ctx.user,
            assignment=assignment,
            end=form.cleaned_data["end"],
            expected_version=form_version(form),
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
            "title": _assignment_title(_("Zuordnung beenden: %(person)s %(as_role)s"), assignment),
            "breadcrumbs": [roles_crumb(ctx), assignments_crumb(ctx), (_("Beenden"), None)],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def assignment_delete(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    assignment = access.assignment_for_edit(ctx, pk)
    form = DeleteForm(request.POST or None, initial={"version": assignment.version})

    def delete() -> None:
        if form_version(form) != assignment.version:
            raise ConflictError
        services.assignment_delete(kommune=ctx.kommune, actor=ctx.user, assignment=assignment)

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
            "title": _assignment_title(_("Zuordnung löschen: %(person)s %(as_role)s"), assignment),
            "breadcrumbs": [roles_crumb(ctx), assignments_crumb(ctx), (_("Löschen"), None)],
        },
    )
