"""The KPI pages: the list with computed status, one KPI with its chart, values and the form to
record one; creating, changing and deleting KPIs and their values.

Every member reads. A KPI of a measure is changed with `EDIT_MEASURES` at the measure's responsible
unit, a KPI of a goal with the Kommune-wide `EDIT_AGENDA` (`access.kpi_for_edit`); the same holds
for recording, correcting and deleting its values. Another Kommune's KPI is 404.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kompass.agenda import access, kpi_status, selectors, services
from kompass.agenda import selectors_kpis as kpi_selectors
from kompass.agenda.charts import kpi_chart
from kompass.agenda.forms_kpis import DeleteForm, KPIFilterForm, KPIForm, ValueForm
from kompass.agenda.models import KPI, Goal, Measure, ValueSource
from kompass.agenda.views.kpis_common import (
    FORM_METHODS,
    bad_request,
    can_edit_kpi,
    checked_form_page,
    kpi_crumbs,
    measure_crumbs,
    optional_url,
)
from kompass.core.forms_util import form_version, save_form, success
from kompass.core.listing import ListPage
from kompass.tenancy.context import TenantContext
from kompass.tenancy.decorators import TenantRequest, tenant_view

KPIS = ListPage(
    template="agenda/kpis/kpi_list.html",
    partial="agenda/kpis/partials/kpi_table.html",
    form=KPIFilterForm,
    sorts=kpi_selectors.KPI_SORTS,
    default_sort="name",
)

# --- list ------------------------------------------------------------------------------------------


@require_safe
@tenant_view
def kpi_list(request: TenantRequest) -> HttpResponse:
    """All KPIs of the Kommune with what they measure, owner, baseline → latest → target and status.

    The filters and the sort work on plain values of all KPIs (`kpi_ids`); only the page shown is
    loaded with its latest values, status and owners (`kpi_page_rows`)."""
    ctx = request.tenant
    kommune = ctx.kommune

    def extra(page: Any) -> dict[str, Any]:
        return {
            "rows": [_row(ctx, row) for row in kpi_selectors.kpi_page_rows(kommune, list(page.object_list))],
            "explanation": kpi_status.explanation(),
            "can_import": access.can_edit_strategy(ctx),
            "breadcrumbs": [*kpi_crumbs(ctx)[:-1], (_("Kennzahlen"), None)],
        }

    return KPIS.render(
        request,
        lambda filters, sort: kpi_selectors.kpi_ids(kommune, filters, sort),
        form_kwargs={
            "handlungsfelder": kpi_selectors.handlungsfelder_in_force(kommune),
            "roles": kpi_selectors.owner_roles(kommune),
        },
        context=extra,
    )


def _row(ctx: TenantContext, row: kpi_selectors.KpiRow) -> dict[str, Any]:
    kpi = row.kpi
    slug = ctx.kommune.slug
    if kpi.measure is not None:
        subject = (_("Maßnahme"), kpi.measure.title, optional_url("agenda:measure_detail", slug, kpi.measure.pk))
    elif kpi.goal is not None:
        subject = (_("Ziel"), kpi.goal.title, optional_url("agenda:goal_detail", slug, kpi.goal.pk))
    else:
        subject = None
    return {
        "kpi": kpi,
        "subject": subject,
        "owner": row.owner,
        "baseline": kpi_selectors.number_text(kpi.baseline_value, kpi.unit),
        "latest": kpi_selectors.number_text(row.latest.value, kpi.unit) if row.latest else None,
        "latest_on": row.latest.measured_on if row.latest else None,
        "target": kpi_selectors.number_text(kpi.target_value, kpi.unit),
        "status": row.status,
        "short": kpi_selectors.status_short(kpi, row.status),
    }


# --- one KPI -------------------------------------------------------------------------------------


def _detail_context(ctx: TenantContext, kpi: KPI) -> dict[str, Any]:
    kommune = ctx.kommune
    values = list(selectors.kpi_values(kommune, kpi))
    latest = values[-1] if values else None
    status = selectors.status_of(kpi, latest)
    slug = kommune.slug
    return {
        "kpi": kpi,
        "values": [
            {"row": v, "value": kpi_selectors.number_text(v.value, kpi.unit), "source": v.get_source_display()}
            for v in reversed(values)
        ],
        "chart": kpi_chart(kpi, values),
        "status": status,
        "short": kpi_selectors.status_short(kpi, status),
        "explanation": kpi_status.explanation(),
        "owner": kpi_selectors.kpi_detail_owner(kommune, kpi),
        "baseline": kpi_selectors.number_text(kpi.baseline_value, kpi.unit),
        "target": kpi_selectors.number_text(kpi.target_value, kpi.unit),
        "measure_url": optional_url("agenda:measure_detail", slug, kpi.measure_id) if kpi.measure_id else None,
        "goal_url": optional_url("agenda:goal_detail", slug, kpi.goal_id) if kpi.goal_id else None,
        "can_edit": can_edit_kpi(ctx, kpi),
        "breadcrumbs": [*kpi_crumbs(ctx), (kpi.name, None)],
    }


@require_safe
@tenant_view
def kpi_detail(request: TenantRequest, pk: int) -> HttpResponse:
    """The KPI: its chart, the status with its rule, the values and the form to record one."""
    ctx = request.tenant
    kpi = access.kpi_for_view(ctx, pk)
    context = _detail_context(ctx, kpi)
    context["value_form"] = ValueForm() if context["can_edit"] else None
    return render(request, "agenda/kpis/kpi_detail.html", context)


@require_POST
@tenant_view
def kpi_value_add(request: TenantRequest, pk: int) -> HttpResponse:
    """Record a value by hand (a value for the same day replaces it); bad input: the page with
    German errors and 400, nothing stored."""
    ctx = request.tenant
    kpi = access.kpi_for_edit(ctx, pk)
    form = ValueForm(request.POST)
    if form.is_valid():
        data = form.service_data()
        saved = save_form(
            form,
            lambda: services.kpi_value_record(
                kommune=ctx.kommune,
                actor=ctx.user,
                kpi=kpi,
                measured_on=data["measured_on"],
                value=data["value"],
                note=data["note"],
                source=ValueSource.MANUELL,
            ),
        )
        if saved is not None:
            return success(
                request,
                _("Der Wert vom %(day)s wurde gespeichert.") % {"day": f"{saved.measured_on:%d.%m.%Y}"},
                "agenda:kpi_detail",
                ctx.kommune.slug,
                kpi.pk,
            )
    context = _detail_context(ctx, kpi)
    context["value_form"] = form
    return bad_request(request, render(request, "agenda/kpis/kpi_detail.html", context))


def _value(ctx: TenantContext, kpi: KPI, item: int) -> Any:
    value = kpi_selectors.kpi_value_for(ctx.kommune, kpi, item)
    if value is None:
        raise Http404
    return value


@require_http_methods(FORM_METHODS)
@tenant_view
def kpi_value_edit(request: TenantRequest, pk: int, item: int) -> HttpResponse:
    ctx = request.tenant
    kpi = access.kpi_for_edit(ctx, pk)
    value = _value(ctx, kpi, item)
    form = ValueForm(request.POST or None, initial=ValueForm.initial_for(value))
    return checked_form_page(
        request,
        form,
        lambda: services.kpi_value_update(
            kommune=ctx.kommune,
            actor=ctx.user,
            value=value,
            measured_on=form.cleaned_data["measured_on"],
            number=form.cleaned_data["value"],
            note=form.cleaned_data.get("note", ""),
        ),
        done=lambda saved: success(
            request,
            _("Der Wert vom %(day)s wurde gespeichert.") % {"day": f"{saved.measured_on:%d.%m.%Y}"},
            "agenda:kpi_detail",
            ctx.kommune.slug,
            kpi.pk,
        ),
        template="agenda/kpis/value_form.html",
        context={
            "kpi": kpi,
            "value": value,
            "title": _("Wert vom %(day)s ändern") % {"day": f"{value.measured_on:%d.%m.%Y}"},
            "breadcrumbs": [*kpi_crumbs(ctx, kpi), (_("Wert ändern"), None)],
        },
    )


@require_http_methods(FORM_METHODS)
@tenant_view
def kpi_value_delete(request: TenantRequest, pk: int, item: int) -> HttpResponse:
    ctx = request.tenant
    kpi = access.kpi_for_edit(ctx, pk)
    value = _value(ctx, kpi, item)
    form = DeleteForm(request.POST if request.method == "POST" else None)
    day = f"{value.measured_on:%d.%m.%Y}"
    return checked_form_page(
        request,
        form,
        lambda: services.kpi_value_delete(kommune=ctx.kommune, actor=ctx.user, value=value),
        done=lambda _none: success(
            request,
            _("Der Wert vom %(day)s wurde gelöscht.") % {"day": day},
            "agenda:kpi_detail",
            ctx.kommune.slug,
            kpi.pk,
        ),
        template="agenda/kpis/confirm_delete.html",
        context={
            "kpi": kpi,
            "title": _("Wert vom %(day)s löschen") % {"day": day},
            "question": _("Wollen Sie den Wert %(value)s vom %(day)s der Kennzahl „%(name)s“ wirklich löschen?")
            % {"value": kpi_selectors.number_text(value.value, kpi.unit), "day": day, "name": kpi.name},
            "cancel_url": reverse("agenda:kpi_detail", args=[ctx.kommune.slug, kpi.pk]),
            "breadcrumbs": [*kpi_crumbs(ctx, kpi), (_("Wert löschen"), None)],
        },
    )


# --- create, edit, delete -------------------------------------------------------------------------


def _create(
    request: TenantRequest, *, subject: Measure | Goal, data_key: str, cancel_url: str | None, crumbs: list[Any]
) -> HttpResponse:
    ctx = request.tenant
    form = KPIForm(request.POST or None, kommune=ctx.kommune)
    return checked_form_page(
        request,
        form,
        lambda: services.kpi_create(
            kommune=ctx.kommune, actor=ctx.user, data={**form.service_data(), data_key: subject}
        ),
        done=lambda kpi: success(
            request,
            _("Die Kennzahl „%(name)s“ wurde angelegt.") % {"name": kpi.name},
            "agenda:kpi_detail",
            ctx.kommune.slug,
            kpi.pk,
        ),
        template="agenda/kpis/kpi_form.html",
        context={
            "subject": subject,
            "subject_kind": _("Maßnahme") if data_key == "measure" else _("Ziel"),
            "title": _("Neue Kennzahl für „%(title)s“") % {"title": subject.title},
            "cancel_url": cancel_url or reverse("agenda:kpi_list", args=[ctx.kommune.slug]),
            "breadcrumbs": [*crumbs, (_("Neue Kennzahl"), None)],
        },
    )


@require_http_methods(FORM_METHODS)
@tenant_view
def kpi_create(request: TenantRequest, pk: int) -> HttpResponse:
    """A KPI of a measure (`EDIT_MEASURES` at the measure's unit)."""
    ctx = request.tenant
    measure = access.measure_for_edit(ctx, pk)
    url = optional_url("agenda:measure_detail", ctx.kommune.slug, measure.pk)
    return _create(request, subject=measure, data_key="measure", cancel_url=url, crumbs=measure_crumbs(ctx, measure))


@require_http_methods(FORM_METHODS)
@tenant_view
def goal_kpi_create(request: TenantRequest, pk: int) -> HttpResponse:
    """A KPI of a goal (strategy: Kommune-wide `EDIT_AGENDA`)."""
    ctx = request.tenant
    goal = access.goal_for_edit(ctx, pk)
    url = optional_url("agenda:goal_detail", ctx.kommune.slug, goal.pk)
    crumbs = [*kpi_crumbs(ctx)[:1], (goal.title, url)]
    return _create(request, subject=goal, data_key="goal", cancel_url=url, crumbs=crumbs)


@require_http_methods(FORM_METHODS)
@tenant_view
def kpi_edit(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    kpi = access.kpi_for_edit(ctx, pk)
    form = KPIForm(request.POST or None, initial=KPIForm.initial_for(kpi), kommune=ctx.kommune)
    return checked_form_page(
        request,
        form,
        lambda: services.kpi_update(
            kommune=ctx.kommune,
            actor=ctx.user,
            kpi=kpi,
            data=form.service_data(),
            expected_version=form_version(form),
        ),
        done=lambda saved: success(
            request,
            _("Die Kennzahl „%(name)s“ wurde gespeichert.") % {"name": saved.name},
            "agenda:kpi_detail",
            ctx.kommune.slug,
            kpi.pk,
        ),
        template="agenda/kpis/kpi_form.html",
        context={
            "kpi": kpi,
            "title": _("Kennzahl „%(name)s“ bearbeiten") % {"name": kpi.name},
            "cancel_url": reverse("agenda:kpi_detail", args=[ctx.kommune.slug, kpi.pk]),
            "breadcrumbs": [*kpi_crumbs(ctx, kpi), (_("Bearbeiten"), None)],
        },
    )


@require_http_methods(FORM_METHODS)
@tenant_view
def kpi_delete(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    kpi = access.kpi_for_edit(ctx, pk)
    form = DeleteForm(request.POST if request.method == "POST" else None, initial={"version": kpi.version})
    count = selectors.kpi_values(ctx.kommune, kpi).count()
    return checked_form_page(
        request,
        form,
        lambda: services.kpi_delete(kommune=ctx.kommune, actor=ctx.user, kpi=kpi),
        done=lambda _none: success(
            request,
            _("Die Kennzahl „%(name)s“ wurde mit ihren Werten gelöscht.") % {"name": kpi.name},
            "agenda:kpi_list",
            ctx.kommune.slug,
        ),
        template="agenda/kpis/confirm_delete.html",
        context={
            "kpi": kpi,
            "title": _("Kennzahl „%(name)s“ löschen") % {"name": kpi.name},
            "question": _(
                "Wollen Sie die Kennzahl „%(name)s“ mit ihren %(n)d gemessenen Werten wirklich löschen? Frühere "
                "Sachstandsberichte behalten die Werte, die sie festgehalten haben. Der Vorgang wird protokolliert."
            )
            % {"name": kpi.name, "n": count},
            "cancel_url": reverse("agenda:kpi_detail", args=[ctx.kommune.slug, kpi.pk]),
            "breadcrumbs": [*kpi_crumbs(ctx, kpi), (_("Löschen"), None)],
        },
    )
