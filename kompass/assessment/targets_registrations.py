"""Registrations of the target profile pages (called from `registrations.register`): navigation
entries in the group "Selbstbewertung" and the audit labels of what their log entries name."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kompass.audit.extensions import AUDIT_LABELS, AuditLabels
from kompass.core.extensions import NAV_ENTRIES, NavEntry

NAV_GROUP = "selbstbewertung"  # the framework registers the group (framework.ui_registrations)


def _on(*names: str) -> Any:
    def current(match: Any, path: str, url: str) -> bool:
        return match is not None and match.namespace == "assessment" and match.url_name in names

    return current


def _navigation() -> None:
    for order, key, label, url_name, current in (
        (
            40,
            "assessment.targets",
            _("Soll und Lücken"),
            "assessment:targets",
            _on("targets", "target_field", "target_criterion", "gaps"),
        ),
        (
            50,
            "assessment.recommendations",
            _("Empfehlungen"),
            "assessment:recommendations",
            _on("recommendations", "recommendation_drop"),
        ),
        (
            60,
            "assessment.kommunentyp",
            _("Kommunentyp"),
            "assessment:kommunentyp",
            _on("kommunentyp", "kommunentyp_answer"),
        ),
    ):
        NAV_ENTRIES.register(
            NavEntry(key=key, group=NAV_GROUP, label=label, url_name=url_name, order=order, current=current)
        )


def _audit_labels() -> None:
    AUDIT_LABELS.register(
        AuditLabels(
            key="assessment.targets",
            field_labels={"answers": _("Antworten zum Kommunentyp"), "status": _("Status")},
        )
    )


def register() -> None:
    _navigation()
    _audit_labels()
