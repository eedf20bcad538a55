"""The Kommune's role model: adopting a catalogue, the roles with their holders and relations.

Kommune-wide: changed by whoever holds `EDIT_ROLE_MODEL` (`kompass.roles.access.require_model_editor`;
for `role_id` in the URL the gate already checked it), read by every member.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from kompass.api.errors import InputError
from kompass.api.gate import path_object, tenant
from kompass.api.routers.common import api_change, page
from kompass.api.routers.roles.common import BASE, WRITE_ERRORS
from kompass.api.routers.roles.schemas import (
    AdoptIn,
    RoleCreate,
    RoleDetailOut,
    RoleFilters,
    RoleModelOut,
    RolePage,
    RolePatch,
)
from kompass.core.exceptions import ConflictError
from kompass.roles import access, overview, selectors, services
from kompass.roles.models import Catalogue, Role
from kompass.tenancy.context import TenantContext

router = Router()


def _with_catalogue(queryset: Any) -> Any:
    return queryset.select_related("catalogue_role__catalogue")


@router.post(
    BASE + "/rollenmodell",
    response={201: RoleModelOut, **WRITE_ERRORS},
    summary="Rollenkatalog übernehmen",
    url_name="role_model_adopt",
)
def role_model_adopt(request: HttpRequest, kommune_slug: str, payload: AdoptIn) -> Status[dict[str, Any]]:
    """Übernimmt die neueste Fassung eines Katalogs als Rollenmodell der Kommune (Rollen, Beziehungen,
    Vorschlag der Verantwortungsmatrix). Hat die Kommune schon ein Rollenmodell: 409."""
    ctx = tenant(request)
    access.require_model_editor(ctx)
    catalogue = _latest_catalogue(payload.catalogue_id)
    try:
        with api_change(request):
            model = services.catalogue_adopt(kommune=ctx.kommune, actor=ctx.user, catalogue=catalogue)
    except ValidationError as exc:
        raise ConflictError(" ".join(exc.messages)) from None
    body = {
        "catalogue_id": catalogue.pk,
        "catalogue_key": catalogue.key,
        "catalogue_version": catalogue.version,
        "adopted_at": model.adopted_at,
        "role_count": selectors.roles(ctx.kommune).count(),
    }
    return Status(201, body)


def _latest_catalogue(pk: int) -> Catalogue:
    """The newest version of a shipped catalogue (only that one is adopted), else a field error."""
    catalogue = {c.pk: c for c in overview.latest_catalogues().values()}.get(pk)
    if catalogue is not None:
        return catalogue
    message = (
        _("Bitte übernehmen Sie die neueste Fassung dieses Rollenkatalogs.")
        if Catalogue.objects.filter(pk=pk).exists()
        else _("Diesen Rollenkatalog gibt es nicht.")
    )
    raise InputError("body", "catalogue_id", message)


@router.get(BASE + "/rollen", response=RolePage, summary="Rollen der Kommune", url_name="role_list")
def role_list(request: HttpRequest, kommune_slug: str, filters: Query[RoleFilters]) -> dict[str, Any]:
    """Die Rollen des Rollenmodells in ihrer Reihenfolge, mit der Zahl der aktuellen Zuordnungen."""
    qs = _with_catalogue(selectors.role_list(tenant(request).kommune))
    if filters.aktiv is not None:
        qs = qs.filter(is_active=filters.aktiv)
    return page(qs, filters.limit, filters.offset)


@router.get(BASE + "/rollen/{role_id}", response=RoleDetailOut, summary="Eine Rolle", url_name="role_detail")
def role_detail(request: HttpRequest, kommune_slug: str, role_id: int) -> Role:
    """Die Rolle mit ihren aktuellen Zuordnungen und ihren Beziehungen zu anderen Rollen."""
    return _detail(tenant(request), path_object(request, "role_id"))


def _detail(ctx: TenantContext, role: Role) -> Role:
    kommune = ctx.kommune
    holders = list(selectors.role_holders(kommune, role))
    role.holders = holders  # type: ignore[attr-defined]
    role.holder_count = len(holders)  # type: ignore[attr-defined]
    role.relations = list(  # type: ignore[attr-defined]
        selectors.relations(kommune).filter(Q(from_role=role) | Q(to_role=role)).order_by("id")
    )
    return role


@router.post(
    BASE + "/rollen",
    response={201: RoleDetailOut, **WRITE_ERRORS},
    summary="Eigene Rolle anlegen",
    url_name="role_create",
)
def role_create(request: HttpRequest, kommune_slug: str, payload: RoleCreate) -> Status[Role]:
    """Eine Rolle, die es im Katalog nicht gibt (Belegstärke „eigene Festlegung“). Mit `markers` zählt sie
    für die Rollen-Checks z. B. als CDO (`["cdo"]`)."""
    ctx = tenant(request)
    access.require_model_editor(ctx)
    data = payload.model_dump(exclude_none=True)
    with api_change(request):
        role = services.role_create(kommune=ctx.kommune, actor=ctx.user, data=data)
    return Status(201, _detail(ctx, _with_catalogue(selectors.roles(ctx.kommune)).get(pk=role.pk)))


@router.patch(
    BASE + "/rollen/{role_id}",
    response={200: RoleDetailOut, **WRITE_ERRORS},
    summary="Rolle ändern",
    url_name="role_update",
)
def role_update(request: HttpRequest, kommune_slug: str, role_id: int, payload: RolePatch) -> Role:
    """Ändert nur die gesendeten Felder (Texte anpassen, `markers` für die Rollen-Checks, bewusst nicht besetzen
    mit Begründung, deaktivieren). `version` muss die zuletzt gelesene sein, sonst 409."""
    ctx = tenant(request)
    with api_change(request):
        role = services.role_update(
            kommune=ctx.kommune,
            actor=ctx.user,
            role=path_object(request, "role_id"),
            data=payload.changes(),
            expected_version=payload.version,
        )
    return _detail(ctx, _with_catalogue(selectors.roles(ctx.kommune)).get(pk=role.pk))
