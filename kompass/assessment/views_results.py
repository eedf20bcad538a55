"""The results of a closed campaign: overview, audiences, org units, criteria, trend, free text,
the release log, the PDF report and the workbook.

Every member reads them (`Capability.VIEW`). Every page, file and call that shows results writes
the release log (`result_tables.release`) — who, when, which breakdown, through which channel —
for the Personalrat; the log itself is a page of its own. While a campaign is a draft or open
there are no results: the pages show the participation in steps of k instead, the files answer
409 with the same explanation.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from kompass.assessment import access, evidence, exports, grouping, report_pdf, result_tables, results
from kompass.assessment import charts as result_charts
from kompass.assessment.models import Campaign, ResultRelease
from kompass.assessment.result_tables import Result
from kompass.core.pagination import paginate, query_without_page
from kompass.core.ratelimit import limited
from kompass.framework import selectors as framework_selectors
from kompass.tenancy.context import TenantContext
from kompass.tenancy.decorators import TenantRequest, tenant_view

RELEASES_PER_PAGE = 50

# The result pages in the order of their navigation: (URL name, label).
PAGES = (
    ("results", gettext_lazy("Überblick")),
    ("results_audiences", gettext_lazy("Zielgruppen")),
    ("results_units", gettext_lazy("Organisationseinheiten")),
    ("results_criteria", gettext_lazy("Kriterien")),
    ("results_trend", gettext_lazy("Verlauf")),
    ("results_comments", gettext_lazy("Freitext")),
    ("results_releases", gettext_lazy("Abrufprotokoll")),
)


def _optional_url(name: str, *args: Any) -> str | None:
    """A link to a page of another area of the self-assessment that may not exist (yet)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _crumbs(ctx: TenantContext, campaign: Campaign, page: str | None = None) -> list[tuple[str, str | None]]:
    slug = ctx.kommune.slug
    crumbs: list[tuple[str, str | None]] = [
        (_("Umfragen"), _optional_url("assessment:campaign_list", slug)),
        (campaign.title, _optional_url("assessment:campaign_detail", slug, campaign.pk)),
    ]
    if page is None:
        return [*crumbs, (_("Ergebnisse"), None)]
    return [*crumbs, (_("Ergebnisse"), reverse("assessment:results", args=[slug, campaign.pk])), (page, None)]


def _tabs(ctx: TenantContext, campaign: Campaign, current: str) -> list[tuple[str, str, bool]]:
    return [
        (str(label), reverse(f"assessment:{name}", args=[ctx.kommune.slug, campaign.pk]), name == current)
        for name, label in PAGES
    ]


def _page(
    request: TenantRequest, template: str, campaign: Campaign, result: Result, current: str, **extra: Any
) -> HttpResponse:
    ctx = request.tenant
    label = dict(PAGES)[current]
    context = {
        "campaign": campaign,
        "result": result,
        "tabs": _tabs(ctx, campaign, current),
        "page_label": label,
        "pdf_url": reverse("assessment:results_pdf", args=[ctx.kommune.slug, campaign.pk]),
        "xlsx_url": reverse("assessment:results_xlsx", args=[ctx.kommune.slug, campaign.pk]),
        "breadcrumbs": _crumbs(ctx, campaign, None if current == "results" else str(label)),
        **extra,
    }
    response = render(request, template, context)
    response["Cache-Control"] = "private, no-store"
    return response


def _not_ready(request: TenantRequest, campaign: Campaign, status: int = 200) -> HttpResponse:
    """A draft or open campaign has no results: the participation in steps of k instead."""
    participation = results.participation(campaign)
    for row in participation["audiences"]:
        row["label"] = result_tables.audience_label(row["audience"])
    context = {
        "campaign": campaign,
        "participation": participation,
        "breadcrumbs": _crumbs(request.tenant, campaign),
    }
    return render(request, "assessment/results/not_ready.html", context, status=status)


def _release(request: TenantRequest, result: Result, channel: str, breakdowns: list[str] | tuple[str, ...]) -> None:
    """Write the release log for what the response shows; a HEAD request (a link checker,
    monitoring) shows nothing and writes nothing."""
    if request.method != "HEAD":
        result_tables.release(result, request.tenant.user, channel, breakdowns)


def _load(request: TenantRequest, pk: int) -> tuple[Campaign, Result | None]:
    campaign = access.campaign_for_view(request.tenant, pk)
    return campaign, result_tables.for_campaign(campaign)


# --- the pages -----------------------------------------------------------------------------------


