"""The self-assessment of the demo Kommunen: a framework, campaigns with results, a target profile.

Musterstadt adopts the Orientierungsrahmen (the optional Daseinsvorsorge fields switched off
except one) and has run two "Standortbestimmung" surveys, in spring 2024 and 2025, each answered
by about 180 of its roughly 280 invited staff; both are closed and their results stored. A third,
"Standortbestimmung 2026", is a draft for the CDO to try. What the results show on purpose:

- a believable trend: 2025 is better than 2024 in Strategie and in Rollen und Verantwortung, worse
  in Ressourcen, about the same elsewhere;
- a perception gap: leadership rates every field higher than staff do;
- anonymity at work: the Verwaltungsvorstand audience (three people, fewer than k) is reported
  with the Führungskräfte, and the Büro der Verwaltungsspitze (three respondents) is hidden
  together with the Verwaltungsspitze answering alone and, as their complement, the smallest
  Dezernat — otherwise the two small groups could be computed from the others;
- a disagreement with the Rollen-Check: staff rate "Rollen und Verantwortung" at about 3.8 in
  2025, while the check of Musterstadt's role model (`kompass.demo.roles`) finds open errors.

Who is invited: every active person with a unit, except the Stabsstelle Digitalisierung (it runs
the survey), the Rechnungsprüfungsamt (it audits the administration and stays independent of its
self-assessment) and the Stadtwerke GmbH (an employer of its own); the Neueinstellungen without a
unit wait for the next survey. Outdoor staff (Feuerwehr, Bauhof, Stadtreinigung) get a letter,
everybody else an e-mail. Audiences: the Verwaltungsspitze with the Beigeordneten of Dezernat I and
IV as Verwaltungsvorstand, the other heads as Führungskräfte, the Lotsinnen und Lotsen of the role
model, everyone else as Mitarbeitende. Results by unit at the level below the Verwaltungsvorstand
(eight units).

Answers come from a seeded `random.Random` around a mean per field, year and audience, so every
load gives the same results. A Soll-Profil and two accepted recommendations for the fields with
the largest weighted gaps follow. Everything goes through the services (`framework.services`,
`assessment.services`, `assessment.services_targets`); only the dates are set afterwards with a
queryset update, because the services stamp today's date. Kleinhausen adopts the framework and has
one open survey with an open link and an access code, without responses, so the public survey can
be tried.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils import timezone

from kompass.assessment import selectors
from kompass.assessment import services as assessment
from kompass.assessment import services_targets as targets
from kompass.assessment.models import (
    Audience,
    Campaign,
    CampaignItem,
    CampaignResult,
    Channel,
    Participant,
    Recommendation,
    Target,
)
from kompass.framework import services as framework
from kompass.framework.catalogue_loader import latest_catalogue, load_framework
from kompass.framework.models import Criterion, Field, MeasureTemplate
from kompass.org.models import OrgUnit, Person
from kompass.roles.models import Assignment
from kompass.tenancy.models import Kommune

QUESTIONS = 40  # criteria in the questionnaire, spread over every dimension
DV_REFERENCE = "Dienstvereinbarung über Beschäftigtenbefragungen zur Digitalisierung"
DV_DATE = datetime.date(2024, 2, 12)
RETENTION_MONTHS = 24
UNIT_DEPTH = 2  # the units directly below the Verwaltungsvorstand: Büro, Stabsstellen, Dezernate
NOT_INVITED = ("02", "14", "B1")  # Stabsstelle Digitalisierung, Rechnungsprüfungsamt, Stadtwerke GmbH
VORSTAND_UNITS = ("VV", "D1", "D4")  # their heads answer as Verwaltungsvorstand
BY_LETTER = ("37", "66", "70")  # Feuerwehr, Tiefbauamt (Bauhof), Stadtreinigung: no PC at work
SMALL_UNIT = "01"  # Büro der Verwaltungsspitze: three respondents, below k
SMALL_UNIT_RESPONDENTS = 3
OPTIONAL_FIELD_ON = "mobilitaet"  # the one Daseinsvorsorge field Musterstadt assesses

# Staff's mean level per field in 2024; fields not named get a seeded level between 2.0 and 3.0.
STAFF_2024 = {"strategie": 2.2, "rollen-verantwortung": 3.1, "ressourcen": 2.7}
# Change from 2024 to 2025; fields not named stay about level (a seeded step of 0 to +0.1).
TREND_2025 = {"strategie": 0.8, "rollen-verantwortung": 0.7, "ressourcen": -0.5}
# Leadership sees the administration more favourably than staff do (the perception gap).
AUDIENCE_OFFSET: dict[str, float] = {
    Audience.VORSTAND: 0.9,
    Audience.FUEHRUNG: 0.6,
    Audience.LOTSEN: 0.3,
    Audience.MITARBEITENDE: 0.0,
}
RESPONSE_RATE: dict[str, float] = {
    Audience.VORSTAND: 1.0,
    Audience.FUEHRUNG: 0.8,
    Audience.LOTSEN: 0.8,
    Audience.MITARBEITENDE: 0.6,
}
CANNOT_JUDGE: dict[str, float] = {
    Audience.VORSTAND: 0.02,
    Audience.FUEHRUNG: 0.04,
    Audience.LOTSEN: 0.05,
    Audience.MITARBEITENDE: 0.1,
}
SPREAD = 0.85

COMMENTS_2025 = (
    "Die Lotsin in unserem Amt hilft sehr, aber ihr fehlt die Zeit dafür.",
    "Die neue Digitalstrategie ist gut erklärt worden, im Alltag merken wir noch wenig davon.",
    "Zu wenig Personal in der IT, Anfragen bleiben wochenlang liegen.",
    "Endlich ist klar, wer für die E-Akte zuständig ist.",
    "Schulungen zu den Fachverfahren würden uns mehr helfen als neue Werkzeuge.",
    "Die Besprechungen im Lotsen-Netzwerk sind hilfreich.",
    "Das Budget für neue Software wurde gekürzt, das bremst die Projekte.",
    "Mehr Austausch zwischen den Dezernaten wäre wünschenswert.",
    "Prozesse werden digitalisiert, ohne sie vorher zu vereinfachen.",
    "Die Online-Dienste für die Bürgerschaft sind deutlich besser geworden.",
    "Ich wünsche mir mehr Rückmeldung, was aus den Ergebnissen der letzten Umfrage geworden ist.",
    "Homeoffice funktioniert inzwischen technisch gut.",
)


@dataclass(frozen=True)
class CampaignSpec:
    title: str
    year: int
    starts_on: datetime.date
    ends_on: datetime.date
    closed_on: datetime.date
    description: str
    comments: tuple[str, ...] = ()


CAMPAIGNS = (
    CampaignSpec(
        "Standortbestimmung 2024",
        2024,
        datetime.date(2024, 4, 8),
        datetime.date(2024, 4, 30),
        datetime.date(2024, 5, 2),
        "Erste gesamtkommunale Standortbestimmung entlang des Orientierungsrahmens.",
    ),
    CampaignSpec(
        "Standortbestimmung 2025",
        2025,
        datetime.date(2025, 4, 7),
        datetime.date(2025, 4, 30),
        datetime.date(2025, 5, 5),
        "Zweite Standortbestimmung: Was hat sich seit 2024 verändert?",
        comments=COMMENTS_2025,
    ),
)
DRAFT_TITLE = "Standortbestimmung 2026"

# Soll-Profil of Musterstadt (field key, level, years from now, weight, reason); fields the loaded
# catalogue lacks are skipped.
TARGETS = (
    ("strategie", "4.0", 1, 5, "Ratsbeschluss zur Digitalstrategie: verbindlich umgesetzt und gesteuert."),
    ("rollen-verantwortung", "4.0", 0, 4, "Kernrollen besetzt und vertreten, Lotsen-Netzwerk in allen Ämtern."),
    ("ressourcen", "3.5", 1, 4, "Verlässliches Budget und Stellen für die Digitalisierung im Haushalt."),
    ("daten", "3.5", 2, 2, "Datenstrategie und erste offene Daten."),
    ("kompetenzen", "3.5", 1, 3, "Qualifizierungsprogramm für alle Beschäftigten."),
    ("prozesse", "3.5", 2, 3, "Prozesslandkarte; Abläufe vereinfachen, bevor sie digitalisiert werden."),
)
RECOMMENDATIONS = 2


@dataclass
class AssessmentSummary:
    """What the demo's self-assessment holds, for the output of `load_demo`."""

    campaigns: list[Campaign] = field(default_factory=list)
    responses: int = 0
    targets: int = 0
    recommendations: int = 0

    def describe(self) -> str:
        titles = ", ".join(f"„{c.title}“ ({c.kommune.name}, {c.get_status_display()})" for c in self.campaigns)
        return (
            f"{len(self.campaigns)} Umfragen der Selbstbewertung: {titles}; {self.responses} Antwortbögen, "
            f"{self.targets} Soll-Werte, {self.recommendations} angenommene Empfehlungen"
        )


