"""Every change to a Kommune's framework: adoption, fields switched off or reworded, own criteria.

Each function runs in one transaction, validates the domain rules and writes its audit entry.
Views, API and commands call these.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kompass.audit.models import AuditAction
from kompass.audit.services import audit_bulk_create, audit_record, check_version, save_update, snapshot
from kompass.core.actors import Actor
from kompass.framework.models import (
    LEVELS,
    CatalogueCriterion,
    CatalogueDimension,
    CatalogueField,
    Confidence,
    Criterion,
    Dimension,
    Field,
    Framework,
    FrameworkCatalogue,
)
from kompass.tenancy.models import Kommune

FIELD_AUDIT = Field.AUDIT_FIELDS
CRITERION_AUDIT = Criterion.AUDIT_FIELDS
NAME_MAX = 200
QUESTION_MAX = 500
LEVEL_MAX = 600


def _text(value: Any, limit: int | None = None) -> str:
    text = str(value or "").replace("\x00", "").strip()
    return text[:limit] if limit else text


@transaction.atomic
def framework_adopt(*, kommune: Kommune, actor: Actor, catalogue: FrameworkCatalogue) -> Framework:
    """Copy a catalogue version into the Kommune's framework. Optional fields start switched off."""
    if Framework.objects.for_kommune(kommune).exists():
        raise ValidationError(_("Diese Kommune hat den Orientierungsrahmen bereits übernommen."))
    framework = Framework.objects.create(
        kommune=kommune, catalogue=catalogue, adopted_by_name=getattr(actor, "display_name", "System")
    )
    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.CREATE,
        obj=framework,
        # Not "catalogue": that name is labelled "Rollenkatalog" in the log (audit labels are global).
        after={"catalogue_name": catalogue.name, "catalogue_version": catalogue.version},
    )
    dimensions = {}
    for source in CatalogueDimension.objects.filter(catalogue=catalogue):
        dimensions[source.key] = Dimension(
            kommune=kommune,
            key=source.key,
            **{name: getattr(source, name) for name in Dimension.CONTENT_FIELDS},
        )
    Dimension.objects.bulk_create(dimensions.values())
    by_key = {d.key: d for d in Dimension.objects.for_kommune(kommune)}
    fields = [
        Field(
            kommune=kommune,
            key=source.key,
            dimension=by_key[source.dimension_key],
            position=source.position,
            is_active=not source.optional,
            **{name: getattr(source, name) for name in Field.CONTENT_FIELDS},
        )
        for source in CatalogueField.objects.filter(catalogue=catalogue)
    ]
    Field.objects.bulk_create(fields)
    field_ids = dict(Field.objects.for_kommune(kommune).values_list("key", "pk"))
    Criterion.objects.bulk_create(
        Criterion(
            kommune=kommune,
            field_id=field_ids[source.field_key],
            key=source.key,
            position=source.position,
            **{name: getattr(source, name) for name in Criterion.CONTENT_FIELDS},
        )
        for source in CatalogueCriterion.objects.filter(catalogue=catalogue)
        if source.field_key in field_ids
    )
    audit_bulk_create(kommune_id=kommune.pk, actor=actor, objs=Field.objects.for_kommune(kommune), fields=FIELD_AUDIT)
    return framework


def _levels(value: Any, errors: dict[str, list[str]]) -> list[str]:
    if isinstance(value, str):
        value = value.splitlines()
    levels = [_text(item, LEVEL_MAX) for item in (value or [])]
    if len(levels) != len(LEVELS) or not all(levels):
        errors.setdefault("levels", []).append(
            _("Bitte für jede der fünf Stufen eine Beschreibung angeben (1 Einstieg bis 5 Vorreiter).")
        )
    return levels


