"""Every change of the self-assessment: settings, campaigns, questionnaires, invitations, answers.

Campaign management runs in one transaction per call and writes its audit entry, like every
service. Answering a survey does not: `submit` writes no audit entry and no log line, marks the
participant in one transaction and inserts the answers in another, so nothing — no key, order,
timestamp finer than the day or transaction id — ties an answer to the person who gave it
(docs/security.md N3).
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kompass.assessment import results
from kompass.assessment.models import (
    MIN_FREE_TEXT_K,
    MIN_K,
    Answer,
    AssessmentSettings,
    Audience,
    Campaign,
    CampaignItem,
    CampaignResult,
    CampaignStatus,
    Channel,
    Draft,
    Participant,
    Response,
)
from kompass.audit.models import AuditAction
from kompass.audit.services import audit_record, check_version, save_update, snapshot
from kompass.core.actors import Actor
from kompass.framework.models import Criterion
from kompass.org.models import OrgUnit, Person
from kompass.tenancy.models import Kommune

CAMPAIGN_AUDIT = Campaign.AUDIT_FIELDS
COMMENT_MAX = 2000
ACCESS_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def _text(value: Any, limit: int | None = None) -> str:
    text = str(value or "").replace("\x00", "").strip()
    return text[:limit] if limit else text


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def today() -> datetime.date:
    return timezone.localdate()


# --- the Kommune's threshold ---------------------------------------------------------------


def settings_for(kommune: Kommune) -> AssessmentSettings:
    found = AssessmentSettings.objects.for_kommune(kommune).first()
    return found if found is not None else AssessmentSettings(kommune=kommune, k=MIN_K)


def k_error(current: int, value: int) -> str | None:
    """Why `value` cannot be the Kommune's new k (None: it can): at least 5, and never lower than
    now, since a lower k would show groups that were hidden before."""
    if value < MIN_K:
        return _("k muss mindestens %(min)d sein.") % {"min": MIN_K}
    if value < current:
        return _(
            "k lässt sich nur erhöhen, nicht senken (derzeit %(k)d): sonst würden Gruppen sichtbar, "
            "die bisher verborgen waren."
        ) % {"k": current}
    return None


@transaction.atomic
def settings_update(*, kommune: Kommune, actor: Actor, k: Any, reason: str) -> AssessmentSettings:
    """Raise the Kommune's k (never below 5, never lower than it is: a lower k would show groups
    that were hidden before). The reason, e.g. the Dienstvereinbarung, is required."""
    current = settings_for(kommune)
    try:
        value = int(k)
    except (TypeError, ValueError):
        raise ValidationError({"k": [_("Bitte eine ganze Zahl angeben.")]}) from None
    errors: dict[str, list[str]] = {}
    if k_problem := k_error(current.k, value):
        errors["k"] = [k_problem]
    if not _text(reason):
        errors["reason"] = [_("Bitte die Grundlage angeben, etwa die Dienstvereinbarung.")]
    if errors:
        raise ValidationError(errors)
    before = {"k": current.k, "reason": current.reason} if current.pk else {}
    if current.pk is None:
        current.save()
    current.k, current.reason = value, _text(reason, 2000)
    current.version += 1
    current.save()
    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        obj=current,
        before=before,
        after={"k": current.k, "reason": current.reason},
        label=_("Mindestgruppengröße der Selbstbewertung"),
    )
    return current


# --- campaigns --------------------------------------------------------------------------------

DEFAULT_PRIVACY_NOTICE = _(
    "Die Teilnahme ist freiwillig. Ihre Antworten werden getrennt von der Information gespeichert, "
    "dass Sie teilgenommen haben; niemand kann eine Antwort Ihnen zuordnen. Ergebnisse werden nur für "
    "Gruppen von mindestens %(k)d Personen gezeigt; kleinere Gruppen und Gruppen, aus denen sich kleinere "
    "errechnen ließen, bleiben verborgen. Die Einzelantworten werden %(months)d Monate nach dem Ende der "
    "Umfrage gelöscht; danach bleiben nur die zusammengefassten Ergebnisse."
)


def _date(value: Any, name: str, errors: dict[str, list[str]]) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        errors.setdefault(name, []).append(_("Bitte ein gültiges Datum angeben."))
        return None


def _int(
    value: Any, name: str, errors: dict[str, list[str]], *, minimum: int, maximum: int, message: str
) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors.setdefault(name, []).append(_("Bitte eine ganze Zahl angeben."))
        return None
    if not minimum <= number <= maximum:
        errors.setdefault(name, []).append(message)
        return None
    return number


def _campaign_values(kommune: Kommune, data: Mapping[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "title" in data:
        values["title"] = _text(data["title"], 200)
        if not values["title"]:
            errors.setdefault("title", []).append(_("Bitte einen Titel angeben."))
    if "description" in data:
        values["description"] = _text(data["description"], 5000)
    for name in ("starts_on", "ends_on"):
        if name in data:
            values[name] = _date(data[name], name, errors)
    if "audiences" in data:
        raw = data["audiences"]
        audiences = [str(a) for a in (raw if isinstance(raw, list | tuple) else [raw]) if a]
        unknown = [a for a in audiences if a not in Audience.values]
        if unknown or not audiences:
            errors.setdefault("audiences", []).append(_("Bitte mindestens eine der angebotenen Zielgruppen wählen."))
        values["audiences"] = [a for a in Audience.values if a in audiences]
    if "unit_depth" in data:
        values["unit_depth"] = _int(
            data["unit_depth"],
            "unit_depth",
            errors,
            minimum=0,
            maximum=4,
            message=_("Bitte eine Ebene von 0 (keine Auswertung nach Einheiten) bis 4 wählen."),
        )
    floor = settings_for(kommune).k
    if "k" in data:
        values["k"] = _int(
            data["k"],
            "k",
            errors,
            minimum=floor,
            maximum=100,
            message=_("k muss mindestens %(k)d sein (Vorgabe der Kommune) und höchstens 100.") % {"k": floor},
        )
    if "free_text_k" in data:
        values["free_text_k"] = _int(
            data["free_text_k"],
            "free_text_k",
            errors,
            minimum=MIN_FREE_TEXT_K,
            maximum=200,
            message=_("Freitext braucht eine Mindestgruppe von mindestens %(k)d.") % {"k": MIN_FREE_TEXT_K},
        )
    for name in ("free_text_enabled", "open_link_enabled"):
        if name in data:
            values[name] = bool(data[name]) and str(data[name]).lower() not in ("0", "false", "off", "")
    if "dv_reference" in data:
        values["dv_reference"] = _text(data["dv_reference"], 200)
    if "dv_date" in data:
        values["dv_date"] = _date(data["dv_date"], "dv_date", errors) if data["dv_date"] else None
    if "retention_months" in data:
        values["retention_months"] = _int(
            data["retention_months"],
            "retention_months",
            errors,
            minimum=1,
            maximum=120,
            message=_("Bitte 1 bis 120 Monate angeben."),
        )
    if "privacy_notice" in data:
        values["privacy_notice"] = _text(data["privacy_notice"], 10000)
    return values


def _check_period(campaign: Campaign, errors: dict[str, list[str]]) -> None:
    if campaign.starts_on and campaign.ends_on and campaign.ends_on < campaign.starts_on:
        errors.setdefault("ends_on", []).append(_("Das Ende darf nicht vor dem Beginn liegen."))


def _set_items(kommune: Kommune, campaign: Campaign, criterion_ids: Iterable[Any]) -> None:
    try:
        ids = {int(pk) for pk in criterion_ids}
    except (TypeError, ValueError):
        raise ValidationError({"criteria": [_("Die Auswahl der Kriterien ist ungültig.")]}) from None
    criteria = list(
        Criterion.objects.for_kommune(kommune)
        .filter(pk__in=ids, is_active=True, field__is_active=True, field__assessable=True)
        .select_related("field__dimension")
        .order_by("field__dimension__position", "field__position", "position", "pk")
    )
    if len(criteria) != len(ids) or not criteria:
        raise ValidationError(
            {
                "criteria": [
                    _("Bitte nur aktive Kriterien des Orientierungsrahmens der Kommune wählen, mindestens eines.")
                ]
            }
        )
    CampaignItem.objects.for_kommune(kommune).filter(campaign=campaign).delete()
    CampaignItem.objects.bulk_create(
        CampaignItem(
            kommune=kommune,
            campaign=campaign,
            criterion=c,
            position=position,
            field_key=c.field.key,
            field_name=c.field.name,
            dimension_key=c.field.dimension.key,
            dimension_name=c.field.dimension.name,
            name=c.name,
            question=c.question,
            levels=list(c.levels),
        )
        for position, c in enumerate(criteria, start=1)
    )


def default_criteria(kommune: Kommune) -> list[int]:
    return list(
        Criterion.objects.for_kommune(kommune)
        .filter(is_active=True, field__is_active=True, field__assessable=True)
        .values_list("pk", flat=True)
    )


@transaction.atomic
def campaign_create(*, kommune: Kommune, actor: Actor, data: Mapping[str, Any]) -> Campaign:
    """A new campaign (a draft). Without a choice of criteria it asks every active criterion."""
    errors: dict[str, list[str]] = {}
    floor = settings_for(kommune).k
    values = _campaign_values(
        kommune,
        {"title": "", "starts_on": "", "ends_on": "", "audiences": list(Audience.values), "k": floor, **data},
        errors,
    )
    campaign = Campaign(kommune=kommune, **{k: v for k, v in values.items() if v is not None})
    _check_period(campaign, errors)
    if errors:
        raise ValidationError(errors)
    if not campaign.privacy_notice:
        campaign.privacy_notice = DEFAULT_PRIVACY_NOTICE % {"k": campaign.k, "months": campaign.retention_months}
    campaign.save()
    _set_items(kommune, campaign, data.get("criteria") or default_criteria(kommune))
    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.CREATE,
        obj=campaign,
        after=snapshot(campaign, CAMPAIGN_AUDIT),
    )
    return campaign


def has_responses(campaign: Campaign) -> bool:
    return Response.objects.for_kommune(campaign.kommune).filter(campaign=campaign).exists()


LOCKED_AFTER_FIRST_RESPONSE = ("audiences", "unit_depth", "k", "free_text_enabled", "free_text_k")


@transaction.atomic
def campaign_update(
    *, kommune: Kommune, actor: Actor, campaign: Campaign, data: Mapping[str, Any], expected_version: int | None = None
) -> Campaign:
    """Change a campaign. After the first response the questionnaire and what decides the
    anonymity (audiences, reporting depth, k, free text) are fixed: refused with the reason."""
    campaign = Campaign.objects.for_kommune(kommune).select_for_update().get(pk=campaign.pk)
    check_version(campaign, expected_version)
    if campaign.status == CampaignStatus.ARCHIVED:
        raise ValidationError(_("Eine archivierte Umfrage lässt sich nicht mehr ändern."))
    before = snapshot(campaign, CAMPAIGN_AUDIT)
    errors: dict[str, list[str]] = {}
    values = _campaign_values(kommune, data, errors)
    answered = has_responses(campaign)
    if answered:
        for name in LOCKED_AFTER_FIRST_RESPONSE:
            if name in values and values[name] != getattr(campaign, name):
                errors.setdefault(name, []).append(
                    _(
                        "Nach der ersten Antwort lässt sich das nicht mehr ändern: die Antworten wurden unter "
                        "diesen Bedingungen gegeben."
                    )
                )
    if "criteria" in data and answered:
        errors.setdefault("criteria", []).append(
            _(
                "Nach der ersten Antwort lässt sich der Fragebogen nicht mehr ändern: sonst wären die "
                "Antworten nicht mehr vergleichbar."
            )
        )
    for name, value in values.items():
        if value is not None:
            setattr(campaign, name, value)
    _check_period(campaign, errors)
    if errors:
        raise ValidationError(errors)
    if "criteria" in data:
        _set_items(kommune, campaign, data["criteria"] or [])
    save_update(kommune_id=kommune.pk, actor=actor, obj=campaign, fields=CAMPAIGN_AUDIT, before=before)
    return campaign


def _transition(kommune: Kommune, actor: Actor, campaign: Campaign, status: str, **extra: Any) -> Campaign:
    before = snapshot(campaign, CAMPAIGN_AUDIT)
    campaign.status = status
    for name, value in extra.items():
        setattr(campaign, name, value)
    save_update(kommune_id=kommune.pk, actor=actor, obj=campaign, fields=CAMPAIGN_AUDIT, before=before)
    return campaign


def _locked(kommune: Kommune, campaign: Campaign) -> Campaign:
    return Campaign.objects.for_kommune(kommune).select_for_update().get(pk=campaign.pk)


@transaction.atomic
def campaign_open(*, kommune: Kommune, actor: Actor, campaign: Campaign) -> Campaign:
    """Open a draft for answers; with an open link, create its address and access code."""
    campaign = _locked(kommune, campaign)
    if campaign.status == CampaignStatus.OPEN:
        return campaign
    if campaign.status != CampaignStatus.DRAFT:
        raise ValidationError(_("Nur ein Entwurf lässt sich öffnen; eine geschlossene Umfrage wird wieder geöffnet."))
    if not CampaignItem.objects.for_kommune(kommune).filter(campaign=campaign).exists():
        raise ValidationError(_("Der Fragebogen ist leer: bitte zuerst Kriterien wählen."))
    if campaign.open_link_enabled and not campaign.open_token:
        campaign.open_token = secrets.token_urlsafe(24)
        campaign.access_code = "".join(secrets.choice(ACCESS_CODE_ALPHABET) for _i in range(8))
    return _transition(kommune, actor, campaign, CampaignStatus.OPEN, opened_on=today())


@transaction.atomic
def campaign_close(*, kommune: Kommune, actor: Actor, campaign: Campaign) -> bool:
    """Close an open campaign and store its result. Closing twice changes nothing (returns False)."""
    campaign = _locked(kommune, campaign)
    if campaign.status in (CampaignStatus.CLOSED, CampaignStatus.ARCHIVED):
        return False
    if campaign.status != CampaignStatus.OPEN:
        raise ValidationError(_("Nur eine offene Umfrage lässt sich schließen."))
    _transition(kommune, actor, campaign, CampaignStatus.CLOSED, closed_on=today())
    Draft.objects.for_kommune(kommune).filter(campaign=campaign).delete()
    results.store(campaign)
    return True


@transaction.atomic
def campaign_reopen(*, kommune: Kommune, actor: Actor, campaign: Campaign) -> Campaign:
    """Open a closed campaign again — only while nobody has read its results: afterwards the
    difference between the old and the new results would show the answers of late respondents."""
    campaign = _locked(kommune, campaign)
    if campaign.status != CampaignStatus.CLOSED:
        raise ValidationError(_("Nur eine geschlossene Umfrage lässt sich wieder öffnen."))
    if campaign.results_released:
        raise ValidationError(
            _(
                "Die Ergebnisse dieser Umfrage wurden bereits abgerufen. Wieder geöffnet, ließen sich aus dem "
                "Unterschied zwischen alten und neuen Ergebnissen die Antworten einzelner Nachzügler ablesen. "
                "Legen Sie bitte eine neue Umfrage an."
            )
        )
    CampaignResult.objects.for_kommune(kommune).filter(campaign=campaign).delete()
    return _transition(kommune, actor, campaign, CampaignStatus.OPEN, closed_on=None)


@transaction.atomic
def campaign_archive(*, kommune: Kommune, actor: Actor, campaign: Campaign) -> Campaign:
    campaign = _locked(kommune, campaign)
    if campaign.status == CampaignStatus.ARCHIVED:
        return campaign
    if campaign.status != CampaignStatus.CLOSED:
        raise ValidationError(_("Nur eine geschlossene Umfrage lässt sich archivieren."))
    return _transition(kommune, actor, campaign, CampaignStatus.ARCHIVED)


@transaction.atomic
def campaign_delete(*, kommune: Kommune, actor: Actor, campaign: Campaign) -> None:
    """Delete a draft nobody was invited to; later a campaign is archived, not deleted."""
    campaign = _locked(kommune, campaign)
    if (
        campaign.status != CampaignStatus.DRAFT
        or Participant.objects.for_kommune(kommune).filter(campaign=campaign).exists()
    ):
        raise ValidationError(_("Nur ein Entwurf ohne Einladungen lässt sich löschen; sonst bitte archivieren."))
    before = snapshot(campaign, CAMPAIGN_AUDIT)
    campaign.delete()
    audit_record(kommune_id=kommune.pk, actor=actor, action=AuditAction.DELETE, obj=campaign, before=before)


# --- invitations -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """A participant and her or his token — the only copy: deliver it now (mail, list, letter)."""

    participant: Participant
    token: str


def reporting_unit(campaign: Campaign, unit: OrgUnit | None) -> OrgUnit | None:
    """The unit a respondent is reported under: the ancestor at the campaign's reporting depth."""
    if unit is None or campaign.unit_depth <= 0:
        return None
    ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    target = ids[min(len(ids), campaign.unit_depth) - 1] if ids else unit.pk
    if target == unit.pk:
        return unit
    return OrgUnit.objects.for_kommune(campaign.kommune).filter(pk=target).first()


