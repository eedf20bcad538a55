"""Target profile (Soll), gaps, recommended measures and Kommunentyp of a Kommune.

The same rules and services as the pages (`kompass.assessment.access_targets`,
`services_targets`, `selectors`): every member reads; setting a Soll, accepting a recommendation
and answering the Kommunentyp questionnaire need `EDIT_FRAMEWORK` (Administration, Redaktion
without unit limit). Fields, criteria and measure templates are named by their key in the body
and looked up inside the Kommune only (422 with the field otherwise). The Ist comes from the
stored, suppressed result of the latest closed campaign: a field whose value the result hides has
no Ist here either.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import AfterValidator, Field

from kompass.api.errors import InputError
from kompass.api.gate import tenant
from kompass.api.routers.common import api_change
from kompass.api.schemas import ErrorOut, InputSchema, ValidationErrorOut, clean_text
from kompass.assessment import access_targets as access
from kompass.assessment import selectors
from kompass.assessment import services_targets as services
from kompass.assessment.models import Recommendation, Target
from kompass.framework.models import Criterion
from kompass.framework.models import Field as FrameworkField
from kompass.tenancy.context import TenantContext

router = Router()

BASE = "/kommunen/{kommune_slug}/selbstbewertung"
WRITE_ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut}
Key = Annotated[str, Field(max_length=60), AfterValidator(clean_text)]
Reason = Annotated[str, Field(max_length=2000), AfterValidator(clean_text)]
EXPECTED_VERSION = (
    "Die zuletzt gelesene Version (Optimistic Locking); 0, wenn es noch keinen Eintrag gab. Weggelassen: keine Prüfung."
)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


# --- shapes ----------------------------------------------------------------------------------------


class TargetOut(Schema):
    field_key: str
    criterion_key: str | None = Field(description="Gesetzt, wenn das Soll für ein einzelnes Kriterium gilt.")
    level: float = Field(description="Soll-Stufe 1,0 bis 5,0 in halben Schritten.")
    year: int = Field(description="Zieljahr.")
    reason: str
    weight: int = Field(description="Gewicht 1 (gering) bis 5 (sehr hoch); Priorität = Lücke × Gewicht.")
    version: int


class CriterionTargetOut(Schema):
    criterion_key: str
    criterion_name: str
    ist: float | None
    target: TargetOut | None


class FieldTargetOut(Schema):
    field_key: str
    field_name: str
    dimension_key: str
    ist: float | None = Field(description="Ist aus dem gespeicherten Ergebnis (Gruppe „Gesamt“); null: verborgen.")
    target: TargetOut | None
    criteria: list[CriterionTargetOut]


class TargetProfileOut(Schema):
    campaign_id: int | None = Field(description="Die abgeschlossene Umfrage, aus der das Ist stammt.")
    campaign_title: str
    fields: list[FieldTargetOut]


class TargetIn(InputSchema):
    field_key: Key
    criterion_key: Key | None = Field(None, description="Für ein Soll je Kriterium: der Schlüssel des Kriteriums.")
    level: Decimal = Field(description="Soll-Stufe 1,0 bis 5,0 in halben Schritten.")
    year: int = Field(description="Zieljahr: dieses Jahr bis in zehn Jahren.")
    reason: Reason = Field(description="Begründung (Pflicht).")
    weight: int = Field(1, description="Gewicht 1 bis 5.")
    version: int | None = Field(None, ge=0, le=2**31 - 1, description=EXPECTED_VERSION)


class GapOut(Schema):
    field_key: str
    field_name: str
    ist: float | None
    soll: float | None
    year: int | None
    weight: int | None
    gap: float | None = Field(description="Soll − Ist.")
    priority: float | None = Field(description="Lücke × Gewicht.")
    missing: list[str] = Field(description="Was fehlt, damit das Feld in der Rangfolge steht.")


class GapsOut(Schema):
    campaign_id: int | None
    campaign_title: str
    ranked: list[GapOut] = Field(description="Felder mit Ist und Soll, nach Priorität absteigend.")
    incomplete: list[GapOut] = Field(description="Felder ohne Ist oder ohne Soll.")


class TemplateOut(Schema):
    key: str
    name: str
    description: str
    effort: str
    max_level: int
    source: str
    confidence: str
    kommunentypen: list[str]
    suits_kommune: bool = Field(description="Passt zum nächsten Kommunentyp der Kommune.")
    accepted: bool = Field(description="Für dieses Feld bereits übernommen (und nicht verworfen).")


class SuggestionOut(Schema):
    field_key: str
    field_name: str
    ist: float | None
    soll: float | None
    priority: float | None
    reason: str = Field(description="Vorgeschlagene Begründung beim Übernehmen.")
    templates: list[TemplateOut]


class RecommendationOut(Schema):
    id: int
    template_key: str | None
    field_key: str
    field_name: str
    campaign_id: int | None
    title: str
    description: str
    reason: str
    current_level: float | None
    target_level: float | None
    status: str = Field(description="angenommen, agenda (in die Digitale Agenda übernommen) oder verworfen.")
    accepted_at: datetime
    accepted_by_name: str
    dropped_on: date | None = Field(description="Verworfen am (nur bei Status verworfen).")
    dropped_reason: str = Field(description="Warum verworfen; leer, solange sie gilt.")
    version: int


class RecommendationsOut(Schema):
    suggestions: list[SuggestionOut]
    items: list[RecommendationOut]


class RecommendationIn(InputSchema):
    field_key: Key
    template_key: Key
    reason: Reason | None = Field(None, description="Weggelassen: Ist, Soll, Lücke und Gewicht des Felds.")


class KommuneTypeOut(Schema):
    key: str
    name: str
    description: str
    strengths: str
    next_steps: str
    source: str
    confidence: str
    score: float | None = Field(description="Mittelwert der Antworten zu den Fragen dieses Typs (1–5).")


class TypeItemOut(Schema):
    key: str
    type_key: str
    text: str
    confidence: str
    answer: int | None


class KommunentypOut(Schema):
    answered: bool
    answered_on: date | None
    answered_by_name: str
    version: int = Field(description="0, solange nicht beantwortet.")
    question: str
    scale: list[str]
    note: str = Field(description="Die Fragen sind eigene Ableitung, nicht die der Studie.")
    source: str
    nearest: list[str] = Field(description="Schlüssel des nächsten Typs; bei Gleichstand alle gleich hohen.")
    types: list[KommuneTypeOut]
    items: list[TypeItemOut]


class KommunentypIn(InputSchema):
    answers: dict[Key, int] = Field(description="Je Frage (Schlüssel) eine Antwort von 1 bis 5; alle Fragen.")
    version: int | None = Field(None, ge=0, le=2**31 - 1, description=EXPECTED_VERSION)


# --- helpers ---------------------------------------------------------------------------------------


def _target_out(target: Target | None, field_key: str, criterion_key: str | None = None) -> dict[str, Any] | None:
    if target is None:
        return None
    return {
        "field_key": field_key,
        "criterion_key": criterion_key,
        "level": float(target.level),
        "year": target.year,
        "reason": target.reason,
        "weight": target.weight,
        "version": target.version,
    }


def _field(ctx: TenantContext, key: str, name: str = "field_key") -> FrameworkField:
    found = FrameworkField.objects.for_kommune(ctx.kommune).filter(key=key).first()
    if found is None:
        raise InputError("body", name, _("Dieses Feld gibt es im Orientierungsrahmen der Kommune nicht."))
    return found


def _criterion(ctx: TenantContext, field: FrameworkField, key: str | None) -> Criterion | None:
    if key is None:
        return None
    found = Criterion.objects.for_kommune(ctx.kommune).filter(field=field, key=key).first()
    if found is None:
        raise InputError("body", "criterion_key", _("Dieses Kriterium gibt es in diesem Feld nicht."))
    return found


def _field_errors(exc: ValidationError, where: dict[str, list[str]]) -> InputError:
    """A service's field errors with the paths the client sent (`where`: service name → path)."""
    errors: list[dict[str, Any]] = []
    found = exc.message_dict.items() if hasattr(exc, "error_dict") else [(NON_FIELD_ERRORS, exc.messages)]
    for name, messages in found:
        loc = ["body"] if name == NON_FIELD_ERRORS else ["body", *where.get(name, [name])]
        errors.extend({"loc": loc, "msg": message, "type": "value_error"} for message in messages)
    error = InputError("body", "", errors[0]["msg"] if errors else "")
    error.errors = errors
    return error


