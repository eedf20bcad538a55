"""Pages of the target profile (Soll), the gaps, the recommended measures and the Kommunentyp.

Every member reads them; setting a Soll, accepting or dropping a recommendation and answering the
Kommunentyp questionnaire need `EDIT_FRAMEWORK` (`access_targets`). The Ist always comes from the
stored result of the latest closed campaign (`selectors.current_levels`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kompass.assessment import access_targets as access
from kompass.assessment import selectors
from kompass.assessment import services_targets as services
from kompass.assessment.forms_targets import AcceptForm, DropForm, TargetForm, TypeProfileForm
from kompass.assessment.models import RecommendationStatus, Target
from kompass.core.exceptions import ConflictError
from kompass.core.forms_util import form_page, form_version
from kompass.framework import selectors as framework_selectors
from kompass.framework.models import Criterion, Field
from kompass.reports.charts import horizontal_bar_chart, radar_chart
from kompass.tenancy.context import TenantContext
from kompass.tenancy.decorators import TenantRequest, tenant_view

FORM_METHODS = ["GET", "HEAD", "POST"]


# --- shared ----------------------------------------------------------------------------------------


def optional_url(name: str, *args: Any) -> str | None:
    """A link to a page another part of the app may not provide (yet)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _url(ctx: TenantContext, name: str, *args: Any, anchor: str = "") -> str:
    return reverse(f"assessment:{name}", args=[ctx.kommune.slug, *args]) + (f"#{anchor}" if anchor else "")


