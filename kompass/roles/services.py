"""Every change to a Kommune's role model: adoption, roles, relations, assignments, matrix.

Each function runs in one transaction, validates the domain rules and writes its audit entry.
Views, API, importers and commands call these.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kompass.audit.models import AuditAction
from kompass.audit.services import audit_bulk_create, audit_record, check_version, save_update, snapshot
from kompass.core.actors import Actor
from kompass.core.exceptions import ConflictError
from kompass.org.models import OrgUnit, Person
from kompass.roles.markers import clean_markers
from kompass.roles.models import (
    ActivityTemplate,
    Assignment,
    Catalogue,
    CatalogueRelation,
    CatalogueRole,
    Confidence,
    QualificationStatus,
    Raci,
    RaciCell,
    RelationType,
    Role,
    RoleCheckVisit,
    RoleContent,
    RoleKind,
    RoleModel,
    RoleRelation,
)
from kompass.tenancy.models import Kommune
from kompass.trash.services import move_to_trash

ROLE_AUDIT = Role.AUDIT_FIELDS
ASSIGNMENT_AUDIT = Assignment.AUDIT_FIELDS
RELATION_AUDIT = ("from_role", "to_role", "relation_type", "note")


def _text(value: Any, limit: int | None = None) -> str:
    text = str(value or "").replace("\x00", "").strip()
    return text[:limit] if limit else text


def _text_list(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.splitlines()
    return [_text(item) for item in (value or []) if _text(item)]


# --- adoption --------------------------------------------------------------------------------


def _content_from(source: RoleContent) -> dict[str, Any]:
    return {name: getattr(source, name) for name in RoleContent.CONTENT_FIELDS}


@transaction.atomic
def catalogue_adopt(*, kommune: Kommune, actor: Actor, catalogue: Catalogue) -> RoleModel:
    """Copy a catalogue version into the Kommune's model, with relations and the default matrix."""
    if RoleModel.objects.for_kommune(kommune).exists():
        raise ValidationError(_("Diese Kommune hat bereits ein Rollenmodell übernommen."))
    model = RoleModel.objects.create(
        kommune=kommune, catalogue=catalogue, adopted_by_name=getattr(actor, "display_name", "System")
    )
    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.CREATE,
        obj=model,
        after={"catalogue": catalogue.key, "version": catalogue.version},
    )
    roles = _copy_roles(kommune, actor, list(catalogue.roles.all()))
    _copy_relations(kommune, actor, catalogue, roles)
    _default_matrix(kommune, actor, roles)
    return model


def _copy_roles(kommune: Kommune, actor: Actor, sources: list[CatalogueRole], start: int = 0) -> dict[str, Role]:
    taken = set(Role.objects.for_kommune(kommune).values_list("key", flat=True))
    new_roles = []
    for position, source in enumerate(sources, start=start):
        if source.key in taken:
            continue
        new_roles.append(
            Role(kommune=kommune, key=source.key, catalogue_role=source, position=position, **_content_from(source))
        )
    Role.objects.bulk_create(new_roles)
    created = list(Role.objects.for_kommune(kommune).filter(key__in=[r.key for r in new_roles]))
    audit_bulk_create(kommune_id=kommune.pk, actor=actor, objs=created, fields=ROLE_AUDIT)
    return {role.key: role for role in created}


def _copy_relations(kommune: Kommune, actor: Actor, catalogue: Catalogue, roles: dict[str, Role]) -> None:
    relations = [
        RoleRelation(
            kommune=kommune,
            from_role=roles[r.from_key],
            to_role=roles[r.to_key],
            relation_type=r.relation_type,
            note=r.note,
            source=r.source,
            confidence=r.confidence,
        )
        for r in CatalogueRelation.objects.filter(catalogue=catalogue)
        if r.from_key in roles and r.to_key in roles
    ]
    RoleRelation.objects.bulk_create(relations)
    created = RoleRelation.objects.for_kommune(kommune).select_related("from_role", "to_role")
    audit_bulk_create(kommune_id=kommune.pk, actor=actor, objs=created, fields=RELATION_AUDIT)