def _recommendation_out(r: Recommendation) -> dict[str, Any]:
    return {
        "id": r.pk,
        "template_key": r.template.key if r.template else None,
        "field_key": r.field.key,
        "field_name": r.field.name,
        "campaign_id": r.campaign_id,
        "title": r.title,
        "description": r.description,
        "reason": r.reason,
        "current_level": _float(r.current_level),
        "target_level": _float(r.target_level),
        "status": r.status,
        "accepted_at": r.accepted_at,
        "accepted_by_name": r.accepted_by_name,
        "dropped_on": r.dropped_on,
        "dropped_reason": r.dropped_reason,
        "version": r.version,
    }


def _gap_out(gap: selectors.Gap) -> dict[str, Any]:
    target = gap.target
    return {
        "field_key": gap.field.key,
        "field_name": gap.field.name,
        "ist": gap.ist,
        "soll": _float(target.level) if target else None,
        "year": target.year if target else None,
        "weight": target.weight if target else None,
        "gap": gap.gap,
        "priority": gap.priority,
        "missing": [str(m) for m in gap.missing],
    }


# --- Soll ----------------------------------------------------------------------------------------


@router.get(BASE + "/soll", response=TargetProfileOut, summary="Soll-Profil", url_name="assessment_targets")
def targets(request: HttpRequest, kommune_slug: str) -> dict[str, Any]:
    """Je aktivem, bewertbarem Feld das Ist und das Soll, und je Kriterium ein eigenes Soll, wo eines gesetzt ist."""
    profile = selectors.target_profile(tenant(request).kommune)
    campaign = profile.levels.campaign
    return {
        "campaign_id": campaign.pk if campaign else None,
        "campaign_title": campaign.title if campaign else "",
        "fields": [
            {
                "field_key": row.field.key,
                "field_name": row.field.name,
                "dimension_key": section.dimension.key,
                "ist": row.ist,
                "target": _target_out(row.target, row.field.key),
                "criteria": [
                    {
                        "criterion_key": c.criterion.key,
                        "criterion_name": c.criterion.name,
                        "ist": c.ist,
                        "target": _target_out(c.target, row.field.key, c.criterion.key),
                    }
                    for c in row.criteria
                ],
            }
            for section in profile.sections
            for row in section.rows
        ],
    }


