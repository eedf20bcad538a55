"""Who holds which role: the assignments of a Kommune and their import.

Assignments belong to a place in the tree (their unit, else the person's unit): changed by whoever
holds `EDIT_ASSIGNMENTS` there (`kompass.roles.access`; for `assignment_id` in the URL the gate
already checked it), so a Redaktion limited to a unit keeps the assignments of its subtree.
Ids in the body are looked up inside the Kommune only (422 with the field).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status, UploadedFile

from kompass.api.errors import InputError
from kompass.api.gate import path_object, tenant
from kompass.api.routers.common import api_change, person_ref, unit_ref
from kompass.api.routers.imports import RESPONSES as IMPORT_RESPONSES
from kompass.api.routers.imports import _import
from kompass.api.routers.roles.common import BASE, WRITE_ERRORS, active_role, role_ref
from kompass.api.routers.roles.schemas import (
    AssignmentCreate,
    AssignmentFilters,
    AssignmentOut,
    AssignmentPage,
    AssignmentPatch,
)
from kompass.api.schemas import Version
from kompass.core.exceptions import ConflictError
from kompass.org.models import Person
from kompass.roles import access, selectors, services
from kompass.roles.importers import KIND_ASSIGNMENTS
from kompass.roles.models import Assignment
from kompass.tenancy.context import TenantContext

router = Router()


@router.get(BASE + "/zuordnungen", response=AssignmentPage, summary="Zuordnungen", url_name="assignment_list")
def assignment_list(request: HttpRequest, kommune_slug: str, filters: Query[AssignmentFilters]) -> dict[str, Any]:
    """Wer welche Rolle hat; `status` wählt aktuelle, bald endende, beendete oder künftige Zuordnungen
    (Standard: aktuell). `unit_id` schließt die Untereinheiten ein. Seitenweise mit `limit` und `offset`."""
    ctx = tenant(request)
    role = role_ref(ctx, filters.role_id, "role_id", where="query")
    unit = unit_ref(ctx, filters.unit_id, "unit_id", where="query")
    person = person_ref(ctx, filters.person_id, "person_id", where="query")
    qs = selectors.assignment_list(ctx.kommune, status=filters.status, role=role, unit=unit, sort=filters.sort)
    if person is not None:
        qs = qs.filter(person=person)
    return _assignment_page(ctx, qs, filters.limit, filters.offset)


def _assignment_page(ctx: TenantContext, qs: Any, limit: int, offset: int) -> dict[str, Any]:
    """The envelope of a page of assignments. The sort runs on the ids alone, then the page's rows
    are read with their people, roles and units: sorting tens of thousands of wide joined rows to
    keep fifty was the slow part of the list at Großstadt scale."""
    ids = list(qs.values_list("pk", flat=True)[offset : offset + limit])
    rows = {a.pk: a for a in selectors.assignments(ctx.kommune).filter(pk__in=ids)}
    return {"count": qs.count(), "limit": limit, "offset": offset, "items": [rows[pk] for pk in ids]}


@router.get(
    BASE + "/zuordnungen/{assignment_id}",
    response=AssignmentOut,
    summary="Eine Zuordnung",
    url_name="assignment_detail",
)
def assignment_detail(request: HttpRequest, kommune_slug: str, assignment_id: int) -> Assignment:
    return path_object(request, "assignment_id")  # type: ignore[no-any-return]


def _assignment_refs(ctx: TenantContext, values: dict[str, Any]) -> dict[str, Any]:
    """Body ids → objects of the Kommune (422 otherwise); the keys the service expects."""
    data: dict[str, Any] = {}
    for field, key in (("person_id", "person"), ("deputy_id", "deputy"), ("approved_by_id", "approved_by")):
        if field in values:
            data[key] = person_ref(ctx, values.pop(field), field)
    if "org_unit_id" in values:
        data["org_unit"] = unit_ref(ctx, values.pop("org_unit_id"), "org_unit_id")
    return {**values, **data}


def _person_by_email(ctx: TenantContext, email: str) -> Person:
    person = Person.objects.for_kommune(ctx.kommune).filter(email=email.strip().lower()).first()
    if person is None:
        raise InputError("body", "email", _("Keine Person dieser Kommune hat diese E-Mail-Adresse."))
    return person


def _service_call(call: Any) -> Any:
    """Service errors named by the API's field names (`person` → `person_id` …)."""
    try:
        return call()
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        names = {"person": "person_id", "role": "role_id", "deputy": "deputy_id", "approved_by": "approved_by_id"}
        raise ValidationError({names.get(k, k): v for k, v in exc.message_dict.items()}) from None