def _criterion_values(data: Mapping[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "name" in data:
        values["name"] = _text(data["name"], NAME_MAX)
        if not values["name"]:
            errors.setdefault("name", []).append(_("Bitte einen Namen angeben."))
    if "question" in data:
        values["question"] = _text(data["question"], QUESTION_MAX)
        if not values["question"]:
            errors.setdefault("question", []).append(_("Bitte die Frage angeben, die in der Umfrage gestellt wird."))
    if "levels" in data:
        values["levels"] = _levels(data["levels"], errors)
    if "is_active" in data:
        values["is_active"] = bool(data["is_active"])
    return values


@transaction.atomic
def field_update(
    *, kommune: Kommune, actor: Actor, field: Field, data: Mapping[str, Any], expected_version: int | None = None
) -> Field:
    """Reword a field or switch it off (it then leaves new questionnaires and the results)."""
    field = Field.objects.for_kommune(kommune).select_for_update().get(pk=field.pk)
    check_version(field, expected_version)
    before = snapshot(field, FIELD_AUDIT)
    errors: dict[str, list[str]] = {}
    if "name" in data:
        field.name = _text(data["name"], NAME_MAX)
        if not field.name:
            errors["name"] = [_("Bitte einen Namen angeben.")]
    if "description" in data:
        field.description = _text(data["description"])
    if "is_active" in data:
        field.is_active = bool(data["is_active"])
    if errors:
        raise ValidationError(errors)
    if field.name != before["name"] or field.description != before["description"]:
        field.reworded = True
    save_update(kommune_id=kommune.pk, actor=actor, obj=field, fields=FIELD_AUDIT, before=before)
    return field


@transaction.atomic
def criterion_create(*, kommune: Kommune, actor: Actor, field: Field, data: Mapping[str, Any]) -> Criterion:
    """A criterion of the Kommune's own in one of its fields."""
    errors: dict[str, list[str]] = {}
    values = _criterion_values({"name": "", "question": "", "levels": [], **data}, errors)
    if not field.assessable:
        errors.setdefault("name", []).append(_("Dieses Feld wird nicht bewertet; es nimmt keine Kriterien auf."))
    if errors:
        raise ValidationError(errors)
    base = slugify(values["name"])[:50] or "kriterium"
    taken = set(Criterion.objects.for_kommune(kommune).filter(field=field).values_list("key", flat=True))
    key, n = f"eigen-{base}", 2
    while key in taken:
        key, n = f"eigen-{base}-{n}", n + 1
    criterion = Criterion.objects.create(
        kommune=kommune,
        field=field,
        key=key,
        is_custom=True,
        confidence=Confidence.EIGENE,
        source=_("Eigene Festlegung der Kommune"),
        position=len(taken) + 1,
        **values,
    )
    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.CREATE,
        obj=criterion,
        after=snapshot(criterion, CRITERION_AUDIT),
    )
    return criterion


@transaction.atomic
def criterion_update(
    *,
    kommune: Kommune,
    actor: Actor,
    criterion: Criterion,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> Criterion:
    """Reword a criterion (also one from the catalogue) or switch it off."""
    criterion = Criterion.objects.for_kommune(kommune).select_for_update().get(pk=criterion.pk)
    check_version(criterion, expected_version)
    before = snapshot(criterion, CRITERION_AUDIT)
    errors: dict[str, list[str]] = {}
    for name, value in _criterion_values(data, errors).items():
        setattr(criterion, name, value)
    if errors:
        raise ValidationError(errors)
    save_update(kommune_id=kommune.pk, actor=actor, obj=criterion, fields=CRITERION_AUDIT, before=before)
    return criterion


@transaction.atomic
def criterion_delete(*, kommune: Kommune, actor: Actor, criterion: Criterion) -> None:
    """Delete one of the Kommune's own criteria that no questionnaire has asked yet."""
    if not criterion.is_custom:
        raise ValidationError(_("Kriterien aus dem Katalog werden abgeschaltet, nicht gelöscht."))
    before = snapshot(criterion, CRITERION_AUDIT)
    try:
        criterion.delete()
    except ProtectedError as exc:  # a campaign asked it
        raise ValidationError(
            _("Dieses Kriterium wurde bereits in einer Umfrage gestellt; schalten Sie es ab, statt es zu löschen.")
        ) from exc
    audit_record(kommune_id=kommune.pk, actor=actor, action=AuditAction.DELETE, obj=criterion, before=before)


# --- catalogue updates (Katalog-Aktualisierung) ---------------------------------------------------
#
# The Kommune decides item by item what a newer catalogue version offers (`updates.py` finds the
# offers). Each function takes one offer in one transaction with its audit entry; criteria of the
# Kommune's own are never touched, and only the texts the catalogue changed are taken.

# What a catalogue version can change (compared and taken; the same lists as `updates.py`).
FIELD_TAKEN = ("name", "description", "assessable", "optional", "source", "confidence", "confidence_note")
CRITERION_TAKEN = ("name", "question", "levels", "source", "confidence")
FIELD_TAKEN_AUDIT = (*FIELD_AUDIT, "assessable", "optional", "source", "confidence", "confidence_note", "dimension")
CRITERION_TAKEN_AUDIT = (*CRITERION_AUDIT, "source", "confidence")
DIMENSION_AUDIT = ("name", "description", "source", "confidence")


def _taken_names(names: tuple[str, ...], source: Any, previous: Any | None) -> list[str]:
    """The attributes the newest version changed against the adopted one (all when it is new there)."""
    return [n for n in names if previous is None or getattr(source, n) != getattr(previous, n)]


def _dimension_for(kommune: Kommune, actor: Actor, source: CatalogueDimension) -> Dimension:
    """The Kommune's dimension with the catalogue dimension's key, created from it when missing."""
    dimension = Dimension.objects.for_kommune(kommune).filter(key=source.key).first()
    if dimension is not None:
        return dimension
    dimension = Dimension.objects.create(
        kommune=kommune, key=source.key, **{name: getattr(source, name) for name in Dimension.CONTENT_FIELDS}
    )
    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.CREATE,
        obj=dimension,
        after=snapshot(dimension, DIMENSION_AUDIT),
    )
    return dimension


@transaction.atomic
def field_take_catalogue_version(
    *, kommune: Kommune, actor: Actor, field: Field, source: CatalogueField, previous: CatalogueField | None
) -> Field:
    """Take what the newest catalogue version changed in a field (texts, source, a move to another
    dimension). A wording of the Kommune's own is overwritten only where the catalogue changed it."""
    if field.key != source.key:
        raise ValidationError(_("Das Katalogfeld passt nicht zu diesem Feld."))
    field = Field.objects.for_kommune(kommune).select_for_update().select_related("dimension").get(pk=field.pk)
    before = snapshot(field, FIELD_TAKEN_AUDIT)
    for name in _taken_names(FIELD_TAKEN, source, previous):
        setattr(field, name, getattr(source, name))
    if field.dimension.key != source.dimension_key:
        target = CatalogueDimension.objects.filter(catalogue_id=source.catalogue_id, key=source.dimension_key).first()
        if target is None:
            raise ValidationError(_("Die Dimension des Katalogfelds fehlt im Katalog."))
        field.dimension = _dimension_for(kommune, actor, target)
    field.reworded = any(getattr(field, n) != getattr(source, n) for n in ("name", "description"))
    save_update(kommune_id=kommune.pk, actor=actor, obj=field, fields=FIELD_TAKEN_AUDIT, before=before)
    return field


@transaction.atomic
def criterion_take_catalogue_version(
    *,
    kommune: Kommune,
    actor: Actor,
    criterion: Criterion,
    source: CatalogueCriterion,
    previous: CatalogueCriterion | None,
) -> Criterion:
    """Take what the newest catalogue version changed in a catalogue criterion (name, question, levels,
    source, confidence); the Kommune's own wording is overwritten only where the catalogue changed it."""
    if criterion.is_custom:
        raise ValidationError(_("Eigene Kriterien der Kommune ändert der Katalog nicht."))
    criterion = Criterion.objects.for_kommune(kommune).select_for_update().select_related("field").get(pk=criterion.pk)
    if (criterion.field.key, criterion.key) != (source.field_key, source.key):
        raise ValidationError(_("Das Katalogkriterium passt nicht zu diesem Kriterium."))
    before = snapshot(criterion, CRITERION_TAKEN_AUDIT)
    for name in _taken_names(CRITERION_TAKEN, source, previous):
        setattr(criterion, name, list(source.levels) if name == "levels" else getattr(source, name))
    save_update(kommune_id=kommune.pk, actor=actor, obj=criterion, fields=CRITERION_TAKEN_AUDIT, before=before)
    return criterion


def _copy_criterion(kommune: Kommune, field: Field, source: CatalogueCriterion) -> Criterion:
    return Criterion(
        kommune=kommune,
        field=field,
        key=source.key,
        position=source.position,
        **{name: getattr(source, name) for name in Criterion.CONTENT_FIELDS},
    )


@transaction.atomic
def criterion_add_from_catalogue(
    *, kommune: Kommune, actor: Actor, field: Field, source: CatalogueCriterion
) -> Criterion:
    """Add a criterion that is new in the newest catalogue version to the Kommune's field."""
    if field.key != source.field_key:
        raise ValidationError(_("Das Katalogkriterium gehört zu einem anderen Feld."))
    if Criterion.objects.for_kommune(kommune).filter(field=field, key=source.key).exists():
        raise ValidationError(_("Dieses Kriterium gibt es in diesem Feld bereits."))
    criterion = _copy_criterion(kommune, field, source)
    criterion.save()
    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.CREATE,
        obj=criterion,
        after=snapshot(criterion, CRITERION_AUDIT),
    )
    return criterion


