"""The measure pages every member reads: the portfolio (table), its bubble chart, the roadmap and one
measure with everything that belongs to it. Changing measures is in `measures_edit` and
`measures_children`; the board is `board`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kompass.agenda import access, charts, kpi_status, priority
from kompass.agenda import selectors as agenda_selectors
from kompass.agenda import selectors_measures as selectors
from kompass.agenda.forms_measures import (
    BudgetForm,
    DependencyForm,
    ImpactStepForm,
    MilestoneForm,
    PortfolioFilterForm,
    RaciForm,
    RiskForm,
    StatusForm,
)
from kompass.agenda.models import MeasureStatus
from kompass.agenda.ownership import EINDEUTIG, KEINE_ROLLE, MEHRDEUTIG, NIEMAND
from kompass.assessment.models import Recommendation, RecommendationStatus
from kompass.core.listing import ListPage
from kompass.tenancy.capabilities import Capability
from kompass.tenancy.context import TenantContext
from kompass.tenancy.decorators import TenantRequest, tenant_view

PORTFOLIO = ListPage(
    template="agenda/measures/portfolio.html",
    partial="agenda/measures/partials/portfolio_table.html",
    form=PortfolioFilterForm,
    sorts=selectors.PORTFOLIO_SORTS,
    default_sort="title",
)


# --- shared -------------------------------------------------------------------------------------------


def optional_url(name: str, *args: Any) -> str | None:
    """A link to a page another area of the agenda may not provide (yet)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def portfolio_crumb(ctx: TenantContext) -> tuple[str, str]:
    return (_("Maßnahmen"), reverse("agenda:portfolio", args=[ctx.kommune.slug]))