def _default_matrix(kommune: Kommune, actor: Actor, roles: dict[str, Role]) -> None:
    cells = [
        RaciCell(kommune=kommune, activity=activity, role=roles[key], letter=letter)
        for activity in ActivityTemplate.objects.all()
        for key, letter in activity.default_raci.items()
        if key in roles and letter in Raci.values
    ]
    RaciCell.objects.bulk_create(cells)


# --- catalogue updates -----------------------------------------------------------------------


@transaction.atomic
def role_take_catalogue_version(*, kommune: Kommune, actor: Actor, role: Role, source: CatalogueRole) -> Role:
    """Take the newer catalogue text of a role (the Kommune decides role by role)."""
    if role.key != source.key:
        raise ValidationError(_("Die Katalogrolle passt nicht zu dieser Rolle."))
    role = Role.objects.for_kommune(kommune).select_for_update().get(pk=role.pk)
    before = snapshot(role, ROLE_AUDIT)
    # Markers the Kommune set itself ("zählt als CDO") are not part of the diff it decides on: keep them.
    own_markers = role.catalogue_role is not None and role.markers != role.catalogue_role.markers
    for name, value in _content_from(source).items():
        if not (name == "markers" and own_markers):
            setattr(role, name, value)
    role.catalogue_role = source
    role.version += 1
    role.save()
    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.UPDATE,
        obj=role,
        before=before,
        after=snapshot(role, ROLE_AUDIT),
    )
    return role


@transaction.atomic
def role_add_from_catalogue(*, kommune: Kommune, actor: Actor, source: CatalogueRole) -> Role:
    """Add a role that is new in a catalogue version (or comes from a second catalogue)."""
    if Role.objects.for_kommune(kommune).filter(key=source.key).exists():
        raise ValidationError(_("Eine Rolle mit dem Schlüssel „%(key)s“ gibt es bereits.") % {"key": source.key})
    position = Role.objects.for_kommune(kommune).count()
    created = _copy_roles(kommune, actor, [source], start=position)
    return created[source.key]


RELATION_CATALOGUE_AUDIT = (*RELATION_AUDIT, "source", "confidence")


def _catalogue_relation_roles(kommune: Kommune, from_role: Role, to_role: Role) -> None:
    if from_role.kommune_id != kommune.pk or to_role.kommune_id != kommune.pk:
        raise ValidationError(_("Die Rollen der Beziehung gehören nicht zu dieser Kommune."))
    if from_role.pk == to_role.pk:
        raise ValidationError(_("Eine Rolle kann keine Beziehung zu sich selbst haben."))


@transaction.atomic
def relation_take_catalogue_version(
    *,
    kommune: Kommune,
    actor: Actor,
    relation: RoleRelation,
    source: CatalogueRelation,
    from_role: Role,
    to_role: Role,
) -> RoleRelation:
    """Give a relation copied from the catalogue the newer catalogue text (and, where the catalogue
    corrected it, the new target or type). Relations the Kommune created itself are refused."""
    relation = RoleRelation.objects.for_kommune(kommune).select_for_update().get(pk=relation.pk)
    if relation.confidence == Confidence.EIGENE:
        raise ValidationError(_("Eigene Beziehungen Ihrer Kommune werden nicht aus dem Katalog geändert."))
    _catalogue_relation_roles(kommune, from_role, to_role)
    before = snapshot(relation, RELATION_CATALOGUE_AUDIT)
    relation.from_role, relation.to_role = from_role, to_role
    relation.relation_type = source.relation_type
    relation.note, relation.source, relation.confidence = source.note, source.source, source.confidence
    relation.save()
    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.UPDATE,
        obj=relation,
        before=before,
        after=snapshot(relation, RELATION_CATALOGUE_AUDIT),
    )
    return relation


