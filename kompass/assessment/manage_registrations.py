"""Registrations of the campaign pages (called from `registrations.register`): the navigation entry
"Umfragen" and the audit labels of what a campaign's log entries name."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kompass.audit.extensions import AUDIT_LABELS, AuditLabels
from kompass.core.extensions import NAV_ENTRIES, NavEntry

NAV_GROUP = "selbstbewertung"  # the framework registers the group (framework.ui_registrations)


def _audience_name(key: Any) -> str:
    from kompass.assessment.models import Audience

    return str(Audience(key).label) if key in Audience.values else str(key)


def _navigation() -> None:
    NAV_ENTRIES.register(
        NavEntry(
            key="assessment.campaigns",
            group=NAV_GROUP,
            label=_("Umfragen"),
            url_name="assessment:campaign_list",
            order=20,  # current on every page below the list: campaigns, invitations, results
        )
    )


def _audit_labels() -> None:
    from kompass.assessment.models import AssessmentSettings, Campaign

    AUDIT_LABELS.register(
        AuditLabels(
            key="assessment.manage",
            field_labels={
                "invited": _("Eingeladen (Anzahl)"),
                "audience": _("Zielgruppe"),
                "channel": _("Weg der Einladung"),
                "reminder_channel": _("Erinnert auf dem Weg"),
                "criteria": _("Kriterien des Fragebogens"),
            },
            object_names={
                Campaign: lambda campaign: campaign.title,
                AssessmentSettings: lambda _settings: str(_("Mindestgruppengröße der Selbstbewertung")),
            },
            item_names={(Campaign, "audiences"): _audience_name},
        )
    )


def register() -> None:
    _navigation()
    _audit_labels()
