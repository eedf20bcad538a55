"""Registrations of the results area of the self-assessment (called from `registrations.register`):
the start page's panel "Selbstbewertung" with the latest closed campaign."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kompass.core.extensions import DASHBOARD_PANELS, DashboardPanel

WEAKEST = 3


def dashboard(tenant: Any) -> dict[str, Any]:
    """The latest closed campaign: participation, the three weakest fields of "Gesamt", the link.
    Showing the scores is a read of the results, so it is written to the release log, once a day
    per person (channel "startseite"). Three to six queries, whatever the size of the result."""
    from kompass.assessment import grouping, result_tables
    from kompass.assessment.models import Campaign

    campaigns = Campaign.objects.for_kommune(tenant.kommune)
    latest = campaigns.filter(status__in=result_tables.CLOSED).order_by("-closed_on", "-starts_on", "-pk").first()
    if latest is None:
        return {"assessment": {"has_campaigns": campaigns.exists(), "result": None}}
    latest.kommune = tenant.kommune
    result = result_tables.for_campaign(latest)
    if result is None:  # pragma: no cover - a closed campaign always has a result
        return {"assessment": {"has_campaigns": True, "result": None}}
    scored = [(f, s) for f, s in ((f, result.field_score(grouping.ALL, f.key)) for f in result.fields) if s is not None]
    weakest = sorted(scored, key=lambda pair: (pair[1], pair[0].name))[:WEAKEST]
    if weakest:
        result_tables.release_once_a_day(result, tenant.user, result_tables.STARTSEITE, result_tables.GESAMT)
    total = result.participation[0] if result.participation else None
    return {
        "assessment": {
            "has_campaigns": True,
            "result": result,
            "total": total,
            "weakest": weakest,
            "url": reverse("assessment:results", args=[tenant.kommune.slug, latest.pk]),
        }
    }


def register() -> None:
    DASHBOARD_PANELS.register(
        DashboardPanel(
            key="assessment.results",
            title=_("Selbstbewertung"),
            template="assessment/results/dashboard_panel.html",
            context=dashboard,
            order=30,
        )
    )
