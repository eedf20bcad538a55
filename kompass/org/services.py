"""Every change to org units and people. Each function runs in one transaction, checks the
domain rules, and writes its audit entry (docs/security.md L1). Views, API, importers and commands call these.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from kompass.audit.models import AuditAction
from kompass.audit.services import audit_record, check_version, save_update, snapshot
from kompass.core.actors import Actor
from kompass.org.employment import EXTERNAL_NAME_MISSING, OWN_WITH_NAME
from kompass.org.models import MAX_TREE_DEPTH, EmployerKind, OrgUnit, OrgUnitType, Person
from kompass.tenancy.models import Kommune
from kompass.trash.services import move_to_trash

ORGUNIT_FIELDS = ("code", "name", "unit_type", "parent", "head", "is_active")
PERSON_FIELDS = Person.AUDIT_FIELDS


def _clean_text(value: Any) -> str:
    # PostgreSQL text cannot hold NUL bytes; strip them with surrounding whitespace.
    return str(value or "").replace("\x00", "").strip()


# --- org units -----------------------------------------------------------------------------


def _validate_orgunit(kommune: Kommune, unit: OrgUnit) -> None:
    errors: dict[str, list[str]] = {}
    if not unit.code:
        errors.setdefault("code", []).append(_("Bitte geben Sie eine Kennung an."))
    if not unit.name:
        errors.setdefault("name", []).append(_("Bitte geben Sie einen Namen an."))
    if unit.unit_type not in OrgUnitType.values:
        errors.setdefault("unit_type", []).append(_("Unbekannter Typ der Organisationseinheit."))
    if unit.parent is not None and unit.parent.kommune_id != kommune.pk:
        errors.setdefault("parent", []).append(_("Die übergeordnete Einheit gehört nicht zu dieser Kommune."))
    if unit.head is not None and unit.head.kommune_id != kommune.pk:
        errors.setdefault("head", []).append(_("Die Leitung gehört nicht zu dieser Kommune."))
    try:
        unit.full_clean(exclude=["kommune", "parent", "head", "path", "depth", "version"], validate_unique=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            if field not in errors:  # one clear message per field, not ours plus Django's
                errors.setdefault(field, []).extend(messages)
    if unit.code and OrgUnit.objects.for_kommune(kommune).filter(code=unit.code).exclude(pk=unit.pk).exists():
        errors.setdefault("code", []).append(_("Die Kennung „%(code)s“ ist bereits vergeben.") % {"code": unit.code})
    if errors:
        raise ValidationError(errors)


def _too_deep() -> ValidationError:
    return ValidationError(
        {"parent": [_("Die Gliederung darf höchstens %(n)d Ebenen tief sein.") % {"n": MAX_TREE_DEPTH}]}
    )


def _place_in_tree(unit: OrgUnit) -> None:
    parent = unit.parent
    parent_path = parent.path if parent is not None else ""
    depth = parent.depth + 1 if parent is not None else 0
    if depth >= MAX_TREE_DEPTH:
        raise _too_deep()
    unit.path = f"{parent_path}{unit.pk}/"
    unit.depth = depth


@transaction.atomic
def orgunit_create(*, kommune: Kommune, actor: Actor, data: Mapping[str, Any]) -> OrgUnit:
    unit = OrgUnit(
        kommune=kommune,
        code=_clean_text(data.get("code")),
        name=_clean_text(data.get("name")),
        unit_type=data.get("unit_type") or "",
        parent=data.get("parent"),
        head=data.get("head"),
        is_active=data.get("is_active", True),
    )
    _validate_orgunit(kommune, unit)
    if unit.parent is not None:
        unit.parent = _current_parent(kommune, unit.parent)
    unit.save()
    _place_in_tree(unit)
    OrgUnit.objects.for_kommune(kommune).filter(pk=unit.pk).update(path=unit.path, depth=unit.depth)
    audit_record(
        kommune_id=kommune.pk, actor=actor, action=AuditAction.CREATE, obj=unit, after=snapshot(unit, ORGUNIT_FIELDS)
    )
    return unit


def _locked_unit(kommune: Kommune, unit: OrgUnit) -> OrgUnit:
    return OrgUnit.objects.for_kommune(kommune).select_for_update().get(pk=unit.pk)


def _current_parent(kommune: Kommune, parent: OrgUnit) -> OrgUnit:
    """The parent as stored now, locked: the caller's copy may hold a path from before a move."""
    try:
        return _locked_unit(kommune, parent)
    except OrgUnit.DoesNotExist:
        raise ValidationError({"parent": [_("Die übergeordnete Einheit gibt es nicht mehr.")]}) from None


