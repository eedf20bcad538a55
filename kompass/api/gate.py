"""The gate of every API route inside a Kommune: the Kommune, the objects in the URL, the right to write.

It runs right after authentication and before Ninja reads the request body, so the order of
answers is fixed for every route (docs/security.md T1, T6): a caller who is not a member of the
Kommune, or who names another Kommune's object, gets 404 whatever the body says; a member
without the right to change that object gets 403; only then is the body validated (422).
Views take what the gate resolved from the request: `tenant(request)`, `path_object(request, …)`.

Objects are fetched only through `kompass.org.access`, `kompass.roles.access`,
`kompass.framework.access`, `kompass.assessment.access` and `kompass.agenda.access`, the choke
points shared with the UI (what hangs on an agenda version or measure through
`agenda_objects`, with the agenda's rights).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from kompass.accounts.models import ApiToken, TokenScope
from kompass.agenda import access as agenda_access
from kompass.api import agenda_objects
from kompass.assessment import access as assessment_access
from kompass.core.security_log import security_event
from kompass.framework import access as framework_access
from kompass.org import access
from kompass.roles import access as role_access
from kompass.roles.models import Catalogue
from kompass.tenancy.capabilities import ROLE_CAPABILITIES, Capability
from kompass.tenancy.context import TenantContext, resolve_tenant

KOMMUNE_PARAM = "kommune_slug"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Anything else cannot name a Kommune or a row; checked before it reaches the database (an id
# beyond 64 bits would overflow the column type instead of answering 404).
_SLUG = re.compile(r"^[a-z0-9-]{1,50}$")
_ID = re.compile(r"^[0-9]{1,18}$")

Fetch = Callable[[TenantContext, object], Any]


def catalogue_for_view(ctx: TenantContext, pk: object) -> Catalogue:
    """A shipped role catalogue: global data of no Kommune, read-only, the same for every member."""
    catalogue = Catalogue.objects.filter(pk=pk).first() if isinstance(pk, int) else None
    if catalogue is None:
        raise Http404
    return catalogue


# URL parameter → (fetch for reading, fetch for changing). Every object parameter of an API
# route must be listed here; `kompass.api.routes.api_route_patterns` checks that.
PATH_OBJECTS: dict[str, tuple[Fetch, Fetch]] = {
    "unit_id": (access.orgunit_for_view, access.orgunit_for_edit),
    "person_id": (access.person_for_view, access.person_for_edit),
    "role_id": (role_access.role_for_view, role_access.role_for_edit),
    "assignment_id": (role_access.assignment_for_view, role_access.assignment_for_edit),
    "catalogue_id": (catalogue_for_view, catalogue_for_view),
    "field_id": (framework_access.field_for_view, framework_access.field_for_edit),
    "criterion_id": (framework_access.criterion_for_view, framework_access.criterion_for_edit),
    "campaign_id": (assessment_access.campaign_for_view, assessment_access.campaign_for_manage),
    "agenda_version_id": (agenda_access.version_for_view, agenda_access.version_for_edit),
    "goal_id": (agenda_access.goal_for_view, agenda_access.goal_for_edit),
    "measure_id": (agenda_access.measure_for_view, agenda_access.measure_for_edit),
    "kpi_id": (agenda_access.kpi_for_view, agenda_access.kpi_for_edit),
    "decision_id": (agenda_access.decision_for_view, agenda_access.decision_for_edit),
    "leitsatz_id": (agenda_objects.leitsatz_for_view, agenda_access.leitsatz_for_edit),
    "handlungsfeld_id": (agenda_access.handlungsfeld_for_view, agenda_access.handlungsfeld_for_edit),
    **agenda_objects.MEASURE_CHILDREN,
}


def admit(request: HttpRequest, user: Any, token: ApiToken | None = None) -> None:
    """Resolve the Kommune and the URL's objects for `user`, or raise 404/403.

    A request with an API token stays in the token's Kommune: another Kommune's address answers 404,
    as for anyone who is not a member there, so the answer does not tell whether it exists; a token
    that may only read gets 403 for every change (docs/security.md A4).
    """
    request.api_token = token  # type: ignore[attr-defined]
    match = request.resolver_match
    kwargs = match.kwargs if match is not None else {}
    writing = request.method not in SAFE_METHODS
    if KOMMUNE_PARAM not in kwargs:
        _check_scope(token, writing)
        return
    if token is not None and kwargs[KOMMUNE_PARAM] != token.kommune.slug:  # type: ignore[union-attr]
        security_event(
            "cross_tenant_denied",
            outcome="not_found",
            level=logging.WARNING,
            kommune_id=token.kommune_id,
            user_id=getattr(user, "pk", None),
            via="api_token",
        )
        raise Http404
    ctx = _tenant_for(user, kwargs[KOMMUNE_PARAM])
    objects = {name: _fetch(ctx, name, kwargs[name], writing) for name in PATH_OBJECTS if name in kwargs}
    _check_scope(token, writing)
    if writing and not may_change_anything(ctx):
        raise PermissionDenied(_("Mit der Rolle „%(role)s“ können Sie nichts ändern.") % {"role": ctx.role_label})
    request.tenant = ctx  # type: ignore[attr-defined]
    request.api_objects = objects  # type: ignore[attr-defined]


def _check_scope(token: ApiToken | None, writing: bool) -> None:
    if writing and token is not None and token.scope != TokenScope.WRITE:
        raise PermissionDenied(
            _(
                "Dieses API-Token darf nur lesen. Für Änderungen erzeugen Sie ein Token mit der Berechtigung "
                "„Lesen und ändern“."
            )
        )


def token_kommune_id(request: HttpRequest) -> int | None:
    """The Kommune the caller's API token is limited to; None for a browser session."""
    token = getattr(request, "api_token", None)
    return token.kommune_id if token is not None else None


def _tenant_for(user: Any, slug: str) -> TenantContext:
    if not _SLUG.match(slug):
        raise Http404
    return resolve_tenant(user, slug)


def _fetch(ctx: TenantContext, name: str, raw: str, writing: bool) -> Any:
    if not _ID.match(raw):
        raise Http404
    for_view, for_edit = PATH_OBJECTS[name]
    return (for_edit if writing else for_view)(ctx, int(raw))


def may_change_anything(ctx: TenantContext) -> bool:
    """Does the member's role hold any capability beyond reading (the Lesend role does not)?"""
    return bool(ROLE_CAPABILITIES.get(ctx.role, frozenset()) - {Capability.VIEW})


def tenant(request: HttpRequest) -> TenantContext:
    return request.tenant  # type: ignore[attr-defined,no-any-return]


def path_object(request: HttpRequest, name: str) -> Any:
    return request.api_objects[name]  # type: ignore[attr-defined]