@router.put(
    BASE + "/soll",
    response={200: TargetOut, **WRITE_ERRORS},
    summary="Soll eines Felds oder Kriteriums setzen",
    url_name="assessment_target_set",
)
def target_set(request: HttpRequest, kommune_slug: str, payload: TargetIn) -> dict[str, Any] | None:
    """Legt das Soll eines Felds (mit `criterion_key`: eines Kriteriums) fest oder ändert es: Stufe 1,0–5,0 in halben
    Schritten, Zieljahr ab diesem Jahr bis in zehn Jahren, Begründung, Gewicht 1–5. Ungültige Werte: 422, nichts
    gespeichert. `version` veraltet: 409."""
    ctx = tenant(request)
    access.require_editor(ctx)
    field = _field(ctx, payload.field_key)
    criterion = _criterion(ctx, field, payload.criterion_key)
    data = {"level": payload.level, "year": payload.year, "reason": payload.reason, "weight": payload.weight}
    with api_change(request):
        target = services.target_set(
            kommune=ctx.kommune,
            actor=ctx.user,
            field=field,
            criterion=criterion,
            data=data,
            expected_version=payload.version,
        )
    return _target_out(target, field.key, criterion.key if criterion else None)


@router.get(BASE + "/luecken", response=GapsOut, summary="Lücken und Prioritäten", url_name="assessment_gaps")
def gaps(request: HttpRequest, kommune_slug: str) -> dict[str, Any]:
    """Lücke = Soll − Ist, Priorität = Lücke × Gewicht, absteigend; Felder ohne Ist oder Soll getrennt, mit dem,
    was fehlt."""
    report = selectors.gap_report(tenant(request).kommune)
    return {
        "campaign_id": report.campaign.pk if report.campaign else None,
        "campaign_title": report.campaign.title if report.campaign else "",
        "ranked": [_gap_out(g) for g in report.ranked],
        "incomplete": [_gap_out(g) for g in report.incomplete],
    }


# --- recommendations -----------------------------------------------------------------------------


@router.get(
    BASE + "/empfehlungen",
    response=RecommendationsOut,
    summary="Vorgeschlagene und übernommene Maßnahmen",
    url_name="assessment_recommendations",
)
def recommendations(request: HttpRequest, kommune_slug: str) -> dict[str, Any]:
    """Vorschläge aus den Maßnahmenvorlagen für die schwächsten Felder (größte Priorität, dann niedrigstes Ist ohne
    Soll; nur Vorlagen für das Feld, deren `max_level` das Ist nicht übersteigt) und die übernommenen Empfehlungen."""
    kommune = tenant(request).kommune
    suggestions = selectors.suggestions(kommune)
    return {
        "suggestions": [
            {
                "field_key": fs.gap.field.key,
                "field_name": fs.gap.field.name,
                "ist": fs.gap.ist,
                "soll": _float(fs.gap.target.level) if fs.gap.target else None,
                "priority": fs.gap.priority,
                "reason": fs.reason,
                "templates": [
                    {
                        "key": s.template.key,
                        "name": s.template.name,
                        "description": s.template.description,
                        "effort": s.template.effort,
                        "max_level": s.template.max_level,
                        "source": s.template.source,
                        "confidence": s.template.confidence,
                        "kommunentypen": list(s.template.kommunentypen),
                        "suits_kommune": s.suits_kommune,
                        "accepted": s.taken is not None,
                    }
                    for s in fs.suggestions
                ],
            }
            for fs in suggestions
        ],
        "items": [_recommendation_out(r) for r in selectors.recommendations(kommune)],
    }