# --- the framework ----------------------------------------------------------------------------------


def adopt_framework(kommune: Kommune, *, optional_on: Iterable[str] = ()) -> None:
    """Adopt the newest framework catalogue (optional fields start switched off) and switch the
    named optional fields on."""
    catalogue = latest_catalogue()
    if catalogue is None:
        raise LookupError("the framework catalogue (Orientierungsrahmen) is not loaded")
    framework.framework_adopt(kommune=kommune, actor=None, catalogue=catalogue)
    for item in Field.objects.for_kommune(kommune).filter(key__in=list(optional_on), optional=True):
        framework.field_update(kommune=kommune, actor=None, field=item, data={"is_active": True})


def pick_questionnaire(kommune: Kommune, size: int = QUESTIONS) -> list[int]:
    """About `size` active criteria over every field: each field's first criterion, then the
    second ones and so on, in the framework's order (so every dimension is asked)."""
    per_field: dict[int, list[int]] = {}
    criteria = (
        Criterion.objects.for_kommune(kommune)
        .filter(is_active=True, field__is_active=True, field__assessable=True)
        .order_by("field__dimension__position", "field__position", "position", "pk")
        .values_list("field_id", "pk")
    )
    for field_id, pk in criteria:
        per_field.setdefault(field_id, []).append(pk)
    chosen: list[int] = []
    rank = 0
    while len(chosen) < size and any(len(ids) > rank for ids in per_field.values()):
        chosen += [ids[rank] for ids in per_field.values() if len(ids) > rank][: size - len(chosen)]
        rank += 1
    return chosen