def crumbs(ctx: TenantContext, *trail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    start = [(_("Digitale Agenda"), url)] if (url := optional_url("agenda:overview", ctx.kommune.slug)) else []
    return [*start, *trail]


def measure_crumbs(ctx: TenantContext, measure: Any) -> list[tuple[str, str | None]]:
    return crumbs(
        ctx,
        portfolio_crumb(ctx),
        (measure.title, reverse("agenda:measure_detail", args=[ctx.kommune.slug, measure.pk])),
    )


def views_nav(ctx: TenantContext, here: str, request: HttpRequest) -> list[dict[str, Any]]:
    """The four views of the measures (table, chart, roadmap, board), each keeping the filters."""
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("sort", None)
    query.pop("alle", None)  # the board's whole column
    suffix = f"?{query.urlencode()}" if query else ""
    items = (
        ("portfolio", _("Tabelle")),
        ("bubble", _("Portfolio-Diagramm")),
        ("roadmap", _("Zeitplan")),
        ("board", _("Tafel nach Status")),
    )
    return [
        {"label": label, "url": reverse(f"agenda:{name}", args=[ctx.kommune.slug]) + suffix, "current": name == here}
        for name, label in items
    ]


def measure_kpi_create_url(slug: str, pk: int) -> str | None:
    """The KPI area's form for a new KPI of this measure (its create route exists for goals too)."""
    url = optional_url("agenda:kpi_create", slug, pk)
    return url if url and "/massnahmen/" in url else None


def common(ctx: TenantContext) -> dict[str, Any]:
    return {
        "can_create": access.can_edit_measure(ctx, None),
        "has_agenda": agenda_selectors.agenda(ctx.kommune) is not None,
        "strategy_url": optional_url("agenda:overview", ctx.kommune.slug),
    }


def filter_form(
    request: HttpRequest, ctx: TenantContext, **kwargs: Any
) -> tuple[PortfolioFilterForm, Mapping[str, Any]]:
    form = PortfolioFilterForm(request.GET or None, kommune=ctx.kommune, **kwargs)
    return form, (form.cleaned_data if form.is_valid() else {})


def open_recommendations(ctx: TenantContext) -> list[Recommendation]:
    """Accepted recommendations that are no measure yet, for those who may create Kommune-wide measures."""
    if not ctx.can(Capability.EDIT_MEASURES):
        return []
    rows = Recommendation.objects.for_kommune(ctx.kommune).filter(status=RecommendationStatus.ACCEPTED)
    return list(rows.select_related("field").order_by("title", "pk"))


# --- portfolio -----------------------------------------------------------------------------------------


@require_safe
@tenant_view
def portfolio(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    agenda_settings = agenda_selectors.settings(ctx.kommune)

    def page_context(page: Any) -> dict[str, Any]:
        return {
            **common(ctx),
            "rows": selectors.rows_of(ctx.kommune, list(page)),
            "formula": priority.formula_text(priority.weights_of(agenda_settings)),
            "views": views_nav(ctx, "portfolio", request),
            "recommendations": open_recommendations(ctx),
            "breadcrumbs": crumbs(ctx, (_("Maßnahmen"), None)),
        }

    return PORTFOLIO.render(
        request,
        lambda filters, sort: selectors.portfolio(ctx.kommune, filters, sort),
        form_kwargs={"kommune": ctx.kommune},
        context=page_context,
    )


@require_safe
@tenant_view
def bubble(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    form, filters = filter_form(request, ctx)
    measures = list(selectors.portfolio(ctx.kommune, filters, "title"))
    rows = selectors.rows_of(ctx.kommune, measures)
    budgets = {m.pk: (m.budget_planned, m.budget_planned) for m in measures}  # type: ignore[attr-defined]
    return render(
        request,
        "agenda/measures/bubble.html",
        {
            **common(ctx),
            "form": form,
            "chart": charts.portfolio_chart(rows, budgets),
            "count": len(rows),
            "views": views_nav(ctx, "bubble", request),
            "breadcrumbs": crumbs(ctx, portfolio_crumb(ctx), (_("Portfolio-Diagramm"), None)),
        },
    )


@require_safe
@tenant_view
def roadmap(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    form, filters = filter_form(request, ctx)
    plan = selectors.roadmap(ctx.kommune, filters, _("Ohne Handlungsfeld"))
    return render(
        request,
        "agenda/measures/roadmap.html",
        {
            **common(ctx),
            "form": form,
            "plan": plan,
            "table_lanes": [
                (lane, [(row, plan.milestones.get(row.measure.pk, [])) for row in lane.rows]) for lane in plan.lanes
            ],
            "chart": charts.roadmap_chart(plan, agenda_selectors.today()),
            "count": sum(len(lane.rows) for lane in plan.lanes),
            "views": views_nav(ctx, "roadmap", request),
            "breadcrumbs": crumbs(ctx, portfolio_crumb(ctx), (_("Zeitplan"), None)),
        },
    )


# --- one measure ---------------------------------------------------------------------------------------


def owner_text(detail: selectors.Detail) -> dict[str, Any]:
    """Who owns the measure, and why, in words ("niemand" and "mehrere" explained)."""
    owner, measure = detail.owner, detail.measure
    role = measure.accountable_role.name if measure.accountable_role else ""
    if owner.state == EINDEUTIG:
        return {"state": owner.state, "person": owner.person, "text": ""}
    if owner.state == NIEMAND:
        text = _(
            "niemand – die Rolle „%(role)s“ hat derzeit niemand inne. Der Rollen-Check meldet das; ordnen Sie die "
            "Rolle einer Person zu."
        ) % {"role": role}
    elif owner.state == MEHRDEUTIG:
        text = _(
            "mehrere – die Rolle „%(role)s“ haben mehrere Personen inne, und in der federführenden Einheit oder der "
            "nächsten darüber hat sie nicht genau eine Person. Der Rollen-Check meldet das; legen Sie die "
            "federführende Einheit fest oder ordnen Sie die Rolle dort genau einer Person zu."
        ) % {"role": role}
    else:
        text = _("niemand – die Maßnahme nennt keine verantwortliche Rolle.")
    return {
        "state": owner.state,
        "person": None,
        "text": text,
        "candidates": [a.person for a in owner.candidates],
        "finding": owner.state in (NIEMAND, MEHRDEUTIG, KEINE_ROLLE),
    }


def kpi_items(ctx: TenantContext, views: list[selectors.KpiView]) -> list[tuple[Any, Any, str | None]]:
    """Each KPI with its chart (values against the plan line) and the link to its own page."""
    return [
        (
            view,
            charts.kpi_chart(view.kpi, view.values),
            optional_url("agenda:kpi_detail", ctx.kommune.slug, view.kpi.pk),
        )
        for view in views
    ]


def detail_context(ctx: TenantContext, measure: Any) -> dict[str, Any]:
    """What the measure page shows, also behind the child forms when they come back with errors."""
    detail = selectors.measure_detail(ctx.kommune, measure)
    can_edit = access.can_edit_measure(ctx, measure)
    slug = ctx.kommune.slug
    origin = measure.origin_recommendation_id
    return {
        "measure": measure,
        "detail": detail,
        "owner": owner_text(detail),
        "levels": [(level, kpi_items(ctx, level.kpis)) for level in detail.levels],
        "other_kpis": kpi_items(ctx, detail.other_kpis),
        "kpi_rule": kpi_status.explanation(),
        "can_edit": can_edit,
        "statuses": MeasureStatus.choices,
        "status_form": StatusForm(initial={"status": measure.status, "version": measure.version}),
        "milestone_form": MilestoneForm(auto_id="neu-meilenstein-%s"),
        "budget_form": BudgetForm(auto_id="neu-haushalt-%s"),
        "risk_form": RiskForm(auto_id="neu-risiko-%s"),
        "impact_form": ImpactStepForm(labels=detail.labels, auto_id="neu-stufe-%s"),
        "raci_form": RaciForm(kommune=ctx.kommune, auto_id="neu-raci-%s") if can_edit else None,
        "dependency_form": DependencyForm(kommune=ctx.kommune, measure=measure, auto_id="neu-abh-%s")
        if can_edit
        else None,
        "recommendations_url": optional_url("assessment:recommendations", slug) if origin else None,
        "checks_url": optional_url("roles:checks", slug),
        "report_create_url": optional_url("agenda:report_create", slug, measure.pk) if can_edit else None,
        "kpi_create_url": measure_kpi_create_url(slug, measure.pk) if can_edit else None,
        "breadcrumbs": crumbs(ctx, portfolio_crumb(ctx), (measure.title, None)),
    }


@require_safe
@tenant_view
def measure_detail(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    measure = access.measure_for_view(ctx, pk)
    return render(request, "agenda/measures/detail.html", detail_context(ctx, measure))
