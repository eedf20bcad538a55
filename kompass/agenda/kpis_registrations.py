"""What the agenda's KPI and status-report area registers in the extension points (called from
`registrations.register`): the navigation entries "Kennzahlen" and "Sachstandsberichte" and the
daily reminder of due status reports."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kompass.core.extensions import NAV_ENTRIES, NavEntry

# The agenda's navigation group (registered in `registrations.register`).
NAV_GROUP = "agenda"
KPI_PAGES: tuple[str, ...] = (
    "kpi_list",
    "kpi_detail",
    "kpi_edit",
    "kpi_delete",
    "kpi_create",
    "goal_kpi_create",
    "kpi_import",
    "kpi_value_add",
    "kpi_value_edit",
    "kpi_value_delete",
)
REPORT_PAGES = ("reports_overdue", "report_create", "report_detail")


def _in(names: tuple[str, ...]) -> Any:
    def current(match: Any, path: str, url: str) -> bool:
        return match is not None and match.namespace == "agenda" and match.url_name in names

    return current


def _navigation() -> None:
    NAV_ENTRIES.register(
        NavEntry(
            key="agenda.kpis",
            group=NAV_GROUP,
            label=_("Kennzahlen"),
            url_name="agenda:kpi_list",
            order=60,
            current=_in(KPI_PAGES),
        )
    )
    NAV_ENTRIES.register(
        NavEntry(
            key="agenda.reports",
            group=NAV_GROUP,
            label=_("Sachstandsberichte"),
            url_name="agenda:reports_overdue",
            order=70,
            current=_in(REPORT_PAGES),
        )
    )


def register() -> None:
    from kompass.agenda import reminders

    _navigation()
    reminders.register()