# --- the people and their audiences -----------------------------------------------------------------


@dataclass(frozen=True)
class Invitee:
    person: Person
    audience: str
    channel: str
    top_code: str  # the code of the unit directly below the Verwaltungsvorstand (or "VV")


def _top_codes(units: Sequence[OrgUnit]) -> dict[int, str]:
    by_pk = {u.pk: u for u in units}
    tops: dict[int, str] = {}
    for unit in units:
        ids = [int(p) for p in unit.path.strip("/").split("/") if p]
        tops[unit.pk] = by_pk[ids[1]].code if len(ids) > 1 else unit.code
    return tops


def invitees(kommune: Kommune) -> list[Invitee]:
    """Musterstadt's invitees with their audience and channel (see the module's description)."""
    units = list(OrgUnit.objects.for_kommune(kommune))
    tops = _top_codes(units)
    amt_of = {u.pk: (u.code.split(".")[0]) for u in units}
    heads = {u.head_id: u.code for u in units if u.head_id}
    lotsen = set(Assignment.objects.for_kommune(kommune).filter(role__key="lotse").values_list("person_id", flat=True))
    people = Person.objects.for_kommune(kommune).filter(is_active=True, org_unit__isnull=False).order_by("email")
    result = []
    for person in people:
        assert person.org_unit_id is not None  # filtered above
        top = tops[person.org_unit_id]
        if top in NOT_INVITED:
            continue
        if heads.get(person.pk) in VORSTAND_UNITS:
            audience = Audience.VORSTAND
        elif person.pk in heads:
            audience = Audience.FUEHRUNG
        elif person.pk in lotsen:
            audience = Audience.LOTSEN
        else:
            audience = Audience.MITARBEITENDE
        channel = Channel.LETTER if amt_of[person.org_unit_id] in BY_LETTER else Channel.MAIL
        result.append(Invitee(person, str(audience), str(channel), top))
    return result


# --- answers ------------------------------------------------------------------------------------------


