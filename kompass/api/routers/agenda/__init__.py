"""The digital agenda of a Kommune: strategy (agenda, versions, goals, council decisions) and what a
version says (Leitsätze, Handlungsfelder, decision, new draft, diff), measures with what hangs on
them (milestones, budget lines, risks, impact chain) and how they are steered (RACI, dependencies,
status, status reports), KPIs and the push of measured values. One sub-router per area, mounted
together under the tag „Digitale Agenda“; the same access rules and services as the agenda's pages
(`kompass.agenda`)."""

from __future__ import annotations

from ninja import Router

from kompass.api.routers.agenda import children, kpis, measure_steering, measures, strategy, strategy_parts, versions

router = Router(tags=["Digitale Agenda"])
for area in (strategy, strategy_parts, versions, measures, children, measure_steering, kpis):
    router.add_router("", area.router)
