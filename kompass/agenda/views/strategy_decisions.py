"""Council decisions (Gremienbeschlüsse) as their own records: body, date, Drucksache,
Beratungsfolge, result and a link to the council information system (a web address or an OParl
object, typed in by hand, stored and linked, never fetched: the pages work offline). A decision is
linked to the versions it decided, the budget lines it approved and the status reports that name it.

Every member reads; changes need `EDIT_AGENDA`.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from kompass.agenda import access, selectors_strategy, services
from kompass.agenda.forms_strategy import DecisionForm
from kompass.agenda.models import CouncilDecision
from kompass.agenda.views.strategy_common import FORM_METHODS, crumbs, form_response
from kompass.audit.selectors import history_for
from kompass.core.forms_util import form_version, success
from kompass.org.forms import DeleteForm
from kompass.tenancy.context import TenantContext
from kompass.tenancy.decorators import TenantRequest, tenant_view


def _list_crumb(ctx: TenantContext) -> tuple[str, str]:
    return (_("Gremienbeschlüsse"), reverse("agenda:decision_list", args=[ctx.kommune.slug]))


def _name(decision: CouncilDecision) -> str:
    return decision.title or str(decision)


@require_safe
@tenant_view
def decision_list(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    decisions = list(CouncilDecision.objects.for_kommune(ctx.kommune).order_by("-decided_on", "-id"))
    links = selectors_strategy.decision_link_counts(ctx.kommune)
    return render(
        request,
        "agenda/strategy/decision_list.html",
        {
            "rows": [(d, links.get(d.pk, 0)) for d in decisions],
            "can_edit": access.can_edit_strategy(ctx),
            "breadcrumbs": crumbs(ctx, (_("Gremienbeschlüsse"), None)),
        },
    )


def _measure_url(ctx: TenantContext, pk: int) -> str | None:
    return selectors_strategy.maybe_url("agenda:measure_detail", ctx.kommune.slug, pk)


@require_safe
@tenant_view
def decision_detail(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    decision = access.decision_for_view(ctx, pk)
    links = selectors_strategy.decision_links(ctx.kommune, decision)
    return render(
        request,
        "agenda/strategy/decision_detail.html",
        {
            "decision": decision,
            "links": links,
            "budget_rows": [(b, _measure_url(ctx, b.measure_id)) for b in links.budget_lines],
            "report_rows": [(r, _measure_url(ctx, r.measure_id)) for r in links.reports],
            "can_edit": access.can_edit_strategy(ctx),
            "history": history_for(ctx, decision),
            "breadcrumbs": crumbs(ctx, _list_crumb(ctx), (_name(decision), None)),
        },
    )


@require_http_methods(FORM_METHODS)
@tenant_view
def decision_create(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    access.require_strategy_editor(ctx)
    form = DecisionForm(request.POST or None)
    return form_response(
        request,
        form,
        lambda: services.council_decision_create(kommune=ctx.kommune, actor=ctx.user, data=form.service_data()),
        done=lambda saved: success(
            request,
            _("Der Beschluss „%(name)s“ wurde erfasst.") % {"name": _name(saved)},
            "agenda:decision_detail",
            ctx.kommune.slug,
            saved.pk,
        ),
        template="agenda/strategy/decision_form.html",
        context={
            "title": _("Gremienbeschluss erfassen"),
            "cancel": reverse("agenda:decision_list", args=[ctx.kommune.slug]),
            "breadcrumbs": crumbs(ctx, _list_crumb(ctx), (_("Neuer Beschluss"), None)),
        },
    )


@require_http_methods(FORM_METHODS)
@tenant_view
def decision_edit(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    decision = access.decision_for_edit(ctx, pk)
    form = DecisionForm(request.POST or None, initial=DecisionForm.initial_for(decision))
    detail = reverse("agenda:decision_detail", args=[ctx.kommune.slug, pk])
    return form_response(
        request,
        form,
        lambda: services.council_decision_update(
            kommune=ctx.kommune,
            actor=ctx.user,
            decision=decision,
            data=form.service_data(),
            expected_version=form_version(form),
        ),
        done=lambda saved: success(
            request,
            _("Der Beschluss „%(name)s“ wurde gespeichert.") % {"name": _name(saved)},
            "agenda:decision_detail",
            ctx.kommune.slug,
            pk,
        ),
        template="agenda/strategy/decision_form.html",
        context={
            "title": _("Beschluss bearbeiten"),
            "decision": decision,
            "cancel": detail,
            "breadcrumbs": crumbs(ctx, _list_crumb(ctx), (_name(decision), detail), (_("Bearbeiten"), None)),
        },
    )


@require_http_methods(FORM_METHODS)
@tenant_view
def decision_delete(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    decision = access.decision_for_edit(ctx, pk)
    form = DeleteForm(request.POST or None, initial={"version": decision.version})
    detail = reverse("agenda:decision_detail", args=[ctx.kommune.slug, pk])
    return form_response(
        request,
        form,
        lambda: services.council_decision_delete(kommune=ctx.kommune, actor=ctx.user, decision=decision),
        done=lambda _none: success(
            request,
            _("Der Beschluss „%(name)s“ wurde gelöscht.") % {"name": _name(decision)},
            "agenda:decision_list",
            ctx.kommune.slug,
        ),
        template="agenda/strategy/delete.html",
        context={
            "title": _("Beschluss löschen"),
            "question": _(
                "Wollen Sie diesen Beschluss löschen? Haushaltsansätze und Sachstandsberichte, die ihn nennen, "
                "verlieren die Verbindung. Ein Beschluss, auf dem eine beschlossene Fassung der Agenda beruht, "
                "bleibt erhalten."
            ),
            "quote": _name(decision),
            "cancel": detail,
            "breadcrumbs": crumbs(ctx, _list_crumb(ctx), (_name(decision), detail), (_("Löschen"), None)),
        },
    )
