"""The responsibility (RACI) matrix: activities × active roles; part of the Kommune-wide role model."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from kompass.api.errors import InputError
from kompass.api.gate import tenant
from kompass.api.routers.common import api_change
from kompass.api.routers.roles.common import BASE, WRITE_ERRORS, active_role
from kompass.api.routers.roles.schemas import CellIn, CellOut, MatrixOut
from kompass.roles import access, selectors, services
from kompass.roles.models import ActivityTemplate

router = Router()


@router.get(BASE + "/matrix", response=MatrixOut, summary="Verantwortungsmatrix", url_name="matrix_detail")
def matrix_detail(request: HttpRequest, kommune_slug: str) -> dict[str, Any]:
    """Aktivitäten × aktive Rollen; nur gefüllte Zellen (R, A, C oder I) werden geliefert."""
    matrix = selectors.matrix(tenant(request).kommune)
    active = {role.pk for role in matrix.roles}
    return {
        "activities": matrix.activities,
        "roles": matrix.roles,
        "cells": [
            {"activity_id": activity_id, "role_id": role_id, "letter": letter}
            for (activity_id, role_id), letter in sorted(matrix.cells.items())
            if role_id in active
        ],
    }


@router.put(
    BASE + "/matrix/zellen",
    response={200: CellOut, **WRITE_ERRORS},
    summary="Eine Matrixzelle setzen",
    url_name="matrix_cell_set",
)
def matrix_cell_set(request: HttpRequest, kommune_slug: str, payload: CellIn) -> dict[str, Any]:
    """Setzt eine Zelle auf R, A, C, I oder leert sie (null). `expected` ist der Buchstabe, den Sie gelesen
    haben; steht inzwischen etwas anderes in der Zelle, wird nichts überschrieben (409). Ein zweites A in
    einer Zeile wird mit Erklärung abgelehnt (422): genau eine Rolle ist verantwortlich."""
    ctx = tenant(request)
    access.require_model_editor(ctx)
    activity = ActivityTemplate.objects.filter(pk=payload.activity_id).first()  # global catalogue
    if activity is None:
        raise InputError("body", "activity_id", _("Diese Aktivität gibt es nicht."))
    role = active_role(ctx, payload.role_id)
    with api_change(request):
        cell = services.raci_set(
            kommune=ctx.kommune,
            actor=ctx.user,
            activity=activity,
            role=role,
            letter=payload.letter,
            expected=payload.expected,
        )
    return {"activity_id": activity.pk, "role_id": role.pk, "letter": cell.letter if cell is not None else None}
