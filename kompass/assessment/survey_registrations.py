"""Registrations of the survey pages (called from `registrations.register`)."""

from __future__ import annotations

from typing import Any

from kompass.tenancy.public import Publication, PublicPages, public_pages, publications


def _patterns() -> list:  # type: ignore[type-arg]
    from kompass.assessment import public_urls

    return list(public_urls.urlpatterns)


def _has_links_out(kommune: Any) -> bool:
    """Links of a campaign that is not open are out: invitations of a draft, or a closed campaign
    not yet archived. Its respondents then get the page that says so (410 with the period) instead
    of a bare 404; an archived campaign's links lead to the plain 404 again."""
    from django.db.models import Q

    from kompass.assessment.models import Campaign, CampaignStatus

    waiting = Q(status=CampaignStatus.DRAFT, participants__isnull=False)
    return Campaign.objects.for_kommune(kommune).filter(Q(status=CampaignStatus.CLOSED) | waiting).exists()


def register() -> None:
    from kompass.assessment.views_survey import install_log_filter

    public_pages.register(PublicPages("assessment", _patterns))
    publications.register(Publication("umfragen-links", _has_links_out))
    install_log_filter()
