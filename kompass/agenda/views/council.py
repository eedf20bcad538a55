"""The council report: a page to choose the Stichtag and the parts, showing what the report will
contain, and its downloads (tagged PDF, editable Word document); and the workbook of all measures
and KPI values. Every member reads them; a malformed Stichtag or option is a German 400 page."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kompass.agenda import council_report as reports
from kompass.agenda import exports, report_docx, report_pdf
from kompass.agenda.council_report import KPI_SCOPES, SECTIONS, BadOptions, ReportOptions
from kompass.core.ratelimit import limited
from kompass.tenancy.decorators import TenantRequest, tenant_view


def _crumbs(ctx: Any, here: str) -> list[tuple[str, str | None]]:
    return [(_("Ratsbericht"), reverse("agenda:council_report", args=[ctx.kommune.slug])), (here, None)]


def _bad_options(request: TenantRequest, error: BadOptions) -> HttpResponse:
    ctx = request.tenant
    context = {
        "error": str(error),
        "report_url": reverse("agenda:council_report", args=[ctx.kommune.slug]),
        "breadcrumbs": _crumbs(ctx, _("Ungültige Angaben")),
    }
    return render(request, "agenda/council/bad_options.html", context, status=400)


def _options(request: TenantRequest) -> ReportOptions | BadOptions:
    try:
        return reports.parse_options(request.GET)
    except BadOptions as error:
        return error


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@tenant_view
def council_report(request: TenantRequest) -> HttpResponse:
    """The form (Stichtag, parts, KPIs) and the report as it will be printed, with the downloads."""
    ctx = request.tenant
    options = _options(request)
    if isinstance(options, BadOptions):
        return _bad_options(request, options)
    report = reports.build(ctx.kommune, options)
    slug = ctx.kommune.slug
    query = options.query()
    context = {
        "report": report,
        "options": options,
        "sections": SECTIONS,
        "kpi_scopes": KPI_SCOPES,
        "pdf_url": f"{reverse('agenda:council_report_pdf', args=[slug])}?{query}",
        "docx_url": f"{reverse('agenda:council_report_docx', args=[slug])}?{query}",
        "xlsx_url": reverse("agenda:agenda_xlsx", args=[slug]),
        "settings_url": reverse("agenda:public_settings", args=[slug]),
        "breadcrumbs": [(_("Ratsbericht"), None)],
    }
    return render(request, "agenda/council/report.html", context)


@require_safe
@tenant_view
@limited("export.user", "export.kommune")
def council_report_pdf(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    options = _options(request)
    if isinstance(options, BadOptions):
        return _bad_options(request, options)
    content = report_pdf.report_pdf(reports.build(ctx.kommune, options))
    return _download(content, report_pdf.CONTENT_TYPE, reports.filename(ctx.kommune, options, "pdf"))


@require_safe
@tenant_view
@limited("export.user", "export.kommune")
def council_report_docx(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    options = _options(request)
    if isinstance(options, BadOptions):
        return _bad_options(request, options)
    content = report_docx.report_docx(reports.build(ctx.kommune, options))
    return _download(content, report_docx.CONTENT_TYPE, reports.filename(ctx.kommune, options, "docx"))


@require_safe
@tenant_view
@limited("export.user", "export.kommune")
def agenda_xlsx(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    return _download(exports.agenda_xlsx(ctx.kommune), exports.CONTENT_TYPE, exports.filename(ctx.kommune))
