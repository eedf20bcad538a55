"""Who may read and change the digital agenda: the one choke point for views, API and exports.

Every member reads the agenda. The strategy (versions, Leitsätze, Handlungsfelder, goals, council
decisions, settings) is Kommune-wide: `Capability.EDIT_AGENDA`, which a Redaktion limited to a
subtree does not get (Administration, Redaktion without limit). A measure has a place in the
Verwaltungsgliederung, its responsible unit: `Capability.EDIT_MEASURES` there, so a Redaktion
limited to a subtree changes the measures (and their KPIs) whose responsible unit lies inside it;
a measure without a responsible unit is Kommune-wide. Objects of another Kommune are not found
(404), never forbidden (403).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from kompass.agenda.models import (
    KPI,
    AgendaVersion,
    CouncilDecision,
    Goal,
    Handlungsfeld,
    Leitsatz,
    Measure,
)
from kompass.tenancy.access import fetch
from kompass.tenancy.capabilities import Capability
from kompass.tenancy.context import TenantContext


def can_edit_strategy(ctx: TenantContext) -> bool:
    return ctx.can(Capability.EDIT_AGENDA)  # Kommune-wide: never a subtree-limited member


def require_strategy_editor(ctx: TenantContext) -> None:
    if not can_edit_strategy(ctx):
        raise PermissionDenied(
            _("Die Strategie der Digitalen Agenda dürfen nur Administration und Redaktion ohne Beschränkung ändern.")
        )


def can_edit_measure(ctx: TenantContext, measure: Measure | None) -> bool:
    """May the member change this measure (None: create one somewhere in her area)?"""
    if measure is None or measure.responsible_unit is None:
        # SECURITY: asked without a unit, `can` refuses every subtree-limited member.
        return (
            ctx.can(Capability.EDIT_MEASURES, ctx.scope_unit) if measure is None else ctx.can(Capability.EDIT_MEASURES)
        )
    return ctx.can(Capability.EDIT_MEASURES, measure.responsible_unit)


def require_measure_editor(ctx: TenantContext, measure: Measure | None) -> None:
    if not can_edit_measure(ctx, measure):
        raise PermissionDenied(_("Maßnahmen außerhalb Ihres Bereichs dürfen Sie nicht ändern."))


def measure_for_view(ctx: TenantContext, pk: object) -> Measure:
    return fetch(ctx, Measure.objects.select_related("accountable_role", "responsible_unit"), pk)


def measure_for_edit(ctx: TenantContext, pk: object) -> Measure:
    measure = measure_for_view(ctx, pk)
    require_measure_editor(ctx, measure)
    return measure


def kpi_for_view(ctx: TenantContext, pk: object) -> KPI:
    return fetch(ctx, KPI.objects.select_related("measure__responsible_unit", "goal", "owner_role"), pk)


def kpi_for_edit(ctx: TenantContext, pk: object) -> KPI:
    """A KPI of a measure follows the measure's place; one of a goal is strategy."""
    kpi = kpi_for_view(ctx, pk)
    if kpi.measure is not None:
        require_measure_editor(ctx, kpi.measure)
    else:
        require_strategy_editor(ctx)
    return kpi


def version_for_view(ctx: TenantContext, pk: object) -> AgendaVersion:
    return fetch(ctx, AgendaVersion.objects.select_related("decision"), pk)


def version_for_edit(ctx: TenantContext, pk: object) -> AgendaVersion:
    version = version_for_view(ctx, pk)
    require_strategy_editor(ctx)
    return version


def leitsatz_for_edit(ctx: TenantContext, pk: object) -> Leitsatz:
    leitsatz = fetch(ctx, Leitsatz.objects.select_related("agenda_version"), pk)
    require_strategy_editor(ctx)
    return leitsatz


def handlungsfeld_for_view(ctx: TenantContext, pk: object) -> Handlungsfeld:
    return fetch(ctx, Handlungsfeld.objects.select_related("agenda_version"), pk)


def handlungsfeld_for_edit(ctx: TenantContext, pk: object) -> Handlungsfeld:
    handlungsfeld = handlungsfeld_for_view(ctx, pk)
    require_strategy_editor(ctx)
    return handlungsfeld


def goal_for_view(ctx: TenantContext, pk: object) -> Goal:
    return fetch(ctx, Goal.objects.select_related("parent"), pk)


def goal_for_edit(ctx: TenantContext, pk: object) -> Goal:
    goal = goal_for_view(ctx, pk)
    require_strategy_editor(ctx)
    return goal


def decision_for_view(ctx: TenantContext, pk: object) -> CouncilDecision:
    return fetch(ctx, CouncilDecision.objects.all(), pk)


def decision_for_edit(ctx: TenantContext, pk: object) -> CouncilDecision:
    decision = decision_for_view(ctx, pk)
    require_strategy_editor(ctx)
    return decision
