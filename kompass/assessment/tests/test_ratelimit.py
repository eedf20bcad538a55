"""Rate limits of the survey (S7 in docs/security.md).

Respondents are counted per link, never per address: a Rathaus reaches the instance through one
address, and 50 colleagues answering from it must all get through, while one link posting again
and again gets 429 with `Retry-After` and a German page. The counters cannot be matched to a
participant (docs/security.md N3). Hand-outs of invitations and reminders (each may mail hundreds of people) are
counted per member and per Kommune, and one Kommune's use leaves another's untouched.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from kompass.assessment import services
from kompass.assessment.models import Campaign, Participant, Response
from kompass.assessment.tests.test_survey import framework, invite, make_campaign, open_campaign, url
from kompass.conftest import World
from kompass.factories import UserFactory, person
from kompass.framework.tests.catalogue_fixture import adopted_framework
from kompass.tenancy.models import Membership, Role

__all__ = ["framework"]  # the fixture, imported for the tests below

START = datetime.datetime(2026, 1, 20, 9, 0, 5, tzinfo=datetime.UTC)
RATHAUS = "198.51.100.20"


def rates(**overrides: tuple[int, int]) -> dict[str, tuple[int, int]]:
    return {**settings.RATE_LIMITS, **{name.replace("__", "."): rate for name, rate in overrides.items()}}


def pause(client: Client, token: str) -> Any:
    """ "Speichern und später weitermachen" on the first page of questions: a POST of the link."""
    return client.post(url("survey_questions", token), {"aktion": "pause"})


@override_settings(RATE_LIMITS=rates(survey__token=(3, 600)))
def test_fifty_colleagues_behind_one_address_all_submit(world: World, framework: Any) -> None:
    campaign = make_campaign(world)
    links = invite(world, campaign, 50)
    open_campaign(world, campaign)
    with time_machine.travel(START, tick=False):
        statuses = [Client(REMOTE_ADDR=RATHAUS).post(url("survey_submit", link.token)).status_code for link in links]
    assert statuses == [302] * 50
    assert Response.objects.for_kommune(world.kommune).count() == 50


@override_settings(RATE_LIMITS=rates(survey__token=(3, 600)))
def test_one_link_posting_again_and_again_is_refused_with_a_german_page(world: World, framework: Any) -> None:
    campaign = make_campaign(world)
    hammering, other = invite(world, campaign, 2)
    open_campaign(world, campaign)
    client = Client(REMOTE_ADDR=RATHAUS)
    with time_machine.travel(START, tick=False) as clock:
        assert [pause(client, hammering.token).status_code for _ in range(3)] == [302] * 3
        refused = pause(client, hammering.token)
        submit = client.post(url("survey_submit", hammering.token))
        assert pause(Client(REMOTE_ADDR=RATHAUS), other.token).status_code == 302  # another link, same address
        assert client.get(url("survey_questions", hammering.token)).status_code == 200  # reading is not counted
        clock.shift(datetime.timedelta(seconds=595))
        assert client.post(url("survey_submit", hammering.token)).status_code == 302
    assert refused.status_code == 429 and refused["Retry-After"] == "595"
    assert refused["Cache-Control"] == "private, no-store"
    text = refused.content.decode()
    assert "Zu viele Anfragen" in text and "in 10 Minuten noch einmal" in text
    assert hammering.token not in text
    assert submit.status_code == 429
    assert Response.objects.for_kommune(world.kommune).count() == 1


@override_settings(RATE_LIMITS=rates(survey_open__token=(3, 600)))
def test_the_open_link_is_counted_per_campaign_link(world: World, framework: Any, tmp_path: Any) -> None:
    campaign = open_campaign(world, make_campaign(world, open_link_enabled=True))
    adopted_framework(world.other, tmp_path / "other")
    elsewhere = services.campaign_create(
        kommune=world.other,
        actor=world.outsider,
        data={"title": "Nachbarn", "starts_on": "2026-01-10", "ends_on": "2026-02-10", "open_link_enabled": True},
    )
    elsewhere = services.campaign_open(kommune=world.other, actor=world.outsider, campaign=elsewhere)

    def post(target: Campaign, slug: str) -> int:
        path = reverse("public:survey_open", kwargs={"kommune_slug": slug, "open_token": target.open_token})
        return Client(REMOTE_ADDR=RATHAUS).post(path, {"code": target.access_code}).status_code

    with time_machine.travel(START, tick=False):
        assert [post(campaign, "teststadt") for _ in range(4)] == [200, 200, 200, 429]
        assert post(elsewhere, "nachbarort") == 200


@override_settings(RATE_LIMITS=rates(survey__token=(1, 600)))
def test_no_counter_can_be_matched_to_a_participant(world: World, framework: Any) -> None:
    """The participant table keeps SHA-256 of each token; the cache must not (docs/security.md N3)."""
    campaign = make_campaign(world)
    [link] = invite(world, campaign, 1)
    open_campaign(world, campaign)
    pause(Client(), link.token)
    stored = Participant.objects.for_kommune(world.kommune).get().token_hash
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM kompass_cache")
        keys = [row[0] for row in cursor.fetchall()]
    assert any(":survey.token:" in key for key in keys)
    assert not [key for key in keys if stored[:32] in key or link.token in key]


# --- invitations and reminders -----------------------------------------------------------------


def remind(client: Client, slug: str, campaign: Campaign) -> int:
    path = reverse("assessment:campaign_reminders", args=[slug, campaign.pk])
    return client.post(path, {"channel": "mail"}).status_code


def mailed_campaign(world: World, kommune: Any, actor: Any, unit: Any, tmp_path: Any | None = None) -> Campaign:
    if tmp_path is not None:
        adopted_framework(kommune, tmp_path)
    campaign = services.campaign_create(
        kommune=kommune, actor=actor, data={"title": "Umfrage", "starts_on": "2026-01-10", "ends_on": "2026-02-10"}
    )
    people = [person(kommune, f"M{n}", "Mail", unit) for n in range(3)]
    services.invite(
        kommune=kommune, actor=actor, campaign=campaign, people=people, audience="mitarbeitende", channel="mail"
    )
    return services.campaign_open(kommune=kommune, actor=actor, campaign=campaign)


@pytest.fixture
def second_admin(world: World) -> Any:
    user = UserFactory(username="zweite")
    Membership.objects.create(kommune=world.kommune, user=user, role=Role.ADMIN)
    return user


@override_settings(RATE_LIMITS=rates(survey_invitation__user=(2, 3600), survey_invitation__kommune=(100, 3600)))
def test_reminders_by_mail_are_limited_per_member(world: World, framework: Any, second_admin: Any) -> None:
    campaign = mailed_campaign(world, world.kommune, world.admin, world.hauptamt)
    admin = world.client_for(world.admin)
    with time_machine.travel(START, tick=False):
        assert [remind(admin, "teststadt", campaign) for _ in range(3)] == [302, 302, 429]
        refused = admin.post(
            reverse("assessment:campaign_reminders", args=["teststadt", campaign.pk]), {"channel": "mail"}
        )
        assert remind(world.client_for(second_admin), "teststadt", campaign) == 302
    assert refused["Retry-After"] == "3595" and "Zu viele Anfragen" in refused.content.decode()
    assert len(mail.outbox) == 3 * 3


@override_settings(RATE_LIMITS=rates(survey_invitation__user=(100, 3600), survey_invitation__kommune=(2, 3600)))
def test_a_kommune_that_used_up_its_hand_outs_does_not_slow_down_another(
    world: World, framework: Any, second_admin: Any, tmp_path: Any
) -> None:
    campaign = mailed_campaign(world, world.kommune, world.admin, world.hauptamt)
    elsewhere = mailed_campaign(world, world.other, world.outsider, world.other_unit, tmp_path / "other")
    with time_machine.travel(START, tick=False):
        assert remind(world.client_for(world.admin), "teststadt", campaign) == 302
        assert remind(world.client_for(second_admin), "teststadt", campaign) == 302
        assert remind(world.client_for(second_admin), "teststadt", campaign) == 429
        assert remind(world.client_for(world.admin), "teststadt", campaign) == 429
        assert [remind(world.client_for(world.outsider), "nachbarort", elsewhere) for _ in range(2)] == [302, 302]


@override_settings(RATE_LIMITS=rates(survey_invitation__user=(1, 3600), survey_invitation__kommune=(100, 3600)))
def test_invitations_count_as_hand_outs_before_any_link_is_made(world: World, framework: Any) -> None:
    campaign = make_campaign(world)
    person(world.kommune, "Erste", "Person", world.hauptamt)
    admin = world.client_for(world.admin)
    path = reverse("assessment:campaign_invitations", args=["teststadt", campaign.pk])
    body = {"audience": "mitarbeitende", "channel": "liste", "action": "einladen"}
    invited = Participant.objects.for_kommune(world.kommune).filter(campaign=campaign)
    with time_machine.travel(START, tick=False):
        first = admin.post(path, body)
        count = invited.count()
        person(world.kommune, "Zweite", "Person", world.hauptamt)
        second = admin.post(path, body)
    assert first.status_code == 200 and first["Content-Type"].startswith("text/csv") and count >= 1
    assert second.status_code == 429
    assert invited.count() == count