class AnswerModel:
    """The seeded means: staff level per field, the year's trend, the audience's offset, and a
    small offset per criterion (the same in both years)."""

    def __init__(self, items: Sequence[CampaignItem]) -> None:
        rng = random.Random("musterstadt-selbstbewertung")  # noqa: S311 - reproducible demo data
        keys = sorted({item.field_key for item in items})
        self.base = {key: STAFF_2024.get(key, round(rng.uniform(2.0, 3.0), 2)) for key in keys}
        self.trend = {key: TREND_2025.get(key, round(rng.uniform(0.0, 0.1), 2)) for key in keys}
        self.criterion = {item.criterion_id: rng.uniform(-0.25, 0.25) for item in items}

    def mean(self, item: CampaignItem, year: int, audience: str) -> float:
        trend = self.trend[item.field_key] if year >= 2025 else 0.0
        return self.base[item.field_key] + trend + AUDIENCE_OFFSET[audience] + self.criterion[item.criterion_id]


def draw_answers(
    rng: random.Random, model: AnswerModel, items: Sequence[CampaignItem], year: int, audience: str
) -> dict[int, int | None]:
    answers: dict[int, int | None] = {}
    for item in items:
        if rng.random() < CANNOT_JUDGE[audience]:
            answers[item.pk] = None
        else:
            value = round(rng.gauss(model.mean(item, year, audience), SPREAD))
            answers[item.pk] = min(5, max(1, value))
    return answers


def _respondents(rng: random.Random, people: Sequence[Invitee]) -> list[Invitee]:
    """Who answers: by the audience's response rate, except exactly three in the small unit."""
    small = [i for i in people if i.top_code == SMALL_UNIT][:SMALL_UNIT_RESPONDENTS]
    rest = [i for i in people if i.top_code != SMALL_UNIT and rng.random() < RESPONSE_RATE[i.audience]]
    return small + rest


# --- campaigns ---------------------------------------------------------------------------------------


def _campaign_data(spec_title: str, starts_on: datetime.date, ends_on: datetime.date, description: str) -> dict:
    return {
        "title": spec_title,
        "description": description,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "audiences": list(Audience.values),
        "unit_depth": UNIT_DEPTH,
        "dv_reference": DV_REFERENCE,
        "dv_date": DV_DATE,
        "retention_months": RETENTION_MONTHS,
    }


def _invite(kommune: Kommune, campaign: Campaign, people: Sequence[Invitee]) -> dict[int, assessment.Link]:
    links: dict[int, assessment.Link] = {}
    groups: dict[tuple[str, str], list[Person]] = {}
    for invitee in people:
        groups.setdefault((invitee.audience, invitee.channel), []).append(invitee.person)
    for (audience, channel), members in sorted(groups.items()):
        for link in assessment.invite(
            kommune=kommune, actor=None, campaign=campaign, people=members, audience=audience, channel=channel
        ):
            assert link.participant.person_id is not None
            links[link.participant.person_id] = link
    return links


def closed_campaign(
    kommune: Kommune, spec: CampaignSpec, criteria: list[int], people: Sequence[Invitee], model: AnswerModel | None
) -> tuple[Campaign, int, AnswerModel]:
    """Create, invite, open, answer and close one past campaign; then date it in the past."""
    data = _campaign_data(spec.title, spec.starts_on, spec.ends_on, spec.description)
    data.update(criteria=criteria, free_text_enabled=bool(spec.comments))
    campaign = assessment.campaign_create(kommune=kommune, actor=None, data=data)
    links = _invite(kommune, campaign, people)
    campaign = assessment.campaign_open(kommune=kommune, actor=None, campaign=campaign)
    items = list(CampaignItem.objects.for_kommune(kommune).filter(campaign=campaign))
    model = model or AnswerModel(items)
    rng = random.Random(f"musterstadt-umfrage-{spec.year}")  # noqa: S311 - reproducible demo data
    respondents = _respondents(rng, people)
    comments = iter(spec.comments)
    for n, invitee in enumerate(respondents):
        answers = draw_answers(rng, model, items, spec.year, invitee.audience)
        comment = next(comments, "") if n % 9 == 4 else ""
        assessment.submit(participant=links[invitee.person.pk].participant, answers=answers, comment=comment)
    assessment.campaign_close(kommune=kommune, actor=None, campaign=campaign)
    _date_in_the_past(kommune, campaign, spec)
    return campaign, len(respondents), model


