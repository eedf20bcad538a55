"""Status reports (Sachstandsberichte) of measures: writing one, reading one, and the overview of
the reports that are due or overdue.

Every member reads. Writing a report needs `EDIT_MEASURES` at the measure's responsible unit (as
every change to a measure); another Kommune's measure or report is 404, and so is a report asked
for under a measure it does not belong to.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from kompass.agenda import access, kpi_status, selectors, services
from kompass.agenda import selectors_kpis as kpi_selectors
from kompass.agenda.forms_kpis import StatusReportForm
from kompass.agenda.models import StatusReport
from kompass.agenda.views.kpis_common import FORM_METHODS, checked_form_page, measure_crumbs, optional_url
from kompass.core.forms_util import success
from kompass.tenancy.context import TenantContext
from kompass.tenancy.decorators import TenantRequest, tenant_view


def _overview_crumb(ctx: TenantContext) -> tuple[str, str]:
    return (_("Sachstandsberichte"), reverse("agenda:reports_overdue", args=[ctx.kommune.slug]))


KNOWN_STATUS = (*kpi_status.STATUS_ORDER, kpi_status.KEINE_WERTE)


def _german_day(value: Any) -> str:
    try:
        return f"{datetime.date.fromisoformat(str(value)):%d.%m.%Y}"
    except ValueError:
        return ""


def snapshot_rows(snapshot: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The KPI values a report kept, for the table: value as a German reads it, status in words."""
    rows = []
    for item in snapshot:
        try:
            value = Decimal(item["value"]) if item.get("value") is not None else None
        except (InvalidOperation, TypeError):
            value = None
        code = item.get("status") or kpi_status.KEINE_WERTE
        rows.append(
            {
                "kpi": item.get("kpi"),
                "name": item.get("name", ""),
                "value": kpi_selectors.number_text(value, item.get("unit") or ""),
                "measured_on": _german_day(item.get("measured_on")),
                "status": code,
                "status_label": kpi_status.status_label(code) if code in KNOWN_STATUS else code,
            }
        )
    return rows


@require_http_methods(FORM_METHODS)
@tenant_view
def report_create(request: TenantRequest, pk: int) -> HttpResponse:
    """Write a status report: traffic light, progress, text; the KPI values of the day are kept."""
    ctx = request.tenant
    measure = access.measure_for_edit(ctx, pk)
    form = StatusReportForm(request.POST or None)
    last = selectors.status_reports(ctx.kommune, measure).first()
    return checked_form_page(
        request,
        form,
        lambda: services.status_report_create(
            kommune=ctx.kommune, actor=ctx.user, measure=measure, data=form.service_data()
        ),
        done=lambda report: success(
            request,
            _("Der Sachstandsbericht zu „%(title)s“ wurde gespeichert.") % {"title": measure.title},
            "agenda:report_detail",
            ctx.kommune.slug,
            measure.pk,
            report.pk,
        ),
        template="agenda/reports/report_form.html",
        context={
            "measure": measure,
            "last": last,
            "snapshot": snapshot_rows(services.kpi_snapshot(ctx.kommune, measure)),
            "light_hints": StatusReportForm.LIGHT_HINTS,
            "cancel_url": optional_url("agenda:measure_detail", ctx.kommune.slug, measure.pk)
            or reverse("agenda:reports_overdue", args=[ctx.kommune.slug]),
            "title": _("Sachstandsbericht zu „%(title)s“") % {"title": measure.title},
            "breadcrumbs": [*measure_crumbs(ctx, measure), (_("Neuer Sachstandsbericht"), None)],
        },
    )


@require_safe
@tenant_view
def report_detail(request: TenantRequest, pk: int, item: int) -> HttpResponse:
    ctx = request.tenant
    measure = access.measure_for_view(ctx, pk)
    report: StatusReport | None = kpi_selectors.report_for(ctx.kommune, measure, item)
    if report is None:
        raise Http404
    return render(
        request,
        "agenda/reports/report_detail.html",
        {
            "measure": measure,
            "report": report,
            "snapshot": snapshot_rows(report.kpi_snapshot or []),
            "measure_url": optional_url("agenda:measure_detail", ctx.kommune.slug, measure.pk),
            "can_report": access.can_edit_measure(ctx, measure),
            "title": _("Sachstandsbericht vom %(day)s") % {"day": f"{report.reported_on:%d.%m.%Y}"},
            "breadcrumbs": [
                *measure_crumbs(ctx, measure),
                (_("Sachstandsbericht vom %(day)s") % {"day": f"{report.reported_on:%d.%m.%Y}"}, None),
            ],
        },
    )


@require_safe
@tenant_view
def reports_overdue(request: TenantRequest) -> HttpResponse:
    """The measures in Umsetzung whose report is overdue or due within two weeks, with the holder
    of the accountable role who writes it."""
    ctx = request.tenant
    today = selectors.today()
    items = kpi_selectors.reports_due(ctx.kommune, today)
    slug = ctx.kommune.slug
    rows = [
        {
            "item": item,
            "measure_url": optional_url("agenda:measure_detail", slug, item.measure.pk),
            "create_url": reverse("agenda:report_create", args=[slug, item.measure.pk])
            if access.can_edit_measure(ctx, item.measure)
            else None,
        }
        for item in items
    ]
    return render(
        request,
        "agenda/reports/overdue.html",
        {
            "rows": rows,
            "overdue": sum(1 for item in items if item.overdue),
            "soon": sum(1 for item in items if not item.overdue),
            "soon_days": kpi_selectors.SOON_DAYS,
            "period": selectors.settings(ctx.kommune).report_period_days,
            "today": today,
            "breadcrumbs": [
                (_("Digitale Agenda"), optional_url("agenda:overview", slug)),
                (_overview_crumb(ctx)[0], None),
            ],
        },
    )