@transaction.atomic
def field_add_from_catalogue(*, kommune: Kommune, actor: Actor, source: CatalogueField) -> Field:
    """Add a field that is new in the newest catalogue version, with its criteria (and its dimension,
    when that is new too). An optional field (Wahlfeld) starts switched off, as at the adoption."""
    if Field.objects.for_kommune(kommune).filter(key=source.key).exists():
        raise ValidationError(_("Dieses Feld gibt es im Orientierungsrahmen der Kommune bereits."))
    dimension_source = CatalogueDimension.objects.filter(catalogue_id=source.catalogue_id, key=source.dimension_key)
    if not dimension_source.exists():
        raise ValidationError(_("Die Dimension des Katalogfelds fehlt im Katalog."))
    field = Field.objects.create(
        kommune=kommune,
        key=source.key,
        dimension=_dimension_for(kommune, actor, dimension_source.get()),
        position=source.position,
        is_active=not source.optional,
        **{name: getattr(source, name) for name in Field.CONTENT_FIELDS},
    )
    audit_record(
        kommune_id=kommune.pk, actor=actor, action=AuditAction.CREATE, obj=field, after=snapshot(field, FIELD_AUDIT)
    )
    criteria = CatalogueCriterion.objects.filter(catalogue_id=source.catalogue_id, field_key=source.key)
    Criterion.objects.bulk_create(_copy_criterion(kommune, field, c) for c in criteria)
    audit_bulk_create(
        kommune_id=kommune.pk,
        actor=actor,
        objs=Criterion.objects.for_kommune(kommune).filter(field=field),
        fields=CRITERION_AUDIT,
    )
    return field


