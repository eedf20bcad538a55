"""People of a Kommune: list, detail, create, change, delete."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from kompass.api.gate import path_object, tenant
from kompass.api.routers.common import api_change, page, unit_ref
from kompass.api.schemas import (
    ErrorOut,
    PersonCreate,
    PersonFilters,
    PersonOut,
    PersonPage,
    PersonPatch,
    ValidationErrorOut,
    Version,
)
from kompass.org import access, selectors, services
from kompass.org.models import Person

router = Router(tags=["Personen"])
BASE = "/kommunen/{kommune_slug}/personen"
WRITE_ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut}


@router.get(BASE, response=PersonPage, summary="Personen auflisten")
def person_list(request: HttpRequest, kommune_slug: str, filters: Query[PersonFilters]) -> dict[str, Any]:
    """Personen der Kommune; `orgunit_id` schließt die Untereinheiten ein. Seitenweise mit `limit` und `offset`."""
    ctx = tenant(request)
    unit = unit_ref(ctx, filters.orgunit_id, "orgunit_id", where="query")
    qs = selectors.person_list(ctx.kommune, query=filters.q, unit=unit, active=filters.aktiv, sort=filters.sort)
    return page(qs, filters.limit, filters.offset)


@router.get(BASE + "/{person_id}", response=PersonOut, summary="Eine Person")
def person_detail(request: HttpRequest, kommune_slug: str, person_id: int) -> Person:
    return path_object(request, "person_id")  # type: ignore[no-any-return]


@router.post(BASE, response={201: PersonOut, **WRITE_ERRORS}, summary="Person anlegen")
def person_create(request: HttpRequest, kommune_slug: str, payload: PersonCreate) -> Status[Person]:
    ctx = tenant(request)
    unit = unit_ref(ctx, payload.org_unit_id, "org_unit_id")
    access.require_place_person(ctx, unit)
    data = payload.model_dump(exclude={"org_unit_id"}) | {"org_unit": unit}
    with api_change(request):
        person = services.person_create(kommune=ctx.kommune, actor=ctx.user, data=data)
    return Status(201, person)


@router.patch(BASE + "/{person_id}", response={200: PersonOut, **WRITE_ERRORS}, summary="Person ändern")
def person_update(request: HttpRequest, kommune_slug: str, person_id: int, payload: PersonPatch) -> Person:
    """Ändert nur die gesendeten Felder. `version` muss die zuletzt gelesene sein, sonst 409."""
    ctx = tenant(request)
    person: Person = path_object(request, "person_id")
    data = payload.changes()
    if "org_unit_id" in data:
        data["org_unit"] = unit_ref(ctx, data.pop("org_unit_id"), "org_unit_id")
        access.require_place_person(ctx, data["org_unit"])
    with api_change(request):
        return services.person_update(
            kommune=ctx.kommune, actor=ctx.user, person=person, data=data, expected_version=payload.version
        )


@router.delete(BASE + "/{person_id}", response={204: None, **WRITE_ERRORS}, summary="Person löschen")
def person_delete(request: HttpRequest, kommune_slug: str, person_id: int, version: Version) -> Status[None]:
    """Löscht die Person; Einheiten, die sie geleitet hat, haben danach keine Leitung.
    `?version=` (Pflicht) ist die zuletzt gelesene Version: hat jemand die Person inzwischen geändert, 409."""
    ctx = tenant(request)
    with api_change(request):
        services.person_delete(
            kommune=ctx.kommune, actor=ctx.user, person=path_object(request, "person_id"), expected_version=version
        )
    return Status(204, None)
