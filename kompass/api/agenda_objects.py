"""The agenda's objects below a version or a measure, as the gate resolves them from an API path.

A Leitsatz belongs to a version of the strategy (Kommune-wide, `EDIT_AGENDA`); milestones, budget
lines, risks, steps of the impact chain, RACI rows and dependencies hang on a measure and follow
its place in the Verwaltungsgliederung (`EDIT_MEASURES` at its responsible unit). Each is fetched
through the tenancy choke point (`tenancy.access.fetch`: another Kommune's id is 404) and checked
with the agenda's own rights (`kompass.agenda.access`), as the agenda's pages do. The route still
checks that a child belongs to the measure its path names (`child_of`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Model
from django.http import Http404

from kompass.agenda import access
from kompass.agenda.models import (
    BudgetLine,
    ImpactStep,
    Leitsatz,
    Measure,
    MeasureDependency,
    MeasureRole,
    Milestone,
    Risk,
)
from kompass.tenancy.access import fetch
from kompass.tenancy.context import TenantContext

Fetch = Callable[[TenantContext, object], Any]


def leitsatz_for_view(ctx: TenantContext, pk: object) -> Leitsatz:
    return fetch(ctx, Leitsatz.objects.select_related("agenda_version"), pk)  # type: ignore[no-any-return]


def _measure_child(model: type[Model], *related: str) -> tuple[Fetch, Fetch]:
    """(for reading, for changing) a row that hangs on a measure: changing it is changing the measure."""

    def for_view(ctx: TenantContext, pk: object) -> Any:
        return fetch(ctx, model.objects.select_related("measure__responsible_unit", *related), pk)  # type: ignore[attr-defined]

    def for_edit(ctx: TenantContext, pk: object) -> Any:
        child = for_view(ctx, pk)
        access.require_measure_editor(ctx, child.measure)
        return child

    return for_view, for_edit


MEASURE_CHILDREN: dict[str, tuple[Fetch, Fetch]] = {
    "milestone_id": _measure_child(Milestone),
    "budget_line_id": _measure_child(BudgetLine),
    "risk_id": _measure_child(Risk),
    "impact_step_id": _measure_child(ImpactStep),
    "measure_role_id": _measure_child(MeasureRole, "role"),
    "dependency_id": _measure_child(MeasureDependency, "depends_on"),
}


def child_of(child: Any, measure: Measure) -> Any:
    """The child, if it hangs on this measure; another measure's child under this measure's path is 404."""
    if child.measure_id != measure.pk:
        raise Http404
    return child