@router.post(
    BASE + "/empfehlungen",
    response={201: RecommendationOut, **WRITE_ERRORS},
    summary="Maßnahme als Empfehlung übernehmen",
    url_name="assessment_recommendation_accept",
)
def recommendation_accept(request: HttpRequest, kommune_slug: str, payload: RecommendationIn) -> Status[dict[str, Any]]:
    """Übernimmt eine Maßnahmenvorlage für ein Feld, mit Ist (und der Umfrage, aus der es stammt), Soll und Begründung.
    Eine Vorlage, die nicht zum Feld oder seinem Stand passt, und dieselbe Vorlage für dasselbe Feld ein zweites
    Mal: 422."""
    ctx = tenant(request)
    access.require_editor(ctx)
    field = _field(ctx, payload.field_key)
    template = selectors.template_for_key(payload.template_key)
    if template is None:
        raise InputError("body", "template_key", _("Diese Maßnahmenvorlage gibt es nicht."))
    try:
        with api_change(request):
            recommendation = services.recommendation_accept(
                kommune=ctx.kommune, actor=ctx.user, template=template, field=field, reason=payload.reason
            )
    except ValidationError as exc:
        raise _field_errors(exc, {"template": ["template_key"], "field": ["field_key"]}) from None
    recommendation = selectors.recommendations(ctx.kommune).get(pk=recommendation.pk)
    return Status(201, _recommendation_out(recommendation))


# --- Kommunentyp ---------------------------------------------------------------------------------


def _kommunentyp_out(result: selectors.TypeResult) -> dict[str, Any]:
    profile = result.profile
    answers = profile.answers if profile is not None else {}
    catalogue = result.catalogue
    return {
        "answered": profile is not None,
        "answered_on": profile.answered_on if profile else None,
        "answered_by_name": profile.answered_by_name if profile else "",
        "version": profile.version if profile else 0,
        "question": catalogue.question,
        "scale": list(catalogue.scale),
        "note": catalogue.note,
        "source": catalogue.source,
        "nearest": [t.key for t in result.nearest],
        "types": [
            {
                "key": t.key,
                "name": t.name,
                "description": t.description,
                "strengths": t.strengths,
                "next_steps": t.next_steps,
                "source": t.source,
                "confidence": t.confidence,
                "score": result.scores.get(t.key),
            }
            for t in catalogue.types
        ],
        "items": [
            {
                "key": item.key,
                "type_key": item.type_key,
                "text": item.text,
                "confidence": item.confidence,
                "answer": answers.get(item.key),
            }
            for item in catalogue.items
        ],
    }


@router.get(BASE + "/kommunentyp", response=KommunentypOut, summary="Kommunentyp", url_name="assessment_kommunentyp")
def kommunentyp(request: HttpRequest, kommune_slug: str) -> dict[str, Any]:
    """Der Fragebogen zum Kommunentyp (ÖFIT und KGSt 2020) mit den Antworten der Kommune, dem Wert je Typ (Mittelwert
    seiner Fragen) und dem nächsten Typ (bei Gleichstand alle)."""
    return _kommunentyp_out(selectors.type_result(tenant(request).kommune))


@router.put(
    BASE + "/kommunentyp",
    response={200: KommunentypOut, **WRITE_ERRORS},
    summary="Fragebogen zum Kommunentyp beantworten",
    url_name="assessment_kommunentyp_set",
)
def kommunentyp_set(request: HttpRequest, kommune_slug: str, payload: KommunentypIn) -> dict[str, Any]:
    """Speichert die Antworten des Verwaltungsvorstands (jede Frage 1–5; fehlende oder unbekannte Fragen: 422) und
    ersetzt frühere. `version` veraltet: 409."""
    ctx = tenant(request)
    access.require_editor(ctx)
    try:
        with api_change(request):
            profile = services.type_profile_save(
                kommune=ctx.kommune, actor=ctx.user, answers=payload.answers, expected_version=payload.version
            )
    except ValidationError as exc:
        items = {key: ["answers", key] for key in selectors.type_result(ctx.kommune).catalogue.item_keys}
        raise _field_errors(exc, items) from None
    return _kommunentyp_out(selectors.type_result(ctx.kommune, profile))