@transaction.atomic
def relation_add_from_catalogue(
    *, kommune: Kommune, actor: Actor, source: CatalogueRelation, from_role: Role, to_role: Role
) -> RoleRelation:
    """Add a relation that is new in a catalogue version between two roles of the Kommune."""
    _catalogue_relation_roles(kommune, from_role, to_role)
    exists = RoleRelation.objects.for_kommune(kommune).filter(
        from_role=from_role, to_role=to_role, relation_type=source.relation_type
    )
    if exists.exists():
        raise ValidationError(_("Diese Beziehung gibt es in Ihrem Rollenmodell bereits."))
    relation = RoleRelation.objects.create(
        kommune=kommune,
        from_role=from_role,
        to_role=to_role,
        relation_type=source.relation_type,
        note=source.note,
        source=source.source,
        confidence=source.confidence,
    )
    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.CREATE,
        obj=relation,
        after=snapshot(relation, RELATION_CATALOGUE_AUDIT),
    )
    return relation


@transaction.atomic
def relation_remove_as_catalogue(*, kommune: Kommune, actor: Actor, relation: RoleRelation) -> None:
    """Remove a relation copied from the catalogue that the newest catalogue version no longer has."""
    relation = (
        RoleRelation.objects.for_kommune(kommune)
        .select_for_update()
        .select_related("from_role", "to_role")
        .get(pk=relation.pk)
    )
    if relation.confidence == Confidence.EIGENE:
        raise ValidationError(_("Eigene Beziehungen Ihrer Kommune werden nicht aus dem Katalog entfernt."))
    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.DELETE,
        obj=relation,
        before=snapshot(relation, RELATION_CATALOGUE_AUDIT),
    )
    relation.delete()


# --- roles -----------------------------------------------------------------------------------