@transaction.atomic
def invite(
    *,
    kommune: Kommune,
    actor: Actor,
    campaign: Campaign,
    people: Sequence[Person],
    audience: str,
    channel: str,
) -> list[Link]:
    """Invite people (each once per campaign) with one audience; returns their links to deliver.

    People already invited are skipped. The Participant stores the reporting unit, never the
    person's own unit below it."""
    if campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.OPEN):
        raise ValidationError(_("Zu einer geschlossenen Umfrage lässt sich niemand mehr einladen."))
    if audience not in campaign.audiences:
        raise ValidationError({"audience": [_("Diese Zielgruppe gehört nicht zur Umfrage.")]})
    if channel not in (Channel.MAIL, Channel.LIST, Channel.LETTER):
        raise ValidationError({"channel": [_("Unbekannter Weg der Einladung.")]})
    invited = set(
        Participant.objects.for_kommune(kommune)
        .filter(campaign=campaign, person__isnull=False)
        .values_list("person_id", flat=True)
    )
    units: dict[int | None, OrgUnit | None] = {}
    links = []
    for person in people:
        if person.kommune_id != kommune.pk:
            raise ValidationError(_("Eine gewählte Person gehört nicht zu dieser Kommune."))
        if person.pk in invited:
            continue
        if channel == Channel.MAIL and not person.email:
            continue
        if person.org_unit_id not in units:
            units[person.org_unit_id] = reporting_unit(campaign, person.org_unit)
        token, digest = new_token()
        participant = Participant(
            kommune=kommune,
            campaign=campaign,
            token_hash=digest,
            audience=audience,
            unit=units[person.org_unit_id],
            person=person,
            email=person.email if channel == Channel.MAIL else "",
            channel=channel,
            invited_on=today(),
        )
        links.append(Link(participant, token))
        invited.add(person.pk)
    Participant.objects.bulk_create([link.participant for link in links])
    if links:
        audit_record(
            kommune_id=kommune.pk,
            actor=actor,
            action=AuditAction.UPDATE,
            obj=campaign,
            before={},
            after={"invited": len(links), "audience": audience, "channel": channel},
            label=_("Einladungen zu „%(title)s“") % {"title": campaign.title},
        )
    return links


