"""The digital agenda of a Kommune: strategy (agenda, versions, goals, council decisions), measures,
KPIs and the push of measured values. One sub-router per area, mounted together under the tag
„Digitale Agenda“; the same access rules and services as the agenda's pages (`kompass.agenda`)."""

from __future__ import annotations

from ninja import Router

from kompass.api.routers.agenda import kpis, measures, strategy

router = Router(tags=["Digitale Agenda"])
for area in (strategy, measures, kpis):
    router.add_router("", area.router)
