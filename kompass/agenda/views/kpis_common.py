"""What the KPI and status-report pages share: breadcrumbs, links to pages of other agenda areas,
who may change a KPI, and the 400 answer to bad input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from kompass.agenda import access
from kompass.agenda.models import KPI, Measure
from kompass.core.forms_util import form_page
from kompass.tenancy.context import TenantContext

FORM_METHODS = ["GET", "HEAD", "POST"]


def optional_url(name: str, *args: Any) -> str | None:
    """A link to a page of another area of the agenda that may not exist (yet)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def kpi_crumbs(ctx: TenantContext, kpi: KPI | None = None) -> list[tuple[str, str | None]]:
    slug = ctx.kommune.slug
    crumbs: list[tuple[str, str | None]] = [
        (_("Digitale Agenda"), optional_url("agenda:overview", slug)),
        (_("Kennzahlen"), reverse("agenda:kpi_list", args=[slug])),
    ]
    if kpi is not None:
        crumbs.append((kpi.name, reverse("agenda:kpi_detail", args=[slug, kpi.pk])))
    return crumbs


def measure_crumbs(ctx: TenantContext, measure: Measure) -> list[tuple[str, str | None]]:
    slug = ctx.kommune.slug
    return [
        (_("Digitale Agenda"), optional_url("agenda:overview", slug)),
        (_("Maßnahmen"), optional_url("agenda:portfolio", slug)),
        (measure.title, optional_url("agenda:measure_detail", slug, measure.pk)),
    ]


def can_edit_kpi(ctx: TenantContext, kpi: KPI) -> bool:
    """As `access.kpi_for_edit` decides: a measure's KPI follows the measure, a goal's is strategy."""
    if kpi.measure_id is not None:
        return access.can_edit_measure(ctx, kpi.measure)
    return access.can_edit_strategy(ctx)


def bad_request(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A POST that re-shows its form stored nothing: 400, so clients and tests can tell."""
    if request.method == "POST" and response.status_code == 200:
        response.status_code = 400
    return response


def checked_form_page(request: HttpRequest, form: Any, save: Callable[[], Any], **kwargs: Any) -> HttpResponse:
    """`core.forms_util.form_page`, answering 400 when a POST shows the form again."""
    return form_page(request, form, save, refused_status=400, **kwargs)