@transaction.atomic
def reissue(*, kommune: Kommune, actor: Actor, campaign: Campaign, participants: Iterable[Participant]) -> list[Link]:
    """New links for participants who have not answered (a reminder, a lost letter); the old links
    stop working, a saved draft moves to the new link."""
    links = []
    for participant in participants:
        if participant.campaign_id != campaign.pk or participant.answered_on is not None:
            continue
        token, digest = new_token()
        Draft.objects.for_kommune(kommune).filter(token_hash=participant.token_hash).update(token_hash=digest)
        participant.token_hash = digest
        participant.reminded_on = today()
        participant.save(update_fields=["token_hash", "reminded_on"])
        links.append(Link(participant, token))
    return links


def not_answered(campaign: Campaign, channel: str | None = None) -> list[Participant]:
    qs = Participant.objects.for_kommune(campaign.kommune).filter(campaign=campaign, answered_on__isnull=True)
    if channel:
        qs = qs.filter(channel=channel)
    return list(qs.select_related("person__org_unit", "unit"))


REMIND_CHANNELS = (Channel.MAIL, Channel.LIST, Channel.LETTER)


@transaction.atomic
def remind(*, kommune: Kommune, actor: Actor, campaign: Campaign, channel: str, limit: int | None = None) -> list[Link]:
    """A reminder to everyone invited through `channel` who has not answered yet: new links (the old
    ones stop working, a saved draft moves along), only while the campaign is open. The audit entry
    names the channel, not how many were reminded: that number would tell how many have answered.

    With `limit` (letters are printed in batches), at most that many, skipping those reminded today:
    calling again the same day reaches the next batch."""
    campaign = _locked(kommune, campaign)
    if channel not in REMIND_CHANNELS:
        raise ValidationError({"channel": [_("Unbekannter Weg der Erinnerung.")]})
    if campaign.status != CampaignStatus.OPEN:
        raise ValidationError(_("Erinnern lässt sich nur, solange die Umfrage offen ist."))
    due = not_answered(campaign, channel)
    if limit is not None:
        due = sorted((p for p in due if p.reminded_on != today()), key=lambda p: p.pk)[:limit]
    links = reissue(kommune=kommune, actor=actor, campaign=campaign, participants=due)
    if links:
        audit_record(
            kommune_id=kommune.pk,
            actor=actor,
            action=AuditAction.UPDATE,
            obj=campaign,
            before={},
            after={"reminder_channel": channel},
            label=_("Erinnerungen zu „%(title)s“") % {"title": campaign.title},
        )
    return links


