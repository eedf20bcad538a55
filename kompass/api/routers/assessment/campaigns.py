"""Campaigns (Umfragen) of the self-assessment: list, one campaign, create, and the status actions.

Every member reads campaigns; creating and steering them needs `MANAGE_SURVEYS` (Administration and
Redaktion without a unit limit; `kompass.assessment.access`). Answers are counted in steps of k
while a campaign runs (`answered_at_least`), exactly as on the pages; invitations are counted
exactly.

**No endpoint returns a personal link or token.** Inviting people is not offered by the API: a
link exists only once, when it is created, and is delivered by mail, in a CSV file for a mail
merge or in printed letters on the invitations page. Only the open link of a running campaign
(with its access code) is shown, and only to those who may steer the campaign.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import AfterValidator, Field

from kompass.api.gate import tenant
from kompass.api.routers.common import api_change
from kompass.api.routers.roles.common import BASE, WRITE_ERRORS
from kompass.api.schemas import DbId, ErrorOut, InputSchema, Name
from kompass.api.schemas import clean_text as _clean
from kompass.assessment import access, invitations, manage_selectors, results, services
from kompass.assessment.models import Audience, Campaign, CampaignStatus
from kompass.core.exceptions import ConflictError
from kompass.tenancy.context import TenantContext

router = Router()

if TYPE_CHECKING:
    AudienceKey: TypeAlias = str
    StatusKey: TypeAlias = str
else:  # the allowed values, listed as an enum in the OpenAPI schema
    AudienceKey = Literal[tuple(Audience.values)]
    StatusKey = Literal[tuple(CampaignStatus.values)]

LongText = Annotated[str, Field(max_length=10000), AfterValidator(_clean)]
Reference = Annotated[str, Field(max_length=200), AfterValidator(_clean)]
Limit = Annotated[int, Field(ge=1, le=500)]
Offset = Annotated[int, Field(ge=0, le=10**9)]
READ_ERRORS: dict[int, Any] = {404: ErrorOut}


# --- shapes ----------------------------------------------------------------------------------------


class AudienceParticipationOut(Schema):
    audience: str = Field(description="Zielgruppe: vorstand, fuehrung, lotsen oder mitarbeitende.")
    label: str
    invited: int = Field(description="Persönlich eingeladen (genau).")
    answered_at_least: int = Field(description="Geantwortet, abgerundet auf ein Vielfaches von k.")


class ParticipationOut(Schema):
    k: int
    invited: int = Field(description="Eingeladen insgesamt (genau; über den offenen Link Teilnehmende mitgezählt).")
    answered_at_least: int = Field(description="Geantwortet, abgerundet auf ein Vielfaches von k.")
    audiences: list[AudienceParticipationOut]


class CampaignOut(Schema):
    id: int
    title: str
    description: str
    status: str = Field(description="entwurf, offen, geschlossen oder archiviert.")
    starts_on: datetime.date
    ends_on: datetime.date
    audiences: list[str]
    unit_depth: int = Field(description="Auswertung nach Organisationseinheiten bis Ebene (0 = keine).")
    k: int = Field(description="Mindestgruppengröße: Ergebnisse nur für Gruppen mit mindestens k Antworten.")
    free_text_enabled: bool
    free_text_k: int
    open_link_enabled: bool
    dv_reference: str = Field(description="Dienstvereinbarung (Bezeichnung).")
    dv_date: datetime.date | None = Field(description="Dienstvereinbarung vom.")
    retention_months: int = Field(description="Monate nach dem Ende, nach denen die Einzelantworten gelöscht werden.")
    opened_on: datetime.date | None
    closed_on: datetime.date | None
    version: int
    invited: int = Field(description="Persönlich eingeladen (genau).")
    answered_at_least: int = Field(description="Geantwortet, abgerundet auf ein Vielfaches von k.")


class CampaignPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[CampaignOut]


class QuestionnaireFieldOut(Schema):
    dimension: str
    field: str
    criteria: list[str]


class OpenLinkOut(Schema):
    url: str
    access_code: str


class CampaignDetailOut(CampaignOut):
    privacy_notice: str
    questionnaire: list[QuestionnaireFieldOut]
    participation: ParticipationOut
    open_link: OpenLinkOut | None = Field(
        description="Adresse und Zugangscode des offenen Links; nur für Mitglieder, die Umfragen steuern dürfen."
    )


class CampaignIn(InputSchema):
    title: Name
    description: LongText = ""
    starts_on: datetime.date
    ends_on: datetime.date
    audiences: list[AudienceKey] = Field(default_factory=lambda: list(Audience.values), max_length=4)
    unit_depth: int = Field(1, ge=0, le=4)
    k: int | None = Field(None, ge=5, le=100, description="Ohne Angabe: die Mindestgruppengröße der Kommune.")
    free_text_enabled: bool = False
    free_text_k: int = Field(10, ge=10, le=200)
    open_link_enabled: bool = False
    dv_reference: Reference = ""
    dv_date: datetime.date | None = None
    retention_months: int = Field(12, ge=1, le=120)
    privacy_notice: LongText = Field("", description="Ohne Angabe: der Standardtext mit k und Aufbewahrungsfrist.")
    criteria: list[DbId] | None = Field(
        None, max_length=500, description="Ids der Kriterien des Fragebogens; ohne Angabe alle aktiven."
    )


class CampaignFilters(Schema):
    status: StatusKey | None = None
    limit: Limit = 50
    offset: Offset = 0


# --- helpers ---------------------------------------------------------------------------------------------


def _with_counts(campaign: Campaign, invited: int, answered_at_least: int) -> Campaign:
    campaign.invited = invited  # type: ignore[attr-defined]
    campaign.answered_at_least = answered_at_least  # type: ignore[attr-defined]
    return campaign


def _detail(request: HttpRequest, ctx: TenantContext, campaign: Campaign) -> Campaign:
    data = results.participation(campaign)
    per_audience = {row["audience"]: row for row in data["audiences"]}
    data["audiences"] = [
        {
            "audience": a,
            "label": str(Audience(a).label),
            "invited": per_audience.get(a, {}).get("invited", 0),
            "answered_at_least": per_audience.get(a, {}).get("answered_at_least", 0),
        }
        for a in manage_selectors.campaign_audiences(campaign)
    ]
    campaign.participation = data  # type: ignore[attr-defined]
    campaign.questionnaire = [  # type: ignore[attr-defined]
        {"dimension": f.dimension, "field": f.field, "criteria": f.criteria}
        for f in manage_selectors.questionnaire_summary(campaign)
    ]
    show_link = access.can_manage(ctx) and campaign.open_link_enabled and bool(campaign.open_token)
    campaign.open_link = (  # type: ignore[attr-defined]
        {"url": invitations.open_url(request, campaign), "access_code": campaign.access_code} if show_link else None
    )
    invited = manage_selectors.invited_counts(campaign).total()
    return _with_counts(campaign, invited, data["answered_at_least"])


def _transition(request: HttpRequest, kommune_slug: str, campaign_id: int, run: Any) -> Campaign:
    ctx = tenant(request)
    campaign = access.campaign_for_manage(ctx, campaign_id)
    try:
        with api_change(request):
            run(kommune=ctx.kommune, actor=ctx.user, campaign=campaign)
    except ValidationError as exc:
        raise ConflictError(" ".join(exc.messages)) from None
    return _detail(request, ctx, access.campaign_for_view(ctx, campaign_id))


# --- routes ----------------------------------------------------------------------------------------------


@router.get(BASE + "/umfragen", response=CampaignPage, summary="Umfragen der Kommune", url_name="campaign_list")
def campaign_list(request: HttpRequest, kommune_slug: str, filters: Query[CampaignFilters]) -> dict[str, Any]:
    """Die Umfragen der Selbstbewertung, die neueste zuerst, mit ihrer Beteiligung (Antworten in Schritten von k)."""
    rows = manage_selectors.campaign_rows(tenant(request).kommune)
    if filters.status is not None:
        rows = [row for row in rows if row.campaign.status == filters.status]
    items = [_with_counts(r.campaign, r.invited, r.answered_at_least) for r in rows]
    return {
        "count": len(items),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": items[filters.offset : filters.offset + filters.limit],
    }


@router.get(
    BASE + "/umfragen/{campaign_id}",
    response={200: CampaignDetailOut, **READ_ERRORS},
    summary="Eine Umfrage",
    url_name="campaign_detail",
)
def campaign_detail(request: HttpRequest, kommune_slug: str, campaign_id: int) -> Campaign:
    """Die Umfrage mit Fragebogen (wie gefragt) und Beteiligung je Zielgruppe (Antworten in Schritten von k)."""
    ctx = tenant(request)
    return _detail(request, ctx, access.campaign_for_view(ctx, campaign_id))


@router.post(
    BASE + "/umfragen",
    response={201: CampaignDetailOut, **WRITE_ERRORS},
    summary="Umfrage anlegen",
    url_name="campaign_create",
)
def campaign_create(request: HttpRequest, kommune_slug: str, payload: CampaignIn) -> Status[Campaign]:
    """Legt eine Umfrage als Entwurf an. Ohne `criteria` fragt sie alle aktiven Kriterien des
    Orientierungsrahmens. `k` darf nicht unter der Mindestgruppengröße der Kommune liegen (422)."""
    ctx = tenant(request)
    access.require_manager(ctx)
    data = payload.model_dump(exclude_none=True)
    if not data.get("criteria"):
        data.pop("criteria", None)
    with api_change(request):
        campaign = services.campaign_create(kommune=ctx.kommune, actor=ctx.user, data=data)
    return Status(201, _detail(request, ctx, campaign))


def _action(path: str, name: str, summary: str, run: Any, doc: str) -> None:
    def view(request: HttpRequest, kommune_slug: str, campaign_id: int) -> Campaign:
        return _transition(request, kommune_slug, campaign_id, run)

    view.__name__ = name
    view.__doc__ = doc
    router.post(
        BASE + "/umfragen/{campaign_id}/" + path,
        response={200: CampaignDetailOut, **WRITE_ERRORS},
        summary=summary,
        url_name=name,
    )(view)


_action(
    "oeffnen",
    "campaign_open",
    "Umfrage öffnen",
    services.campaign_open,
    "Öffnet einen Entwurf: Die Einladungslinks führen dann zum Fragebogen. Ein leerer Fragebogen oder ein "
    "anderer Status als Entwurf: 409. Eine offene Umfrage erneut öffnen ändert nichts.",
)
_action(
    "schliessen",
    "campaign_close",
    "Umfrage schließen",
    services.campaign_close,
    "Schließt eine offene Umfrage und berechnet ihre Ergebnisse (endgültig, für alle Mitglieder lesbar). "
    "Eine geschlossene Umfrage erneut schließen ändert nichts (200). Ein Entwurf: 409.",
)
_action(
    "wieder-oeffnen",
    "campaign_reopen",
    "Umfrage wieder öffnen",
    services.campaign_reopen,
    "Öffnet eine geschlossene Umfrage wieder – nur, solange niemand ihre Ergebnisse abgerufen hat; sonst 409 "
    "mit dem Grund.",
)
_action(
    "archivieren",
    "campaign_archive",
    "Umfrage archivieren",
    services.campaign_archive,
    "Archiviert eine geschlossene Umfrage: Sie lässt sich danach nicht mehr ändern; ihre Ergebnisse bleiben.",
)
