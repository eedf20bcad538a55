"""The role model's permission choke point (`kompass.roles.access`) for every persona."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from kompass.factories import UserFactory, person
from kompass.roles import access, services
from kompass.roles.models import RoleRelation
from kompass.roles.tests.conftest import Model
from kompass.tenancy.capabilities import ROLE_CAPABILITIES, Capability, role_allows
from kompass.tenancy.context import TenantContext, resolve_tenant
from kompass.tenancy.models import Membership
from kompass.tenancy.models import Role as MemberRole


def ctx_of(user: Any, slug: str = "teststadt") -> TenantContext:
    return resolve_tenant(user, slug)


@pytest.fixture
def other_role(adopted: Model) -> Any:
    """A role of Nachbarort (its own model, own role)."""
    return services.role_create(kommune=adopted.world.other, actor=None, data={"name": "GEHEIM-Rolle"})


def test_members_read_roles_of_their_kommune(adopted: Model) -> None:
    w = adopted.world
    for user in (w.admin, w.editor, w.reader):
        assert access.role_for_view(ctx_of(user), adopted.roles["cdo"].pk) == adopted.roles["cdo"]


def test_a_role_of_another_kommune_is_not_found(adopted: Model, other_role: Any) -> None:
    with pytest.raises(Http404):
        access.role_for_view(ctx_of(adopted.world.admin), other_role.pk)
    with pytest.raises(Http404):
        access.role_for_edit(ctx_of(adopted.world.admin), other_role.pk)


def test_malformed_ids_are_not_found(adopted: Model) -> None:
    with pytest.raises(Http404):
        access.role_for_view(ctx_of(adopted.world.admin), "abc")


def test_only_administration_and_unlimited_redaktion_edit_the_role_model(adopted: Model) -> None:
    w = adopted.world
    pk = adopted.roles["cdo"].pk
    assert access.role_for_edit(ctx_of(w.admin), pk).pk == pk
    for user in (w.reader, w.editor):  # the editor is limited to 32 Ordnungsamt
        with pytest.raises(PermissionDenied):
            access.role_for_edit(ctx_of(user), pk)
        assert access.can_edit_model(ctx_of(user)) is False
    unlimited = UserFactory(username="redaktion")
    Membership.objects.create(kommune=w.kommune, user=unlimited, role="editor")
    access.require_model_editor(ctx_of(unlimited))
    assert access.can_edit_model(ctx_of(unlimited)) is True


def test_relations_are_fetched_inside_the_kommune_and_edited_by_model_editors(adopted: Model, other_role: Any) -> None:
    w = adopted.world
    relation = RoleRelation.objects.for_kommune(w.kommune).first()
    assert access.relation_for_edit(ctx_of(w.admin), relation.pk) == relation
    with pytest.raises(PermissionDenied):
        access.relation_for_edit(ctx_of(w.reader), relation.pk)
    foreign = services.relation_create(
        kommune=w.other,
        actor=None,
        data={
            "from_role": other_role,
            "to_role": services.role_create(kommune=w.other, actor=None, data={"name": "Zweite"}),
            "relation_type": "beraet",
        },
    )
    with pytest.raises(Http404):
        access.relation_for_edit(ctx_of(w.admin), foreign.pk)


def test_assignment_place_is_its_unit_else_the_persons_unit(adopted: Model) -> None:
    w = adopted.world
    assert access.assignment_place(w.bruno, None) == w.sachgebiet
    assert access.assignment_place(w.bruno, w.hauptamt) == w.hauptamt
    assert access.assignment_place(None, None) is None


def test_limited_editor_edits_assignments_inside_her_subtree_only(adopted: Model) -> None:
    w = adopted.world
    ctx = ctx_of(w.editor)
    inside_by_person = adopted.assign(w.bruno, "lotse", 10)  # Bruno: 32.1, inside 32
    inside_by_unit = adopted.assign(w.alice, "lotse", 10, org_unit=w.ordnungsamt)
    outside_by_unit = adopted.assign(w.bruno, "lotse", 10, org_unit=w.hauptamt)
    outside_by_person = adopted.assign(w.alice, "cdo", 10)
    assert access.assignment_for_edit(ctx, inside_by_person.pk) == inside_by_person
    assert access.assignment_for_edit(ctx, inside_by_unit.pk) == inside_by_unit
    for a in (outside_by_unit, outside_by_person):
        with pytest.raises(PermissionDenied):
            access.assignment_for_edit(ctx, a.pk)
        assert access.can_edit_assignment(ctx, a) is False
        assert access.assignment_for_view(ctx, a.pk) == a


def test_readers_edit_no_assignment_and_admins_every_one(adopted: Model) -> None:
    w = adopted.world
    a = adopted.assign(w.bruno, "lotse", 10)
    with pytest.raises(PermissionDenied):
        access.assignment_for_edit(ctx_of(w.reader), a.pk)
    with pytest.raises(PermissionDenied):
        access.require_assignment_editor(ctx_of(w.reader))
    assert access.assignment_for_edit(ctx_of(w.admin), a.pk) == a
    access.require_assignment_editor(ctx_of(w.editor))  # may open the form for her area
    assert access.can_add_assignments(ctx_of(w.reader)) is False


def test_a_person_without_unit_is_placed_only_by_unlimited_members(adopted: Model) -> None:
    w = adopted.world
    floating = person(w.kommune, "Frei", "Schwebend")
    with pytest.raises(PermissionDenied):
        access.require_assignment_place(ctx_of(w.editor), floating, None)
    access.require_assignment_place(ctx_of(w.editor), floating, w.sachgebiet)
    access.require_assignment_place(ctx_of(w.admin), floating, None)


def test_an_assignment_of_another_kommune_is_not_found(adopted: Model, other_role: Any) -> None:
    w = adopted.world
    foreign = services.assignment_create(
        kommune=w.other,
        actor=None,
        data={"person": w.other_person, "role": other_role, "time_share": 10, "valid_from": datetime.date(2025, 1, 1)},
    )
    with pytest.raises(Http404):
        access.assignment_for_view(ctx_of(w.admin), foreign.pk)
    with pytest.raises(Http404):
        access.unit_for_view(ctx_of(w.admin), w.other_unit.pk)


# --- the role model's own capabilities -------------------------------------------------------------


@pytest.mark.parametrize("member_role", list(MemberRole))
@pytest.mark.parametrize("scope", [None, "0001"])
@pytest.mark.parametrize("target", [None, "0001", "00010002", "0002"])
def test_role_model_and_assignment_rights_are_what_edit_org_and_edit_people_allowed(
    member_role: str, scope: str | None, target: str | None
) -> None:
    """EDIT_ROLE_MODEL and EDIT_ASSIGNMENTS replaced EDIT_ORG (unlimited) and EDIT_PEOPLE with the same outcome."""
    edit_org_unlimited = scope is None and role_allows(
        member_role, Capability.EDIT_ORG, scope_path=None, target_path=None
    )
    assert (
        role_allows(member_role, Capability.EDIT_ROLE_MODEL, scope_path=scope, target_path=None) is edit_org_unlimited
    )
    assert role_allows(member_role, Capability.EDIT_ASSIGNMENTS, scope_path=scope, target_path=target) is role_allows(
        member_role, Capability.EDIT_PEOPLE, scope_path=scope, target_path=target
    )


def test_a_limited_redaktion_holds_the_assignment_right_in_her_subtree_but_never_the_role_model(
    adopted: Model,
) -> None:
    w = adopted.world
    ctx = ctx_of(w.editor)  # limited to 32 Ordnungsamt
    assert ctx.can(Capability.EDIT_ASSIGNMENTS, w.ordnungsamt) is True
    assert ctx.can(Capability.EDIT_ASSIGNMENTS, w.hauptamt) is False
    assert ctx.can(Capability.EDIT_ROLE_MODEL) is False
    assert ctx.can(Capability.EDIT_ROLE_MODEL, w.ordnungsamt) is False
    assert {"edit_role_model", "edit_assignments"} <= ctx_of(w.admin).capabilities


def _without(monkeypatch: pytest.MonkeyPatch, member_role: str, capability: Capability) -> None:
    monkeypatch.setitem(ROLE_CAPABILITIES, member_role, ROLE_CAPABILITIES[member_role] - {capability})


def _reader_with(monkeypatch: pytest.MonkeyPatch, capability: Capability) -> None:
    monkeypatch.setitem(ROLE_CAPABILITIES, MemberRole.READER, frozenset({Capability.VIEW, capability}))


def test_a_redaktion_with_edit_org_but_without_edit_role_model_cannot_change_the_role_model(
    adopted: Model, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = adopted.world
    unlimited = UserFactory(username="redaktion")
    Membership.objects.create(kommune=w.kommune, user=unlimited, role="editor")
    _without(monkeypatch, MemberRole.EDITOR, Capability.EDIT_ROLE_MODEL)
    ctx = ctx_of(unlimited)
    assert ctx.can(Capability.EDIT_ORG) is True
    assert access.can_edit_model(ctx) is False
    with pytest.raises(PermissionDenied):
        access.role_for_edit(ctx, adopted.roles["cdo"].pk)
    with pytest.raises(PermissionDenied):
        access.relation_for_edit(ctx, RoleRelation.objects.for_kommune(w.kommune).first().pk)


def test_a_member_with_only_edit_role_model_changes_the_role_model(
    adopted: Model, monkeypatch: pytest.MonkeyPatch
) -> None:
    _reader_with(monkeypatch, Capability.EDIT_ROLE_MODEL)
    ctx = ctx_of(adopted.world.reader)
    assert ctx.can(Capability.EDIT_ORG) is False
    assert access.can_edit_model(ctx) is True
    assert access.role_for_edit(ctx, adopted.roles["cdo"].pk) == adopted.roles["cdo"]
    with pytest.raises(PermissionDenied):  # the role model's right is not the assignments' right
        access.require_assignment_editor(ctx)


def test_a_redaktion_with_edit_people_but_without_edit_assignments_changes_no_assignment(
    adopted: Model, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = adopted.world
    inside = adopted.assign(w.bruno, "lotse", 10)  # Bruno: 32.1, inside the editor's 32
    _without(monkeypatch, MemberRole.EDITOR, Capability.EDIT_ASSIGNMENTS)
    ctx = ctx_of(w.editor)
    assert ctx.can(Capability.EDIT_PEOPLE, w.sachgebiet) is True
    assert access.can_add_assignments(ctx) is False
    assert access.can_edit_assignment(ctx, inside) is False
    with pytest.raises(PermissionDenied):
        access.assignment_for_edit(ctx, inside.pk)
    with pytest.raises(PermissionDenied):
        access.require_assignment_editor(ctx)


def test_a_member_with_only_edit_assignments_maintains_assignments(
    adopted: Model, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = adopted.world
    a = adopted.assign(w.bruno, "lotse", 10)
    _reader_with(monkeypatch, Capability.EDIT_ASSIGNMENTS)
    ctx = ctx_of(w.reader)
    assert ctx.can(Capability.EDIT_PEOPLE, w.sachgebiet) is False
    assert access.assignment_for_edit(ctx, a.pk) == a
    access.require_assignment_place(ctx, person(w.kommune, "Frei", "Schwebend"), None)
    assert access.can_edit_model(ctx) is False
