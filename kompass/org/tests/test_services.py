"""Rules of the Verwaltungsgliederung as the services enforce them: tree, uniqueness, audit.

The tree is a materialised path of primary keys. Whatever sequence of moves is requested,
every path must equal the parent's path plus the unit's own id, every depth the parent's
depth plus one, no unit may end up below itself, and a subtree query must return exactly
the units found by walking up the parents (property test with Hypothesis).
"""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kompass.accounts.models import User
from kompass.audit.models import AppendOnlyError, AuditAction, AuditEntry
from kompass.audit.presentation import present_entries
from kompass.audit.selectors import entry_changes
from kompass.conftest import World
from kompass.core.exceptions import ConflictError
from kompass.factories import UserFactory, orgunit, person
from kompass.org import selectors, services
from kompass.org.models import MAX_TREE_DEPTH, OrgUnit, OrgUnitType, Person

pytestmark = pytest.mark.django_db


def fresh(unit: OrgUnit) -> OrgUnit:
    return OrgUnit.objects.for_kommune(unit.kommune_id).get(pk=unit.pk)


def tree_state(kommune: Any) -> dict[int, tuple[int | None, str, int]]:
    return {u.pk: (u.parent_id, u.path, u.depth) for u in OrgUnit.objects.for_kommune(kommune)}


def assert_tree_invariants(kommune: Any) -> None:
    units = {u.pk: u for u in OrgUnit.objects.for_kommune(kommune)}
    for unit in units.values():
        parent = units.get(unit.parent_id) if unit.parent_id else None
        assert unit.path == f"{parent.path if parent else ''}{unit.pk}/", unit
        assert unit.depth == (parent.depth + 1 if parent else 0), unit
        seen, current = set(), unit
        while current.parent_id is not None:  # walking up ends at a root: no cycles
            assert current.pk not in seen, f"cycle through {unit}"
            seen.add(current.pk)
            current = units[current.parent_id]
    for unit in units.values():
        walked = {u.pk for u in units.values() if _has_ancestor(units, u, unit.pk)}
        assert set(selectors.subtree(kommune, unit).values_list("pk", flat=True)) == walked


def _has_ancestor(units: dict[int, OrgUnit], unit: OrgUnit, ancestor_pk: int) -> bool:
    current: OrgUnit | None = unit
    while current is not None:
        if current.pk == ancestor_pk:
            return True
        current = units.get(current.parent_id) if current.parent_id else None
    return False


# --- creating and moving -----------------------------------------------------------------------


def test_a_new_unit_gets_its_parents_path_plus_its_own_id(world: World) -> None:
    unit = orgunit(world.kommune, "32.2", "Verkehr", OrgUnitType.SACHGEBIET, world.ordnungsamt)
    assert unit.path == f"{world.ordnungsamt.path}{unit.pk}/"
    assert unit.depth == world.ordnungsamt.depth + 1 == 3
    assert_tree_invariants(world.kommune)


def test_moving_a_unit_moves_its_whole_subtree(world: World) -> None:
    services.orgunit_move(kommune=world.kommune, actor=world.admin, unit=world.ordnungsamt, new_parent=world.root)
    ordnungsamt, sachgebiet = fresh(world.ordnungsamt), fresh(world.sachgebiet)
    assert ordnungsamt.path == f"{world.root.path}{ordnungsamt.pk}/" and ordnungsamt.depth == 1
    assert sachgebiet.path == f"{ordnungsamt.path}{sachgebiet.pk}/" and sachgebiet.depth == 2
    assert_tree_invariants(world.kommune)


def test_a_unit_can_be_moved_to_the_top_level(world: World) -> None:
    services.orgunit_move(kommune=world.kommune, actor=world.admin, unit=world.ordnungsamt, new_parent=None)
    assert fresh(world.ordnungsamt).path == f"{world.ordnungsamt.pk}/"
    assert fresh(world.sachgebiet).depth == 1
    assert_tree_invariants(world.kommune)