@transaction.atomic
def field_switch_off_dropped(*, kommune: Kommune, actor: Actor, field: Field) -> Field:
    """Switch off a field the newest catalogue version no longer has (it stays, with its history)."""
    return field_update(kommune=kommune, actor=actor, field=field, data={"is_active": False})


@transaction.atomic
def criterion_switch_off_dropped(*, kommune: Kommune, actor: Actor, criterion: Criterion) -> Criterion:
    """Switch off a catalogue criterion the newest version no longer has; own criteria stay untouched."""
    if criterion.is_custom:
        raise ValidationError(_("Eigene Kriterien der Kommune ändert der Katalog nicht."))
    return criterion_update(kommune=kommune, actor=actor, criterion=criterion, data={"is_active": False})


@transaction.atomic
def framework_mark_current(*, kommune: Kommune, actor: Actor, catalogue: FrameworkCatalogue) -> Framework:
    """Record that the Kommune has decided on a newer catalogue version: it becomes the adopted
    version (offers not taken are no longer shown), and the dimensions, which the Kommune does not
    edit, take its texts."""
    framework = Framework.objects.for_kommune(kommune).select_for_update().select_related("catalogue").first()
    if framework is None:
        raise ValidationError(_("Diese Kommune hat den Orientierungsrahmen noch nicht übernommen."))
    if catalogue.key != framework.catalogue.key or catalogue.pk == framework.catalogue_id:
        raise ValidationError(
            _("Fassung %(version)s ist bereits die aktuelle Fassung Ihres Orientierungsrahmens.")
            % {"version": catalogue.version}
        )
    before = {"catalogue_version": framework.catalogue.version}
    framework.catalogue = catalogue
    framework.save(update_fields=["catalogue"])
    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.UPDATE,
        obj=framework,
        before=before,
        after={"catalogue_version": catalogue.version},
    )
    sources = {d.key: d for d in CatalogueDimension.objects.filter(catalogue=catalogue)}
    for dimension in Dimension.objects.for_kommune(kommune).select_for_update():
        source = sources.get(dimension.key)
        if source is None:
            continue
        old, old_position = snapshot(dimension, DIMENSION_AUDIT), dimension.position
        for name in Dimension.CONTENT_FIELDS:
            setattr(dimension, name, getattr(source, name))
        if snapshot(dimension, DIMENSION_AUDIT) != old or dimension.position != old_position:
            dimension.save()
            audit_record(
                kommune_id=kommune.pk,
                actor=actor,
                action=AuditAction.UPDATE,
                obj=dimension,
                before=old,
                after=snapshot(dimension, DIMENSION_AUDIT),
            )
    return framework
