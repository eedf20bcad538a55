"""The self-assessment of the Großstadt benchmark profile: 8,000 respondents × 60 criteria.

On top of `kompass.demo.bench_profile` (1,500 units, 20,000 people): the framework adopted, one
closed campaign with 10,000 invitations, 8,000 responses and 480,000 answers over four audiences
and 40 Ämter as reporting units (grouped under their Dezernate), its result stored with
`results.store` when it closes (the time is reported), and an open campaign with a few personal
invitations for the survey page. The campaigns, the framework and the invitations of the open
campaign go through the services; the 10,000 participants, 8,000 responses and 480,000 answers of
the closed one are bulk-inserted (random UUID keys, as `services.submit` would give them) — the
benchmark measures reading results at scale, not the speed of answering one by one. The answers
are drawn from a seeded `random.Random`, so every run stores the same result.
"""

from __future__ import annotations

import datetime
import hashlib
import random
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Model

from kompass.assessment import services
from kompass.assessment.models import (
    Answer,
    Audience,
    Campaign,
    CampaignItem,
    CampaignResult,
    CampaignStatus,
    Channel,
    Participant,
    Response,
)
from kompass.audit.context import change_context
from kompass.demo.assessment import adopt_framework, pick_questionnaire
from kompass.framework.catalogue_loader import load_framework
from kompass.framework.models import Framework
from kompass.org.models import OrgUnit, OrgUnitType, Person
from kompass.tenancy.models import Kommune

CRITERIA = 60
INVITED = 10_000
RESPONDENTS = 8_000
ANSWERS = RESPONDENTS * CRITERIA
REPORTING_UNITS = 40  # Ämter
UNIT_DEPTH = 3  # reporting by Amt, shown under its Dezernat
OPEN_PARTICIPANTS = 20
BATCH = 5_000
CLOSED_TITLE = "Standortbestimmung (Benchmark)"
OPEN_TITLE = "Befragung läuft (Benchmark)"
STARTS = datetime.date(2025, 4, 7)
ENDS = datetime.date(2025, 4, 30)
LOTSEN_SHARE = 0.03
CANNOT_JUDGE = 0.06


@dataclass(frozen=True)
class AssessmentSize:
    """The campaigns of one Kommune: criteria asked, invited, answered, reporting units (Ämter), and the
    personal invitations of the open campaign."""

    criteria: int
    invited: int
    respondents: int
    reporting_units: int
    open_participants: int

    @classmethod
    def grossstadt(cls) -> AssessmentSize:
        return cls(CRITERIA, INVITED, RESPONDENTS, REPORTING_UNITS, OPEN_PARTICIPANTS)


@dataclass(frozen=True)
class Invitation:
    person_id: int
    unit_id: int  # the reporting unit (the Amt)
    audience: str


def _amt_of(units: Sequence[OrgUnit]) -> dict[int, int]:
    """Every unit at or below an Amt → the Amt (the ancestor at depth 2)."""
    mapping = {}
    for unit in units:
        ids = [int(p) for p in unit.path.strip("/").split("/") if p]
        if len(ids) >= UNIT_DEPTH:
            mapping[unit.pk] = ids[UNIT_DEPTH - 1]
    return mapping


def invitations(city: Kommune, rng: random.Random, size: AssessmentSize | None = None) -> list[Invitation]:
    """10,000 people of the first 40 Ämter (by code): heads as Führungskräfte, a few Lotsinnen
    und Lotsen, everyone else as Mitarbeitende."""
    size = size or AssessmentSize.grossstadt()
    units = list(OrgUnit.objects.for_kommune(city).order_by("pk"))
    amts = sorted((u for u in units if u.unit_type == OrgUnitType.AMT), key=lambda u: int(u.code))
    chosen = {u.pk for u in amts[: size.reporting_units]}
    amt_of = {pk: amt for pk, amt in _amt_of(units).items() if amt in chosen}
    heads = {u.head_id for u in units if u.head_id}
    people = Person.objects.for_kommune(city).order_by("pk").values_list("pk", "org_unit_id")
    candidates = [(pk, amt_of[unit]) for pk, unit in people if unit in amt_of]
    picked = sorted(rng.sample(candidates, size.invited))
    result = []
    for pk, amt in picked:
        if pk in heads:
            audience = Audience.FUEHRUNG
        elif rng.random() < LOTSEN_SHARE:
            audience = Audience.LOTSEN
        else:
            audience = Audience.MITARBEITENDE
        result.append(Invitation(pk, amt, str(audience)))
    return result


