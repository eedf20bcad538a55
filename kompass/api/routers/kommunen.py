"""The caller's Kommunen."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from kompass.api.gate import tenant, token_kommune_id
from kompass.api.schemas import KommuneOut
from kompass.tenancy.context import memberships_of
from kompass.tenancy.models import Kommune

router = Router(tags=["Kommunen"])


def _kommune(kommune: Kommune, role: str, scope_unit_id: int | None) -> dict[str, Any]:
    return {
        "slug": kommune.slug,
        "name": kommune.name,
        "kommune_type": kommune.kommune_type,
        "bundesland": kommune.bundesland,
        "population": kommune.population,
        "ags": kommune.ags,
        "role": role,
        "scope_unit_id": scope_unit_id,
        "suspended": kommune.suspended_at is not None,
    }


@router.get("/kommunen", response=list[KommuneOut], summary="Ihre Kommunen")
def kommune_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Die Kommunen, in denen Sie Mitglied sind, mit Ihrer Rolle; eine gesperrte Kommune steht mit
    `suspended: true` in der Liste, ihre Daten antworten bis zur Freigabe mit 403."""
    only = token_kommune_id(request)  # an API token sees only the Kommune it is made for
    return [
        _kommune(m.kommune, m.role, m.scope_unit_id)
        for m in memberships_of(request.user)
        if only is None or m.kommune_id == only
    ]


@router.get("/kommunen/{kommune_slug}", response=KommuneOut, summary="Eine Kommune")
def kommune_detail(request: HttpRequest, kommune_slug: str) -> dict[str, Any]:
    """Stammdaten einer Kommune, in der Sie Mitglied sind, und Ihre Rolle dort."""
    ctx = tenant(request)
    return _kommune(ctx.kommune, ctx.role, ctx.scope_unit.pk if ctx.scope_unit else None)
