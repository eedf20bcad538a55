"""Changing the Kommune's framework: reword or switch off a field, add, reword, switch off or delete
criteria. Kommune-wide: `EDIT_FRAMEWORK` (Administration, Redaktion without unit limit); the form
pages answer 403 to everyone else, another Kommune's field or criterion is 404."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kompass.core.forms_util import form_page, form_version, success
from kompass.framework import access, selectors, services
from kompass.framework.forms import CriterionForm, FieldForm
from kompass.framework.models import Criterion
from kompass.framework.views.common import field_crumbs
from kompass.org.forms import DeleteForm
from kompass.tenancy.decorators import TenantRequest, tenant_view

FORM_METHODS = ["GET", "HEAD", "POST"]


def _level_names(ctx: object) -> list[str]:
    framework = selectors.framework(ctx.kommune)  # type: ignore[attr-defined]
    return selectors.level_names(framework.catalogue if framework is not None else None)


@require_http_methods(FORM_METHODS)
@tenant_view
def field_edit(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    field = access.field_for_edit(ctx, pk)
    form = FieldForm(request.POST or None, initial=FieldForm.initial_for(field))
    return form_page(
        request,
        form,
        lambda: services.field_update(
            kommune=ctx.kommune,
            actor=ctx.user,
            field=field,
            data=form.service_data(),
            expected_version=form_version(form),
        ),
        done=lambda saved: success(
            request,
            _("Das Feld „%(name)s“ wurde gespeichert.") % {"name": saved.name}
            if saved.is_active
            else _("Das Feld „%(name)s“ ist abgeschaltet: Neue Umfragen fragen es nicht mehr.") % {"name": saved.name},
            "framework:field_detail",
            ctx.kommune.slug,
            field.pk,
        ),
        template="framework/field_form.html",
        context={
            "field": field,
            "title": _("Feld „%(name)s“ bearbeiten") % {"name": field.name},
            "breadcrumbs": [*field_crumbs(ctx, field), (_("Bearbeiten"), None)],
        },
    )


@require_http_methods(FORM_METHODS)
@tenant_view
def criterion_create(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    field = access.field_for_edit(ctx, pk)
    form = CriterionForm(request.POST or None, level_names=_level_names(ctx))
    return form_page(
        request,
        form,
        lambda: services.criterion_create(kommune=ctx.kommune, actor=ctx.user, field=field, data=form.service_data()),
        done=lambda criterion: success(
            request,
            _("Das eigene Kriterium „%(name)s“ wurde angelegt.") % {"name": criterion.name},
            "framework:field_detail",
            ctx.kommune.slug,
            field.pk,
        ),
        template="framework/criterion_form.html",
        context={
            "field": field,
            "title": _("Eigenes Kriterium für „%(name)s“") % {"name": field.name},
            "breadcrumbs": [*field_crumbs(ctx, field), (_("Neues Kriterium"), None)],
        },
    )


@require_http_methods(FORM_METHODS)
@tenant_view
def criterion_edit(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    criterion = access.criterion_for_edit(ctx, pk)
    field = criterion.field
    form = CriterionForm(
        request.POST or None,
        initial=CriterionForm.initial_for(criterion),
        level_names=_level_names(ctx),
        with_active=True,
    )
    return form_page(
        request,
        form,
        lambda: services.criterion_update(
            kommune=ctx.kommune,
            actor=ctx.user,
            criterion=criterion,
            data=form.service_data(),
            expected_version=form_version(form),
        ),
        done=lambda saved: success(
            request,
            _("Das Kriterium „%(name)s“ wurde gespeichert.") % {"name": saved.name},
            "framework:field_detail",
            ctx.kommune.slug,
            field.pk,
        ),
        template="framework/criterion_form.html",
        context={
            "field": field,
            "criterion": criterion,
            "title": _("Kriterium „%(name)s“ bearbeiten") % {"name": criterion.name},
            "breadcrumbs": [*field_crumbs(ctx, field), (criterion.name, None)],
        },
    )


@require_http_methods(FORM_METHODS)
@tenant_view
def criterion_delete(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    criterion: Criterion = access.criterion_for_edit(ctx, pk)
    field = criterion.field
    form = DeleteForm(request.POST or None, initial={"version": criterion.version})
    return form_page(
        request,
        form,
        lambda: services.criterion_delete(kommune=ctx.kommune, actor=ctx.user, criterion=criterion),
        done=lambda _none: success(
            request,
            _("Das Kriterium „%(name)s“ wurde gelöscht.") % {"name": criterion.name},
            "framework:field_detail",
            ctx.kommune.slug,
            field.pk,
        ),
        template="framework/criterion_delete.html",
        context={
            "field": field,
            "criterion": criterion,
            "title": _("Kriterium „%(name)s“ löschen") % {"name": criterion.name},
            "breadcrumbs": [*field_crumbs(ctx, field), (_("Löschen"), None)],
        },
    )