@router.post(
    BASE + "/zuordnungen",
    response={201: AssignmentOut, **WRITE_ERRORS},
    summary="Zuordnung anlegen",
    url_name="assignment_create",
)
def assignment_create(request: HttpRequest, kommune_slug: str, payload: AssignmentCreate) -> Status[Assignment]:
    """Ordnet eine Person (`person_id` oder `email`) einer Rolle zu, optional für eine Einheit (`org_unit_id`).
    Redaktion mit Beschränkung: nur Zuordnungen in ihrem Bereich."""
    ctx = tenant(request)
    access.require_assignment_editor(ctx)
    values = payload.model_dump(exclude={"email", "role_id"})
    if (payload.person_id is None) == (payload.email is None):
        raise InputError("body", "person_id", _("Bitte geben Sie genau eines an: person_id oder email."))
    data = _assignment_refs(ctx, values)
    if payload.email is not None:
        data["person"] = _person_by_email(ctx, payload.email)
    data["role"] = active_role(ctx, payload.role_id)
    data["valid_from"] = payload.valid_from or selectors.today()
    access.require_assignment_place(ctx, data["person"], data["org_unit"])
    with api_change(request):
        assignment = _service_call(lambda: services.assignment_create(kommune=ctx.kommune, actor=ctx.user, data=data))
    return Status(201, access.assignment_for_view(ctx, assignment.pk))


@router.patch(
    BASE + "/zuordnungen/{assignment_id}",
    response={200: AssignmentOut, **WRITE_ERRORS},
    summary="Zuordnung ändern",
    url_name="assignment_update",
)
def assignment_update(
    request: HttpRequest, kommune_slug: str, assignment_id: int, payload: AssignmentPatch
) -> Assignment:
    """Ändert nur die gesendeten Felder; `valid_until` beendet eine Zuordnung (sie bleibt als Verlauf).
    `version` muss die zuletzt gelesene sein, sonst 409."""
    ctx = tenant(request)
    assignment: Assignment = path_object(request, "assignment_id")
    data = _assignment_refs(ctx, payload.changes())
    if "role_id" in data:
        role_id = data.pop("role_id")
        data["role"] = assignment.role if role_id == assignment.role_id else active_role(ctx, role_id)
    person, unit = data.get("person", assignment.person), data.get("org_unit", assignment.org_unit)
    access.require_assignment_place(ctx, person, unit)
    with api_change(request):
        _service_call(
            lambda: services.assignment_update(
                kommune=ctx.kommune,
                actor=ctx.user,
                assignment=assignment,
                data=data,
                expected_version=payload.version,
            )
        )
    return access.assignment_for_view(ctx, assignment.pk)


@router.delete(
    BASE + "/zuordnungen/{assignment_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Zuordnung löschen",
    url_name="assignment_delete",
)
def assignment_delete(request: HttpRequest, kommune_slug: str, assignment_id: int, version: Version) -> Status[None]:
    """Löscht eine versehentlich angelegte Zuordnung. Der normale Weg ist, sie mit `valid_until` zu beenden.
    `?version=` (Pflicht) ist die zuletzt gelesene Version: wurde die Zuordnung inzwischen geändert, 409."""
    ctx = tenant(request)
    assignment: Assignment = path_object(request, "assignment_id")
    if version != assignment.version:
        raise ConflictError()
    with api_change(request):
        services.assignment_delete(kommune=ctx.kommune, actor=ctx.user, assignment=assignment)
    return Status(204, None)


@router.post(
    BASE + "/importe/zuordnungen",
    response=IMPORT_RESPONSES,
    summary="Rollenzuordnungen importieren",
    tags=["Importe"],
    url_name="import_assignments",
)
def import_assignments(
    request: HttpRequest, kommune_slug: str, file: File[UploadedFile], dry_run: Form[bool] = False
) -> Status[dict[str, Any]]:
    """Spalten: `email;rolle;organisationseinheit;zeitanteil;von;bis` (Kopfzeile, Reihenfolge beliebig).
    `rolle`: Schlüssel, Name oder Kurzname; `von`/`bis` als TT.MM.JJJJ; `bis` darf leer sein."""
    return _import(request, KIND_ASSIGNMENTS, file, dry_run)