def _date_in_the_past(kommune: Kommune, campaign: Campaign, spec: CampaignSpec) -> None:
    """The services stamp today's date; a past campaign gets the dates it had."""
    Campaign.objects.for_kommune(kommune).filter(pk=campaign.pk).update(
        opened_on=spec.starts_on, closed_on=spec.closed_on
    )
    participants = Participant.objects.for_kommune(kommune).filter(campaign=campaign)
    participants.update(invited_on=spec.starts_on)
    participants.filter(answered_on__isnull=False).update(answered_on=spec.ends_on - datetime.timedelta(days=7))
    computed = timezone.make_aware(datetime.datetime.combine(spec.closed_on, datetime.time(9, 0)))
    CampaignResult.objects.for_kommune(kommune).filter(campaign=campaign).update(computed_at=computed)
    campaign.refresh_from_db()


def draft_campaign(kommune: Kommune, criteria: list[int], today: datetime.date) -> Campaign:
    start = datetime.date(today.year + (1 if today.month > 3 else 0), 4, 13)
    data = _campaign_data(
        DRAFT_TITLE, start, start + datetime.timedelta(days=24), "Entwurf: dritte Standortbestimmung."
    )
    data["criteria"] = criteria
    return assessment.campaign_create(kommune=kommune, actor=None, data=data)


def open_link_campaign(kommune: Kommune, today: datetime.date) -> Campaign:
    """Kleinhausen: an open survey everyone can join with the link and the access code."""
    data = {
        "title": "Digitalisierung in Kleinhausen – Ihre Einschätzung",
        "description": "Offene Umfrage für alle Beschäftigten der Gemeindeverwaltung.",
        "starts_on": today - datetime.timedelta(days=7),
        "ends_on": today + datetime.timedelta(days=28),
        "audiences": [Audience.FUEHRUNG, Audience.MITARBEITENDE],
        "unit_depth": 0,
        "open_link_enabled": True,
        "dv_reference": "Vereinbarung mit dem Personalrat vom 03.03.2025",
        "dv_date": datetime.date(2025, 3, 3),
        "retention_months": 12,
    }
    campaign = assessment.campaign_create(kommune=kommune, actor=None, data=data)
    return assessment.campaign_open(kommune=kommune, actor=None, campaign=campaign)


# --- targets and recommendations -------------------------------------------------------------------


def target_profile(kommune: Kommune, today: datetime.date) -> list[Target]:
    """Musterstadt's Soll per field, set through the targets' service."""
    fields = {f.key: f for f in Field.objects.for_kommune(kommune).filter(is_active=True, assessable=True)}
    return [
        targets.target_set(
            kommune=kommune,
            actor=None,
            field=fields[key],
            data={"level": level, "year": today.year + years, "weight": weight, "reason": reason},
        )
        for key, level, years, weight, reason in TARGETS
        if key in fields
    ]


def accepted_recommendations(kommune: Kommune, limit: int = RECOMMENDATIONS) -> list[Recommendation]:
    """Measures accepted for the fields with the largest weighted gap (Soll − Ist) that a measure
    template fits, through the recommendations' service (its default reason: Ist, Soll, gap)."""
    templates = list(MeasureTemplate.objects.all())
    accepted: list[Recommendation] = []
    for gap in selectors.weakest(selectors.gap_report(kommune), None):
        template = next((t for t in templates if selectors.template_fits(t, gap.field.key, gap.ist)), None)
        if template is not None:
            accepted.append(
                targets.recommendation_accept(kommune=kommune, actor=None, template=template, field=gap.field)
            )
        if len(accepted) == limit:
            break
    return accepted


# --- loading -----------------------------------------------------------------------------------------


def load_assessment(kommunen: list[Kommune], today: datetime.date | None = None) -> AssessmentSummary:
    """Load the framework catalogue and give both demo Kommunen their self-assessment. Runs inside
    `load_demo`'s transaction and change context, after the role models."""
    load_framework()
    today = today or timezone.localdate()
    musterstadt, kleinhausen = kommunen
    summary = AssessmentSummary()
    adopt_framework(musterstadt, optional_on=[OPTIONAL_FIELD_ON])
    criteria = pick_questionnaire(musterstadt)
    people = invitees(musterstadt)
    model = None
    for spec in CAMPAIGNS:
        campaign, answered, model = closed_campaign(musterstadt, spec, criteria, people, model)
        summary.campaigns.append(campaign)
        summary.responses += answered
    summary.campaigns.append(draft_campaign(musterstadt, criteria, today))
    summary.targets = len(target_profile(musterstadt, today))
    summary.recommendations = len(accepted_recommendations(musterstadt))
    adopt_framework(kleinhausen)
    summary.campaigns.append(open_link_campaign(kleinhausen, today))
    return summary