@transaction.atomic
def orgunit_update(
    *, kommune: Kommune, actor: Actor, unit: OrgUnit, data: Mapping[str, Any], expected_version: int | None = None
) -> OrgUnit:
    """Change fields of a unit. A changed parent moves the subtree (see `orgunit_move`)."""
    unit = _locked_unit(kommune, unit)
    check_version(unit, expected_version)
    before = snapshot(unit, ORGUNIT_FIELDS)
    new_parent = data.get("parent", unit.parent)
    for field in ("code", "name"):
        if field in data:
            setattr(unit, field, _clean_text(data[field]))
    for field in ("unit_type", "head", "is_active"):
        if field in data:
            setattr(unit, field, data[field])
    _validate_orgunit(kommune, unit)
    if (new_parent.pk if new_parent else None) != unit.parent_id:
        _move(kommune, unit, new_parent)
    save_update(kommune_id=kommune.pk, actor=actor, obj=unit, fields=ORGUNIT_FIELDS, before=before)
    return unit


def _move(kommune: Kommune, unit: OrgUnit, new_parent: OrgUnit | None) -> None:
    if new_parent is not None:
        if new_parent.kommune_id != kommune.pk:
            raise ValidationError({"parent": [_("Die übergeordnete Einheit gehört nicht zu dieser Kommune.")]})
        new_parent = _current_parent(kommune, new_parent)
        if new_parent.path.startswith(unit.path):
            message = _("Eine Einheit kann nicht unter sich selbst oder eine ihrer Untereinheiten verschoben werden.")
            raise ValidationError({"parent": [message]})
    old_path, old_depth = unit.path, unit.depth
    unit.parent = new_parent
    _place_in_tree(unit)
    subtree = OrgUnit.objects.for_kommune(kommune).filter(path__startswith=old_path)
    max_depth = subtree.aggregate(m=Max("depth"))["m"] or old_depth
    if max_depth - old_depth + unit.depth >= MAX_TREE_DEPTH:
        raise _too_deep()
    # One UPDATE rewrites the path prefix and depth of the whole subtree.
    subtree.update(
        path=Concat(Value(unit.path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + (unit.depth - old_depth),
    )


@transaction.atomic
def orgunit_move(
    *, kommune: Kommune, actor: Actor, unit: OrgUnit, new_parent: OrgUnit | None, expected_version: int | None = None
) -> OrgUnit:
    return orgunit_update(
        kommune=kommune, actor=actor, unit=unit, data={"parent": new_parent}, expected_version=expected_version
    )


@transaction.atomic
def orgunit_delete(*, kommune: Kommune, actor: Actor, unit: OrgUnit, expected_version: int | None = None) -> None:
    """Delete a unit that has no sub-units and no people; otherwise say what is in the way."""
    unit = _locked_unit(kommune, unit)
    check_version(unit, expected_version)
    if OrgUnit.objects.for_kommune(kommune).filter(parent=unit).exists():
        raise ValidationError(_("Die Einheit hat noch Untereinheiten. Verschieben oder löschen Sie diese zuerst."))
    if Person.objects.for_kommune(kommune).filter(org_unit=unit).exists():
        raise ValidationError(
            _("Der Einheit sind noch Personen zugeordnet. Ordnen Sie diese zuerst einer anderen Einheit zu.")
        )
    from kompass.tenancy.models import Membership

    if Membership.objects.for_kommune(kommune).filter(scope_unit=unit).exists():
        raise ValidationError(_("Eine Mitgliedschaft ist auf diese Einheit beschränkt. Ändern Sie diese zuerst."))
    before = snapshot(unit, ORGUNIT_FIELDS)
    audit_record(kommune_id=kommune.pk, actor=actor, action=AuditAction.DELETE, obj=unit, before=before)
    move_to_trash(kommune=kommune, actor=actor, obj=unit)  # restorable for 30 days (docs/security.md R6)


# --- people --------------------------------------------------------------------------------


def _validate_person(kommune: Kommune, person: Person) -> None:
    errors: dict[str, list[str]] = {}
    for field, message in (
        ("first_name", _("Bitte geben Sie einen Vornamen an.")),
        ("last_name", _("Bitte geben Sie einen Nachnamen an.")),
        ("email", _("Bitte geben Sie die dienstliche E-Mail-Adresse an.")),
    ):
        if not getattr(person, field):
            errors.setdefault(field, []).append(message)
    if person.org_unit is not None and person.org_unit.kommune_id != kommune.pk:
        errors.setdefault("org_unit", []).append(_("Die Organisationseinheit gehört nicht zu dieser Kommune."))
    if person.employer_kind == EmployerKind.EXTERNAL and not person.employer_name:
        errors.setdefault("employer_name", []).append(str(EXTERNAL_NAME_MISSING))
    if person.employer_kind == EmployerKind.OWN and person.employer_name:
        errors.setdefault("employer_name", []).append(str(OWN_WITH_NAME))
    try:
        person.full_clean(exclude=["kommune", "org_unit", "user", "version"], validate_unique=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            if field not in errors:
                errors.setdefault(field, []).extend(messages)
    if person.email and Person.objects.for_kommune(kommune).filter(email=person.email).exclude(pk=person.pk).exists():
        errors.setdefault("email", []).append(
            _("Die E-Mail-Adresse %(email)s ist bereits einer anderen Person zugeordnet.") % {"email": person.email}
        )
    if errors:
        raise ValidationError(errors)


def _person_values(data: Mapping[str, Any]) -> dict[str, Any]:
    """The model values of `data`. A person of the own administration has no employer name: a change
    to `employer_kind` "eigen" without a name clears it; a name sent with "eigen" is an error."""
    values: dict[str, Any] = {}
    for field in ("first_name", "last_name", "function_title", "employer_name"):
        if field in data:
            values[field] = _clean_text(data[field])
    if "email" in data:
        values["email"] = _clean_text(data["email"]).lower()
    for field in ("org_unit", "employment_percent", "employer_kind", "is_active", "user"):
        if field in data:
            values[field] = data[field]
    if values.get("employer_kind") == EmployerKind.OWN and "employer_name" not in data:
        values["employer_name"] = ""
    return values


@transaction.atomic
def person_create(*, kommune: Kommune, actor: Actor, data: Mapping[str, Any]) -> Person:
    person = Person(kommune=kommune, **_person_values(data))
    _validate_person(kommune, person)
    person.save()
    audit_record(
        kommune_id=kommune.pk, actor=actor, action=AuditAction.CREATE, obj=person, after=snapshot(person, PERSON_FIELDS)
    )
    return person


@transaction.atomic
def person_update(
    *, kommune: Kommune, actor: Actor, person: Person, data: Mapping[str, Any], expected_version: int | None = None
) -> Person:
    person = Person.objects.for_kommune(kommune).select_for_update().get(pk=person.pk)
    check_version(person, expected_version)
    before = snapshot(person, PERSON_FIELDS)
    for field, value in _person_values(data).items():
        setattr(person, field, value)
    _validate_person(kommune, person)
    save_update(kommune_id=kommune.pk, actor=actor, obj=person, fields=PERSON_FIELDS, before=before)
    return person


@transaction.atomic
def person_delete(*, kommune: Kommune, actor: Actor, person: Person, expected_version: int | None = None) -> None:
    """Delete a person; units they led keep no head (shown on the start page as missing)."""
    person = Person.objects.for_kommune(kommune).select_for_update().get(pk=person.pk)
    check_version(person, expected_version)
    for unit in OrgUnit.objects.for_kommune(kommune).filter(head=person):
        orgunit_update(kommune=kommune, actor=actor, unit=unit, data={"head": None})
    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.DELETE,
        obj=person,
        before=snapshot(person, PERSON_FIELDS),
    )
    move_to_trash(kommune=kommune, actor=actor, obj=person)  # restorable for 30 days (docs/security.md R6)
