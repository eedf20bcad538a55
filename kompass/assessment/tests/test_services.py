"""Campaigns from draft to result: the rules of the services and what a submission leaves behind."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from kompass.assessment import results, services
from kompass.assessment.models import Answer, Campaign, CampaignItem, CampaignStatus, Draft, Participant, Response
from kompass.audit.models import AuditEntry
from kompass.factories import person
from kompass.framework.tests.catalogue_fixture import adopted_framework


@pytest.fixture
def framework(world: Any, tmp_path: Any) -> Any:
    return adopted_framework(world.kommune, tmp_path / "fw")


def _campaign(world: Any, **data: Any) -> Campaign:
    return services.campaign_create(
        kommune=world.kommune,
        actor=world.admin,
        data={"title": "Standortbestimmung 2026", "starts_on": "2026-01-10", "ends_on": "2026-02-10", **data},
    )


def _items(campaign: Campaign) -> Any:
    return CampaignItem.objects.for_kommune(campaign.kommune).filter(campaign=campaign)


def _people(world: Any, n: int, unit: Any, prefix: str) -> list[Any]:
    return [person(world.kommune, f"{prefix}{i}", "Test", unit) for i in range(n)]


def _answer_all(campaign: Campaign, links: list[services.Link], value: int | None = 3) -> None:
    items = list(_items(campaign).values_list("pk", flat=True))
    for link in links:
        participant = services.participant_for(link.token, campaign.kommune)
        services.submit(participant=participant, answers=dict.fromkeys(items, value))


def test_a_campaign_asks_every_active_criterion_by_default(world: Any, framework: Any) -> None:
    campaign = _campaign(world)
    # 3 assessable fields are active (the optional one starts switched off), 3 criteria each
    assert _items(campaign).count() == 9
    assert campaign.k == 5
    assert "5 Personen" in campaign.privacy_notice


def test_k_below_five_is_refused_and_the_kommune_k_only_rises(world: Any, framework: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        _campaign(world, k=4)
    assert "k" in exc.value.message_dict
    services.settings_update(kommune=world.kommune, actor=world.admin, k=7, reason="DV Befragungen 2026")
    with pytest.raises(ValidationError):
        services.settings_update(kommune=world.kommune, actor=world.admin, k=6, reason="niedriger")
    with pytest.raises(ValidationError):
        _campaign(world, k=6)
    assert _campaign(world).k == 7


def test_submission_is_unlinkable_unaudited_and_once_per_token(world: Any, framework: Any) -> None:
    campaign = _campaign(world)
    links = services.invite(
        kommune=world.kommune,
        actor=world.admin,
        campaign=campaign,
        people=_people(world, 2, world.hauptamt, "P"),
        audience="mitarbeitende",
        channel="liste",
    )
    services.campaign_open(kommune=world.kommune, actor=world.admin, campaign=campaign)
    participant = services.participant_for(links[0].token, world.kommune)
    services.draft_save(participant=participant, answers={_items(campaign).first().pk: 4})
    assert Draft.objects.for_kommune(world.kommune).count() == 1
    audit_before = AuditEntry.objects.unscoped().count()
    _answer_all(campaign, links[:1], 4)
    assert AuditEntry.objects.unscoped().count() == audit_before
    assert Draft.objects.for_kommune(world.kommune).count() == 0
    answered = Participant.objects.for_kommune(world.kommune).get(pk=participant.pk)
    assert answered.answered_on == datetime.date.today()
    response = Response.objects.for_kommune(world.kommune).get()
    assert response.audience == "mitarbeitende" and response.unit_id == world.root.pk  # unit_depth 1: the top unit
    with pytest.raises(services.SurveyClosed):
        services.participant_for(links[0].token, world.kommune)
    with pytest.raises(services.SurveyClosed):
        services.submit(participant=participant, answers={})
    assert Response.objects.for_kommune(world.kommune).count() == 1


def test_bad_answers_store_nothing(world: Any, framework: Any) -> None:
    campaign = _campaign(world)
    other = _campaign(world, title="Andere")
    with pytest.raises(ValidationError):
        services.clean_answers(campaign, {str(_items(campaign).first().pk): "7"})
    with pytest.raises(ValidationError):
        services.clean_answers(campaign, {str(_items(other).first().pk): "3"})
    with pytest.raises(ValidationError):
        services.clean_answers(campaign, {"abc": "3"})
    assert services.clean_answers(campaign, {str(_items(campaign).first().pk): ""}) == {
        _items(campaign).first().pk: None
    }
    assert Answer.objects.for_kommune(world.kommune).count() == 0


def test_questionnaire_is_fixed_after_the_first_response_and_closing_twice_changes_nothing(
    world: Any, framework: Any
) -> None:
    campaign = _campaign(world)
    links = services.invite(
        kommune=world.kommune,
        actor=world.admin,
        campaign=campaign,
        people=_people(world, 1, world.hauptamt, "Q"),
        audience="mitarbeitende",
        channel="liste",
    )
    services.campaign_open(kommune=world.kommune, actor=world.admin, campaign=campaign)
    _answer_all(campaign, links)
    with pytest.raises(ValidationError) as exc:
        services.campaign_update(
            kommune=world.kommune,
            actor=world.admin,
            campaign=campaign,
            data={"criteria": [_items(campaign).first().criterion_id]},
        )
    assert "criteria" in exc.value.message_dict
    assert services.campaign_close(kommune=world.kommune, actor=world.admin, campaign=campaign) is True
    entries = AuditEntry.objects.unscoped().count()
    assert services.campaign_close(kommune=world.kommune, actor=world.admin, campaign=campaign) is False
    assert AuditEntry.objects.unscoped().count() == entries


def test_results_hide_small_groups_and_their_complement(world: Any, framework: Any) -> None:
    campaign = _campaign(world, unit_depth=3)  # depth 3 = the Ämter below Dezernat I
    hauptamt = _people(world, 12, world.hauptamt, "H")
    ordnung = _people(world, 2, world.sachgebiet, "O")  # reported as 32 Ordnungsamt: 2 < k
    links_h = services.invite(
        kommune=world.kommune,
        actor=world.admin,
        campaign=campaign,
        people=hauptamt,
        audience="mitarbeitende",
        channel="liste",
    )
    links_o = services.invite(
        kommune=world.kommune,
        actor=world.admin,
        campaign=campaign,
        people=ordnung,
        audience="mitarbeitende",
        channel="liste",
    )
    services.campaign_open(kommune=world.kommune, actor=world.admin, campaign=campaign)
    _answer_all(campaign, links_h, 4)
    _answer_all(campaign, links_o, 1)
    assert results.stored(campaign) is None  # open: no results
    assert results.participation(campaign)["answered_at_least"] == 10  # 14 answered, shown in steps of 5
    services.campaign_close(kommune=world.kommune, actor=world.admin, campaign=campaign)
    campaign.refresh_from_db()
    data = results.stored(campaign)
    groups = {g["key"]: g for g in data["groups"]}
    ordnungsamt = groups[f"u:{world.ordnungsamt.pk}"]
    hauptamt_group = groups[f"u:{world.hauptamt.pk}"]
    assert ordnungsamt["hidden"] and ordnungsamt["n"] is None
    # Dezernat I = Hauptamt + Ordnungsamt: with one child hidden the other must go too
    assert hauptamt_group["hidden"]
    assert f"u:{world.ordnungsamt.pk}" not in data["stats"]
    assert groups["all"]["n"] == 14 and not groups["all"]["hidden"]
    item = str(_items(campaign).first().pk)
    assert data["stats"]["all"][item]["mean"] == pytest.approx((12 * 4 + 2 * 1) / 14, abs=0.01)
    assert data["stats"]["all"][item]["dist"] == [2, 0, 0, 12, 0]
    assert data["suppressed"]["groups"] >= 2


def test_reopen_is_refused_once_results_were_read(world: Any, framework: Any) -> None:
    campaign = _campaign(world)
    services.campaign_open(kommune=world.kommune, actor=world.admin, campaign=campaign)
    services.campaign_close(kommune=world.kommune, actor=world.admin, campaign=campaign)
    services.campaign_reopen(kommune=world.kommune, actor=world.admin, campaign=campaign)
    services.campaign_close(kommune=world.kommune, actor=world.admin, campaign=campaign)
    campaign.refresh_from_db()
    data = results.stored(campaign)
    results.record_release(campaign=campaign, user=world.admin, breakdown="gesamt", channel="seite", data=data)
    with pytest.raises(ValidationError):
        services.campaign_reopen(kommune=world.kommune, actor=world.admin, campaign=campaign)
    assert Campaign.objects.for_kommune(world.kommune).get(pk=campaign.pk).status == CampaignStatus.CLOSED