@pytest.mark.parametrize("target", ["itself", "its child", "its grandchild"])
def test_a_unit_cannot_be_moved_below_itself(world: World, target: str) -> None:
    enkel = orgunit(world.kommune, "32.1.1", "Gaststätten", OrgUnitType.SACHGEBIET, world.sachgebiet)
    new_parent = {"itself": world.ordnungsamt, "its child": world.sachgebiet, "its grandchild": enkel}[target]
    before = tree_state(world.kommune)
    with pytest.raises(ValidationError) as exc:
        services.orgunit_move(kommune=world.kommune, actor=world.admin, unit=world.ordnungsamt, new_parent=new_parent)
    assert "unter sich selbst" in exc.value.message_dict["parent"][0]
    assert tree_state(world.kommune) == before


def _chain(world: World, length: int) -> list[OrgUnit]:
    units, parent = [], None
    for i in range(length):
        parent = orgunit(world.kommune, f"K{i}", f"Ebene {i}", OrgUnitType.ABTEILUNG, parent)
        units.append(parent)
    return units


def test_the_tree_is_at_most_max_depth_levels_deep(world: World) -> None:
    chain = _chain(world, MAX_TREE_DEPTH)
    assert chain[-1].depth == MAX_TREE_DEPTH - 1
    with pytest.raises(ValidationError) as exc:
        orgunit(world.kommune, "ZU-TIEF", "Zu tief", OrgUnitType.SACHGEBIET, chain[-1])
    assert "höchstens" in exc.value.message_dict["parent"][0]
    assert not OrgUnit.objects.for_kommune(world.kommune).filter(code="ZU-TIEF").exists()


def test_moving_a_subtree_that_would_become_too_deep_is_refused(world: World) -> None:
    chain = _chain(world, MAX_TREE_DEPTH - 1)
    before = tree_state(world.kommune)
    # Ordnungsamt has one level below it: under the deepest unit, 32.1 would be level MAX + 1.
    with pytest.raises(ValidationError):
        services.orgunit_move(kommune=world.kommune, actor=world.admin, unit=world.ordnungsamt, new_parent=chain[-1])
    assert tree_state(world.kommune) == before


def test_a_unit_cannot_be_moved_below_another_kommunes_unit(world: World) -> None:
    before = tree_state(world.kommune)
    with pytest.raises(ValidationError) as exc:
        services.orgunit_move(
            kommune=world.kommune, actor=world.admin, unit=world.hauptamt, new_parent=world.other_unit
        )
    assert "nicht zu dieser Kommune" in exc.value.message_dict["parent"][0]
    assert tree_state(world.kommune) == before


def test_a_move_with_a_stale_version_is_a_conflict(world: World) -> None:
    services.orgunit_update(
        kommune=world.kommune, actor=world.admin, unit=world.hauptamt, data={"name": "Haupt- und Personalamt"}
    )
    with pytest.raises(ConflictError):
        services.orgunit_move(
            kommune=world.kommune, actor=world.admin, unit=world.hauptamt, new_parent=world.root, expected_version=1
        )
    assert fresh(world.hauptamt).parent_id == world.dezernat.pk


def test_a_move_that_fails_half_way_changes_nothing(world: World) -> None:
    """R5: the subtree update and the audit entry are one transaction."""
    before, audit = tree_state(world.kommune), AuditEntry.objects.for_kommune(world.kommune).count()
    with (
        mock.patch("kompass.audit.services.audit_record", side_effect=RuntimeError("Ausfall")),
        pytest.raises(RuntimeError),
    ):
        services.orgunit_move(kommune=world.kommune, actor=world.admin, unit=world.ordnungsamt, new_parent=world.root)
    assert tree_state(world.kommune) == before
    assert AuditEntry.objects.for_kommune(world.kommune).count() == audit


def test_a_move_uses_the_parents_current_place_even_when_the_caller_holds_an_old_copy(world: World) -> None:
    stale_sachgebiet = fresh(world.sachgebiet)
    services.orgunit_move(kommune=world.kommune, actor=world.admin, unit=world.ordnungsamt, new_parent=world.root)
    services.orgunit_move(kommune=world.kommune, actor=world.admin, unit=world.hauptamt, new_parent=stale_sachgebiet)
    hauptamt = fresh(world.hauptamt)
    assert hauptamt.path == f"{fresh(world.sachgebiet).path}{hauptamt.pk}/"
    assert_tree_invariants(world.kommune)


