"""Every change of the target profile, the recommendations and the Kommunentyp.

Each function runs in one transaction, checks the domain rules (German field errors, nothing
changed on bad input), locks what it changes (optimistic locking with `version`) and writes its
audit entry. Views and the API call these; the reads are in `selectors.py`.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kompass.assessment import selectors
from kompass.assessment.models import Recommendation, RecommendationStatus, Target, TypeProfile
from kompass.audit.models import AuditAction
from kompass.audit.services import audit_record, check_version, save_update, snapshot
from kompass.core.actors import Actor
from kompass.core.exceptions import ConflictError
from kompass.framework import kommunentypen
from kompass.framework.models import Criterion, Field, MeasureTemplate
from kompass.tenancy.models import Kommune

LEVEL_MIN, LEVEL_MAX, LEVEL_STEP = Decimal("1.0"), Decimal("5.0"), Decimal("0.5")
YEARS_AHEAD = 10
WEIGHT_MIN, WEIGHT_MAX = 1, 5
REASON_MAX = 2000
TARGET_AUDIT = Target.AUDIT_FIELDS
RECOMMENDATION_AUDIT = Recommendation.AUDIT_FIELDS
TYPE_AUDIT = ("answers",)


def _text(value: Any, limit: int) -> str:
    return str(value or "").replace("\x00", "").strip()[:limit]


def today() -> datetime.date:
    return timezone.localdate()


def level_choices() -> list[Decimal]:
    """1,0, 1,5 … 5,0: the levels a Soll may take."""
    steps = int((LEVEL_MAX - LEVEL_MIN) / LEVEL_STEP)
    return [LEVEL_MIN + LEVEL_STEP * i for i in range(steps + 1)]


def year_choices() -> list[int]:
    """This year and the next ten: the years a Soll may be set for."""
    return list(range(today().year, today().year + YEARS_AHEAD + 1))


# --- parsing the Soll ----------------------------------------------------------------------------


def _level(value: Any, errors: dict[str, list[str]]) -> Decimal | None:
    text = str(value if value is not None else "").strip().replace(",", ".")
    try:
        level = Decimal(text)
    except InvalidOperation:
        level = None
    if level is None or not level.is_finite() or not LEVEL_MIN <= level <= LEVEL_MAX or level % LEVEL_STEP:
        errors.setdefault("level", []).append(
            _("Bitte eine Soll-Stufe von 1,0 bis 5,0 in halben Schritten angeben (z. B. 3,5).")
        )
        return None
    return level.quantize(Decimal("0.1"))


def _year(value: Any, errors: dict[str, list[str]]) -> int | None:
    first, last = today().year, today().year + YEARS_AHEAD
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        year = None
    if year is None or not first <= year <= last:
        errors.setdefault("year", []).append(
            _("Bitte ein Zieljahr von %(first)d bis %(last)d angeben; ein Ziel liegt nicht in der Vergangenheit.")
            % {"first": first, "last": last}
        )
        return None
    return year


def _weight(value: Any, errors: dict[str, list[str]]) -> int | None:
    try:
        weight = int(str(value).strip())
    except (TypeError, ValueError):
        weight = None
    if weight is None or not WEIGHT_MIN <= weight <= WEIGHT_MAX:
        errors.setdefault("weight", []).append(_("Bitte ein Gewicht von 1 (gering) bis 5 (sehr hoch) angeben."))
        return None
    return weight


def _reason(value: Any, errors: dict[str, list[str]], message: str) -> str:
    reason = _text(value, REASON_MAX)
    if not reason:
        errors.setdefault("reason", []).append(message)
    return reason


def _target_values(data: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    values = {
        "level": _level(data.get("level"), errors),
        "year": _year(data.get("year"), errors),
        "weight": _weight(data.get("weight", 1), errors),
        "reason": _reason(data.get("reason"), errors, _("Bitte begründen Sie das Soll, z. B. mit einem Beschluss.")),
    }
    if errors:
        raise ValidationError(errors)
    return values


def target_value_errors(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """The field errors `target_set` would raise for these values (for forms that show every error at once)."""
    try:
        _target_values(data)
    except ValidationError as exc:
        return dict(exc.message_dict)
    return {}


def _check_place(kommune: Kommune, field: Field, criterion: Criterion | None) -> None:
    if field.kommune_id != kommune.pk or (criterion is not None and criterion.kommune_id != kommune.pk):
        raise ValidationError(_("Dieses Feld gehört nicht zum Orientierungsrahmen der Kommune."))
    if not field.is_active or not field.assessable:
        raise ValidationError(_("Ein Soll lässt sich nur für aktive, bewertbare Felder festlegen."))
    if criterion is not None and (criterion.field_id != field.pk or not criterion.is_active):
        raise ValidationError(_("Ein Soll lässt sich nur für aktive Kriterien dieses Felds festlegen."))


def _target_label(field: Field, criterion: Criterion | None) -> str:
    if criterion is None:
        return _("Soll für „%(field)s“") % {"field": field.name}
    return _("Soll für „%(field)s“ – „%(criterion)s“") % {"field": field.name, "criterion": criterion.name}


# --- targets -------------------------------------------------------------------------------------


@transaction.atomic
def target_set(
    *,
    kommune: Kommune,
    actor: Actor,
    field: Field,
    criterion: Criterion | None = None,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> Target:
    """Set the Soll of a field (or of one of its criteria): level 1,0–5,0 in halves, target year
    from this year to ten years ahead, a reason, a weight 1–5. Creates or updates the one target of
    that place. `expected_version` is the version the user loaded; 0 means "there was none yet"."""
    _check_place(kommune, field, criterion)
    values = _target_values(data)
    found = Target.objects.for_kommune(kommune).select_for_update().filter(field=field, criterion=criterion).first()
    if found is None:
        if expected_version:  # the target the user edited was removed meanwhile
            raise ConflictError()
        return _target_create(kommune, actor, field, criterion, values)
    if expected_version is not None:
        check_version(found, expected_version)
    before = snapshot(found, TARGET_AUDIT)
    for name, value in values.items():
        setattr(found, name, value)
    after = snapshot(found, TARGET_AUDIT)
    if after != before:
        found.version += 1
        found.save()
        audit_record(
            kommune_id=kommune.pk,
            actor=actor,
            action=AuditAction.UPDATE,
            obj=found,
            before=before,
            after=after,
            label=_target_label(field, criterion),
        )
    return found


def _target_create(
    kommune: Kommune, actor: Actor, field: Field, criterion: Criterion | None, values: dict[str, Any]
) -> Target:
    try:
        with transaction.atomic():  # someone else set the first Soll of this place at the same moment
            target = Target.objects.create(kommune=kommune, field=field, criterion=criterion, **values)
    except IntegrityError:
        raise ConflictError() from None
    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.CREATE,
        obj=target,
        after=snapshot(target, TARGET_AUDIT),
        label=_target_label(field, criterion),
    )
    return target


@transaction.atomic
def target_delete(*, kommune: Kommune, actor: Actor, target: Target, expected_version: int | None = None) -> None:
    """Remove a Soll (the field then leaves the ranking of gaps until a new one is set)."""
    locked = Target.objects.for_kommune(kommune).select_for_update().filter(pk=target.pk).first()
    if locked is None:
        return
    check_version(locked, expected_version)
    before = snapshot(locked, TARGET_AUDIT)
    label = _target_label(target.field, target.criterion)
    locked.delete()
    audit_record(kommune_id=kommune.pk, actor=actor, action=AuditAction.DELETE, obj=target, before=before, label=label)


# --- recommendations -----------------------------------------------------------------------------


def _level_value(value: float | Decimal | None, places: str) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal(places))


@transaction.atomic
def recommendation_accept(
    *,
    kommune: Kommune,
    actor: Actor,
    template: MeasureTemplate,
    field: Field,
    reason: str | None = None,
) -> Recommendation:
    """Take a suggested measure for a field as a recommendation of the Kommune, with the field's Ist
    (and the campaign it comes from), its Soll and a reason (by default: Ist, Soll, gap and weight).

    Refused: a template that is not meant for this field or its level (`selectors.template_fits`),
    and the same template for the same field a second time while the first is not dropped. A
    dropped one is taken up again (one row per template and field, its history in the log)."""
    field = Field.objects.for_kommune(kommune).select_for_update().get(pk=field.pk)  # one accept at a time
    if not field.is_active or not field.assessable:
        raise ValidationError({"field": [_("Empfehlungen gibt es nur für aktive, bewertbare Felder.")]})
    gap, campaign = selectors.find_gap(kommune, field)
    if not selectors.template_fits(template, field.key, gap.ist):
        raise ValidationError(
            {
                "template": [
                    _("Diese Maßnahmenvorlage passt nicht zum Feld „%(field)s“ oder zu seinem Stand.")
                    % {"field": field.name}
                ]
            }
        )
    if reason is None:
        reason = selectors.default_reason(gap)
    errors: dict[str, list[str]] = {}
    text = _reason(reason, errors, _("Bitte begründen Sie, warum die Kommune diese Maßnahme übernimmt."))
    if errors:
        raise ValidationError(errors)
    existing = Recommendation.objects.for_kommune(kommune).filter(template=template, field=field).first()
    if existing is not None and existing.status != RecommendationStatus.DROPPED:
        raise ValidationError(
            {"template": [_("„%(name)s“ wurde für dieses Feld bereits übernommen.") % {"name": template.name}]}
        )
    values = {
        "campaign": campaign,
        "title": template.name[:200],
        "description": template.description,
        "reason": text,
        "current_level": _level_value(gap.ist, "0.01"),
        "target_level": _level_value(gap.target.level if gap.target else None, "0.1"),
        "status": RecommendationStatus.ACCEPTED,
        "accepted_by_name": (getattr(actor, "display_name", "") or "System")[:200],
    }
    if existing is not None:
        return _recommendation_retake(kommune, actor, existing, values)
    recommendation = Recommendation.objects.create(kommune=kommune, template=template, field=field, **values)
    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.CREATE,
        obj=recommendation,
        after=snapshot(recommendation, RECOMMENDATION_AUDIT),
        label=_("Empfehlung „%(title)s“") % {"title": recommendation.title},
    )
    return recommendation


def _recommendation_retake(
    kommune: Kommune, actor: Actor, recommendation: Recommendation, values: dict[str, Any]
) -> Recommendation:
    recommendation = Recommendation.objects.for_kommune(kommune).select_for_update().get(pk=recommendation.pk)
    before = snapshot(recommendation, RECOMMENDATION_AUDIT)
    for name, value in values.items():
        setattr(recommendation, name, value)
    recommendation.dropped_on, recommendation.dropped_reason = None, ""
    recommendation.accepted_at = timezone.now()
    recommendation.version += 1
    recommendation.save()
    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.UPDATE,
        obj=recommendation,
        before=before,
        after=snapshot(recommendation, RECOMMENDATION_AUDIT),
        label=_("Empfehlung „%(title)s“") % {"title": recommendation.title},
    )
    return recommendation


@transaction.atomic
def recommendation_drop(
    *,
    kommune: Kommune,
    actor: Actor,
    recommendation: Recommendation,
    reason: str,
    expected_version: int | None = None,
) -> Recommendation:
    """Drop an accepted recommendation, with the reason why and the day (kept beside the reason it
    was accepted for, so the list shows both; taking it again clears them)."""
    recommendation = Recommendation.objects.for_kommune(kommune).select_for_update().get(pk=recommendation.pk)
    check_version(recommendation, expected_version)
    errors: dict[str, list[str]] = {}
    text = _reason(reason, errors, _("Bitte begründen Sie, warum die Empfehlung verworfen wird."))
    if recommendation.status == RecommendationStatus.DROPPED:
        errors.setdefault("reason", []).append(_("Diese Empfehlung ist bereits verworfen."))
    elif recommendation.status != RecommendationStatus.ACCEPTED:
        errors.setdefault("reason", []).append(
            _("Diese Empfehlung ist bereits in die Digitale Agenda übernommen; verwerfen Sie dort die Maßnahme.")
        )
    if errors:
        raise ValidationError(errors)
    before = snapshot(recommendation, RECOMMENDATION_AUDIT)
    recommendation.status = RecommendationStatus.DROPPED
    recommendation.dropped_on, recommendation.dropped_reason = today(), text
    save_update(kommune_id=kommune.pk, actor=actor, obj=recommendation, fields=RECOMMENDATION_AUDIT, before=before)
    return recommendation


# --- Kommunentyp -------------------------------------------------------------------------------


def _type_answers(catalogue: kommunentypen.TypeCatalogue, raw: Mapping[str, Any]) -> dict[str, int]:
    errors: dict[str, list[str]] = {}
    answers: dict[str, int] = {}
    known = set(catalogue.item_keys)
    unknown = sorted(str(key) for key in raw if str(key) not in known)
    if unknown:
        errors.setdefault("answers", []).append(
            _("Diese Fragen gehören nicht zum Fragebogen: %(keys)s") % {"keys": ", ".join(unknown)[:300]}
        )
    for key in catalogue.item_keys:
        value = raw.get(key)
        try:
            number = int(str(value).strip()) if value is not None and not isinstance(value, bool) else None
        except ValueError:
            number = None
        if number not in kommunentypen.SCALE:
            errors.setdefault(key, []).append(_("Bitte wählen Sie einen Wert von 1 (unwichtig) bis 5 (sehr wichtig)."))
            continue
        answers[key] = number
    if errors:
        raise ValidationError(errors)
    return answers


@transaction.atomic
def type_profile_save(
    *, kommune: Kommune, actor: Actor, answers: Mapping[str, Any], expected_version: int | None = None
) -> TypeProfile:
    """Store the Verwaltungsvorstand's answers to the Kommunentyp questionnaire (every item 1–5),
    with the day and the name of who entered them. Answering again updates the one profile;
    unchanged answers change nothing. `expected_version` 0 means "there was none yet"."""
    clean = _type_answers(kommunentypen.catalogue(), answers)
    profile = TypeProfile.objects.for_kommune(kommune).select_for_update().first()
    who = (getattr(actor, "display_name", "") or "System")[:200]
    if profile is None:
        if expected_version:
            raise ConflictError()
        try:
            with transaction.atomic():
                profile = TypeProfile.objects.create(
                    kommune=kommune, answers=clean, answered_on=today(), answered_by_name=who
                )
        except IntegrityError:
            raise ConflictError() from None
        audit_record(
            kommune_id=kommune.pk,
            actor=actor,
            action=AuditAction.CREATE,
            obj=profile,
            after={"answers": clean},
            label=_("Kommunentyp"),
        )
        return profile
    if expected_version is not None:
        check_version(profile, expected_version)
    if profile.answers == clean:
        return profile
    before = {"answers": profile.answers}
    profile.answers, profile.answered_on, profile.answered_by_name = clean, today(), who
    profile.version += 1
    profile.save()
    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.UPDATE,
        obj=profile,
        before=before,
        after={"answers": clean},
        label=_("Kommunentyp"),
    )
    return profile
