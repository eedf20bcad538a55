"""What the role-model sub-routers share: the path prefix, the write answers, role references."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from kompass.api.errors import InputError
from kompass.api.schemas import ErrorOut, ValidationErrorOut
from kompass.roles import access
from kompass.roles.models import Role
from kompass.tenancy.context import TenantContext

BASE = "/kommunen/{kommune_slug}"
WRITE_ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut}


def role_ref(ctx: TenantContext, pk: int | None, field: str, where: str = "body") -> Role | None:
    """A role the request names by id, looked up only inside the acting Kommune (docs/security.md T2)."""
    if pk is None:
        return None
    try:
        return access.role_for_view(ctx, pk)
    except Http404:
        raise InputError(where, field, _("Diese Rolle gibt es in dieser Kommune nicht.")) from None


def active_role(ctx: TenantContext, pk: int, field: str = "role_id") -> Role:
    """A role of the Kommune that still takes assignments and matrix letters (422 if inactive)."""
    role = role_ref(ctx, pk, field)
    assert role is not None
    if not role.is_active:
        raise InputError("body", field, _("Die Rolle „%(name)s“ ist inaktiv.") % {"name": role.name})
    return role
