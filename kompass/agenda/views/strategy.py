"""The agenda's overview (the tree from vision to measures), starting an agenda, and its settings.

Every member reads the overview; starting the agenda and the settings need `EDIT_AGENDA`
(Administration, Redaktion without unit limit): the strategy has no place in the
Verwaltungsgliederung.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kompass.agenda import access, impact, priority, selectors, selectors_strategy, services
from kompass.agenda.forms_strategy import AgendaCreateForm, AgendaTitleForm, SettingsForm
from kompass.agenda.models import ImpactStyle
from kompass.agenda.views.strategy_common import FORM_METHODS, crumbs, form_response, refused, update_page
from kompass.core.forms_util import form_version, success
from kompass.reports.charts import Chart, horizontal_bar_chart
from kompass.tenancy.decorators import TenantRequest, tenant_view


def progress_chart(tree: selectors_strategy.AgendaTree) -> Chart | None:
    """Per Handlungsfeld: the share of its measures done and the mean progress of their latest
    status reports (stopped measures left out); None while no Handlungsfeld has a measure."""
    nodes = [n for n in tree.nodes if n.counted]
    if not nodes:
        return None
    return horizontal_bar_chart(
        title=_("Fortschritt je Handlungsfeld"),
        description=_(
            "Anteil der abgeschlossenen Maßnahmen und mittlerer Fortschritt laut letztem Sachstandsbericht, je "
            "Handlungsfeld in Prozent. Gestoppte Maßnahmen zählen nicht mit."
        ),
        labels=[n.handlungsfeld.name for n in nodes if n.handlungsfeld is not None],
        series={
            _("abgeschlossen"): [n.done_percent for n in nodes],
            _("Fortschritt laut Berichten"): [n.reported_progress for n in nodes],
        },
        label_header=_("Handlungsfeld"),
        value_range=(0, 100),
        ticks=range(0, 101, 20),
        decimals=0,
        unit="%",
    )


@require_safe
@tenant_view
def overview(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    tree = selectors_strategy.agenda_tree(ctx.kommune)
    context: dict[str, Any] = {
        "can_edit": access.can_edit_strategy(ctx),
        "breadcrumbs": [(_("Digitale Agenda"), None)],
    }
    if tree is None:
        context["form"] = AgendaCreateForm()
        return render(request, "agenda/strategy/overview_empty.html", context)
    context.update(
        tree=tree,
        chart=progress_chart(tree),
        portfolio_url=selectors_strategy.maybe_url("agenda:portfolio", ctx.kommune.slug),
    )
    return render(request, "agenda/strategy/overview.html", context)


@require_POST
@tenant_view
def create(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    access.require_strategy_editor(ctx)
    form = AgendaCreateForm(request.POST)
    back = reverse("agenda:overview", args=[ctx.kommune.slug])
    title = _("Digitale Agenda anlegen")
    if not form.is_valid():
        return refused(
            request, " ".join(str(e) for errors in form.errors.values() for e in errors), title=title, back=back
        )
    try:
        services.agenda_create(kommune=ctx.kommune, actor=ctx.user, title=form.cleaned_data["title"])
    except ValidationError as exc:
        return refused(request, " ".join(exc.messages), title=title, back=back)
    return success(
        request,
        _(
            "Die Digitale Agenda ist angelegt, mit einem ersten Entwurf (Fassung 1). Schreiben Sie die Vision und "
            "legen Sie Leitsätze und Handlungsfelder an."
        ),
        "agenda:overview",
        ctx.kommune.slug,
    )


@require_http_methods(FORM_METHODS)
@tenant_view
def rename(request: TenantRequest) -> HttpResponse:
    """The agenda's title ("Digitale Agenda 2026–2030"); it belongs to no version, so a decided
    version does not freeze it. Before the agenda is started there is nothing to rename (404)."""
    ctx = request.tenant
    access.require_strategy_editor(ctx)
    agenda = selectors.agenda(ctx.kommune)
    if agenda is None:
        raise Http404
    form = AgendaTitleForm(request.POST or None, initial=AgendaTitleForm.initial_for(agenda))
    return update_page(
        request,
        form,
        partial(services.agenda_update, kommune=ctx.kommune, actor=ctx.user, agenda=agenda),
        field="title",
        done=lambda saved: success(
            request,
            _("Die Digitale Agenda heißt jetzt „%(title)s“.") % {"title": saved.title},
            "agenda:overview",
            ctx.kommune.slug,
        ),
        history=agenda,
        title=_("Digitale Agenda umbenennen"),
        lead=_(
            "Der Titel steht über der Agenda, auf ihrer öffentlichen Seite und im Sachstandsbericht. Er gehört "
            "zu keiner Fassung: Umbenennen ändert keine beschlossene Fassung."
        ),
        cancel=reverse("agenda:overview", args=[ctx.kommune.slug]),
        breadcrumbs=crumbs(ctx, (_("Umbenennen"), None)),
    )


@require_http_methods(FORM_METHODS)
@tenant_view
def agenda_settings(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    access.require_strategy_editor(ctx)
    row = selectors.settings(ctx.kommune)
    form = SettingsForm(request.POST or None, initial=SettingsForm.initial_for(row))
    weights = priority.weights_of(row)
    return form_response(
        request,
        form,
        lambda: services.settings_update(
            kommune=ctx.kommune, actor=ctx.user, data=form.service_data(), expected_version=form_version(form)
        ),
        done=lambda _saved: success(
            request,
            _("Die Einstellungen der Digitalen Agenda wurden gespeichert."),
            "agenda:settings",
            ctx.kommune.slug,
        ),
        template="agenda/strategy/settings.html",
        context={
            "title": _("Einstellungen der Digitalen Agenda"),
            "formula": priority.formula_text(weights),
            "example": priority.score_text(priority.priority_score(4, 3, 2, weights)),
            "label_sets": _label_sets(),
            "breadcrumbs": crumbs(ctx, (_("Einstellungen"), None)),
        },
    )


def _label_sets() -> list[tuple[str, str, str]]:
    """Each level of the impact chain with its KGSt and its EU/PHINEO name."""
    kgst, eu = impact.impact_labels(ImpactStyle.KGST), impact.impact_labels(ImpactStyle.EU)
    return [(level, kgst[level], eu[level]) for level in impact.LEVELS]