# --- answering (no audit, no log: see the module's description) --------------------------------


class SurveyClosed(Exception):
    """The link belongs to no open campaign, was used already, or was replaced.

    `reason` is "unknown", "used" or "closed"; for "closed" the campaign is given, so the page
    can name its period (not yet open, or over)."""

    def __init__(self, reason: str, campaign: Campaign | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.campaign = campaign


def participant_for(token: str, kommune: Kommune) -> Participant:
    """The participant of a personal link, or SurveyClosed with the reason for the page."""
    participant = (
        Participant.objects.for_kommune(kommune).filter(token_hash=token_hash(token)).select_related("campaign").first()
    )
    if participant is None:
        raise SurveyClosed("unknown")
    if participant.answered_on is not None:
        raise SurveyClosed("used")
    if participant.campaign.status != CampaignStatus.OPEN:
        raise SurveyClosed("closed", participant.campaign)
    return participant


def open_campaign_for(open_token: str, kommune: Kommune) -> Campaign:
    campaign = (
        Campaign.objects.for_kommune(kommune).filter(open_link_enabled=True, open_token=open_token).first()
        if open_token
        else None
    )
    if campaign is None:
        raise SurveyClosed("unknown")
    if campaign.status != CampaignStatus.OPEN:
        raise SurveyClosed("closed", campaign)
    return campaign


def open_code_matches(campaign: Campaign, code: str) -> bool:
    """Whether `code` is the campaign's access code (spaces and case do not matter)."""
    return secrets.compare_digest(_text(code).upper().replace(" ", ""), campaign.access_code)


def join_open_link(*, campaign: Campaign, code: str, audience: str, unit: OrgUnit | None) -> str:
    """Check the access code and make a participant for the visitor; returns her or his token."""
    if not open_code_matches(campaign, code):
        raise ValidationError({"code": [_("Der Zugangscode stimmt nicht.")]})
    if audience not in campaign.audiences:
        raise ValidationError({"audience": [_("Bitte eine der angebotenen Gruppen wählen.")]})
    if unit is not None and unit.kommune_id != campaign.kommune_id:
        raise ValidationError({"unit": [_("Bitte eine der angebotenen Organisationseinheiten wählen.")]})
    token, digest = new_token()
    Participant.objects.create(
        kommune=campaign.kommune,
        campaign=campaign,
        token_hash=digest,
        audience=audience,
        unit=reporting_unit(campaign, unit),
        channel=Channel.OPEN,
        invited_on=today(),
    )
    return token


def clean_answers(campaign: Campaign, raw: Mapping[str, Any]) -> dict[int, int | None]:
    """Question id → level 1–5 or None ("kann ich nicht beurteilen"); unknown questions and values
    out of range are errors, and then nothing is stored."""
    items = set(
        CampaignItem.objects.for_kommune(campaign.kommune).filter(campaign=campaign).values_list("pk", flat=True)
    )
    answers: dict[int, int | None] = {}
    errors: dict[str, list[str]] = {}
    for key, value in raw.items():
        try:
            item = int(key)
        except (TypeError, ValueError):
            errors.setdefault("answers", []).append(_("Unbekannte Frage."))
            continue
        if item not in items:
            errors.setdefault("answers", []).append(_("Diese Frage gehört nicht zum Fragebogen."))
            continue
        if value in (None, "", "x", "na"):
            answers[item] = None
            continue
        try:
            level = int(value)
        except (TypeError, ValueError):
            level = 0
        if not 1 <= level <= 5:
            errors.setdefault(f"q{item}", []).append(
                _("Bitte eine Stufe von 1 bis 5 wählen oder „kann ich nicht beurteilen“.")
            )
            continue
        answers[item] = level
    if errors:
        raise ValidationError(errors)
    return answers


def draft_load(participant: Participant) -> dict[str, Any]:
    draft = Draft.objects.for_kommune(participant.kommune).filter(token_hash=participant.token_hash).first()
    return dict(draft.answers) if draft else {}


def draft_save(*, participant: Participant, answers: Mapping[int, int | None], comment: str = "") -> None:
    """Save progress to resume later (kept until the response is submitted or the campaign closes)."""
    payload: dict[str, Any] = {str(k): v for k, v in answers.items()}
    if comment:
        payload["comment"] = _text(comment, COMMENT_MAX)
    Draft.objects.for_kommune(participant.kommune).update_or_create(
        kommune=participant.kommune,
        token_hash=participant.token_hash,
        defaults={"campaign": participant.campaign, "answers": payload, "saved_on": today()},
    )


def submit(*, participant: Participant, answers: Mapping[int, int | None], comment: str = "") -> None:
    """Store one response. Two transactions: the first marks the participant as having answered
    (today's date only) and deletes the draft; the second inserts the answers with random keys.
    Nothing is audited or logged. If the second fails, the first is undone."""
    campaign = participant.campaign
    kommune = campaign.kommune
    item_ids = list(CampaignItem.objects.for_kommune(kommune).filter(campaign=campaign).values_list("pk", flat=True))
    text = _text(comment, COMMENT_MAX) if campaign.free_text_enabled else ""
    open_campaigns = Campaign.objects.for_kommune(kommune).filter(pk=campaign.pk, status=CampaignStatus.OPEN)
    with transaction.atomic():
        # SECURITY (docs/security.md R4): every condition stands on the participant's own row. A condition through a
        # join (`campaign__status`) makes Django write `id IN (SELECT … JOIN …)`, and PostgreSQL,
        # when two submissions of one link race, re-checks only the outer row: both would claim it.
        claimed = (
            Participant.objects.for_kommune(kommune)
            .filter(pk=participant.pk, answered_on__isnull=True, campaign__in=open_campaigns)
            .update(answered_on=today())
        )
        if not claimed:
            raise SurveyClosed("used")
        Draft.objects.for_kommune(kommune).filter(token_hash=participant.token_hash).delete()
    try:
        with transaction.atomic():
            response = Response.objects.create(
                kommune=kommune,
                campaign=campaign,
                audience=participant.audience,
                unit_id=participant.unit_id,
                comment=text,
            )
            Answer.objects.bulk_create(
                Answer(kommune=kommune, response=response, item_id=item, value=answers.get(item)) for item in item_ids
            )
    except Exception:
        Participant.objects.for_kommune(kommune).filter(pk=participant.pk).update(answered_on=None)
        raise
