"""Raw answers go after the retention period; the aggregates stay."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine

from kompass.assessment import results, retention, services
from kompass.assessment.models import Answer, Campaign, CampaignItem, CampaignResult, Participant, Response
from kompass.audit.models import AuditEntry
from kompass.factories import person
from kompass.framework.tests.catalogue_fixture import adopted_framework


def test_add_months_keeps_the_end_of_the_month() -> None:
    assert retention.add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert retention.add_months(datetime.date(2026, 11, 15), 14) == datetime.date(2028, 1, 15)


def test_the_daily_job_deletes_raw_data_after_the_period_and_keeps_the_result(world: Any, tmp_path: Any) -> None:
    adopted_framework(world.kommune, tmp_path / "fw")
    with time_machine.travel(datetime.date(2026, 3, 1), tick=False):
        campaign = services.campaign_create(
            kommune=world.kommune,
            actor=world.admin,
            data={"title": "T", "starts_on": "2026-03-01", "ends_on": "2026-03-31", "retention_months": 6},
        )
        people = [person(world.kommune, f"R{i}", "Test", world.hauptamt) for i in range(6)]
        links = services.invite(
            kommune=world.kommune,
            actor=world.admin,
            campaign=campaign,
            people=people,
            audience="mitarbeitende",
            channel="mail",
        )
        services.campaign_open(kommune=world.kommune, actor=world.admin, campaign=campaign)
        items = list(
            CampaignItem.objects.for_kommune(world.kommune).filter(campaign=campaign).values_list("pk", flat=True)
        )
        for link in links:
            services.submit(
                participant=services.participant_for(link.token, world.kommune), answers=dict.fromkeys(items, 2)
            )
        services.campaign_close(kommune=world.kommune, actor=world.admin, campaign=campaign)
    before = results.stored(Campaign.objects.for_kommune(world.kommune).get(pk=campaign.pk))
    with time_machine.travel(datetime.date(2026, 8, 31), tick=False):
        retention.delete_expired_raw_answers.call(None, "t1")
    assert Response.objects.for_kommune(world.kommune).count() == 6  # not yet: due on 2026-09-01
    with time_machine.travel(datetime.date(2026, 9, 1), tick=False):
        retention.delete_expired_raw_answers.call(None, "t2")
    assert Response.objects.for_kommune(world.kommune).count() == 0
    assert Answer.objects.for_kommune(world.kommune).count() == 0
    assert Participant.objects.for_kommune(world.kommune).count() == 0
    campaign.refresh_from_db()
    assert campaign.raw_deleted_on == datetime.date(2026, 9, 1)
    after = CampaignResult.objects.for_kommune(world.kommune).get(campaign=campaign).data
    assert after == before
    assert after["participation"]["invited"] == 6
    assert (
        AuditEntry.objects.for_kommune(world.kommune).filter(object_label__contains="Aufbewahrungsfrist").count() == 1
    )


@pytest.mark.parametrize("status", ["entwurf", "offen"])
def test_open_and_draft_campaigns_are_never_touched(world: Any, tmp_path: Any, status: str) -> None:
    adopted_framework(world.kommune, tmp_path / "fw")
    campaign = services.campaign_create(
        kommune=world.kommune,
        actor=world.admin,
        data={"title": "T", "starts_on": "2020-01-01", "ends_on": "2020-02-01"},
    )
    Campaign.objects.for_kommune(world.kommune).filter(pk=campaign.pk).update(status=status)
    retention.delete_expired_raw_answers.call(None, "t3")
    campaign.refresh_from_db()
    assert campaign.raw_deleted_on is None
