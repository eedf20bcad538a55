"""Deleting raw answers after a campaign's retention period (the Dienstvereinbarung's promise).

A daily platform job (`Schedule` "assessment-retention") looks for closed or archived campaigns
whose retention period — `retention_months` after `closed_on` — has passed, and deletes their
responses, answers, drafts and participants (with them the invitees' names and addresses). The
stored result (`CampaignResult`, aggregates only, with the participation numbers) stays, so the
results, the trend and the report still work. Each deletion is written to the Kommune's audit log.
"""

from __future__ import annotations

import calendar
import datetime

from django.db import transaction
from django.utils import timezone

from kompass.assessment import results
from kompass.assessment.models import Answer, Campaign, CampaignStatus, Draft, Participant, Response
from kompass.audit.models import AuditAction
from kompass.audit.services import audit_record
from kompass.tasks.runner import kommune_task
from kompass.tasks.schedules import Schedule, schedules
from kompass.tenancy.models import Kommune


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def deletion_due(campaign: Campaign) -> datetime.date | None:
    """The day from which the raw answers of a closed campaign are deleted (None while open)."""
    if campaign.closed_on is None:
        return None
    return add_months(campaign.closed_on, campaign.retention_months)


@transaction.atomic
def campaign_delete_raw(campaign: Campaign) -> int:
    """Delete a campaign's raw data, keeping (and if needed first storing) its aggregates."""
    kommune = campaign.kommune
    results.stored(campaign)  # make sure the aggregates exist before the answers go
    scope = {"kommune": kommune, "campaign": campaign}
    answers, _ = Answer.objects.filter(kommune=kommune, response__campaign=campaign).delete()
    Response.objects.filter(**scope).delete()
    Draft.objects.filter(**scope).delete()
    Participant.objects.filter(**scope).delete()
    Campaign.objects.filter(kommune=kommune, pk=campaign.pk).update(raw_deleted_on=timezone.localdate())
    audit_record(
        kommune_id=kommune.pk,
        actor=None,
        action=AuditAction.UPDATE,
        obj=campaign,
        before={"raw_deleted_on": None},
        after={"raw_deleted_on": timezone.localdate().isoformat()},
        label=f"Einzelantworten der Umfrage „{campaign.title}“ nach Ablauf der Aufbewahrungsfrist gelöscht",
    )
    return answers


@kommune_task()
def delete_expired_raw_answers(kommune: Kommune | None) -> None:
    """Every Kommune's campaigns whose retention period has passed (platform job, no Kommune)."""
    today = timezone.localdate()
    due = (
        Campaign.objects.unscoped()
        .filter(status__in=[CampaignStatus.CLOSED, CampaignStatus.ARCHIVED], raw_deleted_on__isnull=True)
        .exclude(closed_on__isnull=True)
        .select_related("kommune")
    )
    for campaign in due:
        day = deletion_due(campaign)
        if day is not None and day <= today:
            campaign_delete_raw(campaign)


def register() -> None:
    schedules.register(
        Schedule(
            key="assessment-retention",
            interval=datetime.timedelta(days=1),
            task=delete_expired_raw_answers,
            description="Einzelantworten von Umfragen nach Ablauf ihrer Aufbewahrungsfrist löschen",
        )
    )