# --- property: random sequences of moves keep the tree sound -------------------------------------

TREE_SIZE = 7
moves = st.lists(st.tuples(st.integers(0, TREE_SIZE - 1), st.integers(-1, TREE_SIZE - 1)), max_size=12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moves=moves)
def test_random_sequences_of_moves_keep_paths_depths_and_subtrees_sound(world: World, moves: list) -> None:
    with transaction.atomic():
        units = [orgunit(world.kommune, f"P{i}", f"Einheit {i}", OrgUnitType.ABTEILUNG) for i in range(TREE_SIZE)]
        model: dict[int, int | None] = dict.fromkeys(range(TREE_SIZE))  # index → parent index
        for child, parent in moves:
            expect_cycle = parent != -1 and _model_has_ancestor(model, parent, child)
            try:
                # The caller's copies are stale on purpose: earlier moves changed their paths.
                services.orgunit_move(
                    kommune=world.kommune,
                    actor=None,
                    unit=units[child],
                    new_parent=None if parent == -1 else units[parent],
                )
            except ValidationError:
                assert expect_cycle, f"move {child} → {parent} refused, model {model}"
                continue
            assert not expect_cycle, f"move {child} → {parent} allowed, model {model}"
            model[child] = None if parent == -1 else parent
        db_parents = {
            u.pk: u.parent_id for u in OrgUnit.objects.for_kommune(world.kommune).filter(code__startswith="P")
        }
        assert db_parents == {units[i].pk: (units[p].pk if p is not None else None) for i, p in model.items()}
        assert_tree_invariants(world.kommune)
        transaction.set_rollback(True)


def _model_has_ancestor(model: dict[int, int | None], node: int, ancestor: int) -> bool:
    current: int | None = node
    while current is not None:
        if current == ancestor:
            return True
        current = model[current]
    return False


# --- uniqueness and clean text -------------------------------------------------------------------


