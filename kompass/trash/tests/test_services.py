"""The Papierkorb (docs/security.md R6): a delete keeps the object and everything that went with it for
30 days; a restore brings every row back with its id and its values; a restore that cannot be done
changes nothing; the retention job deletes what is older; an erasure deletes every item of the person."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
import time_machine
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from kompass.agenda import services as agenda_services
from kompass.agenda.models import KPI, BudgetLine, Measure, MeasureDependency, MeasureRole, Milestone, Risk
from kompass.agenda.tests import factories_measures
from kompass.audit.models import AuditAction, AuditEntry
from kompass.conftest import World
from kompass.core.exceptions import ConflictError
from kompass.factories import orgunit, person
from kompass.org import services as org_services
from kompass.org.models import OrgUnit, Person
from kompass.privacy import retention
from kompass.privacy import services as privacy_services
from kompass.privacy.tests.test_erasure import dump_tables
from kompass.roles import services as role_services
from kompass.roles.models import Role, RoleRelation
from kompass.trash import services
from kompass.trash.models import TrashItem, TrashRef
from kompass.trash.registry import TRASHABLE

pytestmark = pytest.mark.django_db


def rows_of(*querysets: models.QuerySet) -> list[dict[str, Any]]:
    """The rows as Django serialises them (every column), for comparing before and after."""
    found = []
    for qs in querysets:
        names = [f.name for f in qs.model._meta.concrete_fields if not f.primary_key]
        found.extend(json.loads(serializers.serialize("json", qs.order_by("pk"), fields=names)))
    return found


def only_item(world: World) -> TrashItem:
    return TrashItem.objects.for_kommune(world.kommune).get()


def test_every_trashable_entry_is_valid() -> None:
    items = TRASHABLE.check()
    assert {i.key for i in items} == {"org.person", "org.orgunit", "roles.role", "agenda.measure"}


def test_a_deleted_person_is_in_the_papierkorb_and_comes_back_with_her_id_and_values(world: World) -> None:
    k = world.kommune
    world.hauptamt.refresh_from_db()
    org_services.orgunit_update(kommune=k, actor=world.admin, unit=world.hauptamt, data={"head": world.alice})
    before = rows_of(Person.objects.for_kommune(k).filter(pk=world.alice.pk))
    org_services.person_delete(kommune=k, actor=world.admin, person=world.alice, expected_version=world.alice.version)
    assert not Person.objects.for_kommune(k).filter(pk=world.alice.pk).exists()
    item = only_item(world)
    assert (item.kind, item.label, item.object_id) == ("org.person", "Alice Amtsleiterin", str(world.alice.pk))
    assert item.deleted_by == world.admin
    assert item.expires_at - item.deleted_at == datetime.timedelta(days=30)
    created = AuditEntry.objects.for_kommune(k).filter(action=AuditAction.CREATE, object_type="person")

    services.restore(kommune=k, actor=world.admin, item=item, expected_version=item.version)

    assert rows_of(Person.objects.for_kommune(k).filter(pk=world.alice.pk)) == before
    assert not TrashItem.objects.for_kommune(k).exists()
    assert not TrashRef.objects.for_kommune(k).exists()
    [entry] = created.filter(object_id=str(world.alice.pk), actor=world.admin)
    assert entry.object_label.startswith("P-")  # a person's entry carries her pseudonym, no name


def test_a_measure_comes_back_with_everything_that_hung_on_it(world: World) -> None:
    scene = factories_measures.scene(world)
    k, m = world.kommune, scene.inside

    def everything() -> list[dict[str, Any]]:
        return rows_of(
            Measure.objects.for_kommune(k).filter(pk=m.pk),
            Milestone.objects.for_kommune(k).filter(measure=m),
            BudgetLine.objects.for_kommune(k).filter(measure=m),
            Risk.objects.for_kommune(k).filter(measure=m),
            MeasureRole.objects.for_kommune(k).filter(measure=m),
            MeasureDependency.objects.for_kommune(k).filter(measure=m),
            KPI.objects.for_kommune(k).filter(measure=m),
            Measure.handlungsfelder.through.objects.filter(measure=m),
        )

    before = everything()
    assert len(before) >= 7
    agenda_services.measure_delete(kommune=k, actor=world.admin, measure=m)
    assert everything() == []
    item = only_item(world)
    kinds = {row["model"] for row in item.payload}
    assert {"agenda.measure", "agenda.milestone", "agenda.budgetline", "agenda.risk", "agenda.kpi"} <= kinds

    services.restore(kommune=k, actor=world.admin, item=item, expected_version=item.version)

    assert everything() == before


def test_a_role_comes_back_with_its_relations(world: World) -> None:
    k = world.kommune
    own, other = (
        role_services.role_create(kommune=k, actor=None, data={"name": name, "kind": "intern"})
        for name in ("Eigene Rolle", "Digitallotsin")
    )
    role_services.relation_create(
        kommune=k, actor=None, data={"from_role": own, "to_role": other, "relation_type": "berichtet_an"}
    )
    pk = own.pk
    before = rows_of(Role.objects.for_kommune(k).filter(pk=pk), RoleRelation.objects.for_kommune(k))
    role_services.role_delete(kommune=k, actor=world.admin, role=own)
    assert not RoleRelation.objects.for_kommune(k).exists()
    item = only_item(world)

    services.restore(kommune=k, actor=world.admin, item=item, expected_version=1)

    assert rows_of(Role.objects.for_kommune(k).filter(pk=pk), RoleRelation.objects.for_kommune(k)) == before


def test_a_reference_the_delete_emptied_is_set_again(world: World) -> None:
    scene = factories_measures.scene(world)
    k = world.kommune
    unit = orgunit(k, "10.1", "Poststelle", parent=world.hauptamt)
    Measure.objects.for_kommune(k).filter(pk=scene.outside.pk).update(responsible_unit=unit)
    org_services.orgunit_delete(kommune=k, actor=world.admin, unit=unit, expected_version=unit.version)
    scene.outside.refresh_from_db()
    assert scene.outside.responsible_unit_id is None
    services.restore(kommune=k, actor=world.admin, item=only_item(world), expected_version=1)
    scene.outside.refresh_from_db()
    assert scene.outside.responsible_unit_id == unit.pk
    entry = AuditEntry.objects.for_kommune(k).filter(object_type="measure", object_id=str(scene.outside.pk)).first()
    assert entry is not None and entry.action == AuditAction.UPDATE


def test_a_unit_whose_parent_is_gone_is_not_restored_and_nothing_changes(world: World) -> None:
    k = world.kommune
    parent = orgunit(k, "70", "Bauhof", parent=world.root)
    child = orgunit(k, "70.1", "Fuhrpark", parent=parent)
    org_services.orgunit_delete(kommune=k, actor=world.admin, unit=child, expected_version=child.version)
    parent.refresh_from_db()
    org_services.orgunit_delete(kommune=k, actor=world.admin, unit=parent, expected_version=parent.version)
    item = TrashItem.objects.for_kommune(k).get(object_id=str(child.pk))
    entries = AuditEntry.objects.for_kommune(k).count()

    with pytest.raises(ValidationError, match="Organisationseinheit, auf die sich der Eintrag bezieht"):
        services.restore(kommune=k, actor=world.admin, item=item, expected_version=item.version)

    assert not OrgUnit.objects.for_kommune(k).filter(pk=child.pk).exists()
    assert TrashItem.objects.for_kommune(k).filter(pk=item.pk).exists()
    assert AuditEntry.objects.for_kommune(k).count() == entries


def test_a_restored_unit_follows_its_parent_that_moved_meanwhile(world: World) -> None:
    k = world.kommune
    unit = orgunit(k, "32.5", "Fundbüro", parent=world.ordnungsamt)
    org_services.orgunit_delete(kommune=k, actor=world.admin, unit=unit, expected_version=unit.version)
    world.ordnungsamt.refresh_from_db()
    org_services.orgunit_move(
        kommune=k,
        actor=world.admin,
        unit=world.ordnungsamt,
        new_parent=world.root,
        expected_version=world.ordnungsamt.version,
    )
    world.ordnungsamt.refresh_from_db()
    services.restore(kommune=k, actor=world.admin, item=only_item(world), expected_version=1)
    unit.refresh_from_db()
    assert unit.path == f"{world.ordnungsamt.path}{unit.pk}/"
    assert unit.depth == world.ordnungsamt.depth + 1


def test_a_taken_unique_value_refuses_the_restore(world: World) -> None:
    k = world.kommune
    org_services.person_delete(kommune=k, actor=world.admin, person=world.alice, expected_version=world.alice.version)
    person(k, "Alina", "Neu", world.hauptamt, email=world.alice.email)
    item = only_item(world)
    with pytest.raises(ValidationError, match="gibt es inzwischen"):
        services.restore(kommune=k, actor=world.admin, item=item, expected_version=item.version)
    assert Person.objects.for_kommune(k).filter(email=world.alice.email).count() == 1
    assert TrashItem.objects.for_kommune(k).filter(pk=item.pk).exists()


def test_a_stale_version_refuses_restore_and_purge(world: World) -> None:
    k = world.kommune
    org_services.person_delete(kommune=k, actor=world.admin, person=world.alice, expected_version=world.alice.version)
    item = only_item(world)
    with pytest.raises(ConflictError):
        services.restore(kommune=k, actor=world.admin, item=item, expected_version=item.version + 1)
    with pytest.raises(ConflictError):
        services.purge(kommune=k, actor=world.admin, item=item, expected_version=item.version + 1)
    assert TrashItem.objects.for_kommune(k).filter(pk=item.pk).exists()


def test_purge_deletes_for_good_and_the_log_names_the_object(world: World) -> None:
    k = world.kommune
    org_services.person_delete(kommune=k, actor=world.admin, person=world.alice, expected_version=world.alice.version)
    services.purge(kommune=k, actor=world.admin, item=only_item(world), expected_version=1)
    assert not TrashItem.objects.for_kommune(k).exists()
    entry = AuditEntry.objects.for_kommune(k).filter(object_type="person", object_id=str(world.alice.pk)).first()
    assert entry is not None and entry.action == AuditAction.DELETE
    assert "Alice" not in entry.object_label  # a person's entry carries her pseudonym


def test_the_retention_job_deletes_items_after_30_days_and_not_before(world: World) -> None:
    k = world.kommune
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        org_services.person_delete(
            kommune=k, actor=world.admin, person=world.alice, expected_version=world.alice.version
        )
        traveller.shift(datetime.timedelta(days=29, hours=23))
        retention.delete_expired()
        assert TrashItem.objects.for_kommune(k).exists()
        traveller.shift(datetime.timedelta(hours=2))
        item = only_item(world)
        with pytest.raises(ValidationError, match="abgelaufen"):
            services.restore(kommune=k, actor=world.admin, item=item, expected_version=item.version)
        counts = retention.delete_expired()
    assert counts["kompass_trash.TrashItem"] >= 1  # the item and its references
    assert not TrashItem.objects.for_kommune(k).exists()
    assert not TrashRef.objects.for_kommune(k).exists()


def test_an_erasure_deletes_every_item_that_holds_or_names_the_person(world: World, settings: Any, tmp_path) -> None:
    settings.ERASURE_JOURNAL_PATH = tmp_path / "journal.jsonl"
    k = world.kommune
    sentinel = person(k, "Xaver", "Sentinella", world.hauptamt, email="xaver.sentinella@teststadt.example")
    unit = orgunit(k, "10.7", "Leitstelle", parent=world.hauptamt)
    org_services.orgunit_update(kommune=k, actor=world.admin, unit=unit, data={"head": sentinel})
    unit.refresh_from_db()
    org_services.orgunit_delete(kommune=k, actor=world.admin, unit=unit, expected_version=unit.version)
    other = orgunit(k, "10.8", "Andere Stelle", parent=world.hauptamt)
    org_services.orgunit_delete(kommune=k, actor=world.admin, unit=other, expected_version=other.version)
    sentinel.refresh_from_db()
    org_services.person_delete(kommune=k, actor=world.admin, person=sentinel, expected_version=sentinel.version)
    assert TrashItem.objects.for_kommune(k).count() == 3

    privacy_services.erase_person(k, person=sentinel, actor=world.admin)

    left = list(TrashItem.objects.for_kommune(k))
    assert [i.object_id for i in left] == [str(other.pk)]  # the unit she led named her: gone too
    assert "sentinella" not in dump_tables().lower()  # D2: no table of the live database names her


def test_move_to_trash_refuses_a_row_of_another_kommune(world: World) -> None:
    with pytest.raises(ValidationError):
        services.move_to_trash(kommune=world.kommune, actor=world.admin, obj=world.other_person)
    assert Person.objects.for_kommune(world.other).filter(pk=world.other_person.pk).exists()
    assert not TrashItem.objects.unscoped().exists()


def test_the_information_about_a_person_includes_what_waits_in_the_papierkorb_about_her(world: World) -> None:
    """Art. 15 (docs/security.md D1): a deleted unit she led still names her for 30 days."""
    from kompass.privacy.selectors import DataSubject

    k = world.kommune
    unit = orgunit(k, "10.7", "Leitstelle", parent=world.hauptamt)
    org_services.orgunit_update(kommune=k, actor=world.admin, unit=unit, data={"head": world.alice})
    unit.refresh_from_db()
    org_services.orgunit_delete(kommune=k, actor=world.admin, unit=unit, expected_version=unit.version)
    other = orgunit(k, "10.8", "Andere Stelle", parent=world.hauptamt)
    org_services.orgunit_delete(kommune=k, actor=world.admin, unit=other, expected_version=other.version)

    tables = privacy_services.export_data(DataSubject.build(k, person=world.alice))["tabellen"]
    trash = next(table for table in tables if table["tabelle"] == "kompass_trash.TrashItem")
    assert [row["label"] for row in trash["zeilen"]] == ["10.7 Leitstelle"]  # not the unit without her
    bruno = privacy_services.export_data(DataSubject.build(k, person=world.bruno))["tabellen"]
    assert "kompass_trash.TrashItem" not in [table["tabelle"] for table in bruno]