@require_safe
@tenant_view
def results_overview(request: TenantRequest, pk: int) -> HttpResponse:
    """k and what is hidden, participation, the radar, the bars per dimension, the fields with
    evidence and the sentences where perception and evidence disagree."""
    campaign, result = _load(request, pk)
    if result is None:
        return _not_ready(request, campaign)
    ctx = request.tenant
    earlier = result_tables.previous_result(result)
    found = evidence.for_fields(ctx.kommune, result.field_scores(), result.data.get("evidence"))
    rows = {row.field.key: (row, found.get(row.field.key)) for row in result_tables.field_rows(result, earlier)}
    radar, per_dimension = result_charts.overview(result, earlier)
    sections = [
        {
            "dimension": d,
            "score": result.dimension_score(grouping.ALL, d.key),
            "previous": earlier.dimension_score(grouping.ALL, d.key) if earlier is not None else None,
            "radar": per_dimension[d.key][0],
            "bars": per_dimension[d.key][1],
            "rows": [rows[f.key] for f in d.fields],
        }
        for d in result.dimensions
    ]
    _release(request, result, result_tables.SEITE, [result_tables.GESAMT])
    if earlier is not None:
        _release(request, earlier, result_tables.SEITE, [result_tables.TREND])
    return _page(
        request,
        "assessment/results/overview.html",
        campaign,
        result,
        "results",
        earlier=earlier,
        sections=sections,
        disagreements=[(row.field, ev.disagreement) for row, ev in rows.values() if ev is not None and ev.disagreement],
        radar=radar,
    )


@require_safe
@tenant_view
def results_audiences(request: TenantRequest, pk: int) -> HttpResponse:
    """Field scores per audience side by side, and the perception gap between leadership and staff."""
    campaign, result = _load(request, pk)
    if result is None:
        return _not_ready(request, campaign)
    gaps = result.perception_gaps()
    _release(request, result, result_tables.SEITE, [result_tables.ZIELGRUPPEN])
    table = [(f, [(a, result.field_score(a.key, f.key)) for a in result.audiences]) for f in result.fields]
    return _page(
        request,
        "assessment/results/audiences.html",
        campaign,
        result,
        "results_audiences",
        table=table,
        gaps=gaps,
        charts=[c for d in result.dimensions if (c := result_charts.audience_bars(result, d)) is not None],
        gap_chart=result_charts.gap_bars(gaps),
    )


class FieldForm(forms.Form):
    """Which field a breakdown shows (GET); an unknown choice falls back to the first field."""

    feld = forms.ChoiceField(label=gettext_lazy("Feld"), required=False)

    def __init__(self, data: Any, *, result: Result, groups: list[tuple[str, str]] | None = None) -> None:
        super().__init__(data)
        choice = self.fields["feld"]
        assert isinstance(choice, forms.ChoiceField)
        choice.choices = [(f.key, f.name) for f in result.fields]
        if groups is not None:
            self.fields["gruppe"] = forms.ChoiceField(
                label=gettext_lazy("Gruppe"), required=False, choices=groups, initial=grouping.ALL
            )

    def chosen(self, name: str, default: str) -> str:
        if self.is_valid() and self.cleaned_data.get(name):
            return str(self.cleaned_data[name])
        return default


@require_safe
@tenant_view
def results_units(request: TenantRequest, pk: int) -> HttpResponse:
    """The org-unit groups in tree order (hidden ones marked) and the audience × unit table, for
    one field at a time."""
    campaign, result = _load(request, pk)
    if result is None:
        return _not_ready(request, campaign)
    form = FieldForm(request.GET or None, result=result)
    field_info = result.field(form.chosen("feld", result.fields[0].key if result.fields else ""))
    units = result.units
    _release(request, result, result_tables.SEITE, [result_tables.EINHEITEN, result_tables.KREUZTABELLE])
    rows = [(u, result.field_score(u.key, field_info.key) if field_info else None) for u in units]
    cross = [
        (
            row.unit,
            [
                (cell, result.field_score(cell.key, field_info.key) if cell and field_info else None)
                for cell in row.cells
            ],
        )
        for row in result.cross
    ]
    return _page(
        request,
        "assessment/results/units.html",
        campaign,
        result,
        "results_units",
        form=form,
        field=field_info,
        rows=rows,
        cross=cross,
        by_unit=campaign.unit_depth > 0,
        chart=result_charts.unit_bars(result, field_info, units) if field_info else None,
    )


@require_safe
@tenant_view
def results_criteria(request: TenantRequest, pk: int) -> HttpResponse:
    """Per criterion of one field: question, level texts, mean, median, spread in words,
    distribution (from 10 answers) and the share of "kann ich nicht beurteilen"."""
    campaign, result = _load(request, pk)
    if result is None:
        return _not_ready(request, campaign)
    groups = [(g.key, g.label) for g in result.groups if g.kind in ("all", "audience") and not g.hidden]
    form = FieldForm(request.GET or None, result=result, groups=groups)
    field_info = result.field(form.chosen("feld", result.fields[0].key if result.fields else ""))
    group = result.group(form.chosen("gruppe", grouping.ALL)) or result.total
    names = framework_selectors.level_names(getattr(framework_selectors.framework(campaign.kommune), "catalogue", None))
    levels = result_tables.item_levels(campaign)
    breakdowns = [result_tables.KRITERIUM] + ([result_tables.ZIELGRUPPEN] if group and group.kind == "audience" else [])
    _release(request, result, result_tables.SEITE, breakdowns)
    criteria = [
        criterion_view(item, result.stat(group.key, item.id) if group else None, levels.get(item.id, []), names)
        for item in (field_info.items if field_info else [])
    ]
    return _page(
        request,
        "assessment/results/criteria.html",
        campaign,
        result,
        "results_criteria",
        form=form,
        field=field_info,
        group=group,
        criteria=criteria,
        level_names=names,
        consensus_thresholds=(result_tables.CONSENSUS_AGREED, result_tables.CONSENSUS_SPLIT),
    )


