"""Fetching org units and people for a user: 404 outside the Kommune, 403 without the right.

The one choke point for views and API alike. A Redaktion member limited to a subtree may
only change units and people inside it, and may only place things inside it.
"""

from __future__ import annotations

from django.db.models import QuerySet

from kompass.org.models import OrgUnit, Person
from kompass.tenancy.access import fetch
from kompass.tenancy.capabilities import Capability
from kompass.tenancy.context import TenantContext


def orgunit_for_view(ctx: TenantContext, pk: object, queryset: QuerySet[OrgUnit] | None = None) -> OrgUnit:
    return fetch(ctx, queryset if queryset is not None else OrgUnit.objects.select_related("parent", "head"), pk)


def orgunit_for_edit(ctx: TenantContext, pk: object) -> OrgUnit:
    unit = orgunit_for_view(ctx, pk)
    ctx.require(Capability.EDIT_ORG, unit)
    return unit


def require_place_unit(ctx: TenantContext, parent: OrgUnit | None) -> None:
    """May the member create or move a unit below `parent` (None: at the top level)?"""
    if parent is None:
        ctx.require(Capability.EDIT_ORG if ctx.scope_unit is None else Capability.MANAGE_KOMMUNE)
    else:
        ctx.require(Capability.EDIT_ORG, parent)


def person_for_view(ctx: TenantContext, pk: object) -> Person:
    return fetch(ctx, Person.objects.select_related("org_unit", "user"), pk)


def person_for_edit(ctx: TenantContext, pk: object) -> Person:
    person = person_for_view(ctx, pk)
    require_place_person(ctx, person.org_unit)
    return person


def require_place_person(ctx: TenantContext, unit: OrgUnit | None) -> None:
    if unit is None:
        ctx.require(Capability.EDIT_PEOPLE if ctx.scope_unit is None else Capability.MANAGE_KOMMUNE)
    else:
        ctx.require(Capability.EDIT_PEOPLE, unit)