def _role_values(data: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in (
        "name",
        "short_name",
        "name_singular",
        "group",
        "purpose",
        "placement",
        "time_share_note",
        "source",
        "not_filled_reason",
    ):
        if name in data:
            values[name] = _text(data[name])
    for name in ("tasks", "responsibilities", "competences"):
        if name in data:
            values[name] = _text_list(data[name])
    for name in ("kind", "confidence"):
        if name in data:
            values[name] = data[name]
    for name in ("not_filled", "is_active"):
        if name in data:
            values[name] = bool(data[name])
    if "time_share_percent" in data:
        values["time_share_percent"] = data["time_share_percent"]
    return values


def _role_markers(data: Mapping[str, Any], current: list[str], errors: dict[str, list[str]]) -> list[str]:
    """The markers the role checks read ("zählt als CDO"); unknown keys are a field error."""
    try:
        return clean_markers(data["markers"], current)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        return current


def _validate_role(role: Role, errors: dict[str, list[str]] | None = None) -> None:
    errors = dict(errors or {})
    if not role.name:
        errors["name"] = [_("Bitte geben Sie einen Namen an.")]
    if role.kind not in RoleKind.values:
        errors["kind"] = [_("Unbekannte Art der Rolle.")]
    if role.confidence not in Confidence.values:
        errors["confidence"] = [_("Unbekannte Belegstärke.")]
    share = role.time_share_percent
    if share is not None and not (0 <= share <= 100):
        errors["time_share_percent"] = [_("Der Zeitanteil muss zwischen 0 und 100 Prozent liegen.")]
    if role.not_filled and not role.not_filled_reason:
        errors["not_filled_reason"] = [_("Bitte begründen Sie, warum die Rolle bewusst nicht besetzt wird.")]
    if len(role.name) > 200 or len(role.short_name) > 40:
        errors["name"] = [_("Name höchstens 200, Kurzname höchstens 40 Zeichen.")]
    if len(role.name_singular) > 200:
        errors["name_singular"] = [_("Die Bezeichnung für eine Person darf höchstens 200 Zeichen lang sein.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def role_create(*, kommune: Kommune, actor: Actor, data: Mapping[str, Any]) -> Role:
    """A role of the Kommune's own (not from a catalogue)."""
    values = _role_values(data)
    errors: dict[str, list[str]] = {}
    if "markers" in data:
        values["markers"] = _role_markers(data, [], errors)
    values.setdefault("confidence", Confidence.EIGENE)
    values.setdefault("kind", RoleKind.INTERN)
    base = slugify(data.get("key") or values.get("name", ""))[:50] or "rolle"
    key, n = base, 2
    while Role.objects.for_kommune(kommune).filter(key=key).exists():
        key, n = f"{base}-{n}", n + 1
    role = Role(kommune=kommune, key=key, position=Role.objects.for_kommune(kommune).count(), **values)
    _validate_role(role, errors)
    role.save()
    audit_record(
        kommune_id=kommune.pk, actor=actor, action=AuditAction.CREATE, obj=role, after=snapshot(role, ROLE_AUDIT)
    )
    return role


@transaction.atomic
def role_update(
    *, kommune: Kommune, actor: Actor, role: Role, data: Mapping[str, Any], expected_version: int | None = None
) -> Role:
    """Adapt a role's texts and its markers for the checks, mark it deliberately not filled (with
    reason) or deactivate it. Catalogue-only markers (e.g. `core`) may stay but cannot be added."""
    role = Role.objects.for_kommune(kommune).select_for_update().get(pk=role.pk)
    check_version(role, expected_version)
    before = snapshot(role, ROLE_AUDIT)
    errors: dict[str, list[str]] = {}
    for name, value in _role_values(data).items():
        setattr(role, name, value)
    if "markers" in data:
        role.markers = _role_markers(data, list(role.markers or []), errors)
    if not role.not_filled:
        role.not_filled_reason = ""
    _validate_role(role, errors)
    save_update(kommune_id=kommune.pk, actor=actor, obj=role, fields=ROLE_AUDIT, before=before)
    return role


@transaction.atomic
def role_delete(*, kommune: Kommune, actor: Actor, role: Role) -> None:
    """Delete a role without any assignment (ever); otherwise deactivate it to keep history."""
    if Assignment.objects.for_kommune(kommune).filter(role=role).exists():
        raise ValidationError(
            _(
                "Die Rolle hat Zuordnungen (auch frühere). Setzen Sie sie stattdessen auf inaktiv, "
                "damit der Verlauf erhalten bleibt."
            )
        )
    audit_record(
        kommune_id=kommune.pk, actor=actor, action=AuditAction.DELETE, obj=role, before=snapshot(role, ROLE_AUDIT)
    )
    # Its RACI cells and relations go with it (cascade) and come back with it (docs/security.md R6).
    move_to_trash(kommune=kommune, actor=actor, obj=role)


@transaction.atomic
def relation_create(*, kommune: Kommune, actor: Actor, data: Mapping[str, Any]) -> RoleRelation:
    from_role, to_role = data.get("from_role"), data.get("to_role")
    errors: dict[str, list[str]] = {}
    for name, role in (("from_role", from_role), ("to_role", to_role)):
        if not isinstance(role, Role) or role.kommune_id != kommune.pk:
            errors[name] = [_("Bitte wählen Sie eine Rolle dieser Kommune.")]
    if data.get("relation_type") not in RelationType.values:
        errors["relation_type"] = [_("Unbekannte Art der Beziehung.")]
    if not errors and from_role == to_role:
        errors["to_role"] = [_("Eine Rolle kann keine Beziehung zu sich selbst haben.")]
    if errors:
        raise ValidationError(errors)
    relation = RoleRelation.objects.create(
        kommune=kommune,
        from_role=cast(Role, from_role),
        to_role=cast(Role, to_role),
        relation_type=data["relation_type"],
        note=_text(data.get("note")),
        source=_text(data.get("source")),
        confidence=Confidence.EIGENE,
    )
    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.CREATE,
        obj=relation,
        after=snapshot(relation, RELATION_AUDIT),
    )
    return relation


@transaction.atomic
def relation_delete(*, kommune: Kommune, actor: Actor, relation: RoleRelation) -> None:
    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.DELETE,
        obj=relation,
        before=snapshot(relation, RELATION_AUDIT),
    )
    relation.delete()


# --- assignments -----------------------------------------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _validate_assignment(kommune: Kommune, a: Assignment, errors: dict[str, list[str]]) -> None:
    for name in ("person", "deputy", "approved_by"):
        person = getattr(a, name)
        if person is not None and (not isinstance(person, Person) or person.kommune_id != kommune.pk):
            errors.setdefault(name, []).append(_("Die Person gehört nicht zu dieser Kommune."))
    if a.person_id is None and "person" not in errors:
        errors["person"] = [_("Bitte wählen Sie eine Person.")]
    if a.role_id is None or a.role.kommune_id != kommune.pk:
        errors["role"] = [_("Bitte wählen Sie eine Rolle dieser Kommune.")]
    if a.org_unit is not None and (not isinstance(a.org_unit, OrgUnit) or a.org_unit.kommune_id != kommune.pk):
        errors["org_unit"] = [_("Die Organisationseinheit gehört nicht zu dieser Kommune.")]
    if a.deputy_id is not None and a.deputy_id == a.person_id:
        errors.setdefault("deputy", []).append(_("Eine Person kann nicht ihre eigene Vertretung sein."))
    if a.valid_from is None:
        errors["valid_from"] = [_("Bitte geben Sie an, ab wann die Zuordnung gilt.")]
    elif a.valid_until is not None and a.valid_until < a.valid_from:
        errors["valid_until"] = [_("Das Ende liegt vor dem Beginn der Zuordnung.")]
    if a.qualification not in QualificationStatus.values:
        errors["qualification"] = [_("Unbekannter Qualifizierungsstand.")]
    if a.time_share is None and "time_share" not in errors:
        errors["time_share"] = [_("Bitte geben Sie den Zeitanteil an (Prozent einer Vollzeitstelle, z. B. 50).")]
    if not errors.keys() & {"person", "role", "org_unit", "valid_from", "valid_until"}:
        duplicate = assignment_duplicate(
            kommune,
            person=a.person,
            role=a.role,
            org_unit=a.org_unit,
            valid_from=a.valid_from,
            valid_until=a.valid_until,
            exclude_pk=a.pk,
        )
        if duplicate is not None:
            errors.setdefault(NON_FIELD_ERRORS, []).append(duplicate_message(duplicate))


def assignment_duplicate(
    kommune: Kommune,
    *,
    person: Person,
    role: Role,
    org_unit: OrgUnit | None,
    valid_from: datetime.date,
    valid_until: datetime.date | None,
    exclude_pk: int | None = None,
    among: Iterable[Assignment] | None = None,
) -> Assignment | None:
    """The assignment that an assignment with these values would duplicate, or None.

    A duplicate is the same person in the same role for the same unit (or both for no unit) in
    periods that share a day; an open end runs forever. `exclude_pk` is the assignment being
    changed, so an update does not collide with itself. The form, the API and the import all ask
    this function: the import passes `among` (the assignments and file rows it compares against,
    validated before anything is written); the other doors let it read the database, after locking
    the person's row so that two requests cannot add the same assignment at the same moment.
    """
    if among is None:
        # SECURITY: serialises concurrent writes for this person (a no-op on SQLite, which locks the database).
        list(Person.objects.for_kommune(kommune).select_for_update().filter(pk=person.pk).values_list("pk"))
        among = (
            Assignment.objects.for_kommune(kommune)
            .filter(person=person, role=role, org_unit=org_unit)
            .select_related("person", "role", "org_unit")
            .order_by("valid_from", "pk")
        )
    unit_id = org_unit.pk if org_unit is not None else None
    return next(
        (
            other
            for other in among
            if (exclude_pk is None or other.pk != exclude_pk)
            and (other.person_id, other.role_id, other.org_unit_id) == (person.pk, role.pk, unit_id)
            and other.overlaps(valid_from, valid_until)
        ),
        None,
    )


def duplicate_message(existing: Assignment) -> str:
    """Names the assignment a new one would duplicate, e.g. "Anna Schmidt ist für 32.1 Bürgerbüro
    bereits als Digitale Lotsin oder Digitaler Lotse zugeordnet, seit 01.03.2024 (bis offen)." """
    start = existing.valid_from.strftime("%d.%m.%Y")
    period = (_("seit %(date)s") if existing.valid_from <= timezone.localdate() else _("ab %(date)s")) % {"date": start}
    until = existing.valid_until.strftime("%d.%m.%Y") if existing.valid_until else _("offen")
    values = {"person": existing.person, "role": existing.role.as_holder, "period": period, "until": until}
    if existing.org_unit is not None:
        values["unit"] = str(existing.org_unit)
        text = _("%(person)s ist für %(unit)s bereits %(role)s zugeordnet, %(period)s (bis %(until)s).") % values
    else:
        text = _("%(person)s ist bereits %(role)s zugeordnet, %(period)s (bis %(until)s).") % values
    return text + " " + _("Ändern oder beenden Sie diese Zuordnung, statt eine zweite anzulegen.")


def _assignment_values(data: Mapping[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in ("person", "role", "org_unit", "deputy", "approved_by", "valid_from", "valid_until", "qualification"):
        if name in data:
            values[name] = data[name]
    if "mandate" in data:
        values["mandate"] = _text(data["mandate"], 300)
    if "time_share" in data:
        share = _decimal(data["time_share"])
        share = share.quantize(Decimal("0.1")) if share is not None and abs(share) <= 1000 else share
        if share is None or not (0 < share <= 100):
            errors["time_share"] = [
                _("Der Zeitanteil muss größer als 0 und höchstens 100 sein (Prozent einer Vollzeitstelle).")
            ]
        else:
            values["time_share"] = share
    for name in ("valid_from", "valid_until"):
        value = values.get(name)
        if value is not None and not isinstance(value, datetime.date):
            errors[name] = [_("Bitte geben Sie ein gültiges Datum an.")]
            values.pop(name)
    return values


@transaction.atomic
def assignment_create(*, kommune: Kommune, actor: Actor, data: Mapping[str, Any]) -> Assignment:
    errors: dict[str, list[str]] = {}
    values = _assignment_values(data, errors)
    assignment = Assignment(kommune=kommune, **values)
    _validate_assignment(kommune, assignment, errors)
    if errors:
        raise ValidationError(errors)
    assignment.save()
    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.CREATE,
        obj=assignment,
        after=snapshot(assignment, ASSIGNMENT_AUDIT),
    )
    return assignment


@transaction.atomic
def assignment_update(
    *,
    kommune: Kommune,
    actor: Actor,
    assignment: Assignment,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> Assignment:
    assignment = Assignment.objects.for_kommune(kommune).select_for_update().get(pk=assignment.pk)
    check_version(assignment, expected_version)
    before = snapshot(assignment, ASSIGNMENT_AUDIT)
    errors: dict[str, list[str]] = {}
    for name, value in _assignment_values(data, errors).items():
        setattr(assignment, name, value)
    _validate_assignment(kommune, assignment, errors)
    if errors:
        raise ValidationError(errors)
    save_update(kommune_id=kommune.pk, actor=actor, obj=assignment, fields=ASSIGNMENT_AUDIT, before=before)
    return assignment


@transaction.atomic
def assignment_end(
    *, kommune: Kommune, actor: Actor, assignment: Assignment, end: datetime.date, expected_version: int | None = None
) -> Assignment:
    """End an assignment on a date; it stays visible as history."""
    return assignment_update(
        kommune=kommune,
        actor=actor,
        assignment=assignment,
        data={"valid_until": end},
        expected_version=expected_version,
    )


@transaction.atomic
def assignment_delete(*, kommune: Kommune, actor: Actor, assignment: Assignment) -> None:
    """Remove an assignment entered by mistake (ending it is the normal way)."""
    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.DELETE,
        obj=assignment,
        before=snapshot(assignment, ASSIGNMENT_AUDIT),
    )
    assignment.delete()


# --- responsibility matrix -------------------------------------------------------------------


@transaction.atomic
def raci_set(
    *,
    kommune: Kommune,
    actor: Actor,
    activity: ActivityTemplate,
    role: Role,
    letter: str | None,
    expected: str | None,
) -> RaciCell | None:
    """Set one matrix cell to R/A/C/I or clear it (None).

    `expected` is the letter the editor saw; if the cell holds something else now, another person
    changed it meanwhile and nothing is overwritten (ConflictError). A second A in an activity's
    row is refused: exactly one role is accountable (KGSt-Bericht 9/2016, RACI principle).
    """
    letter = (letter or "").strip().upper() or None
    if letter is not None and letter not in Raci.values:
        raise ValidationError({"letter": [_("Erlaubt sind nur R, A, C, I oder ein leeres Feld.")]})
    if role.kommune_id != kommune.pk:
        raise ValidationError({"role": [_("Die Rolle gehört nicht zu dieser Kommune.")]})
    cells = RaciCell.objects.for_kommune(kommune).select_for_update().filter(activity=activity)
    cell = next((c for c in cells if c.role_id == role.pk), None)
    current = cell.letter if cell else None
    if (expected or None) != current:
        raise ConflictError(
            _(
                "Diese Zelle wurde inzwischen von jemand anderem auf „%(now)s“ gesetzt. "
                "Ihre Eingabe wurde nicht gespeichert."
            )
            % {"now": current or _("leer")}
        )
    if letter == "A":
        other = next((c for c in cells if c.letter == "A" and c.role_id != role.pk), None)
        if other is not None:
            raise ValidationError(
                {
                    "letter": [
                        _(
                            "„%(activity)s“ hat bereits eine verantwortliche Rolle (A): %(role)s. "
                            "Pro Aktivität darf genau eine Rolle verantwortlich sein – "
                            "ändern Sie zuerst die bisherige Zuordnung."
                        )
                        % {"activity": activity.name, "role": other.role.name}
                    ]
                }
            )
    label = f"{activity.name} / {role.name}"
    if cell is None and letter is not None:
        cell = RaciCell.objects.create(kommune=kommune, activity=activity, role=role, letter=letter)
        audit_record(
            kommune_id=kommune.pk,
            actor=actor,
            action=AuditAction.CREATE,
            obj=cell,
            after={"letter": letter},
            label=label,
        )
    elif cell is not None and letter is None:
        audit_record(
            kommune_id=kommune.pk,
            actor=actor,
            action=AuditAction.DELETE,
            obj=cell,
            before={"letter": current},
            label=label,
        )
        cell.delete()
        return None
    elif cell is not None and letter != current:
        cell.letter = letter or ""
        cell.save(update_fields=["letter"])
        audit_record(
            kommune_id=kommune.pk,
            actor=actor,
            action=AuditAction.UPDATE,
            obj=cell,
            before={"letter": current},
            after={"letter": letter},
            label=label,
        )
    return cell


@transaction.atomic
def raci_set_row(
    *, kommune: Kommune, actor: Actor, activity: ActivityTemplate, changes: list[tuple[Role, str | None, str | None]]
) -> None:
    """Change several cells of one activity's row, all or none: (role, new letter, letter shown).

    Cells that stop being A are changed first, so the A can move from one role to another in a
    single save without tripping the one-A rule.
    """
    for role, new, shown in sorted(changes, key=lambda change: change[1] == "A"):
        raci_set(kommune=kommune, actor=actor, activity=activity, role=role, letter=new, expected=shown)


def check_visit_record(*, kommune: Kommune) -> None:
    """Note that the Kommune's Rollen-Check has been opened (once; later visits change nothing).

    No audit entry: opening a page changes none of the Kommune's data, it only ticks the last step of
    "Erste Schritte". The unique constraint keeps it one row even when two members open it at once."""
    RoleCheckVisit.objects.get_or_create(kommune=kommune)