def criterion_view(
    item: result_tables.Item, stat: dict[str, Any] | None, levels: list[str], names: list[str]
) -> dict[str, Any]:
    """What the criterion page and the report show of one question."""
    dist = stat.get("dist") if stat else None
    return {
        "item": item,
        "stat": stat,
        "levels": list(zip(range(1, 6), names, levels or [""] * 5, strict=False)),
        "consensus": result_tables.consensus(stat.get("sd") if stat else None),
        "cannot_percent": round(100 * stat["cannot_share"]) if stat and stat.get("cannot_share") is not None else None,
        "chart": result_charts.distribution_bars(names, dist, item.name) if dist else None,
    }


@require_safe
@tenant_view
def results_trend(request: TenantRequest, pk: int) -> HttpResponse:
    """The field scores of "Gesamt" across the Kommune's closed campaigns up to this one."""
    campaign, result = _load(request, pk)
    if result is None:
        return _not_ready(request, campaign)
    closed = result_tables.closed_campaigns(request.tenant.kommune)
    current = next((r for r in closed if r.campaign.pk == campaign.pk), result)
    trend = result_tables.trend(closed, upto=current)
    shown = [r for r in closed if r.campaign in trend.campaigns]
    for shown_result in shown:
        _release(request, shown_result, result_tables.SEITE, [result_tables.TREND])
    charts = (
        [result_charts.trend_lines(trend, dimension, fields) for dimension, fields in trend.dimensions]
        if len(trend.campaigns) > 1
        else []
    )
    return _page(
        request, "assessment/results/trend.html", campaign, result, "results_trend", trend=trend, charts=charts
    )


@require_safe
@tenant_view
def results_comments(request: TenantRequest, pk: int) -> HttpResponse:
    """The free texts as stored: only for groups that reached the campaign's free-text threshold."""
    campaign, result = _load(request, pk)
    if result is None:
        return _not_ready(request, campaign)
    comments = result.comments
    if comments:
        _release(request, result, result_tables.SEITE, [result_tables.FREITEXT])
    return _page(request, "assessment/results/comments.html", campaign, result, "results_comments", comments=comments)


@require_safe
@tenant_view
def results_releases(request: TenantRequest, pk: int) -> HttpResponse:
    """The release log of the campaign, newest first: every view and export of its results."""
    campaign = access.campaign_for_view(request.tenant, pk)
    result = result_tables.for_campaign(campaign)
    entries = ResultRelease.objects.for_kommune(campaign.kommune).filter(campaign=campaign).order_by("-at", "-id")
    page = paginate(request, entries, RELEASES_PER_PAGE)
    rows = [
        (
            entry,
            result_tables.breakdown_label(entry.breakdown),
            result_tables.channel_label(entry.channel),
        )
        for entry in page.object_list
    ]
    if result is None:
        return render(
            request,
            "assessment/results/releases_only.html",
            {
                "campaign": campaign,
                "page": page,
                "rows": rows,
                "querystring": query_without_page(request),
                "breadcrumbs": _crumbs(request.tenant, campaign, str(_("Abrufprotokoll"))),
            },
        )
    return _page(
        request,
        "assessment/results/releases.html",
        campaign,
        result,
        "results_releases",
        page=page,
        rows=rows,
        querystring=query_without_page(request),
    )


# --- files ---------------------------------------------------------------------------------------


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _filename(campaign: Campaign, suffix: str) -> str:
    return f"selbstbewertung-{campaign.kommune.slug}-{campaign.pk}-{timezone.localdate():%Y-%m-%d}.{suffix}"


@require_safe
@tenant_view
@limited("export.user", "export.kommune")
def results_pdf(request: TenantRequest, pk: int) -> HttpResponse:
    """The assessment report as PDF (method, questionnaire, participation, charts, tables, k)."""
    campaign, result = _load(request, pk)
    if result is None:
        return _not_ready(request, campaign, status=409)
    earlier = result_tables.previous_result(result)
    content = report_pdf.report_pdf(result, earlier)
    _release(request, result, result_tables.PDF, report_pdf.BREAKDOWNS)
    if earlier is not None:
        _release(request, earlier, result_tables.PDF, [result_tables.TREND])
    return _download(content, report_pdf.CONTENT_TYPE, _filename(campaign, "pdf"))


@require_safe
@tenant_view
@limited("export.user", "export.kommune")
def results_xlsx(request: TenantRequest, pk: int) -> HttpResponse:
    """The aggregates as a workbook: fields, criteria, audiences, org units (hidden ones "verborgen")."""
    campaign, result = _load(request, pk)
    if result is None:
        return _not_ready(request, campaign, status=409)
    content = exports.results_xlsx(result)
    _release(request, result, result_tables.XLSX, exports.BREAKDOWNS)
    return _download(content, exports.CONTENT_TYPE, _filename(campaign, "xlsx"))
