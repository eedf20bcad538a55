"""Goals of the agenda: Wirkungsziele and the operative goals under them, each naming whom it
serves (Bürgerinnen, Bürger und Unternehmen; Mitarbeitende; Leistungen und Prozesse), its
Handlungsfelder, its KPIs with their status and the measures that pursue it.

Every member reads; changes need `EDIT_AGENDA`. A goal without KPI is flagged (as in the
Rollen-Check): without one, nobody can show that it is reached.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from kompass.agenda import access, kpi_status, selectors, selectors_strategy, services
from kompass.agenda.forms_strategy import GoalForm
from kompass.agenda.models import Goal, GoalKind
from kompass.agenda.views.strategy_common import FORM_METHODS, crumbs, form_response
from kompass.audit.selectors import history_for
from kompass.core.forms_util import form_version, success
from kompass.org.forms import DeleteForm
from kompass.tenancy.context import TenantContext
from kompass.tenancy.decorators import TenantRequest, tenant_view


def _goals_crumb(ctx: TenantContext) -> tuple[str, str]:
    return (_("Ziele"), reverse("agenda:goal_list", args=[ctx.kommune.slug]))


def _goal_crumbs(ctx: TenantContext, goal: Goal) -> list[tuple[str, str | None]]:
    return crumbs(ctx, _goals_crumb(ctx), (goal.title, reverse("agenda:goal_detail", args=[ctx.kommune.slug, goal.pk])))


@require_safe
@tenant_view
def goal_list(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    rows = selectors_strategy.goal_rows(ctx.kommune)
    without_kpi = sum((row.kpi_count == 0) + sum(c.kpi_count == 0 for c in row.children) for row in rows)
    return render(
        request,
        "agenda/strategy/goal_list.html",
        {
            "rows": rows,
            "without_kpi": without_kpi,
            "has_agenda": selectors.agenda(ctx.kommune) is not None,
            "can_edit": access.can_edit_strategy(ctx),
            "breadcrumbs": crumbs(ctx, (_("Ziele"), None)),
        },
    )


@require_safe
@tenant_view
def goal_detail(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    goal = access.goal_for_view(ctx, pk)
    kpis = selectors_strategy.goal_kpis(ctx.kommune, goal)
    return render(
        request,
        "agenda/strategy/goal_detail.html",
        {
            "goal": goal,
            "kpis": kpis,
            "rule": kpi_status.explanation(),
            "children": list(selectors_strategy.goal_children(ctx.kommune, goal)),
            "handlungsfelder": selectors_strategy.linked_handlungsfelder(ctx.kommune, goal),
            "measures": selectors_strategy.goal_measures(ctx.kommune, goal),
            "kpi_create_url": selectors_strategy.maybe_url("agenda:goal_kpi_create", ctx.kommune.slug, goal.pk),
            "can_edit": access.can_edit_strategy(ctx),
            "history": history_for(ctx, goal),
            "breadcrumbs": crumbs(ctx, _goals_crumb(ctx), (goal.title, None)),
        },
    )


def _form(ctx: TenantContext, request: TenantRequest, goal: Goal | None = None) -> GoalForm:
    linked = selectors_strategy.linked_handlungsfelder(ctx.kommune, goal) if goal is not None else []
    current = selectors_strategy.version_state(ctx.kommune).current
    initial: dict[str, Any] | None = GoalForm.initial_for(goal, linked) if goal is not None else None
    if goal is None and "kind" in request.GET:  # "Operatives Ziel anlegen" under a Wirkungsziel
        initial = {"kind": request.GET.get("kind"), "parent": request.GET.get("parent")}
    return GoalForm(
        request.POST or None,
        parents=selectors_strategy.wirkungsziele(ctx.kommune, exclude=goal),
        handlungsfelder=selectors_strategy.handlungsfeld_choices(ctx.kommune, linked),
        current_version=current.pk if current is not None else None,
        initial=initial,
    )


@require_http_methods(FORM_METHODS)
@tenant_view
def goal_create(request: TenantRequest) -> HttpResponse:
    ctx = request.tenant
    access.require_strategy_editor(ctx)
    form = _form(ctx, request)
    return form_response(
        request,
        form,
        lambda: services.goal_create(kommune=ctx.kommune, actor=ctx.user, data=form.service_data()),
        done=lambda saved: success(
            request,
            _("Das Ziel „%(title)s“ wurde angelegt. Legen Sie nun mindestens eine Kennzahl dafür an.")
            % {"title": saved.title},
            "agenda:goal_detail",
            ctx.kommune.slug,
            saved.pk,
        ),
        template="agenda/strategy/goal_form.html",
        context={
            "title": _("Neues Ziel"),
            "has_agenda": selectors.agenda(ctx.kommune) is not None,
            "cancel": reverse("agenda:goal_list", args=[ctx.kommune.slug]),
            "breadcrumbs": crumbs(ctx, _goals_crumb(ctx), (_("Neues Ziel"), None)),
        },
    )


@require_http_methods(FORM_METHODS)
@tenant_view
def goal_edit(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    goal = access.goal_for_edit(ctx, pk)
    form = _form(ctx, request, goal)
    title = _("Ziel „%(title)s“ bearbeiten") % {"title": goal.title}
    return form_response(
        request,
        form,
        lambda: services.goal_update(
            kommune=ctx.kommune,
            actor=ctx.user,
            goal=goal,
            data=form.service_data(),
            expected_version=form_version(form),
        ),
        done=lambda saved: success(
            request,
            _("Das Ziel „%(title)s“ wurde gespeichert.") % {"title": saved.title},
            "agenda:goal_detail",
            ctx.kommune.slug,
            pk,
        ),
        template="agenda/strategy/goal_form.html",
        context={
            "title": title,
            "goal": goal,
            "has_agenda": True,
            "cancel": reverse("agenda:goal_detail", args=[ctx.kommune.slug, pk]),
            "breadcrumbs": [*_goal_crumbs(ctx, goal), (_("Bearbeiten"), None)],
        },
    )


@require_http_methods(FORM_METHODS)
@tenant_view
def goal_delete(request: TenantRequest, pk: int) -> HttpResponse:
    ctx = request.tenant
    goal = access.goal_for_edit(ctx, pk)
    form = DeleteForm(request.POST or None, initial={"version": goal.version})
    title = _("Ziel „%(title)s“ löschen") % {"title": goal.title}
    question = (
        _("Wollen Sie dieses Wirkungsziel löschen? Das geht nur, wenn kein operatives Ziel mehr dazu gehört.")
        if goal.kind == GoalKind.WIRKUNGSZIEL
        else _("Wollen Sie dieses operative Ziel löschen?")
    )
    return form_response(
        request,
        form,
        lambda: services.goal_delete(kommune=ctx.kommune, actor=ctx.user, goal=goal),
        done=lambda _none: success(
            request,
            _("Das Ziel „%(title)s“ wurde gelöscht.") % {"title": goal.title},
            "agenda:goal_list",
            ctx.kommune.slug,
        ),
        template="agenda/strategy/delete.html",
        context={
            "title": title,
            "question": question
            + " "
            + _(
                "Seine Kennzahlen bleiben erhalten, verlieren aber die Zuordnung zum Ziel; Maßnahmen verlieren die "
                "Verbindung zu ihm."
            ),
            "quote": goal.title,
            "cancel": reverse("agenda:goal_detail", args=[ctx.kommune.slug, pk]),
            "breadcrumbs": [*_goal_crumbs(ctx, goal), (_("Löschen"), None)],
        },
    )
