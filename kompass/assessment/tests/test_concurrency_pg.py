"""Survey submissions from concurrent processes on PostgreSQL (R4 in docs/security.md).

Several OS processes post the same personal link's "Antworten absenden" at the same moment: exactly
one response is stored, every other process gets the German page "Bereits geantwortet" (410), none
a 500. Different respondents at the same moment all land. The anonymity rules (docs/security.md N3) stay as they
are: the participant is marked in a transaction apart from the answers.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from kompass.assessment import services
from kompass.assessment.models import Answer, CampaignItem, Draft, Participant, Response
from kompass.conftest import World
from kompass.core.tests.processes import Workers, postgres_only, workers
from kompass.factories import person
from kompass.framework.tests.catalogue_fixture import adopted_framework

PROCESSES = 4


@pytest.fixture(scope="module")
def pool(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Workers]:
    postgres_only()
    yield from workers(PROCESSES)


@pytest.fixture(autouse=True)
def _clear_counters() -> Iterator[None]:
    yield
    cache.clear()  # rate-limit counters of the workers' requests live in the database cache


def submit_page(path: str) -> tuple[int, bool]:
    """In a worker: one respondent's browser posts "Antworten absenden"."""
    with connection.execute_wrapper(hold_the_claim):
        response = Client().post(path, {"aktion": "absenden"})
    return response.status_code, "Bereits geantwortet" in response.content.decode()


def submit_path(slug: str, token: str) -> str:
    return reverse("public:survey_submit", kwargs={"kommune_slug": slug, "token": token})


def open_survey(world: World, tmp_path: Any, respondents: int) -> list[services.Link]:
    adopted_framework(world.kommune, tmp_path / "fw")
    campaign = services.campaign_create(
        kommune=world.kommune,
        actor=world.admin,
        data={"title": "Parallel", "starts_on": "2026-01-01", "ends_on": "2026-02-01"},
    )
    people = [person(world.kommune, f"P{i}", "Parallel", world.hauptamt) for i in range(respondents)]
    links = services.invite(
        kommune=world.kommune,
        actor=world.admin,
        campaign=campaign,
        people=people,
        audience="mitarbeitende",
        channel="liste",
    )
    services.campaign_open(kommune=world.kommune, actor=world.admin, campaign=campaign)
    for link in links:  # a draft each, so that the answers are there and the draft's deletion is seen
        participant = services.participant_for(link.token, world.kommune)
        items = CampaignItem.objects.for_kommune(world.kommune).filter(campaign=participant.campaign)
        services.draft_save(participant=participant, answers={item.pk: 3 for item in items})
    return links


@pytest.mark.django_db(transaction=True)
def test_the_same_link_submitted_by_four_processes_at_once_gives_one_response(
    world: World, tmp_path: Any, pool: Workers
) -> None:
    [link] = open_survey(world, tmp_path, respondents=1)
    path = submit_path(world.kommune.slug, link.token)

    outcomes = pool.run([(submit_page, {"path": path})] * PROCESSES)

    assert [o.error for o in outcomes if o.error] == []
    statuses = sorted(status for status, _used in (o.value for o in outcomes))
    assert statuses == [302] + [410] * (PROCESSES - 1)
    assert sum(used for _status, used in (o.value for o in outcomes)) == PROCESSES - 1
    items = CampaignItem.objects.for_kommune(world.kommune).count()
    assert Response.objects.for_kommune(world.kommune).count() == 1
    assert Answer.objects.for_kommune(world.kommune).count() == items
    assert set(Answer.objects.for_kommune(world.kommune).values_list("value", flat=True)) == {3}
    assert Participant.objects.for_kommune(world.kommune).get().answered_on is not None
    assert not Draft.objects.for_kommune(world.kommune).exists()


@pytest.mark.django_db(transaction=True)
def test_four_respondents_submitting_at_once_all_land(world: World, tmp_path: Any, pool: Workers) -> None:
    links = open_survey(world, tmp_path, respondents=PROCESSES)

    outcomes = pool.run([(submit_page, {"path": submit_path(world.kommune.slug, link.token)}) for link in links])

    assert [o.error for o in outcomes if o.error] == []
    assert [o.value for o in outcomes] == [(302, False)] * PROCESSES
    items = CampaignItem.objects.for_kommune(world.kommune).count()
    assert Response.objects.for_kommune(world.kommune).count() == PROCESSES
    assert Answer.objects.for_kommune(world.kommune).count() == PROCESSES * items
    assert not Participant.objects.for_kommune(world.kommune).filter(answered_on__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_the_same_link_through_the_service_in_four_processes_claims_once(
    world: World, tmp_path: Any, pool: Workers
) -> None:
    """Below the page: `services.submit` with participants loaded before any of them claimed."""
    [link] = open_survey(world, tmp_path, respondents=1)

    outcomes = pool.run([(submit_service, {"slug": world.kommune.slug, "token": link.token})] * PROCESSES)

    assert [o.error for o in outcomes if o.error] == []
    assert sorted(o.value for o in outcomes) == ["ok"] + ["used"] * (PROCESSES - 1)
    assert Response.objects.for_kommune(world.kommune).count() == 1


def hold_the_claim(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    """Keep the claiming transaction open a little after its UPDATE, so that the others surely
    arrive while it has not committed yet (the moment a race needs)."""
    result = execute(sql, params, many, context)
    if sql.startswith('UPDATE "assessment_participant"'):
        time.sleep(0.3)
    return result


def submit_service(slug: str, token: str) -> str:
    from kompass.tenancy.models import Kommune

    kommune = Kommune.objects.get(slug=slug)
    try:
        participant = services.participant_for(token, kommune)
        with connection.execute_wrapper(hold_the_claim):
            services.submit(participant=participant, answers={})
    except services.SurveyClosed as exc:
        return exc.reason
    return "ok"