def _crumbs(ctx: TenantContext, *trail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    start = (_("Selbstbewertung"), optional_url("assessment:campaign_list", ctx.kommune.slug))
    return [start, *trail]


def _targets_crumb(ctx: TenantContext) -> tuple[str, str]:
    return (_("Soll-Profil"), _url(ctx, "targets"))


def _common(ctx: TenantContext) -> dict[str, Any]:
    return {
        "can_edit": access.can_edit(ctx),
        "framework_url": optional_url("framework:overview", ctx.kommune.slug),
        "campaigns_url": optional_url("assessment:campaign_list", ctx.kommune.slug),
        "measures_url": optional_url("framework:measures", ctx.kommune.slug),
    }


def _results_url(ctx: TenantContext, campaign: Any) -> str | None:
    return optional_url("assessment:results", ctx.kommune.slug, campaign.pk) if campaign is not None else None


def _done(request: TenantRequest, message: str, to: str) -> HttpResponse:
    messages.success(request, message)
    return HttpResponseRedirect(to)


# --- Soll-Profil -------------------------------------------------------------------------------


@require_safe
@tenant_view
def targets(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    profile = selectors.target_profile(ctx.kommune)
    framework = framework_selectors.framework(ctx.kommune)
    return render(
        request,
        "assessment/targets/profile.html",
        {
            **_common(ctx),
            "profile": profile,
            "campaign": profile.levels.campaign,
            "results_url": _results_url(ctx, profile.levels.campaign),
            "adopted": framework is not None,
            "set_count": sum(1 for row in profile.rows if row.target is not None),
            "breadcrumbs": _crumbs(ctx, (_("Soll-Profil"), None)),
        },
    )


def _active_place(field: Field, criterion: Criterion | None = None) -> None:
    """A Soll is set only for an active, assessable field (and an active criterion of it)."""
    if not field.is_active or not field.assessable or (criterion is not None and not criterion.is_active):
        raise Http404


def _target_page(
    request: TenantRequest, field: Field, criterion: Criterion | None, target: Target | None, context: dict[str, Any]
) -> HttpResponse:
    ctx = request.tenant
    back = (
        _url(ctx, "target_field", field.pk)
        if criterion is not None
        else _url(ctx, "targets", anchor=f"feld-{field.key}")
    )
    if request.method == "POST" and "entfernen" in request.POST:
        return _target_remove(request, target, back)
    names = framework_selectors.level_names(getattr(framework_selectors.framework(ctx.kommune), "catalogue", None))
    form = TargetForm(request.POST or None, initial=TargetForm.initial_for(target), level_names=names)
    return form_page(
        request,
        form,
        lambda: services.target_set(
            kommune=ctx.kommune,
            actor=ctx.user,
            field=field,
            criterion=criterion,
            data=form.service_data(),
            expected_version=form_version(form),
        ),
        done=lambda _target: _done(request, _("Das Soll wurde gespeichert."), back),
        template="assessment/targets/target_form.html",
        context={
            **_common(ctx),
            **context,
            "results_url": _results_url(ctx, context.get("campaign")),
            "place": field,
            "criterion": criterion,
            "target": target,
            "back": back,
        },
    )


def _target_remove(request: TenantRequest, target: Target | None, back: str) -> HttpResponse:
    ctx = request.tenant
    if target is None:
        return HttpResponseRedirect(back)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        services.target_delete(kommune=ctx.kommune, actor=ctx.user, target=target, expected_version=version)
    except ConflictError as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(request.path)
    return _done(request, _("Das Soll wurde entfernt."), back)


@require_http_methods(FORM_METHODS)
@tenant_view
def target_field(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    field = access.field_for_target(ctx, pk)
    _active_place(field)
    profile = selectors.target_profile(ctx.kommune)
    row = next((r for r in profile.rows if r.field.pk == field.pk), None)
    if row is None:
        raise Http404
    title = _("Soll für „%(field)s“") % {"field": field.name}
    return _target_page(
        request,
        field,
        None,
        row.target,
        {
            "row": row,
            "ist": row.ist,
            "campaign": profile.levels.campaign,
            "title": title,
            "breadcrumbs": _crumbs(ctx, _targets_crumb(ctx), (field.name, None)),
        },
    )


@require_http_methods(FORM_METHODS)
@tenant_view
def target_criterion(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    criterion = access.criterion_for_target(ctx, pk)
    field = criterion.field
    _active_place(field, criterion)
    levels = selectors.current_levels(ctx.kommune)
    title = _("Soll für das Kriterium „%(criterion)s“") % {"criterion": criterion.name}
    return _target_page(
        request,
        field,
        criterion,
        selectors.criterion_target(ctx.kommune, criterion),
        {
            "ist": levels.of_criterion(criterion.pk),
            "campaign": levels.campaign,
            "field_target": selectors.field_target(ctx.kommune, field),
            "title": title,
            "breadcrumbs": _crumbs(
                ctx, _targets_crumb(ctx), (field.name, _url(ctx, "target_field", field.pk)), (criterion.name, None)
            ),
        },
    )


# --- gaps ----------------------------------------------------------------------------------------


def gap_chart(report: selectors.GapReport) -> Any:
    """Horizontal bars of the gaps (Soll − Ist), in the order of priority, with the data table."""
    if not report.ranked:
        return None
    return horizontal_bar_chart(
        title=_("Lücke zwischen Soll und Ist je Feld"),
        description=_(
            "Soll minus Ist in Stufen, nach Priorität (Lücke × Gewicht) geordnet; ein Wert unter null heißt: "
            "das Ist liegt über dem Soll."
        ),
        labels=[gap.field.name for gap in report.ranked],
        series={_("Lücke"): [gap.gap for gap in report.ranked]},
        label_header=_("Feld"),
        decimals=2,
    )


@require_safe
@tenant_view
def gaps(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    report = selectors.gap_report(ctx.kommune)
    return render(
        request,
        "assessment/targets/gaps.html",
        {
            **_common(ctx),
            "report": report,
            "campaign": report.campaign,
            "results_url": _results_url(ctx, report.campaign),
            "chart": gap_chart(report),
            "breadcrumbs": _crumbs(ctx, (_("Lücken und Prioritäten"), None)),
        },
    )


# --- recommendations -----------------------------------------------------------------------------


def _recommendations_page(
    request: TenantRequest,
    accept_errors: dict[tuple[int, str], list[str]] | None = None,
    typed: str | None = None,
) -> HttpResponse:
    ctx = request.tenant
    # After a refused accept, the page it was sent from (with all fields or the weakest only).
    show_all = (request.POST if request.method == "POST" else request.GET).get("alle") == "1"
    report = selectors.gap_report(ctx.kommune)
    types = selectors.type_result(ctx.kommune)
    suggestions = selectors.suggestions(
        ctx.kommune, report, types, limit=None if show_all else selectors.WEAKEST_FIELDS
    )
    candidates = len(selectors.weakest(report, None))
    stored = list(selectors.recommendations(ctx.kommune))
    errors = accept_errors or {}
    blocks = [
        (
            fs,
            [(s, errors.get((fs.gap.field.pk, s.template.key), []), fs.reason) for s in fs.suggestions],
        )
        for fs in suggestions
    ]
    if typed is not None:  # keep what the user wrote (even nothing) next to the refused suggestion
        blocks = [(fs, [(s, errs, typed if errs else reason) for s, errs, reason in items]) for fs, items in blocks]
    return render(
        request,
        "assessment/targets/recommendations.html",
        {
            **_common(ctx),
            "blocks": blocks,
            "more_fields": not show_all and candidates > len(suggestions),
            "show_all": show_all,
            "report": report,
            "types": types,
            "stored": stored,
            "accepted_count": sum(1 for r in stored if r.status == RecommendationStatus.ACCEPTED),
            "accept_summary": [
                (message, f"grund-{place[0]}-{place[1]}" if _shown(place, suggestions) else None)
                for place, messages in errors.items()
                for message in messages
            ],
            "breadcrumbs": _crumbs(ctx, (_("Empfehlungen"), None)),
        },
    )


def _shown(place: tuple[int, str], suggestions: list[selectors.FieldSuggestions]) -> bool:
    """Is the accept form of this (field, template) on the page, to show its errors next to it?"""
    return any(
        fs.gap.field.pk == place[0] and s.template.key == place[1] and s.taken is None
        for fs in suggestions
        for s in fs.suggestions
    )


@require_safe
@tenant_view
def recommendations(request: TenantRequest) -> HttpResponse:
    return _recommendations_page(request)


@require_POST
@tenant_view
def recommendation_accept(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    access.require_editor(ctx)
    form = AcceptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte wählen Sie eine Empfehlung aus der Liste."))
        return HttpResponseRedirect(_url(ctx, "recommendations"))
    field = access.field_for_target(ctx, form.cleaned_data["field"])
    template = selectors.template_for_key(form.cleaned_data["template"])
    place = (field.pk, form.cleaned_data["template"])
    if template is None:
        return _recommendations_page(request, {place: [_("Diese Maßnahmenvorlage gibt es nicht.")]})
    reason = form.cleaned_data["reason"]
    try:
        recommendation = services.recommendation_accept(
            kommune=ctx.kommune, actor=ctx.user, template=template, field=field, reason=reason
        )
    except ValidationError as exc:
        return _recommendations_page(request, {place: exc.messages}, typed=reason)
    return _done(
        request,
        _("„%(title)s“ wurde als Empfehlung für das Feld „%(field)s“ übernommen.")
        % {"title": recommendation.title, "field": field.name},
        _url(ctx, "recommendations", anchor="uebernommen"),
    )


@require_http_methods(FORM_METHODS)
@tenant_view
def recommendation_drop(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    recommendation = access.recommendation_for_edit(ctx, pk)
    form = DropForm(request.POST or None, initial=DropForm.initial_for(recommendation))
    return form_page(
        request,
        form,
        lambda: services.recommendation_drop(
            kommune=ctx.kommune,
            actor=ctx.user,
            recommendation=recommendation,
            reason=form.cleaned_data["reason"],
            expected_version=form_version(form),
        ),
        done=lambda rec: _done(
            request,
            _("Die Empfehlung „%(title)s“ wurde verworfen.") % {"title": rec.title},
            _url(ctx, "recommendations", anchor="uebernommen"),
        ),
        template="assessment/targets/recommendation_drop.html",
        context={
            "recommendation": recommendation,
            "title": _("Empfehlung „%(title)s“ verwerfen") % {"title": recommendation.title},
            "breadcrumbs": _crumbs(ctx, (_("Empfehlungen"), _url(ctx, "recommendations")), (_("Verwerfen"), None)),
        },
    )


# --- Kommunentyp ---------------------------------------------------------------------------------


def type_chart(result: selectors.TypeResult) -> Any:
    """Radar of the four types' scores (1–5), with the data table."""
    if result.profile is None:
        return None
    return radar_chart(
        title=_("Profil der Kommunentypen"),
        description=_("Mittelwert der Antworten je Kommunentyp auf der Skala von 1 (unwichtig) bis 5 (sehr wichtig)."),
        labels=[t.name for t in result.catalogue.types],
        series={_("Ihre Kommune"): [result.scores.get(t.key) for t in result.catalogue.types]},
        label_header=_("Kommunentyp"),
        value_range=(0, 5),
        ticks=range(6),
        decimals=1,
    )


@require_safe
@tenant_view
def kommunentyp(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    result = selectors.type_result(ctx.kommune)
    answers = result.profile.answers if result.profile is not None else {}
    type_names = {t.key: t.name for t in result.catalogue.types}
    return render(
        request,
        "assessment/targets/kommunentyp.html",
        {
            **_common(ctx),
            "result": result,
            "chart": type_chart(result),
            "type_scores": [(t, result.scores.get(t.key)) for t in result.catalogue.types],
            "rows": [
                (item, type_names.get(item.type_key, item.type_key), answers.get(item.key))
                for item in result.catalogue.items
            ],
            "breadcrumbs": _crumbs(ctx, (_("Kommunentyp"), None)),
        },
    )


@require_http_methods(FORM_METHODS)
@tenant_view
def kommunentyp_answer(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    access.require_editor(ctx)
    result = selectors.type_result(ctx.kommune)
    form = TypeProfileForm(
        request.POST or None, initial=TypeProfileForm.initial_for(result.profile), catalogue=result.catalogue
    )
    return form_page(
        request,
        form,
        lambda: services.type_profile_save(
            kommune=ctx.kommune, actor=ctx.user, answers=form.answers(), expected_version=form_version(form)
        ),
        done=lambda _profile: _done(request, _("Die Antworten wurden gespeichert."), _url(ctx, "kommunentyp")),
        template="assessment/targets/kommunentyp_form.html",
        context={
            "result": result,
            "breadcrumbs": _crumbs(ctx, (_("Kommunentyp"), _url(ctx, "kommunentyp")), (_("Fragebogen"), None)),
        },
    )
