"""Org units (Verwaltungsgliederung) of a Kommune: list, detail, create, change, move, delete, subtree."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Status

from kompass.api.gate import path_object, tenant
from kompass.api.routers.common import api_change, page, person_ref, unit_ref
from kompass.api.schemas import (
    ErrorOut,
    OrgUnitCreate,
    OrgUnitFilters,
    OrgUnitMove,
    OrgUnitOut,
    OrgUnitPage,
    OrgUnitPatch,
    TreeNodeOut,
    ValidationErrorOut,
    Version,
)
from kompass.core.exceptions import ConflictError
from kompass.org import access, selectors, services
from kompass.org.models import OrgUnit
from kompass.org.selectors import TreeNode

router = Router(tags=["Organisationseinheiten"])
BASE = "/kommunen/{kommune_slug}/organisationseinheiten"
WRITE_ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut}


@router.get(BASE, response=OrgUnitPage, summary="Organisationseinheiten auflisten")
def orgunit_list(request: HttpRequest, kommune_slug: str, filters: Query[OrgUnitFilters]) -> dict[str, Any]:
    """Einheiten der Kommune, gefiltert und sortiert, seitenweise (`limit`, `offset`; `count` nennt alle Treffer)."""
    ctx = tenant(request)
    parent = unit_ref(ctx, filters.parent_id, "parent_id", where="query")
    qs = selectors.orgunit_list(
        ctx.kommune,
        query=filters.q.strip(),
        unit_type=filters.typ or "",
        active=filters.aktiv,
        parent=parent,
        sort=filters.sort,
    )
    return page(qs, filters.limit, filters.offset)


@router.get(BASE + "/{unit_id}", response=OrgUnitOut, summary="Eine Organisationseinheit")
def orgunit_detail(request: HttpRequest, kommune_slug: str, unit_id: int) -> OrgUnit:
    return path_object(request, "unit_id")  # type: ignore[no-any-return]


@router.get(BASE + "/{unit_id}/teilbaum", response=TreeNodeOut, summary="Teilbaum einer Einheit")
def orgunit_subtree(request: HttpRequest, kommune_slug: str, unit_id: int) -> dict[str, Any]:
    """Die Einheit mit allen Untereinheiten als Baum (nach Kennung sortiert), mit der Zahl der Personen."""
    ctx = tenant(request)
    roots = selectors.orgunit_tree(ctx.kommune, root=path_object(request, "unit_id"))
    return _node(roots[0])


def _node(node: TreeNode) -> dict[str, Any]:
    unit = node.unit
    return {
        "id": unit.pk,
        "code": unit.code,
        "name": unit.name,
        "unit_type": unit.unit_type,
        "is_active": unit.is_active,
        "depth": unit.depth,
        "people_count": node.people_count,
        "children": [_node(child) for child in node.children],
    }


@router.post(BASE, response={201: OrgUnitOut, **WRITE_ERRORS}, summary="Organisationseinheit anlegen")
def orgunit_create(request: HttpRequest, kommune_slug: str, payload: OrgUnitCreate) -> Status[OrgUnit]:
    ctx = tenant(request)
    parent = unit_ref(ctx, payload.parent_id, "parent_id")
    head = person_ref(ctx, payload.head_id, "head_id")
    access.require_place_unit(ctx, parent)
    data = {
        "code": payload.code,
        "name": payload.name,
        "unit_type": payload.unit_type,
        "parent": parent,
        "head": head,
        "is_active": payload.is_active,
    }
    with api_change(request):
        unit = services.orgunit_create(kommune=ctx.kommune, actor=ctx.user, data=data)
    return Status(201, unit)


@router.patch(BASE + "/{unit_id}", response={200: OrgUnitOut, **WRITE_ERRORS}, summary="Organisationseinheit ändern")
def orgunit_update(request: HttpRequest, kommune_slug: str, unit_id: int, payload: OrgUnitPatch) -> OrgUnit:
    """Ändert nur die gesendeten Felder. `version` muss die zuletzt gelesene sein, sonst 409.
    Ein geänderter `parent_id` verschiebt die Einheit mit ihrem Teilbaum."""
    ctx = tenant(request)
    unit: OrgUnit = path_object(request, "unit_id")
    data = payload.changes()
    if "parent_id" in data:
        data["parent"] = unit_ref(ctx, data.pop("parent_id"), "parent_id")
        if data["parent"] != unit.parent:
            access.require_place_unit(ctx, data["parent"])
    if "head_id" in data:
        data["head"] = person_ref(ctx, data.pop("head_id"), "head_id")
    with api_change(request):
        return services.orgunit_update(
            kommune=ctx.kommune, actor=ctx.user, unit=unit, data=data, expected_version=payload.version
        )


@router.post(
    BASE + "/{unit_id}/verschieben",
    response={200: OrgUnitOut, **WRITE_ERRORS},
    summary="Organisationseinheit verschieben",
)
def orgunit_move(request: HttpRequest, kommune_slug: str, unit_id: int, payload: OrgUnitMove) -> OrgUnit:
    """Verschiebt die Einheit mit ihrem ganzen Teilbaum unter `parent_id` (null: oberste Ebene)."""
    ctx = tenant(request)
    new_parent = unit_ref(ctx, payload.parent_id, "parent_id")
    access.require_place_unit(ctx, new_parent)
    with api_change(request):
        return services.orgunit_move(
            kommune=ctx.kommune,
            actor=ctx.user,
            unit=path_object(request, "unit_id"),
            new_parent=new_parent,
            expected_version=payload.version,
        )


@router.delete(BASE + "/{unit_id}", response={204: None, **WRITE_ERRORS}, summary="Organisationseinheit löschen")
def orgunit_delete(request: HttpRequest, kommune_slug: str, unit_id: int, version: Version) -> Status[None]:
    """Löscht eine Einheit ohne Untereinheiten und ohne Personen; sonst 409 mit dem Grund.
    `?version=` (Pflicht) ist die zuletzt gelesene Version: hat jemand die Einheit inzwischen geändert, 409."""
    ctx = tenant(request)
    try:
        with api_change(request):
            services.orgunit_delete(
                kommune=ctx.kommune, actor=ctx.user, unit=path_object(request, "unit_id"), expected_version=version
            )
    except ValidationError as exc:
        raise ConflictError(" ".join(exc.messages)) from None
    return Status(204, None)
