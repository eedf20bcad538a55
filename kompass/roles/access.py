"""Who may read and change the role model: the one choke point for views, API and exports.

The role model (roles, relations, catalogue adoption and updates, the responsibility matrix) is
Kommune-wide: changed by whoever holds `Capability.EDIT_ROLE_MODEL`, which the capability map
gives to the Administration and to a Redaktion *without* a unit limit. Assignments belong to a
place in the Verwaltungsgliederung (the assignment's unit, else the person's unit): changed by
whoever holds `Capability.EDIT_ASSIGNMENTS` there, so a Redaktion member limited to a subtree
maintains the assignments inside it (a Lotsin keeps her Fachbereich up to date), the
Administration all of them. Everyone who is a member reads. Objects of another Kommune are not
found (404), never forbidden (403).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from kompass.org.models import OrgUnit, Person
from kompass.roles.models import Assignment, Role, RoleRelation
from kompass.tenancy.access import fetch
from kompass.tenancy.capabilities import Capability
from kompass.tenancy.context import TenantContext


def can_edit_model(ctx: TenantContext) -> bool:
    """May the member change the Kommune-wide role model (Administration, unlimited Redaktion)?"""
    # SECURITY: the role model has no place in the tree; EDIT_ROLE_MODEL is in KOMMUNE_WIDE, so a
    # subtree-limited Redaktion never gets it (asked without a unit, `can` refuses every limited member).
    return ctx.can(Capability.EDIT_ROLE_MODEL)


def require_model_editor(ctx: TenantContext) -> None:
    if not can_edit_model(ctx):
        raise PermissionDenied(
            _("Das Rollenmodell der Kommune dürfen nur Administration und Redaktion ohne Beschränkung ändern.")
        )


def role_for_view(ctx: TenantContext, pk: object) -> Role:
    return fetch(ctx, Role.objects.select_related("catalogue_role__catalogue"), pk)


def role_for_edit(ctx: TenantContext, pk: object) -> Role:
    role = role_for_view(ctx, pk)
    require_model_editor(ctx)
    return role


def relation_for_edit(ctx: TenantContext, pk: object) -> RoleRelation:
    relation = fetch(ctx, RoleRelation.objects.select_related("from_role", "to_role"), pk)
    require_model_editor(ctx)
    return relation


def assignment_place(person: Person | None, org_unit: OrgUnit | None) -> OrgUnit | None:
    """Where an assignment sits in the tree: its own unit, else the unit of the person."""
    if org_unit is not None:
        return org_unit
    return person.org_unit if person is not None else None


def can_edit_assignment_at(ctx: TenantContext, person: Person | None, org_unit: OrgUnit | None) -> bool:
    unit = assignment_place(person, org_unit)
    if unit is None:
        # Without a place only members without a unit limit may decide.
        return ctx.scope_unit is None and ctx.can(Capability.EDIT_ASSIGNMENTS)
    return ctx.can(Capability.EDIT_ASSIGNMENTS, unit)


def can_edit_assignment(ctx: TenantContext, assignment: Assignment) -> bool:
    return can_edit_assignment_at(ctx, assignment.person, assignment.org_unit)


def require_assignment_place(ctx: TenantContext, person: Person | None, org_unit: OrgUnit | None) -> None:
    """May the member create or keep an assignment for `person` at `org_unit` (None: the person's unit)?"""
    if not can_edit_assignment_at(ctx, person, org_unit):
        raise PermissionDenied(_("Zuordnungen außerhalb Ihres Bereichs dürfen Sie nicht ändern."))


def can_add_assignments(ctx: TenantContext) -> bool:
    """May the member open the form for a new assignment (somewhere in her area)?"""
    return ctx.can(Capability.EDIT_ASSIGNMENTS, ctx.scope_unit)


def require_assignment_editor(ctx: TenantContext) -> None:
    ctx.require(Capability.EDIT_ASSIGNMENTS, ctx.scope_unit)


def assignment_for_view(ctx: TenantContext, pk: object) -> Assignment:
    return fetch(
        ctx,
        Assignment.objects.select_related("person", "person__org_unit", "role", "org_unit", "deputy", "approved_by"),
        pk,
    )


def assignment_for_edit(ctx: TenantContext, pk: object) -> Assignment:
    assignment = assignment_for_view(ctx, pk)
    require_assignment_place(ctx, assignment.person, assignment.org_unit)
    return assignment


def unit_for_view(ctx: TenantContext, pk: object) -> OrgUnit:
    return fetch(ctx, OrgUnit.objects.all(), pk)
