"""Small helpers shared by the routers: change source, references inside the Kommune, pages."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from kompass.api.errors import InputError
from kompass.audit.context import change_context
from kompass.org import access
from kompass.org.models import OrgUnit, Person
from kompass.tenancy.context import TenantContext


@contextlib.contextmanager
def api_change(request: HttpRequest) -> Iterator[None]:
    """Mark the changes of this call as coming from the API, with the request's id (audit L1)."""
    with change_context("api", getattr(request, "request_id", None)):
        yield


def unit_ref(ctx: TenantContext, pk: int | None, field: str, where: str = "body") -> OrgUnit | None:
    """The org unit a request names by id, looked up only inside the acting Kommune (docs/security.md T2)."""
    if pk is None:
        return None
    try:
        return access.orgunit_for_view(ctx, pk)
    except Http404:
        raise InputError(where, field, _("Diese Organisationseinheit gibt es in dieser Kommune nicht.")) from None


def person_ref(ctx: TenantContext, pk: int | None, field: str, where: str = "body") -> Person | None:
    """The person a request names by id, looked up only inside the acting Kommune (docs/security.md T2)."""
    if pk is None:
        return None
    try:
        return access.person_for_view(ctx, pk)
    except Http404:
        raise InputError(where, field, _("Diese Person gibt es in dieser Kommune nicht.")) from None


def page(queryset: QuerySet[Any], limit: int, offset: int) -> dict[str, Any]:
    """The `{"count", "limit", "offset", "items"}` envelope of every list."""
    return {
        "count": queryset.count(),
        "limit": limit,
        "offset": offset,
        "items": list(queryset[offset : offset + limit]),
    }
