"""What the agenda's strategy area registers in the extension points (called from `registrations.register`):
the entry for the overview in the navigation group "Digitale Agenda" (the goals, versions and
council decisions are reached from there), and the start page's panel with the agenda's state.

The group itself is registered once, in `registrations.register`; every area of the agenda adds its
entries (overview, portfolio, KPIs, council report) to `NAV_GROUP`.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kompass.core.extensions import DASHBOARD_PANELS, NAV_ENTRIES, DashboardPanel, NavEntry

NAV_GROUP = "agenda"

# The pages of the strategy area; the other areas mark their own pages current in their entries.
STRATEGY_PAGES = {
    "overview",
    "create",
    "settings",
    "version_list",
    "version_detail",
    "version_diff",
    "version_edit",
    "version_decide",
    "version_new_draft",
    "leitsatz_create",
    "leitsatz_edit",
    "leitsatz_delete",
    "handlungsfeld_create",
    "handlungsfeld_detail",
    "handlungsfeld_edit",
    "handlungsfeld_delete",
    "goal_list",
    "goal_detail",
    "goal_create",
    "goal_edit",
    "goal_delete",
    "decision_list",
    "decision_detail",
    "decision_create",
    "decision_edit",
    "decision_delete",
}


def _in(names: set[str]) -> Any:
    def current(match: Any, path: str, url: str) -> bool:
        return match is not None and match.namespace == "agenda" and match.url_name in names

    return current


def dashboard(tenant: Any) -> dict[str, Any]:
    """The agenda's state for the start page (a fixed number of queries, see `selectors_strategy.panel`)."""
    from kompass.agenda import selectors_strategy

    state = selectors_strategy.panel(tenant.kommune)
    slug = tenant.kommune.slug
    return {
        "agenda": {
            "state": state,
            "url": reverse("agenda:overview", args=[slug]),
            "goals_url": reverse("agenda:goal_list", args=[slug]),
            "portfolio_url": selectors_strategy.maybe_url("agenda:portfolio", slug),
            "reports_url": selectors_strategy.maybe_url("agenda:reports_overdue", slug),
            "kpis_url": selectors_strategy.maybe_url("agenda:kpi_list", slug),
        }
    }


def _navigation() -> None:
    NAV_ENTRIES.register(
        NavEntry(
            key="agenda.overview",
            group=NAV_GROUP,
            label=_("Übersicht"),  # the group is called "Digitale Agenda"
            url_name="agenda:overview",
            order=10,
            current=_in(STRATEGY_PAGES),
        )
    )


def register() -> None:
    _navigation()
    DASHBOARD_PANELS.register(
        DashboardPanel(
            key="agenda.state",
            title=_("Digitale Agenda"),
            template="agenda/strategy/dashboard_panel.html",
            context=dashboard,
            order=40,
        )
    )
