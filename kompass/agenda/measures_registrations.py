"""What the agenda's measures area registers in the extension points (called from `registrations.register`):
the navigation entry "Maßnahmen" in the agenda's group (registered in `registrations.register`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kompass.core.extensions import NAV_ENTRIES, NavEntry

NAV_GROUP = "agenda"

# The pages of the measures area: the entry "Maßnahmen" is current on each of them.
MEASURE_PAGES = frozenset(
    {
        "portfolio",
        "bubble",
        "roadmap",
        "board",
        "measure_detail",
        "measure_create",
        "measure_edit",
        "measure_delete",
        "measure_status",
        "measure_from_recommendation",
        *(
            f"{kind}_{verb}"
            for kind in ("milestone", "budget", "risk", "impact")
            for verb in ("create", "edit", "delete")
        ),
        "raci_set",
        "raci_delete",
        "dependency_add",
        "dependency_remove",
    }
)


def _current(match: Any, path: str, url: str) -> bool:
    return match is not None and match.namespace == "agenda" and match.url_name in MEASURE_PAGES


def _navigation() -> None:
    NAV_ENTRIES.register(
        NavEntry(
            key="agenda.measures",
            group=NAV_GROUP,
            label=_("Maßnahmen"),
            url_name="agenda:portfolio",
            order=30,
            current=_current,
        )
    )


def _trash() -> None:
    """A deleted measure goes to the Papierkorb with its milestones, budget lines, risks, RACI rows, KPIs
    and reports (restorable for 30 days)."""
    from kompass.agenda.models import Measure
    from kompass.trash.registry import TRASHABLE, Trashable

    TRASHABLE.register(
        Trashable(
            key="agenda.measure", model=Measure, noun=_("Maßnahme"), label=str, capability="edit_measures", order=40
        )
    )


def register() -> None:
    _navigation()
    _trash()