def _participants(city: Kommune, campaign: Campaign, invited: Sequence[Invitation], answered: set[int]) -> None:
    rows = (
        Participant(
            kommune=city,
            campaign=campaign,
            token_hash=hashlib.sha256(f"bench-{campaign.pk}-{n}".encode()).hexdigest(),
            audience=inv.audience,
            unit_id=inv.unit_id,
            person_id=inv.person_id,
            channel=Channel.MAIL,
            invited_on=STARTS,
            answered_on=ENDS if n in answered else None,
        )
        for n, inv in enumerate(invited)
    )
    Participant.objects.bulk_create(rows, batch_size=BATCH)


def _value(rng: random.Random, mean: float) -> int | None:
    if rng.random() < CANNOT_JUDGE:
        return None
    return min(5, max(1, round(rng.gauss(mean, 0.9))))


def _responses(
    city: Kommune, campaign: Campaign, respondents: Sequence[Invitation], rng: random.Random
) -> tuple[int, int]:
    """The responses and their answers, inserted in batches (a response with all its answers
    before the next batch). Means differ by criterion and audience, so the results look real."""
    items = list(CampaignItem.objects.for_kommune(city).filter(campaign=campaign).values_list("pk", flat=True))
    means = {item: rng.uniform(2.0, 3.4) for item in items}
    offset: dict[str, float] = {Audience.FUEHRUNG: 0.5, Audience.LOTSEN: 0.2, Audience.MITARBEITENDE: 0.0}
    written = answers = 0
    per_batch = max(1, BATCH // len(items))
    for start in range(0, len(respondents), per_batch):
        batch = respondents[start : start + per_batch]
        responses = [
            Response(id=uuid.uuid4(), kommune=city, campaign=campaign, audience=inv.audience, unit_id=inv.unit_id)
            for inv in batch
        ]
        Response.objects.bulk_create(responses)
        rows = [
            Answer(
                id=uuid.uuid4(),
                kommune=city,
                response=response,
                item_id=item,
                value=_value(rng, means[item] + offset[inv.audience]),
            )
            for response, inv in zip(responses, batch, strict=True)
            for item in items
        ]
        Answer.objects.bulk_create(rows, batch_size=BATCH)
        written += len(responses)
        answers += len(rows)
    return written, answers


def _campaign_data(title: str, criteria: list[int]) -> dict[str, object]:
    return {
        "title": title,
        "starts_on": STARTS,
        "ends_on": ENDS,
        "audiences": [Audience.FUEHRUNG, Audience.LOTSEN, Audience.MITARBEITENDE],
        "unit_depth": UNIT_DEPTH,
        "criteria": criteria,
        "dv_reference": "Dienstvereinbarung Beschäftigtenbefragungen (Benchmark)",
        "dv_date": datetime.date(2025, 1, 15),
        "retention_months": 120,
    }


def closed_campaign(
    city: Kommune, criteria: list[int], size: AssessmentSize | None = None, *, analyze: bool = True
) -> tuple[Campaign, float]:
    """The closed campaign with 480,000 answers; returns it and the seconds closing took (the
    service stores the result with `results.store`)."""
    size = size or AssessmentSize.grossstadt()
    rng = random.Random("grossstadt-selbstbewertung")  # noqa: S311 - reproducible benchmark data
    campaign = services.campaign_create(kommune=city, actor=None, data=_campaign_data(CLOSED_TITLE, criteria))
    campaign = services.campaign_open(kommune=city, actor=None, campaign=campaign)
    invited = invitations(city, rng, size)
    answered = set(rng.sample(range(len(invited)), size.respondents))
    _participants(city, campaign, invited, answered)
    _responses(city, campaign, [inv for n, inv in enumerate(invited) if n in answered], rng)
    if analyze:
        _analyze(Participant, Response, Answer)
    started = time.perf_counter()
    services.campaign_close(kommune=city, actor=None, campaign=campaign)
    elapsed = time.perf_counter() - started
    Campaign.objects.for_kommune(city).filter(pk=campaign.pk).update(opened_on=STARTS, closed_on=ENDS)
    campaign.refresh_from_db()
    return campaign, elapsed


def _analyze(*models: type[Model]) -> None:
    """What autovacuum does while a real campaign's answers come in over weeks. Without fresh
    statistics, PostgreSQL planned the result's GROUP BY over 480,000 just-inserted answers so
    badly that closing took about three minutes instead of under a second."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def open_campaign(city: Kommune, criteria: list[int], participants: int | None = None) -> tuple[Campaign, list[str]]:
    """An open campaign with a few personal invitations, for the survey page; returns it and the
    secrets of its personal links (the only copy, as with a mail merge)."""
    today = services.today()
    data = {**_campaign_data(OPEN_TITLE, criteria), "starts_on": today, "ends_on": today + datetime.timedelta(30)}
    campaign = services.campaign_create(kommune=city, actor=None, data=data)
    count = OPEN_PARTICIPANTS if participants is None else participants
    people = list(Person.objects.for_kommune(city).exclude(email="").order_by("pk")[:count])
    links = services.invite(
        kommune=city, actor=None, campaign=campaign, people=people, audience=Audience.MITARBEITENDE, channel="mail"
    )
    return services.campaign_open(kommune=city, actor=None, campaign=campaign), [link.token for link in links]


def build_assessment(
    city: Kommune, size: AssessmentSize, *, open_survey: bool = True, analyze: bool = True
) -> tuple[float, list[str]]:
    """Adopt the framework (it must be loaded) and create the closed campaign and, with `open_survey`,
    the open one; returns the seconds `results.store` took and the open campaign's link secrets."""
    with change_context("command", "bench"):
        adopt_framework(city)
        criteria = pick_questionnaire(city, size.criteria)
        _campaign, store_seconds = closed_campaign(city, criteria, size, analyze=analyze)
        if not open_survey:
            return store_seconds, []
        _open, tokens = open_campaign(city, criteria, size.open_participants)
    return store_seconds, tokens


@transaction.atomic
def generate_assessment_profile(city: Kommune) -> float:
    """Adopt the framework and create both campaigns; returns the seconds `results.store` took
    for the 480,000 answers (inside closing the campaign)."""
    load_framework()
    store_seconds, _tokens = build_assessment(city, AssessmentSize.grossstadt())
    return store_seconds


def assessment_profile_present(city: Kommune) -> bool:
    if not Framework.objects.for_kommune(city).exists():
        return False
    closed = Campaign.objects.for_kommune(city).filter(title=CLOSED_TITLE, status=CampaignStatus.CLOSED).first()
    return (
        closed is not None
        and CampaignResult.objects.for_kommune(city).filter(campaign=closed).exists()
        and Campaign.objects.for_kommune(city).filter(title=OPEN_TITLE, status=CampaignStatus.OPEN).exists()
    )


def bench_campaigns(city: Kommune) -> tuple[Campaign, Campaign]:
    """The closed and the open campaign of the profile."""
    campaigns = Campaign.objects.for_kommune(city)
    return campaigns.get(title=CLOSED_TITLE), campaigns.get(title=OPEN_TITLE)


def survey_token(city: Kommune, campaign: Campaign) -> str:
    """A fresh personal link of the open campaign (its old link stops working, as with a reminder)."""
    participant = services.not_answered(campaign)[0]
    (link,) = services.reissue(kommune=city, actor=None, campaign=campaign, participants=[participant])
    return link.token
