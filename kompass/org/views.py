"""Pages of the Verwaltungsgliederung: tree, units, people. Thin: parse, authorise, call, render."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from kompass.audit.selectors import history_for
from kompass.core.forms_util import form_page, form_version, success
from kompass.core.listing import ListPage
from kompass.core.percent import percent_text
from kompass.core.pickers import SEARCH_LIMIT, search_answer, search_text
from kompass.org import access, extensions, pickers, selectors, services
from kompass.org.forms import (
    DeleteForm,
    OrgUnitFilterForm,
    OrgUnitForm,
    PersonFilterForm,
    PersonForm,
    status_filter,
)
from kompass.org.models import NATURAL_ORDER, OrgUnit, Person
from kompass.tenancy.capabilities import Capability
from kompass.tenancy.context import TenantContext
from kompass.tenancy.decorators import TenantRequest, tenant_view

_version = form_version


def _tree_crumbs(ctx: TenantContext, unit: OrgUnit | None) -> list[tuple[str, str]]:
    slug = ctx.kommune.slug
    crumbs = [(_("Organisation"), reverse("org:tree", args=[slug]))]
    if unit is not None:
        for ancestor in selectors.ancestors(ctx.kommune, unit):
            crumbs.append((f"{ancestor.code} {ancestor.name}", reverse("org:unit_detail", args=[slug, ancestor.pk])))
    return crumbs


def _unit_crumbs(ctx: TenantContext, unit: OrgUnit) -> list[tuple[str, str]]:
    """Crumbs down to and including `unit` itself (for its edit and delete pages)."""
    link = reverse("org:unit_detail", args=[ctx.kommune.slug, unit.pk])
    return [*_tree_crumbs(ctx, unit), (f"{unit.code} {unit.name}", link)]


# --- tree and units ------------------------------------------------------------------------


@require_safe
@tenant_view
def tree(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    roots = selectors.orgunit_tree(ctx.kommune)
    extensions.attach_unit_badges(ctx.kommune, roots)
    return render(
        request,
        "org/tree.html",
        {
            "roots": roots,
            "can_edit": ctx.can(Capability.EDIT_ORG),
            "breadcrumbs": [(_("Organisation"), None)],
        },
    )


UNITS = ListPage(
    template="org/unit_list.html",
    partial="org/partials/unit_table.html",
    form=OrgUnitFilterForm,
    sorts=selectors.ORGUNIT_SORTS,
    default_sort="code",
)


@require_safe
@tenant_view
def unit_list(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant

    def rows(filters: Mapping[str, Any], sort: str) -> QuerySet[OrgUnit]:
        return selectors.orgunit_list(
            ctx.kommune,
            query=filters.get("q", ""),
            unit_type=filters.get("typ", ""),
            active=status_filter(filters.get("status", "")),
            without_head=filters.get("leitung") == "ohne",
            sort=sort,
        )

    return UNITS.render(
        request,
        rows,
        context={
            "can_edit": ctx.can(Capability.EDIT_ORG),
            "breadcrumbs": [(_("Organisation"), reverse("org:tree", args=[ctx.kommune.slug])), (_("Einheiten"), None)],
        },
    )


@require_safe
@tenant_view
def unit_detail(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    unit = access.orgunit_for_view(ctx, pk)
    children = selectors.orgunits(ctx.kommune).filter(parent=unit).select_related("head").order_by(*NATURAL_ORDER)
    members = selectors.person_list(ctx.kommune, unit=unit, include_subunits=False)
    return render(
        request,
        "org/unit_detail.html",
        {
            "unit": unit,
            "children": children,
            "members": members[:100],
            "member_count": members.count(),
            "can_edit": ctx.can(Capability.EDIT_ORG, unit),
            "history": history_for(ctx, unit),
            "breadcrumbs": [*_tree_crumbs(ctx, unit), (f"{unit.code} {unit.name}", None)],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def unit_create(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    # A Redaktion member limited to a subtree may create units inside it.
    ctx.require(Capability.EDIT_ORG, ctx.scope_unit)
    initial: dict[str, Any] = {"is_active": True}
    parent_id = request.GET.get("parent", "")
    if parent_id.isdigit():
        initial["parent"] = access.orgunit_for_view(ctx, parent_id).pk
    form = OrgUnitForm(request.POST or None, kommune=ctx.kommune, initial=initial)

    def save() -> OrgUnit:
        access.require_place_unit(ctx, form.cleaned_data["parent"])
        return services.orgunit_create(kommune=ctx.kommune, actor=ctx.user, data=form.service_data())

    return form_page(
        request,
        form,
        save,
        done=lambda unit: success(
            request,
            _("Die Einheit „%(name)s“ wurde angelegt.") % {"name": unit.name},
            "org:unit_detail",
            ctx.kommune.slug,
            unit.pk,
        ),
        template="org/unit_form.html",
        context={
            "title": _("Neue Organisationseinheit"),
            "breadcrumbs": [*_tree_crumbs(ctx, None), (_("Neue Einheit"), None)],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def unit_edit(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    unit = access.orgunit_for_edit(ctx, pk)
    form = OrgUnitForm(request.POST or None, kommune=ctx.kommune, initial=OrgUnitForm.initial_for(unit))

    def save() -> OrgUnit:
        if form.cleaned_data["parent"] != unit.parent:
            access.require_place_unit(ctx, form.cleaned_data["parent"])
        return services.orgunit_update(
            kommune=ctx.kommune,
            actor=ctx.user,
            unit=unit,
            data=form.service_data(),
            expected_version=_version(form),
        )

    return form_page(
        request,
        form,
        save,
        done=lambda _unit: success(
            request, _("Die Änderungen wurden gespeichert."), "org:unit_detail", ctx.kommune.slug, unit.pk
        ),
        template="org/unit_form.html",
        context={
            "unit": unit,
            "title": _("%(name)s bearbeiten") % {"name": unit.name},
            "breadcrumbs": [*_unit_crumbs(ctx, unit), (_("Bearbeiten"), None)],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def unit_delete(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    unit = access.orgunit_for_edit(ctx, pk)
    form = DeleteForm(request.POST or None, initial={"version": unit.version})
    return form_page(
        request,
        form,
        lambda: services.orgunit_delete(
            kommune=ctx.kommune, actor=ctx.user, unit=unit, expected_version=_version(form)
        ),
        done=lambda _none: success(
            request,
            _("Die Einheit „%(name)s“ wurde in den Papierkorb verschoben und ist 30 Tage wiederherstellbar.")
            % {"name": unit.name},
            "org:tree",
            ctx.kommune.slug,
        ),
        template="org/confirm_delete.html",
        context={
            "object": unit,
            "title": _("Einheit „%(name)s“ löschen") % {"name": unit.name},
            "cancel_url": reverse("org:unit_detail", args=[ctx.kommune.slug, unit.pk]),
            "breadcrumbs": [*_unit_crumbs(ctx, unit), (_("Löschen"), None)],
        },
    )


# --- people --------------------------------------------------------------------------------


def _people_crumbs(ctx: TenantContext) -> list[tuple[str, str | None]]:
    return [(_("Personen"), reverse("org:person_list", args=[ctx.kommune.slug]))]


PEOPLE = ListPage(
    template="org/person_list.html",
    partial="org/partials/person_table.html",
    form=PersonFilterForm,
    sorts=selectors.PERSON_SORTS,
    default_sort="name",
)


@require_safe
@tenant_view
def person_list(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant

    def rows(filters: Mapping[str, Any], sort: str) -> QuerySet[Person]:
        return selectors.person_list(
            ctx.kommune,
            query=filters.get("q", ""),
            unit=filters.get("einheit"),
            active=status_filter(filters.get("status", "")),
            sort=sort,
        )

    return PEOPLE.render(
        request,
        rows,
        form_kwargs={"kommune": ctx.kommune},
        context={"can_edit": ctx.can(Capability.EDIT_PEOPLE), "breadcrumbs": [(_("Personen"), None)]},
    )


@require_safe
@tenant_view
def person_detail(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    person = access.person_for_view(ctx, pk)
    led_units = selectors.orgunits(ctx.kommune).filter(head=person).order_by(*NATURAL_ORDER)
    return render(
        request,
        "org/person_detail.html",
        {
            "person": person,
            "employment_percent": percent_text(person.employment_percent),
            "led_units": led_units,
            "sections": extensions.person_sections(ctx, person),
            "can_edit": ctx.can(Capability.EDIT_PEOPLE, person.org_unit),
            "history": history_for(ctx, person),
            "breadcrumbs": [*_people_crumbs(ctx), (person.full_name, None)],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def person_create(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    # A Redaktion member limited to a subtree may add people inside it.
    ctx.require(Capability.EDIT_PEOPLE, ctx.scope_unit)
    initial: dict[str, Any] = {"is_active": True}
    unit_id = request.GET.get("einheit", "")
    if unit_id.isdigit():
        initial["org_unit"] = access.orgunit_for_view(ctx, unit_id).pk
    form = PersonForm(request.POST or None, kommune=ctx.kommune, initial=initial)

    def save() -> Person:
        access.require_place_person(ctx, form.cleaned_data["org_unit"])
        return services.person_create(kommune=ctx.kommune, actor=ctx.user, data=form.service_data())

    return form_page(
        request,
        form,
        save,
        done=lambda person: success(
            request,
            _("%(name)s wurde angelegt.") % {"name": person.full_name},
            "org:person_detail",
            ctx.kommune.slug,
            person.pk,
        ),
        template="org/person_form.html",
        context={"title": _("Neue Person"), "breadcrumbs": [*_people_crumbs(ctx), (_("Neue Person"), None)]},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def person_edit(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    person = access.person_for_edit(ctx, pk)
    form = PersonForm(request.POST or None, kommune=ctx.kommune, initial=PersonForm.initial_for(person))

    def save() -> Person:
        access.require_place_person(ctx, form.cleaned_data["org_unit"])
        return services.person_update(
            kommune=ctx.kommune, actor=ctx.user, person=person, data=form.service_data(),
            expected_version=_version(form),
        )  # fmt: skip

    return form_page(
        request,
        form,
        save,
        done=lambda _person: success(
            request, _("Die Änderungen wurden gespeichert."), "org:person_detail", ctx.kommune.slug, person.pk
        ),
        template="org/person_form.html",
        context={
            "person": person,
            "title": _("%(name)s bearbeiten") % {"name": person.full_name},
            "breadcrumbs": [
                *_people_crumbs(ctx),
                (person.full_name, reverse("org:person_detail", args=[ctx.kommune.slug, person.pk])),
                (_("Bearbeiten"), None),
            ],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_view
def person_delete(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    person = access.person_for_edit(ctx, pk)
    form = DeleteForm(request.POST or None, initial={"version": person.version})
    return form_page(
        request,
        form,
        lambda: services.person_delete(
            kommune=ctx.kommune, actor=ctx.user, person=person, expected_version=_version(form)
        ),
        done=lambda _none: success(
            request,
            _("%(name)s wurde in den Papierkorb verschoben und ist 30 Tage wiederherstellbar.")
            % {"name": person.full_name},
            "org:person_list",
            ctx.kommune.slug,
        ),
        template="org/confirm_delete.html",
        context={
            "object": person,
            "title": _("%(name)s löschen") % {"name": person.full_name},
            "cancel_url": reverse("org:person_detail", args=[ctx.kommune.slug, person.pk]),
            "breadcrumbs": [*_people_crumbs(ctx), (person.full_name, None), (_("Löschen"), None)],
        },
    )


# --- search behind the combobox (core.pickers) -------------------------------------------------


@require_safe
@tenant_view
def search_people(request: TenantRequest) -> HttpResponse:
    """People of the Kommune whose name or e-mail contains the typed words (at most 20, one query)."""
    found = selectors.person_search(request.tenant.kommune, search_text(request), limit=SEARCH_LIMIT + 1)
    return search_answer(request, [pickers.person_option(person) for person in found])


@require_safe
@tenant_view
def search_units(request: TenantRequest) -> HttpResponse:
    """Units of the Kommune whose Kennung or name contains the typed words (at most 20, one query)."""
    found = selectors.unit_search(request.tenant.kommune, search_text(request), limit=SEARCH_LIMIT + 1)
    return search_answer(request, [pickers.unit_option(unit) for unit in found])