def test_a_code_is_unique_within_a_kommune(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        orgunit(world.kommune, "32", "Noch ein Ordnungsamt")
    assert "bereits vergeben" in exc.value.message_dict["code"][0]


def test_the_same_code_is_allowed_in_another_kommune(world: World) -> None:
    unit = orgunit(world.other, "32", "Ordnungsamt Nachbarort")
    assert unit.kommune_id == world.other.pk
    assert OrgUnit.objects.for_kommune(world.kommune).get(code="10").name == "Hauptamt"


def test_an_email_is_unique_within_a_kommune_whatever_its_case(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        person(world.kommune, "Alice", "Doppelt", email="ALICE.Amtsleiterin@Teststadt.example")
    assert "bereits einer anderen Person" in exc.value.message_dict["email"][0]


def test_emails_are_stored_in_lower_case_and_may_repeat_in_another_kommune(world: World) -> None:
    other = person(world.other, "Alice", "Anders", email="Alice.Amtsleiterin@Teststadt.EXAMPLE")
    assert other.email == "alice.amtsleiterin@teststadt.example" == world.alice.email


def test_nul_bytes_are_stripped_from_texts(world: World) -> None:
    unit = orgunit(world.kommune, "33\x00", "Bürger\x00amt ", OrgUnitType.AMT, world.dezernat)
    someone = person(world.kommune, "Ma\x00x", "Mus\x00ter", world.hauptamt, function_title="Sach\x00bearbeitung")
    assert (unit.code, unit.name) == ("33", "Bürgeramt")
    assert (someone.first_name, someone.last_name, someone.function_title) == ("Max", "Muster", "Sachbearbeitung")


def test_invalid_values_give_german_field_errors_and_create_nothing(world: World) -> None:
    count = OrgUnit.objects.for_kommune(world.kommune).count()
    with pytest.raises(ValidationError) as exc:
        services.orgunit_create(kommune=world.kommune, actor=None, data={"code": "", "name": "", "unit_type": "x"})
    errors = exc.value.message_dict
    assert errors["code"] == ["Bitte geben Sie eine Kennung an."]
    assert errors["name"] == ["Bitte geben Sie einen Namen an."]
    assert errors["unit_type"] == ["Unbekannter Typ der Organisationseinheit."]
    assert OrgUnit.objects.for_kommune(world.kommune).count() == count


# --- deleting ------------------------------------------------------------------------------------


def test_a_unit_with_sub_units_cannot_be_deleted(world: World) -> None:
    with pytest.raises(ValidationError, match="Untereinheiten"):
        services.orgunit_delete(kommune=world.kommune, actor=world.admin, unit=world.dezernat)
    assert OrgUnit.objects.for_kommune(world.kommune).filter(pk=world.dezernat.pk).exists()


def test_a_unit_with_people_cannot_be_deleted(world: World) -> None:
    with pytest.raises(ValidationError, match="Personen"):
        services.orgunit_delete(kommune=world.kommune, actor=world.admin, unit=world.sachgebiet)


def test_deleting_a_person_clears_the_units_they_led_with_audit(world: World) -> None:
    services.orgunit_update(kommune=world.kommune, actor=world.admin, unit=world.hauptamt, data={"head": world.alice})
    services.person_delete(kommune=world.kommune, actor=world.admin, person=world.alice)
    assert fresh(world.hauptamt).head_id is None
    entries = AuditEntry.objects.for_kommune(world.kommune)
    cleared = entries.get(
        object_type="orgunit",
        object_id=str(world.hauptamt.pk),
        action=AuditAction.UPDATE,
        changes__head=[world.alice.pk, None],
    )
    assert cleared.actor_id == world.admin.pk
    deleted = entries.get(object_type="person", object_id=str(world.alice.pk), action=AuditAction.DELETE)
    assert entry_changes(deleted)["last_name"] == ["Amtsleiterin", None]
    assert not Person.objects.for_kommune(world.kommune).filter(pk=world.alice.pk).exists()


# --- audit ---------------------------------------------------------------------------------------


def test_an_update_writes_before_and_after_and_the_actor(world: World) -> None:
    services.orgunit_update(
        kommune=world.kommune, actor=world.admin, unit=world.hauptamt, data={"name": "Hauptverwaltung"}
    )
    entry = AuditEntry.objects.for_kommune(world.kommune).filter(object_id=str(world.hauptamt.pk)).first()
    assert entry.action == AuditAction.UPDATE
    assert entry.changes == {"name": ["Hauptamt", "Hauptverwaltung"]}
    assert (entry.actor_id, entry.actor_name) == (world.admin.pk, "")  # the name is read from the account


def test_an_update_that_changes_nothing_writes_no_entry(world: World) -> None:
    count = AuditEntry.objects.for_kommune(world.kommune).count()
    services.orgunit_update(kommune=world.kommune, actor=world.admin, unit=world.hauptamt, data={"name": "Hauptamt"})
    assert AuditEntry.objects.for_kommune(world.kommune).count() == count
    assert fresh(world.hauptamt).version == 1


def test_audit_entries_stay_unchanged_after_the_actor_is_deleted(world: World) -> None:
    """The row keeps the account's id and pseudonym; the name went with the account."""
    clerk = UserFactory(username="sachbearbeiter", first_name="Sabine", last_name="Sachlich")
    services.person_update(kommune=world.kommune, actor=clerk, person=world.bruno, data={"function_title": "Leitung"})
    User.objects.filter(pk=clerk.pk).delete()
    entry = AuditEntry.objects.for_kommune(world.kommune).get(
        object_type="person", object_id=str(world.bruno.pk), action=AuditAction.UPDATE
    )
    assert (entry.actor_id, entry.actor_name) == (clerk.pk, "")
    [shown] = present_entries([entry])
    assert shown.actor_label == f"Gelöschte Person {entry.actor_pseudonym}"
    assert entry_changes(entry) == {"function_title": ["", "Leitung"]}


def test_an_audit_entry_cannot_be_changed_or_deleted(world: World) -> None:
    entry = AuditEntry.objects.for_kommune(world.kommune).first()
    entry.object_label = "verfälscht"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.for_kommune(world.kommune).update(object_label="verfälscht")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.for_kommune(world.kommune).delete()
    assert AuditEntry.objects.for_kommune(world.kommune).filter(object_label="verfälscht").count() == 0
